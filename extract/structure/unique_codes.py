"""Codes repeated in a column of identifiers: a misread that fits the pattern, flagged for a reviewer.

A code list prints one code per row ("Mã cấp 1": H01 … H63). OCR misreads that break the column's
shape are flagged page by page (:mod:`extract.ocr.columns`), but a misread can also spell a valid
code: QĐ 20/2020/QĐ-TTg (scan) reads Hậu Giang's H30 as "H20", Đồng Tháp's code, one page apart
(session 16, docs/realdocs-trial.md). In a column meant to identify its rows the only trace is the
repeat, visible once the table is stitched over its pages; nothing says which of the two is right, so
both rows are named and the values are left as read.

A column is taken for identifiers only when its header says so ("Mã …", "Mã định danh") and its
cells bear it out: most are one code-like token and nearly all are distinct. A code that classifies
rows repeats by design ("Mã nhóm", a unit's code on each of its rows): such a header is not read as
one, and a column whose values repeat more than rarely (three times, or more than one cell in five)
is not a column of identifiers.
"""

from __future__ import annotations

import re
from collections import defaultdict

from extract.markup import fold
from extract.model import ExtractionWarning, Provenance, RowKind, Table, TableRow
from extract.structure.columns import looks_like_row_number

_IDENTIFIER_HEADER = re.compile(r"^ma( |$)|\bma dinh danh\b")
# Codes of a class the row belongs to, not of the row: they repeat by design.
_CLASS_CODE = re.compile(r"^ma (so )?(nhom|loai|linh vuc|nganh|chuong|muc|don vi|dvhc|tinh|huyen|xa|cha)\b")
# One token of capitals, digits and separators with a digit in it: "H20", "CH.VT.01", "1.001234", "G01".
_CODE = re.compile(r"^(?=[^\s]*\d)[A-ZĐ0-9][A-ZĐ0-9.\-_/]{0,39}$")
MIN_CODES = 5
MIN_CODE_SHARE = 0.5  # of the column's filled data cells: a scanned column keeps many broken codes
MIN_DISTINCT_SHARE = 0.8


def duplicate_code_warnings(table: Table, source: str) -> list[ExtractionWarning]:
    found: list[ExtractionWarning] = []
    for col, label in enumerate(table.header):
        rows = _repeated(table, col, label)
        for code, repeated in rows.items():
            where = " và ".join(_row_name(row) for row in repeated)
            where_en = " and ".join(_row_name(row, english=True) for row in repeated)
            last = repeated[-1]
            found.append(
                ExtractionWarning(
                    code="code_duplicate",
                    message=f"Bảng {table.index}: mã «{code}» ở cột «{label}» lặp lại ở {where} — mã trong cột này "
                    f"lẽ ra khác nhau, có thể đọc sai một mã, cần kiểm tra / table {table.index}: code {code!r} in "
                    f"column {label!r} repeats in {where_en}; codes in this column are otherwise unique, one may "
                    "be misread: check it",
                    provenance=Provenance(file=source, page=last.page, table=table.index, row=last.index, raw=code),
                )
            )
    return found


def _repeated(table: Table, col: int, label: str) -> dict[str, list[TableRow]]:
    """The column's repeated codes and their rows, when the column is one of identifiers; else nothing."""
    header = " ".join(fold(label).split())
    if not _IDENTIFIER_HEADER.search(header) or _CLASS_CODE.match(header):
        return {}
    filled: list[tuple[str, TableRow]] = []
    for row in table.rows:
        if row.kind is not RowKind.DATA or col >= len(row.cells) or row.cells[col].inherited:
            continue
        text = row.cells[col].text.strip()
        if text:
            filled.append((text, row))
    codes = [(text, row) for text, row in filled if _CODE.match(text)]
    if len(codes) < MIN_CODES or len(codes) < MIN_CODE_SHARE * len(filled):
        return {}
    by_code: dict[str, list[TableRow]] = defaultdict(list)
    for text, row in codes:
        by_code[text].append(row)
    repeated = {code: rows for code, rows in by_code.items() if len(rows) > 1}
    if not repeated or max(len(rows) for rows in repeated.values()) > 2:
        return {}
    if len(by_code) < MIN_DISTINCT_SHARE * len(codes):
        return {}
    return repeated


def _row_name(row: TableRow, *, english: bool = False) -> str:
    """ "hàng 31 (STT 30, tr. 11)": the row's place in the stitched table, its printed number and page."""
    first = row.cells[0].text.strip() if row.cells else ""
    details = [f"STT {first}"] if looks_like_row_number(first) else []
    if row.page is not None:
        details.append(f"{'p.' if english else 'tr.'} {row.page}")
    where = f" ({', '.join(details)})" if details else ""
    return f"{'row' if english else 'hàng'} {row.index}{where}"
