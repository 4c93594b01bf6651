"""The number after "Số:" read with low OCR confidence is flagged (session-13 trial, docs/realdocs-trial.md).

Word readings as Tesseract gave them on the first pages of the real scans (text and confidence).
"""

from __future__ import annotations

from extract.ocr.engine import Word
from extract.ocr.header_number import uncertain_number


def _line(*readings: tuple[str, float]) -> list[Word]:
    return [Word(text, score, 40 * index, 10, 30, 20, 1, 1, 1) for index, (text, score) in enumerate(readings)]


def test_a_handwritten_number_read_as_print_is_flagged() -> None:
    # QĐ 1380/QĐ-TTg (2025): the handwritten "1380" read "280", nothing said.
    found = uncertain_number(_line(("Số:280", 0.48), ("/QĐ-TTg", 0.76), ("Hà", 0.96), ("Nội,", 0.93)))
    assert found is not None and found[0].startswith("Số:280") and found[1] == 0.48
    # The number in the next word: "Số:" "4@" (TB 46/TB-UBND Quảng Ngãi).
    assert uncertain_number(_line(("Số:", 0.93), ("4@", 0.62), ("/TB-UBND", 0.91))) is not None
    # The label itself misread: "Só:492" (TB 493/TB-UBND Lâm Đồng, 2025).
    assert uncertain_number(_line(("Só:492", 0.12), ("/TB-UBND", 0.92))) is not None


def test_a_typed_number_and_a_number_without_digits_are_not_flagged() -> None:
    # QĐ 09/2025/QĐ-TTg: typed, 0.89.
    assert uncertain_number(_line(("Số:", 0.97), ("09/2025/QĐ-TTg", 0.89), ("Hà", 0.95))) is None
    # "Số: ý# /CT-UBND": no digit read, the metadata already says the number is missing.
    assert uncertain_number(_line(("Số:", 0.93), ("ý#", 0.65), ("/CT-UBND", 0.92))) is None
