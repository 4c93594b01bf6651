"""Post-correction only on evidence: the language model keeps what Tesseract read unless a candidate
is more probable in context; judged on slips and right readings taken from real scans
(``realdocs/ocr`` holds their hand-checked transcriptions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.blocks import Block, Paragraph
from extract.ocr.langmodel import choose, language_model, mark_distance
from extract.ocr.pipeline import MAX_CORRECTED_SHARE, _too_many_changes
from extract.ocr.postcorrect import Correction, correct_text
from extract.ocr.syllables import tone_key
from realdocs import REALDOCS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "right",
    [
        # Valid syllables a dictionary pair used to turn into other valid syllables (real scans).
        "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023",
        "Ủy ban sông Mê Công Việt Nam",
        "Mã cấp 1 của tỉnh, thành phố trước khi sáp nhập còn lại sẽ bị đóng.",
        "thành phố mới không trùng với tên các tỉnh",
        "thị xã Đức Phổ và thành phố Quảng Ngãi",
        "kịp thời kiến nghị đình chỉ thi hành, sửa đổi",
        "đảm bảo tính hợp hiến, hợp pháp",
        "văn bản ban hành không đúng thẩm quyền",
        "tiếp tục đôn đốc, hướng dẫn các phòng",
        "các cơ quan thuộc Chính phủ",
        "các điều kiện cần thiết",
        "- Văn phòng Trung ương và các Ban của Đảng;",  # a capitalised name inside a sentence
    ],
)
def test_a_right_reading_is_kept(right: str) -> None:
    corrected, corrections = correct_text(right, 1)
    assert corrected == right, corrections


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("các cơ quan, tô chức phục vụ", "các cơ quan, tổ chức phục vụ"),
        ("thành phô trực thuộc trung ương", "thành phố trực thuộc trung ương"),
        ("cơ quan có thâm quyền ban hành", "cơ quan có thẩm quyền ban hành"),
        ("Sửa đỗi, bỗ sung Quyết định", "Sửa đổi, bổ sung Quyết định"),
        ("chủ yêu là các đơn vị", "chủ yếu là các đơn vị"),
        ("góp phần đây nhanh tiến trình", "góp phần đẩy nhanh tiến trình"),
        ("tạo chuyền biến căn bản", "tạo chuyển biến căn bản"),
        ("trên địa bàn tính", "trên địa bàn tỉnh"),  # a genre phrase: its trigram decides
        ("Số Kế hoạch và Đầu tư", "Sở Kế hoạch và Đầu tư"),  # a registry name of five syllables
        ("xây dựng, sữa chữa", "xây dựng, sửa chữa"),  # judged beside its corrected neighbour
    ],
)
def test_a_slip_the_context_makes_improbable_is_corrected(read: str, expected: str) -> None:
    assert correct_text(read, 1)[0] == expected


def test_the_channel_needs_the_context_to_outweigh_a_misread_mark() -> None:
    model = language_model()
    read, candidate = tone_key("tô"), tone_key("tổ")
    distance = {candidate: mark_distance("tô", "tổ")}
    assert model.unigrams[candidate] > model.unigrams[read]
    # Beside "chức" the candidate wins by far; with no context its frequency alone does not.
    assert choose(read, [candidate], ("", ""), (tone_key("chức"), ""), distance) is not None
    assert choose(read, [candidate], ("", ""), ("", ""), distance) is None


def test_an_unknown_neighbour_gives_no_context() -> None:
    # "rnắc" is "mắc" misread: it must not tip "vướng" towards a syllable with more varied followers.
    read = tone_key("vướng")
    alone = choose(read, [tone_key("vường")], ("", ""), ("", ""), {tone_key("vường"): 1})
    beside = choose(read, [tone_key("vường")], ("", ""), ("rnăc|sac", ""), {tone_key("vường"): 1})
    assert alone == beside


def test_a_page_whose_text_would_change_wholesale_keeps_tesseract_reading() -> None:
    words = " ".join(["từ"] * 40)
    laid_out: list[tuple[int, Block]] = [(0, Paragraph(text=words, page=1))]
    few = [Correction(1, "tô", "tổ", "")] * 3
    many = [Correction(1, "tô", "tổ", "")] * int(MAX_CORRECTED_SHARE * 40 + 1)
    assert not _too_many_changes(laid_out, few)
    assert _too_many_changes(laid_out, many)


@pytest.mark.skipif(not (REALDOCS / "CT-QuangNgai-hoadondientu-scan.pdf").exists(), reason="shared/realdocs absent")
def test_a_real_scanned_page_is_only_made_better() -> None:
    """Page 2 of the Quảng Ngãi directive (a 100 dpi colour scan): every correction moves the text
    towards the hand-checked transcription, and the page reads close to it."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("ocr_real", ROOT / "benchmarks" / "ocr_real.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["ocr_real"] = bench
    spec.loader.exec_module(bench)
    cer, judge, page_text = bench.cer, bench.judge, bench.page_text
    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    pdf = REALDOCS / "CT-QuangNgai-hoadondientu-scan.pdf"
    truth = (ROOT / "realdocs" / "ocr" / "CT-QuangNgai-hoadondientu-scan-p2.txt").read_text(encoding="utf-8")
    result = ocr_page(render_pdf_page(pdf.read_bytes(), pdf.name, 2))
    text = page_text(result.blocks, 2)
    verdicts = judge(truth, text, result.corrections)
    assert verdicts.wrong == 0, verdicts.wrong_examples
    assert verdicts.right >= 8
    assert cer(truth, text) < 0.005


@pytest.mark.skipif(not (REALDOCS / "KH-SYT-HCM-2021-kiemtra-VBQPPL-scan.pdf").exists(), reason="realdocs absent")
def test_the_e_signature_box_is_rendered_apart_from_the_scan() -> None:
    """The Sở Y tế plan's "Người ký / Thời gian ký" box is a signature field's appearance (blue text):
    it is rendered, kept out of the stamp removal, and laid over the page as ink."""
    from extract.ocr.preprocess import prepare, render_pdf_page

    pdf = REALDOCS / "KH-SYT-HCM-2021-kiemtra-VBQPPL-scan.pdf"
    image = render_pdf_page(pdf.read_bytes(), pdf.name, 1)
    assert image.printed is not None
    corner = (slice(0, image.printed.shape[0] // 16), slice(image.printed.shape[1] * 2 // 3, None))
    assert (image.printed[corner] < 128).sum() > 1000  # the box's text, top right
    assert (prepare(image).gray[corner] < 128).sum() > 1000  # still there after stamp removal
    twin = ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026_scan.pdf"
    assert render_pdf_page(twin.read_bytes(), twin.name, 1).printed is None  # no form, nothing laid over


@pytest.mark.skipif(not (REALDOCS / "09-2025-QD-TTg.pdf").exists(), reason="shared/realdocs absent")
@pytest.mark.parametrize(
    ("stem", "page", "plain"),
    # plain: CER of `tesseract -l vie` on the page at 300 dpi (Tesseract 5, `bench_ocr.py real`), a
    # fixed figure so the test does not run a second OCR.
    [
        ("09-2025-QD-TTg", 3, 0.0755),
        ("CT-QuangNgai-hoadondientu-scan", 3, 0.0137),
        ("KH-SYT-HCM-2021-kiemtra-VBQPPL-scan", 1, 0.0471),
    ],
)
def test_pages_once_read_worse_than_plain_tesseract_are_not(stem: str, page: int, plain: float) -> None:
    """The three real pages where danhmuc read worse than plain Tesseract (a "Nơi nhận" list
    interleaved with the signature, seal and signature strokes read as words, the e-signature box
    not rendered) now read at least as well."""
    from danhmuc.evaluation.scan_text import cer, page_text
    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    pdf = REALDOCS / f"{stem}.pdf"
    truth = (ROOT / "realdocs" / "ocr" / f"{stem}-p{page}.txt").read_text(encoding="utf-8")
    ours = page_text(ocr_page(render_pdf_page(pdf.read_bytes(), pdf.name, page)).blocks, page)
    assert (cer(truth, ours).value or 0.0) <= plain
