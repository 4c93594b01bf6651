"""The catalog as an Excel workbook: the CSV's columns and rows on one sheet named in Vietnamese."""

from __future__ import annotations

import io

from openpyxl import Workbook

from catalog.exports.csv import COLUMNS, row
from catalog.exports.view import DatasetDetail
from catalog.reports.xlsx import safe_cell

SHEET = "Danh mục dữ liệu"


def to_xlsx(datasets: list[DatasetDetail]) -> bytes:
    book = Workbook(write_only=True)  # streamed: ten thousand rows without a cell object each
    sheet = book.create_sheet(SHEET)
    sheet.append(list(COLUMNS))
    for dataset in datasets:
        sheet.append([safe_cell(value) for value in row(dataset)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
