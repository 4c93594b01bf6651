"""The workbook's rows serialised by catalog.reports.xlsx_rows: the same file as openpyxl's own cell writing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from catalog.reports.xlsx import WRAP, _Sheet, safe_cell, save_sheets, start_sheet

COLUMNS = (("Văn bản", 30), ("Giá trị", 20), ("Ghi chú", 12))
# What documents and the report put into cells, and what they might: text with markup characters,
# line breaks (\r comes out as a character reference), leading or trailing white space (Python's
# idea of it, as openpyxl's: \x85 and \u2028 count), Vietnamese and astral characters, control
# characters (safe_cell strips them), text Excel would take as an error or a formula, numbers
# around float precision, booleans, floats that are not finite, a cell longer than Excel allows.
VALUES: list[object] = [
    "Sở Y tế", " Tiếng Việt & <x> \"q\" 'a'\r\n\tz ", "a]]>b", "\x85đầu", "cuối\u2028", "😀 emoji",
    "bad\x01\x0bchars", "#N/A", "#DIV/0!", "=SUM(A1:A2)", "+1", "@x", "=", "-", "'", "", None,
    0, -7, 42, 10**15, 10**16, 10**17 + 1, 2**63, 1.5, 0.1 + 0.2, 1e-7, -0.0, float("nan"), float("inf"),
    True, False, "x" * 40_000, "\u00a0nbsp", "tab\t", "\r", "&amp;",
]


def _rows() -> list[list[object]]:
    width = len(COLUMNS)
    padded = VALUES + [None] * (-len(VALUES) % width)
    return [padded[i : i + width] for i in range(0, len(padded), width)] + [list(reversed(padded[:width]))]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        # docProps/core.xml holds the time of writing
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _openpyxl_workbook(path: Path, rows: list[list[object]]) -> None:
    """The sheet as catalog.reports.xlsx wrote it before: openpyxl appends one wrapped cell per value
    (the header, widths and frozen row are the same in both: start_sheet)."""
    book = Workbook(write_only=True)
    sheet = start_sheet(book, "Bảng", COLUMNS)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, safe_cell(value))
            cell.alignment = WRAP
            cells.append(cell)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:C{len(rows) + 1}"
    book.save(path)


def _fast_workbook(path: Path, rows: list[list[object]]) -> None:
    book = Workbook(write_only=True)
    sheet = _Sheet(book, "Bảng", COLUMNS)
    for row in rows:
        sheet.append(row)
    save_sheets(book, [sheet], path)


def test_rows_are_the_bytes_openpyxl_writes(tmp_path: Path) -> None:
    rows = _rows()
    _openpyxl_workbook(tmp_path / "openpyxl.xlsx", rows)
    _fast_workbook(tmp_path / "fast.xlsx", rows)
    expected, written = _members(tmp_path / "openpyxl.xlsx"), _members(tmp_path / "fast.xlsx")
    assert written.keys() == expected.keys()
    for name in expected:
        assert written[name] == expected[name], name
    sheet = load_workbook(tmp_path / "fast.xlsx")["Bảng"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:C{len(rows) + 1}"
    assert sheet["A2"].value == "Sở Y tế" and sheet["B2"].value == " Tiếng Việt & <x> \"q\" 'a'\r\n\tz "
    assert sheet.column_dimensions["A"].width == 30


def test_an_empty_sheet_keeps_its_header(tmp_path: Path) -> None:
    _openpyxl_workbook(tmp_path / "openpyxl.xlsx", [])
    _fast_workbook(tmp_path / "fast.xlsx", [])
    assert _members(tmp_path / "fast.xlsx") == _members(tmp_path / "openpyxl.xlsx")


def test_text_lxml_refuses_is_refused_as_before(tmp_path: Path) -> None:
    """openpyxl's lxml writer refuses U+FFFE; the fast path must not write a file Excel cannot open."""
    sheet = _Sheet(Workbook(write_only=True), "Bảng", COLUMNS)
    with pytest.raises(ValueError, match="XML compatible"):
        sheet.append(["a\ufffeb", 1, 2])
    sheet.close()
    sheet.discard()
