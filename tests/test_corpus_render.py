"""The committed renderings of the seed corpus (corpus/docs/*.docx, *.pdf, *_scan.pdf).

Nothing here needs LibreOffice: the DOCX files are re-rendered from the seeds (pure Python) and
compared byte for byte; the PDFs are checked as committed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image, ImageFilter

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "corpus" / "docs"
NAMES = [
    "dong_cuu_ke_hoach_2026",
    "son_hai_ke_hoach_2026",
    "ha_tinh_qd_1402_danh_muc_csdl",
    "bac_ninh_ke_hoach_2026",
    "hung_yen_ke_hoach_du_lieu_mo",
]
# National header + one table per catalog group (Đông Cứu 6, Sơn Hải 6 + open data) or one catalog.
EXPECTED_TABLES = {
    "dong_cuu_ke_hoach_2026": 7,
    "son_hai_ke_hoach_2026": 8,
    "ha_tinh_qd_1402_danh_muc_csdl": 2,
    "bac_ninh_ke_hoach_2026": 1,
    "hung_yen_ke_hoach_du_lieu_mo": 2,
}


def _cell_text(tc: etree._Element) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))).strip()


def _rows(table: docx.table.Table) -> list[list[etree._Element]]:
    return [tr.findall(qn("w:tc")) for tr in table._tbl.findall(qn("w:tr"))]


def _vmerge(tc: etree._Element) -> str | None:
    node = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if node is None:
        return None
    return node.get(qn("w:val")) or "continue"


@pytest.mark.parametrize("name", NAMES)
def test_docx_opens_with_expected_tables_and_borderless_national_header(name: str) -> None:
    document = docx.Document(str(DOCS / f"{name}.docx"))
    assert len(document.tables) == EXPECTED_TABLES[name]
    first_block = next(iter(document.element.body.iterchildren()))
    assert first_block.tag == qn("w:tbl"), "the national header table comes first"
    header = document.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} <= {"nil", "none"}
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "NHÂN DÂN" in left and "Số:" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and ", ngày" in right
    body_text = "\n".join(p.text for p in document.paragraphs)
    assert "Số:" not in body_text.split("\n")[:5], "header lines are not repeated in the body"


@pytest.mark.parametrize("name", [n for n in NAMES if EXPECTED_TABLES[n] > 1])
def test_data_tables_repeat_their_header_row(name: str) -> None:
    document = docx.Document(str(DOCS / f"{name}.docx"))
    for table in document.tables[1:]:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_split_header_line_goes_to_both_columns() -> None:
    # Hưng Yên prints "Số: /KH-UBND Hưng Yên, ngày tháng 01 năm 2024" on one line.
    header = docx.Document(str(DOCS / "hung_yen_ke_hoach_du_lieu_mo.docx")).tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.splitlines()[-1] == "Số: /KH-UBND"
    assert right.splitlines()[-1] == "Hưng Yên, ngày tháng 01 năm 2024"


def test_decision_header_is_taken_from_the_annex_reference() -> None:
    header = docx.Document(str(DOCS / "ha_tinh_qd_1402_danh_muc_csdl.docx")).tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.splitlines() == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "Số: 1402/QĐ-UBND"]
    assert right.splitlines()[-1] == "Hà Tĩnh, ngày 12 tháng 7 năm 2022"


def test_ha_tinh_unit_column_is_vertically_merged() -> None:
    table = docx.Document(str(DOCS / "ha_tinh_qd_1402_danh_muc_csdl.docx")).tables[1]
    rows = _rows(table)
    header = [_cell_text(tc) for tc in rows[0]]
    unit_col = header.index("Tên đơn vị quản lý")
    assert len(rows) == 35  # header + 34 databases, the row broken by a blank line kept whole
    states = [_vmerge(row[unit_col]) for row in rows[1:]]
    assert states.count("continue") == 17
    assert states[0] == "restart" and states[1] == "continue"  # Sở Kế hoạch và Đầu tư over rows 1-5
    assert _cell_text(rows[1][unit_col]) == "Sở Kế hoạch và Đầu tư"
    other_cols = [i for i in range(len(header)) if i != unit_col]
    assert all(_vmerge(row[i]) is None for row in rows for i in other_cols)
    row_25 = [_cell_text(tc) for tc in rows[25]]
    assert row_25[0] == "25" and "- Nội dung: thông tin về lĩnh vực Giáo dục" in row_25[3]


def test_bac_ninh_tasks_use_word_automatic_numbering() -> None:
    path = DOCS / "bac_ninh_ke_hoach_2026.docx"
    document = docx.Document(str(path))
    num_pr_path = f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}"
    numbered = [p for p in document.paragraphs if p._p.find(num_pr_path) is not None]
    levels = [int(p._p.find(num_pr_path).get(qn("w:val"))) for p in numbered]
    assert levels.count(0) == 5 and levels.count(1) == 5  # 1.-5. and a) b) c) d) e)
    assert numbered[0].text == "Hoàn thiện thể chế", "the typed label is removed"
    texts = [p.text for p in document.paragraphs]
    assert "đ) Đối với dữ liệu ngành Y tế" in texts, "Word cannot print đ): it stays typed"
    assert "1.1. Xây dựng các văn bản, đề án về dữ liệu" in texts
    numbering = document.part.numbering_part.element
    formats = {lvl.find(qn("w:numFmt")).get(qn("w:val")) for lvl in numbering.iter(qn("w:lvl"))}
    assert {"decimal", "lowerLetter"} <= formats


def test_hung_yen_catalog_is_one_continuous_table() -> None:
    table = docx.Document(str(DOCS / "hung_yen_ke_hoach_du_lieu_mo.docx")).tables[1]
    rows = _rows(table)
    texts = [[_cell_text(tc) for tc in row] for row in rows]
    numbers = [row[0] for row in texts if row[0].isdigit()]
    assert numbers == [str(n) for n in range(1, 131)]
    assert sum(1 for row in texts if row[0] == "TT") == 1, "repeated page headers are dropped"
    by_number = {row[0]: row for row in texts if row[0].isdigit()}
    assert by_number["12"][2].endswith("loại chứng chỉ được phép cấp")
    assert by_number["52"][3] == "Sở Lao động - Thương binh và Xã hội"
    assert by_number["52"][1].endswith("đi làm việc ở nước ngoài trên địa bàn tỉnh")
    assert by_number["109"][2].endswith("chất lượng môi trường sống của loài thủy sản.")
    # Row 124: TT and title span its three sub-rows.
    start = next(i for i, row in enumerate(texts) if row[0] == "124")
    assert [_vmerge(rows[start + k][0]) for k in range(4)] == ["restart", "continue", "continue", "continue"]
    assert [_vmerge(rows[start + k][1]) for k in range(4)] == ["restart", "continue", "continue", "continue"]
    assert texts[start + 3][2] == "Nhóm dữ liệu kế hoạch sử dụng đất hàng năm cấp huyện"
    # Group rows: the heading cell spans the four columns after the number, in bold.
    groups = [row for row in rows if len(row) == 2]
    assert len(groups) == 14
    span = groups[0][1].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    assert span is not None and span.get(qn("w:val")) == "4"
    assert groups[0][1].find(f".//{qn('w:b')}") is not None


def test_dong_cuu_page_break_fragment_rejoins_its_row() -> None:
    table = docx.Document(str(DOCS / "dong_cuu_ke_hoach_2026.docx")).tables[2]
    texts = [[_cell_text(tc) for tc in row] for row in _rows(table)]
    assert len(texts) == 6
    assert texts[2][1] == "Dữ liệu kết quả giải quyết TTHC"


def test_markup_becomes_run_styles_not_text() -> None:
    for name in NAMES:
        document = docx.Document(str(DOCS / f"{name}.docx"))
        xml_text = "".join(t.text or "" for t in document.element.body.iter(qn("w:t")))
        for residue in ("**", "<b>", "<i>", "<sup>", "## "):
            assert residue not in xml_text, (name, residue)
    document = docx.Document(str(DOCS / "hung_yen_ke_hoach_du_lieu_mo.docx"))
    runs = [run for para in document.tables[1]._tbl.iter(qn("w:r")) for run in [para]]
    superscripts = [r for r in runs if r.find(f"{qn('w:rPr')}/{qn('w:vertAlign')}") is not None]
    assert superscripts, "<sup>2</sup> and <sub>2</sub> are real super/subscript runs"


def test_docx_rendering_is_deterministic(tmp_path: Path) -> None:
    for name in NAMES:
        shutil.copy(DOCS / f"{name}.txt", tmp_path / f"{name}.txt")
    subprocess.run(
        [sys.executable, "-m", "corpus.render", "--skip-pdf", "--docs", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name in NAMES:
        assert (tmp_path / f"{name}.docx").read_bytes() == (DOCS / f"{name}.docx").read_bytes(), (
            f"{name}.docx is stale: run `make corpus`"
        )


def _page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


@pytest.mark.parametrize("name", NAMES)
def test_text_pdf_has_pages_and_text(name: str) -> None:
    pages = _page_texts(DOCS / f"{name}.pdf")
    assert len(pages) > 1
    text = "\n".join(pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert len(text) > 5000


@pytest.mark.parametrize(
    ("name", "header_words", "first_row", "min_pages"),
    [
        ("hung_yen_ke_hoach_du_lieu_mo", "Tần suất", "Dữ liệu các thư viện", 10),
        ("ha_tinh_qd_1402_danh_muc_csdl", "Hình thức chia", "CSDL về quản lý thông tin kinh tế", 10),
    ],
)
def test_big_tables_break_across_pages_and_repeat_the_header(
    name: str, header_words: str, first_row: str, min_pages: int
) -> None:
    pages = [" ".join(text.split()) for text in _page_texts(DOCS / f"{name}.pdf")]
    start = next(i for i, text in enumerate(pages) if first_row in text)
    table_pages = pages[start:]
    assert len(table_pages) >= min_pages
    assert all(header_words in text for text in table_pages), "the header row repeats on every page"


def test_text_pdf_table_header_row_is_on_top_of_a_continuation_page() -> None:
    with pdfplumber.open(DOCS / "hung_yen_ke_hoach_du_lieu_mo.pdf") as pdf:
        page = pdf.pages[-2]
        rows = page.find_tables()[0].extract()
    assert [" ".join((cell or "").split()) for cell in rows[0]][:3] == ["TT", "Tên dữ liệu", "Mô tả"]


@pytest.mark.parametrize("name", NAMES)
def test_text_pdf_uses_one_font_family(name: str) -> None:
    # Mixed families mean LibreOffice fell back to another font for Vietnamese letters, and
    # text extractors then read the letters of a word out of order.
    data = (DOCS / f"{name}.pdf").read_bytes()
    families = {m.group(1) for m in re.finditer(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z]+)", data)}
    assert len(families) == 1, families


@pytest.mark.parametrize("name", NAMES)
def test_scan_pdf_has_images_only(name: str) -> None:
    scan_pages = _page_texts(DOCS / f"{name}_scan.pdf")
    assert len(scan_pages) == len(_page_texts(DOCS / f"{name}.pdf"))
    assert all(not text.strip() for text in scan_pages)
    document = pdfium.PdfDocument(str(DOCS / f"{name}_scan.pdf"))
    try:
        for index in range(len(document)):
            objects = list(document[index].get_objects())
            assert [obj.type for obj in objects] == [pdfium_c.FPDF_PAGEOBJ_IMAGE]
    finally:
        document.close()


# The pages of each scan that carry the red seal: the signature page (a seal over the signer's
# title and a blue signature) and, for the two big catalogs, one table page sealed over its cells.
SEALED_PAGES = [
    ("dong_cuu_ke_hoach_2026", 7),
    ("son_hai_ke_hoach_2026", 6),
    ("ha_tinh_qd_1402_danh_muc_csdl", 2),
    ("ha_tinh_qd_1402_danh_muc_csdl", 6),
    ("bac_ninh_ke_hoach_2026", 8),
    ("hung_yen_ke_hoach_du_lieu_mo", 4),
    ("hung_yen_ke_hoach_du_lieu_mo", 9),
]


def _render(path: Path, number: int, dpi: int, grey: bool = False) -> np.ndarray:
    document = pdfium.PdfDocument(str(path))
    try:
        bitmap = document[number - 1].render(scale=dpi / 72.0, grayscale=grey)
        return np.asarray(bitmap.to_pil().convert("L" if grey else "RGB"))
    finally:
        document.close()


def _strongly_red(rgb: np.ndarray) -> int:
    r, g, b = (rgb[..., k].astype(np.int16) for k in range(3))
    return int(np.count_nonzero((r > 150) & (r - g > 70) & (r - b > 70)))


@pytest.mark.parametrize(("name", "number"), SEALED_PAGES)
def test_sealed_scan_pages_are_colour_with_a_red_seal(name: str, number: int) -> None:
    rgb = _render(DOCS / f"{name}_scan.pdf", number, 100)
    assert _strongly_red(rgb) > 1500, "a 35 mm seal at 100 dpi is a few thousand red pixels"


def test_signature_page_is_the_one_with_the_signer_title_and_has_blue_ink() -> None:
    with pdfplumber.open(DOCS / "bac_ninh_ke_hoach_2026.pdf") as pdf:
        titled = [i + 1 for i, page in enumerate(pdf.pages) if "KT. CHỦ TỊCH" in (page.extract_text() or "")]
    assert titled == [8]
    rgb = _render(DOCS / "bac_ninh_ke_hoach_2026_scan.pdf", 8, 100).astype(np.int16)
    blue = (rgb[..., 2] - rgb[..., 0] > 40) & (rgb[..., 2] > 70)
    assert np.count_nonzero(blue) > 300, "the signature is a dark blue scribble"


def test_unsealed_scan_pages_stay_greyscale() -> None:
    rgb = _render(DOCS / "bac_ninh_ke_hoach_2026_scan.pdf", 1, 100).astype(np.int16)
    assert _strongly_red(rgb) == 0
    assert int(np.abs(rgb[..., 0] - rgb[..., 1]).max()) <= 2


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a = a.astype(np.float64) - a.mean()
    b = b.astype(np.float64) - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize(("number", "upside_down"), [(1, False), (2, True), (3, False)])
def test_one_son_hai_page_was_scanned_upside_down(number: int, upside_down: bool) -> None:
    # Blurred so that the slight skew and the speckles do not decide the comparison.
    twin = np.asarray(
        Image.fromarray(_render(DOCS / "son_hai_ke_hoach_2026.pdf", number, 30, grey=True)).filter(
            ImageFilter.GaussianBlur(2)
        )
    )
    scan_image = Image.fromarray(_render(DOCS / "son_hai_ke_hoach_2026_scan.pdf", number, 30, grey=True))
    scan = np.asarray(scan_image.resize(twin.shape[::-1]).filter(ImageFilter.GaussianBlur(2)))
    upright, turned = _correlation(scan, twin), _correlation(scan, twin[::-1, ::-1])
    assert (turned > upright + 0.2) if upside_down else (upright > turned + 0.2), (upright, turned)


def test_scan_rendering_is_deterministic(tmp_path: Path) -> None:
    name = "bac_ninh_ke_hoach_2026"  # the shortest document with a seal and a signature
    shutil.copy(DOCS / f"{name}.pdf", tmp_path / f"{name}.pdf")
    subprocess.run(
        [sys.executable, "-m", "corpus.render.scan", "--docs", str(tmp_path), name],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / f"{name}_scan.pdf").read_bytes() == (DOCS / f"{name}_scan.pdf").read_bytes(), (
        f"{name}_scan.pdf is stale: run `make corpus`"
    )
