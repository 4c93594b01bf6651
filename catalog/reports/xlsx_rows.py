"""Sheet rows serialised straight to XML, byte for byte as openpyxl's write-only mode writes them.

openpyxl appends a row by setting each cell's value (type inference, string checks) and writing it
through lxml's incremental writer element by element: on a 10,000-document store that was about a
quarter of ``danhmuc report``'s time for ~680,000 cells. Here a row is one string: the cell types
the reports write (text, integers, finite floats, empty) are formatted as openpyxl formats them
(``<c r= s= t="inlineStr"><is><t>…</t></is></c>``, numbers ``"%.16g"``, the document ASCII with
character references, as lxml's default encoding); any other value goes through openpyxl's own
cell writer, so the file is the same whatever a document holds. openpyxl still writes everything
around the rows (sheet views, columns, header row, autofilter, styles, the package): xlsx_zip puts
these rows into its sheet part before ``</sheetData>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from math import isfinite
from typing import Any, Protocol

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.functions import xmlfile

# Characters lxml refuses in text (the control characters are gone already: safe_cell strips them).
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")


class Sink(Protocol):
    """Where rows go: a file, or xlsx_zip.DeflatedRows."""

    def write(self, data: bytes, /) -> object: ...


class RowWriter:
    """One sheet's rows after the header, every cell with one style, to a temporary file."""

    def __init__(self, sheet: WriteOnlyWorksheet, columns: int, alignment: Alignment, out: Sink) -> None:
        self.sheet, self.alignment = sheet, alignment
        self.out: Sink = out
        self.style = ""  # known at the first row (register_style)
        self.letters = [get_column_letter(index) for index in range(1, columns + 1)]

    def write(self, row_index: int, values: Sequence[object]) -> None:
        """``values`` already passed through safe_cell, one per column."""
        r, s = row_index, self.style or self.register_style()
        parts = [f'<row r="{r}">']
        add = parts.append
        for letter, value in zip(self.letters, values, strict=True):
            kind = type(value)
            if kind is str:
                text: str = value  # type: ignore[assignment]
                if text in ERROR_CODES or (len(text) > 1 and text[0] == "="):
                    add(self._openpyxl_cell(letter, r, value))
                elif _NOT_XML.search(text):  # lxml's own refusal, which openpyxl's writer let through
                    raise ValueError(f"{letter}{r}: All strings must be XML compatible: Unicode or ASCII, "
                                     "no NULL bytes or control characters")
                elif not text:
                    add(f'<c r="{letter}{r}" s="{s}" t="inlineStr"></c>')
                else:
                    space = "" if text == text.strip() else ' xml:space="preserve"'
                    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    escaped = escaped.replace("\r", "&#13;")
                    add(f'<c r="{letter}{r}" s="{s}" t="inlineStr"><is><t{space}>{escaped}</t></is></c>')
            elif kind is int or (kind is float and isfinite(value)):  # type: ignore[arg-type]
                add(f'<c r="{letter}{r}" s="{s}" t="n"><v>{format(value, ".16g")}</v></c>')
            elif value is None:
                add(f'<c r="{letter}{r}" s="{s}" t="n"></c>')
            else:
                add(self._openpyxl_cell(letter, r, value))
        add("</row>")
        self.out.write("".join(parts).encode("ascii", "xmlcharrefreplace"))

    def register_style(self) -> str:
        """The style's number in the workbook, added to it when a first cell uses it, as openpyxl does:
        the styles part then lists the same styles in the same order (none for a sheet left empty)."""
        probe = WriteOnlyCell(self.sheet, "")
        probe.alignment = self.alignment
        self.style = str(probe.style_id)
        return self.style

    def _openpyxl_cell(self, letter: str, row: int, value: Any) -> str:
        """A value the fast path does not format (bool, date, formula-like or error text…), as openpyxl writes it."""
        cell = WriteOnlyCell(self.sheet, value)
        cell.alignment = self.alignment
        cell.row, cell.column = row, self.letters.index(letter) + 1
        buffer = BytesIO()
        with xmlfile(buffer) as xf:
            write_cell(xf, self.sheet, cell, cell.has_style)
        return buffer.getvalue().decode("ascii")
