"""Saying when unsure, and repairing only from evidence, where a table is too short to show a pattern.

QĐ 09/2025/QĐ-TTg replaces two rows with one-row ruled tables ("57 | UBND thành phố Huế | H57",
"57 | HĐND thành phố Huế | K57") under a 26-row table of codes: no column sequence or code column
of their own, so the page's long table lends its code shape, and a lone number read unsure is read
again at twice the scale. A signer read without a family name (the surname lost under a seal's
ring) is kept as read and flagged.
"""

from __future__ import annotations

import pytest

from extract.blocks import Paragraph
from extract.model import Table
from extract.ocr.cellfix import correct_readings
from extract.ocr.cells import CellReading
from extract.ocr.columns import off_pattern, page_codes, siblings_of
from extract.ocr.engine import Word
from extract.ocr.grid import GridCell
from extract.structure.metadata import extract_metadata
from extract.structure.metadata_warnings import metadata_warnings
from realdocs import real


def paragraphs(*texts: str) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1, page=1) for index, text in enumerate(texts)]


def _cell(row: int, col: int, text: str, confidence: float = 0.95) -> CellReading:
    words = [Word(part, confidence, 10 + 40 * i, 5, 30, 25, 1, 1, 1) for i, part in enumerate(text.split())]
    grid_cell = GridCell(row, col, 1, 1, col * 100, row * 40, col * 100 + 100, row * 40 + 40)
    return CellReading(grid_cell, text, confidence, words)


def _table(*rows: tuple[str, str, str]) -> list[CellReading]:
    return [_cell(row, col, text) for row, cells in enumerate(rows) for col, text in enumerate(cells)]


CODES = _table(
    ("STT", "Tên cơ quan cấp 1", "Mã cấp 1"),
    ("13", "Bộ Y tế", "G18"),
    ("14", "Ngân hàng Nhà nước Việt Nam", "G19"),
    ("15", "Thanh tra Chính phủ", "G20"),
    ("16", "Bộ Dân tộc và Tôn giáo", "G2I"),
)


def test_a_one_row_table_takes_the_code_shape_of_its_pages_long_table() -> None:
    codes = page_codes([CODES, _table(("57", "HĐND thành phố Huế", "K$7"))])
    assert codes == {(3, 2): 2}
    short = _table(("57", "HĐND thành phố Huế", "K$7"))
    fixed, corrections = correct_readings(short, 2, siblings_of(short, codes))
    assert [reading.text for reading in fixed] == ["57", "HĐND thành phố Huế", "K57"]
    assert ("K$7", "K57", "code") in {(c.original, c.corrected, c.reason) for c in corrections}
    # another prefix of the shape is no slip, and a code that cannot be spelt is flagged, not guessed
    other = _table(("57", "UBND thành phố Huế", "H57"))
    assert off_pattern(correct_readings(other, 2, siblings_of(other, codes))[0], siblings_of(other, codes)) == []
    broken = _table(("57", "HĐND thành phố Huế", "KŠ?7"))
    repaired, _ = correct_readings(broken, 2, siblings_of(broken, codes))
    assert [repaired[i].text for i in off_pattern(repaired, siblings_of(broken, codes))] == ["KŠ?7"]


def test_a_short_tables_words_and_tables_of_another_width_take_no_code_shape() -> None:
    codes = page_codes([CODES])
    words = _table(("57", "HĐND thành phố Huế", "Văn phòng HĐND"))
    assert off_pattern(correct_readings(words, 2, siblings_of(words, codes))[0], siblings_of(words, codes)) == []
    wide = [*_table(("57", "HĐND", "K$7")), _cell(0, 3, "ghi chú")]
    assert siblings_of(wide, codes) == {}
    assert [reading.text for reading in correct_readings(wide, 2, siblings_of(wide, codes))[0]][2] == "K$7"


def test_the_one_row_tables_of_a_real_scan_read_exactly() -> None:
    """Page 2 of QĐ 09/2025: "57" came back "37" (0.70) and "K57" as "K$7"; read again at twice the scale
    the number is "57" by both readings, and the code takes the long table's shape."""
    from extract.blocks import RawTable
    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    path = real("09-2025-QD-TTg.pdf")
    result = ocr_page(render_pdf_page(path.read_bytes(), path.name, 2))
    rows = [[cell.text for cell in row] for block in result.blocks if isinstance(block, RawTable) for row in block.rows]
    assert ["57", "UBND thành phố Huế", "H57"] in rows
    assert ["57", "HĐND thành phố Huế", "K57"] in rows
    made = {(c.original, c.corrected, c.reason) for c in result.corrections}
    assert {("37", "57", "reread"), ("K$7", "K57", "code")} <= made
    # the long table's codes are unchanged by the page's shapes
    assert ["26", "G40"] == [rows[13][0], rows[13][2]]


@pytest.mark.parametrize(
    ("lines", "signer", "flagged"),
    [
        (["KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "Chí Dũng"], "Chí Dũng", True),
        (["KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "Nguyễn Chí Dũng"], "Nguyễn Chí Dũng", False),
        (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "ĐẶNG VĂN MINH"], "ĐẶNG VĂN MINH", False),
    ],
)
def test_a_signer_without_a_family_name_is_kept_and_flagged(lines: list[str], signer: str, flagged: bool) -> None:
    meta = extract_metadata(paragraphs(*lines), source="x.txt")
    assert meta.signer == signer
    codes = [warning.code for warning in metadata_warnings(meta, [], source="x.txt")]
    assert ("signer_uncertain" in codes) is flagged


def test_the_signer_half_under_a_seal_on_a_real_scan_is_flagged() -> None:
    from extract.api import extract_file

    document = extract_file(real("09-2025-QD-TTg.pdf"))
    flagged = [warning for warning in document.warnings if warning.code == "signer_uncertain"]
    if document.metadata.signer == "Nguyễn Chí Dũng":
        assert flagged == []  # read whole: nothing to say
    else:
        assert document.metadata.signer.endswith("Chí Dũng") and len(flagged) == 1
        assert flagged[0].provenance is not None and flagged[0].provenance.page == 3


def test_a_handwritten_number_misread_gives_the_template_and_the_line_never_a_number() -> None:
    """The Chỉ thị of Quảng Ngãi: "Số: 01 /CT-UBND" with "01" written by hand, read "Ø7"."""
    header = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: Ø7 /CT-UBND", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    meta = extract_metadata(paragraphs(*header, "Quảng Ngãi, ngày 2# thángØ† năm 2021", "CHỈ THỊ"), source="x.txt")
    assert (meta.number, meta.number_template, meta.date) == ("", "/CT-UBND", "")
    warnings = {warning.code: warning for warning in metadata_warnings(meta, [], source="x.txt")}
    assert set(warnings) == {"metadata_number_missing", "metadata_date_missing"}
    assert "'/CT-UBND'" in warnings["metadata_number_missing"].message
    assert "'Số: Ø7 /CT-UBND'" in warnings["metadata_number_missing"].message
    # a number in a sentence is cited, whatever its digits look like
    cited = extract_metadata(paragraphs("CHỈ THỊ", "thực hiện theo văn bản Số: Ø7 /CT-UBND của tỉnh"), source="x.txt")
    assert cited.number_template == ""


def test_the_handwritten_number_and_date_of_a_real_scan_are_missing_and_said() -> None:
    from extract.api import extract_file

    document = extract_file(real("CT-QuangNgai-hoadondientu-scan.pdf"))
    assert (document.metadata.number, document.metadata.date) == ("", "")
    assert document.metadata.number_template == "/CT-UBND"
    codes = [warning.code for warning in document.warnings]
    assert "metadata_number_missing" in codes and "metadata_date_missing" in codes
