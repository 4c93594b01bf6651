"""The XLSX workbook officials open in Excel: unified catalog, concepts, flags, sources, extraction warnings.

Every sheet has a frozen, bold header row, an autofilter over the whole table, set column
widths and wrapped text, because these sheets are read, filtered and printed by people.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from catalog.reports.concepts_section import COLUMNS as CONCEPT_COLUMNS
from catalog.reports.concepts_section import SHEET_CONCEPTS, sheet_rows
from catalog.reports.model import CatalogReport, flag_label, where

SHEET_CATALOG = "Danh mục hợp nhất"
SHEET_FLAGS = "Cảnh báo"
SHEET_SOURCES = "Nguồn"
SHEET_WARNINGS = "Cảnh báo trích xuất"
HEADER_FILL = PatternFill("solid", fgColor="8B1D1D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
EXCEL_CELL_LIMIT = 32_000  # Excel refuses cells over 32,767 characters

Column = tuple[str, float]  # header, width


def _sheet(
    book: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    *,
    first: bool = False,
) -> Worksheet:
    sheet = book.active if first and book.active is not None else book.create_sheet()
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    sheet.append([header for header, _ in columns])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for index, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    return sheet


def safe_cell(value: object) -> object:
    """Document text as an inert Excel cell, for the reports and the catalog export alike."""
    if isinstance(value, str):
        # Control characters left by OCR or old encodings make openpyxl refuse the whole workbook.
        clean = ILLEGAL_CHARACTERS_RE.sub("", value)
        # A leading "=" would make Excel evaluate text from a document as a formula.
        text = "'" + clean if clean.startswith(("=", "+", "@")) else clean
        return text[:EXCEL_CELL_LIMIT]
    return value


def write_xlsx(report: CatalogReport, out: Path) -> Path:
    book = Workbook()
    catalog_rows = [
        (
            index,
            d.title,
            d.unit,
            d.document_count,
            d.member_count,
            "\n".join(
                f"{m.document} ({m.where}) — {('STT ' + m.number + ': ') if m.number else ''}{m.title}"
                for m in d.members
            ),
            "; ".join(sorted({r for link in d.links if link.accepted for r in link.reasons})),
            d.id,
            d.concept_title,
            d.concept_id,
        )
        for index, d in enumerate(report.datasets, 1)
    ]
    _sheet(
        book,
        SHEET_CATALOG,
        [
            ("STT", 6),
            ("Tên tập dữ liệu", 42),
            ("Đơn vị quản lý", 28),
            ("Số văn bản", 10),
            ("Số mục", 8),
            ("Nguồn (văn bản, vị trí, mục)", 70),
            ("Lý do ghép", 40),
            ("Mã tập dữ liệu", 22),
            ("Khái niệm (tên hài hòa)", 36),
            ("Mã khái niệm", 22),
        ],  # fmt: skip
        catalog_rows,
        first=True,
    )
    _sheet(book, SHEET_CONCEPTS, CONCEPT_COLUMNS, sheet_rows(report.concepts))
    flag_rows = [
        (
            flag_label(f.kind.value),
            f.message,
            "; ".join(f.evidence),
            f.document,
            "\n".join(f"{where(p)}: {p.raw[:200]}" for p in f.provenance),
            f"Đã bỏ qua ({f.dismissed_by}): {f.dismissed}" if f.dismissed else "Cần xử lý",
            f.id,
        )
        for f in sorted(report.flags, key=lambda f: (bool(f.dismissed), f.kind.value))
    ]
    _sheet(
        book,
        SHEET_FLAGS,
        [
            ("Loại cảnh báo", 30),
            ("Nội dung", 60),
            ("Bằng chứng", 30),
            ("Văn bản", 30),
            ("Vị trí trong văn bản", 50),
            ("Trạng thái", 22),
            ("Mã cảnh báo", 22),
        ],  # fmt: skip
        flag_rows,
    )
    source_rows = [
        (
            s.name,
            s.kind,
            s.number,
            s.issued,
            s.title,
            s.format,
            s.pages,
            s.entries,
            s.tasks,
            s.warnings,
            "Hiện hành" if s.current else "Phiên bản cũ",
            "\n".join(s.paths),
            s.sha256,
        )  # fmt: skip
        for s in report.sources
    ]
    _sheet(
        book,
        SHEET_SOURCES,
        [
            ("Tệp", 34),
            ("Loại văn bản", 14),
            ("Số hiệu", 16),
            ("Ngày ban hành", 13),
            ("Trích yếu", 50),
            ("Định dạng", 10),
            ("Số trang", 9),
            ("Mục danh mục", 11),
            ("Nhiệm vụ", 10),
            ("Cảnh báo trích xuất", 12),
            ("Trạng thái", 13),
            ("Đường dẫn", 50),
            ("SHA-256", 24),
        ],  # fmt: skip
        source_rows,
    )
    warning_rows = [
        (
            s.name,
            w.code,
            w.message,
            w.provenance.page if w.provenance else None,
            w.provenance.table if w.provenance else None,
            w.provenance.row if w.provenance else None,
            where(w.provenance) if w.provenance else "—",
            w.provenance.raw[:500] if w.provenance else "",
            s.sha256,
        )
        for s in report.sources
        for w in s.extraction_warnings
    ]
    _sheet(
        book,
        SHEET_WARNINGS,
        [
            ("Văn bản", 34),
            ("Mã cảnh báo", 22),
            ("Nội dung", 70),
            ("Trang", 7),
            ("Bảng", 7),
            ("Dòng", 7),
            ("Vị trí", 24),
            ("Trích đoạn", 40),
            ("SHA-256", 24),
        ],  # fmt: skip
        warning_rows,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
