"""The catalog as an Excel workbook: the CSV's columns and rows on one sheet named in Vietnamese."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from catalog.exports.csv import COLUMNS, row
from catalog.exports.view import DatasetDetail
from catalog.reports.xlsx import _cell as reviewer_cell

SHEET = "Danh mục dữ liệu"


def _cell(value: str) -> object:
    # Control characters left by OCR or old encodings make openpyxl refuse the whole workbook;
    # the reports' rule then keeps text starting with "=" from becoming a formula.
    return reviewer_cell(ILLEGAL_CHARACTERS_RE.sub("", value))


def to_xlsx(datasets: list[DatasetDetail]) -> bytes:
    book = Workbook(write_only=True)  # streamed: ten thousand rows without a cell object each
    sheet = book.create_sheet(SHEET)
    sheet.append(list(COLUMNS))
    for dataset in datasets:
        sheet.append([_cell(value) for value in row(dataset)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
