"""A seal taken off a scanned page before OCR is reported: the text under it may be lost.

Removing red and blue ink keeps a seal's ring and lettering out of the text, but printed words under
it lose the strokes they share with it; the result says on which page, and where, so a reviewer
knows to look there.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from extract.api import extract_file
from extract.ocr import ocr_pdf_pages
from extract.ocr.preprocess import PageImage, prepare, render_pdf_page
from realdocs import real

DPI = 200


def mm(value: float) -> int:
    return round(value * DPI / 25.4)


def page_with(draw: list[tuple[str, tuple[int, int, int], int]]) -> PageImage:
    """An A4 page at 200 dpi with black text lines and the coloured marks given as (shape, colour, size mm)."""
    rgb = np.full((mm(297), mm(210), 3), 250, np.uint8)
    for y in range(mm(30), mm(120), mm(8)):
        cv2.putText(rgb, "Nguyen Van A ky ten", (mm(20), y), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (15, 15, 15), 4)
    for shape, colour, size in draw:
        centre = (mm(140), mm(200))
        if shape == "ring":
            cv2.circle(rgb, centre, mm(size) // 2, colour, mm(1))
            cv2.circle(rgb, centre, mm(size) // 2 - mm(5), colour, mm(0.5))  # the inner ring, apart from the outer
            cv2.putText(rgb, "UBND", (centre[0] - mm(8), centre[1]), cv2.FONT_HERSHEY_SIMPLEX, 1.5, colour, 3)
        elif shape == "emblem":
            cv2.circle(rgb, centre, mm(size) // 2, colour, -1)
        else:  # a signature's stroke: long and thin
            cv2.line(rgb, (mm(100), mm(250)), (mm(100 + size), mm(253)), colour, mm(0.6))
    return PageImage(number=4, pixels=rgb, dpi=DPI)


def test_a_seal_is_found_once_with_its_size_and_place() -> None:
    seals = prepare(page_with([("ring", (200, 30, 35), 36)])).seals
    assert len(seals) == 1  # the inner ring is part of the same seal
    seal = seals[0]
    assert seal.colour == "red" and abs(seal.width_mm - 36) <= 2 and abs(seal.height_mm - 36) <= 2
    assert 0.55 < seal.top_share < seal.bottom_share < 0.75


@pytest.mark.parametrize(
    "marks",
    [
        [("emblem", (200, 30, 35), 8)],  # the e-signature system's 8 mm emblem
        [("stroke", (30, 40, 200), 45)],  # a blue signature
        [],
    ],
)
def test_small_or_thin_colour_is_no_seal(marks: list[tuple[str, tuple[int, int, int], int]]) -> None:
    assert prepare(page_with(marks)).seals == ()


def test_a_real_scans_red_seal_is_a_warning_on_its_page() -> None:
    path = real("CT-QuangNgai-hoadondientu-scan.pdf")
    stream = ocr_pdf_pages(path.read_bytes(), path.name, [3])
    seals = [warning for warning in stream.warnings if warning[0] == "seal_removed"]
    assert len(seals) == 1
    _, message, page = seals[0]
    assert page == 3
    assert message.startswith("Trang 3: đã xoá con dấu màu đỏ")
    assert "page 3: a red seal or stamp" in message and "text under it may be lost" in message


def test_a_scan_with_only_the_e_signature_emblem_in_colour_has_no_seal() -> None:
    path = real("09-2025-QD-TTg.pdf")
    image = render_pdf_page(path.read_bytes(), path.name, 1)
    assert image.pixels.ndim == 3  # the page is in colour: the emblem is red and blue
    assert prepare(image).seals == ()


def test_the_seal_warning_reaches_the_document() -> None:
    document = extract_file(real("KH-SYT-HCM-2021-kiemtra-VBQPPL-scan.pdf"))
    pages = [w.provenance.page for w in document.warnings if w.code == "seal_removed" and w.provenance]
    assert pages == [5]
