"""The catalog as an Excel workbook: the CSV's rows on one sheet, for people rather than programs.

Same rows and column order as the CSV, but the header is in Vietnamese (the CSV keeps the English
machine names clients read by name), the header row is frozen and filtered, counts are numbers
(so they sum and sort), and columns have widths that fit their usual content. Document text goes
through ``safe_cell``: a title starting with "=" stays text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet
from openpyxl.worksheet.dimensions import ColumnDimension

from catalog.exports.csv import COLUMNS, row
from catalog.exports.view import DatasetDetail
from catalog.reports.xlsx import safe_cell

SHEET = "Danh mục dữ liệu"
# English machine name → (Vietnamese header, column width in characters)
HEADERS: dict[str, tuple[str, int]] = {
    "id": ("Mã tập dữ liệu", 20),
    "title": ("Tên cơ sở dữ liệu / tập dữ liệu", 45),
    "unit": ("Đơn vị quản lý", 30),
    "description": ("Mô tả", 40),
    "sharing": ("Mức chia sẻ (mã)", 16),
    "sharing_labels": ("Mức chia sẻ (theo văn bản)", 28),
    "frequency": ("Tần suất cập nhật (mã EU)", 16),
    "domains": ("Lĩnh vực / nhóm", 30),
    "localities": ("Địa bàn", 22),
    "member_count": ("Số dòng nguồn", 10),
    "document_count": ("Số văn bản nguồn", 10),
    "documents": ("Văn bản nguồn", 36),
    "member_titles": ("Tên theo từng văn bản", 45),
    "members": ("Vị trí trong văn bản (trang, bảng, dòng)", 60),
    "concept_id": ("Mã khái niệm dữ liệu", 20),
    "concept_title": ("Tên khái niệm (hài hòa)", 40),
}
NUMERIC = frozenset({"member_count", "document_count"})


def _cells(values: list[str]) -> list[object]:
    return [int(value) if name in NUMERIC else safe_cell(value) for name, value in zip(COLUMNS, values, strict=True)]


def to_xlsx(datasets: Sequence[DatasetDetail]) -> bytes:
    book = Workbook(write_only=True)  # streamed: ten thousand rows without a cell object each
    sheet = book.create_sheet(SHEET)
    # Write-only sheets take widths, panes and the filter before the first row.
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter] = ColumnDimension(sheet, index=letter, width=HEADERS[name][1])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(datasets) + 1}"
    sheet.append([_header_cell(sheet, HEADERS[name][0]) for name in COLUMNS])
    for dataset in datasets:
        sheet.append(_cells(row(dataset)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_cell(sheet: Worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell
