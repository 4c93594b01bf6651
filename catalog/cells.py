"""Document text as inert spreadsheet cells: one rule for every CSV and workbook the catalog writes.

Text read from documents (and file names chosen by uploaders) is data, never a formula. Spreadsheet
programs evaluate a cell that starts with ``=``, ``+``, ``-``, ``@`` or a tab/carriage return (OWASP,
"CSV injection"), so such a cell gets a leading apostrophe, which Excel and LibreOffice show as text.
A leading dash is common in Vietnamese cells ("- Sở Xây dựng; - UBND cấp huyện"); it is escaped too,
because "-2+3+cmd|' /C calc'!A0" is exactly that shape. Workbooks need less: openpyxl stores any
string as text except one starting with "=", which ``catalog.reports.xlsx.safe_cell`` escapes.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: str) -> str:
    """``value`` unchanged unless a spreadsheet would read it as a formula; then prefixed with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def inert_row(values: Iterable[object]) -> list[object]:
    """A CSV row whose text cells are inert; numbers stay numbers."""
    return [inert_text(value) if isinstance(value, str) else value for value in values]
