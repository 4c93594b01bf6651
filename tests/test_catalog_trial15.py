"""Catalog and table cases of the session-15 trial (docs/realdocs-trial.md, "Session 15: real catalog documents").

Each test rebuilds the failing pattern from a real snippet (the fetched documents are not committed): the data
catalog of Đồng Nai's industrial-zone authority (``../shared/realdocs``), whose managing unit is the 2025 board
"Ban Quản lý các Khu công nghiệp, Khu kinh tế", and the statistics annex of a Bộ Nội vụ letter (2025) whose
header labels a column with its reporting period ("Năm 2025 (tính từ 01/7/2025 đến 31/7/2025)").
"""

from __future__ import annotations

import io

from docx import Document as new_docx

from extract.api import extract_bytes
from extract.model import Document, RowKind
from nlp.document import normalize_document
from nlp.pipeline import process_file
from nlp.units import resolve_units
from tests.realdocs import real

# Đồng Nai's data catalog, table 24, row 1 (DongNai-CSDL-yeu-cau-ky-thuat.docx), as printed.
DONG_NAI_ROW = [
    "1",
    "Ban Quản lý các Khu công nghiệp, Khu kinh tế tỉnh Đồng Nai",
    "Khu công nghiệp trên địa bàn tỉnh Đồng Nai",
    "- Dữ liệu Khu công nghiệp trên địa bàn tỉnh Đồng Nai - Dữ liệu bao gồm các thông tin về các khu công "
    "nghiệp đang hoạt động trên địa bàn tỉnh Đồng Nai.",
    "Hằng năm",
]
DONG_NAI_HEADER = ["STT", "Đơn vị chủ trì", "Tên tập dữ liệu", "Mô tả", "Tần suất cập nhật"]


def _docx(paragraphs: tuple[str, ...], table: list[list[str]]) -> bytes:
    document = new_docx()
    for text in paragraphs:
        document.add_paragraph(text)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_industrial_and_economic_zone_board_is_one_unit() -> None:
    # The comma inside the board's 2025 name split it into "Ban Quản lý các Khu công nghiệp" and an
    # unresolved "Khu kinh tế tỉnh Đồng Nai": six `unit_unresolved` per file on a clean catalog.
    mentions = resolve_units(DONG_NAI_ROW[1], locality="tỉnh Đồng Nai")
    assert [(m.raw, m.unit_id) for m in mentions] == [(DONG_NAI_ROW[1], "bql_kcn@tỉnh Đồng Nai")]
    # the other order, as other provinces name their board (Quảng Ngãi)
    other = resolve_units("Ban Quản lý các khu kinh tế, khu công nghiệp tỉnh Quảng Ngãi", locality="tỉnh Quảng Ngãi")
    assert [m.unit_id for m in other] == ["bql_kcn@tỉnh Quảng Ngãi"]
    # a list naming the board and another unit is still two units
    listed = resolve_units("Ban Quản lý các KCN, Sở Công Thương", locality="tỉnh Đồng Nai")
    assert [m.unit_id for m in listed] == ["bql_kcn@tỉnh Đồng Nai", "so_congthuong@tỉnh Đồng Nai"]


def test_a_catalog_row_of_the_board_resolves_without_a_warning() -> None:
    content = _docx(
        ("ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG NAI", "DANH MỤC DỮ LIỆU", "1. Dữ liệu về khu công nghiệp"),
        [DONG_NAI_HEADER, DONG_NAI_ROW],
    )
    doc: Document = normalize_document(extract_bytes(content, "fixture.docx"))
    assert [entry.unit for entry in doc.catalog] == [DONG_NAI_ROW[1]]
    assert not [w for w in doc.warnings if w.code == "unit_unresolved"]


def test_dong_nai_catalog_has_no_unresolved_unit() -> None:
    doc = process_file(real("DongNai-CSDL-yeu-cau-ky-thuat.docx"))
    assert len(doc.catalog) == 6
    assert not [w for w in doc.warnings if w.code == "unit_unresolved"]


# Bộ Nội vụ's statistics annex (PL-BNV, "Phụ lục 1"), its first table as printed.
PERIOD_TABLE = [
    ["STT", "Chỉ tiêu", "Năm 2025 (tính từ 01/7/2025 đến 31/7/2025)"],
    ["1", "Số lượng văn bản chỉ đạo CCHC đã ban hành", ""],
    ["-", "Nghị quyết, Quyết định, Chỉ thị, Thông báo của Đảng ủy", ""],
    ["2", "Kiểm tra CCHC", ""],
]


def test_a_header_naming_its_reporting_period_is_a_header() -> None:
    # The dates made "no data in any cell" fail, so the table had no header (`table_without_header`) and
    # its labels were read as a data row.
    caption = "Thống kê các chỉ tiêu tại lĩnh vực chỉ đạo, điều hành cải cách hành chính"
    content = _docx(("Phụ lục 1", caption), PERIOD_TABLE)
    doc = extract_bytes(content, "fixture.docx")
    (table,) = doc.tables
    assert table.header == PERIOD_TABLE[0]
    assert [row.kind for row in table.rows][:2] == [RowKind.HEADER, RowKind.DATA]
    assert not [w for w in doc.warnings if w.code == "table_without_header"]
    assert doc.catalog == []  # statistics to fill in, not a data catalog


def test_a_data_row_with_a_period_is_still_data() -> None:
    # Without "STT" opening the row, a date range stays a sign of data: a task row of a schedule.
    content = _docx(
        ("KẾ HOẠCH",),
        [
            ["Nội dung", "Đơn vị thực hiện", "Thời gian"],
            ["Tổ chức kiểm tra", "Sở Nội vụ", "Từ 01/7/2025 đến 31/7/2025"],
        ],
    )
    (table,) = extract_bytes(content, "fixture.docx").tables
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.DATA]
    headless = _docx(("KẾ HOẠCH",), [["Tổ chức kiểm tra", "Sở Nội vụ", "Từ 01/7/2025 đến 31/7/2025"]])
    (table,) = extract_bytes(headless, "fixture.docx").tables
    assert [row.kind for row in table.rows] == [RowKind.DATA]
