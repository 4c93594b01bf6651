"""The XLSX workbook officials open in Excel: unified catalog, concepts, flags, sources, extraction warnings.

Every sheet has a frozen, bold header row, an autofilter over the whole table, set column
widths and wrapped text, because these sheets are read, filtered and printed by people.
The workbook is written in openpyxl's write-only mode, its rows serialised by xlsx_rows: rows go to
disk as they are appended, so memory does not grow with the archive (a normal workbook keeps an
object per cell).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from catalog.concept_facts import ConceptDetail
from catalog.reports.concepts_section import COLUMNS as CONCEPT_COLUMNS
from catalog.reports.concepts_section import SHEET_CONCEPTS, sheet_row, shown
from catalog.reports.model import CatalogReport, DatasetView, SourceView, flag_label, where
from catalog.reports.xlsx_rows import RowWriter
from catalog.reports.xlsx_zip import DeflatedRows
from catalog.reports.xlsx_zip import save as save_package
from matching.model import Flag

SHEET_CATALOG = "Danh mục hợp nhất"
SHEET_FLAGS = "Cảnh báo"
SHEET_SOURCES = "Nguồn"
SHEET_WARNINGS = "Cảnh báo trích xuất"
HEADER_FILL = PatternFill("solid", fgColor="8B1D1D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
EXCEL_CELL_LIMIT = 32_000  # Excel refuses cells over 32,767 characters

Column = tuple[str, float]  # header, width


CATALOG_COLUMNS: tuple[Column, ...] = (
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
)
FLAG_COLUMNS: tuple[Column, ...] = (
    ("Loại cảnh báo", 30),
    ("Nội dung", 60),
    ("Bằng chứng", 30),
    ("Văn bản", 30),
    ("Vị trí trong văn bản", 50),
    ("Trạng thái", 22),
    ("Mã cảnh báo", 22),
)
SOURCE_COLUMNS: tuple[Column, ...] = (
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
)
WARNING_COLUMNS: tuple[Column, ...] = (
    ("Văn bản", 34),
    ("Mã cảnh báo", 22),
    ("Nội dung", 70),
    ("Trang", 7),
    ("Bảng", 7),
    ("Dòng", 7),
    ("Vị trí", 24),
    ("Trích đoạn", 40),
    ("SHA-256", 24),
)


def start_sheet(book: Workbook, title: str, columns: Sequence[Column]) -> WriteOnlyWorksheet:
    """A write-only sheet with its column widths, frozen first row and bold wrapped header."""
    sheet = book.create_sheet(title)
    assert isinstance(sheet, WriteOnlyWorksheet)
    for index, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, name)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        header.append(cell)
    sheet.append(header)
    return sheet


class _Sheet:
    """A write-only sheet: header, widths and frozen row first, rows as they come, the filter at the end."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[Column]) -> None:
        sheet = start_sheet(book, title, columns)
        self.sheet, self.columns, self.rows = sheet, len(columns), 0
        # The rows after the header are serialised here (xlsx_rows: openpyxl's own cell writing was a
        # quarter of the report's time), deflated as written to a temporary file (xlsx_zip: in the
        # process that writes them), and put into the sheet's part of the package by ``save_sheets``.
        self._rows = DeflatedRows(TemporaryFile())
        self._writer = RowWriter(sheet, self.columns, WRAP, self._rows)
        # The first rows, when another process writes them (``earlier``): put before ``_rows``.
        self._earlier: DeflatedRows | None = None

    def append(self, row: Sequence[object]) -> None:
        self.rows += 1
        self._writer.write(self.rows + 1, [safe_cell(value) for value in row])

    def finish(self) -> tuple[int, int]:
        """The rows written so far compressed on disk (another process's copy of this sheet may have
        written them): their CRC-32 and size, for ``adopt``."""
        return self._rows.finish()

    def adopt(self, rows: int, written: tuple[int, int]) -> None:
        """``rows`` rows written to this sheet's file by a forked copy of it (catalog.reports.files),
        which finished them (``written``): counted here, and their style registered in this process's
        workbook as that copy did."""
        self.rows = rows
        self._rows.adopt(*written)
        if rows and not self._writer.style:
            self._writer.register_style()

    def prepare_earlier(self) -> None:
        """A file for the first rows, made before a fork so both processes hold it."""
        self._earlier = DeflatedRows(TemporaryFile())

    @contextmanager
    def earlier(self) -> Iterator[None]:
        """The rows appended inside go to the earlier rows' file, numbered from the first row, finished
        on leaving (``earlier_written``)."""
        assert self._earlier is not None and self.rows == 0
        self._writer.out = self._earlier
        try:
            yield
        finally:
            self._earlier.finish()
            self._writer.out = self._rows

    def earlier_written(self) -> tuple[int, int]:
        """The earlier rows' CRC-32 and size, for ``adopt_earlier``."""
        assert self._earlier is not None
        return self._earlier.finish()

    def adopt_earlier(self, written: tuple[int, int]) -> None:
        """The earlier rows, finished by a forked copy of this sheet."""
        assert self._earlier is not None
        self._earlier.adopt(*written)

    def close(self) -> list[DeflatedRows]:
        """The sheet written around its rows; its rows' parts, in order, for ``save_sheets``."""
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{self.rows + 1}"
        self.sheet.close()  # openpyxl writes the sheet around the rows: views, columns, header, filter
        parts = self._parts()
        for part in parts:  # no-op for those finished here or adopted
            part.finish()
        return parts

    def discard(self) -> None:
        for part in self._parts():
            part.out.close()

    def _parts(self) -> list[DeflatedRows]:
        """The rows' compressed parts in the sheet's order: the earlier rows (if another process wrote
        them) first."""
        return [*([self._earlier] if self._earlier else []), self._rows]


def save_sheets(book: Workbook, sheets: Sequence[_Sheet], out: Path) -> Path:
    """``book`` written to ``out`` with ``sheets``' rows (xlsx_zip)."""
    try:
        parts = {sheet.sheet: sheet.close() for sheet in sheets}
        out.parent.mkdir(parents=True, exist_ok=True)
        save_package(book, parts, out)
    finally:
        for sheet in sheets:
            sheet.discard()
    return out


class XlsxReport:
    """The workbook's five sheets, created in their order and filled as rows arrive (in any order)."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.catalog = _Sheet(self.book, SHEET_CATALOG, CATALOG_COLUMNS)
        self.concepts = _Sheet(self.book, SHEET_CONCEPTS, CONCEPT_COLUMNS)
        self.flags = _Sheet(self.book, SHEET_FLAGS, FLAG_COLUMNS)
        self.sources = _Sheet(self.book, SHEET_SOURCES, SOURCE_COLUMNS)
        self.warnings = _Sheet(self.book, SHEET_WARNINGS, WARNING_COLUMNS)
        self._sheets = [self.catalog, self.concepts, self.flags, self.sources, self.warnings]

    def dataset(self, index: int, d: DatasetView) -> None:
        self.catalog.append((
            index, d.title, d.unit, d.document_count, d.member_count,
            "\n".join(
                f"{m.document} ({m.where}) — {('STT ' + m.number + ': ') if m.number else ''}{m.title}"
                for m in d.members
            ),
            # Each distinct list of reasons once (links share them: catalog.reports.reader), then its reasons.
            "; ".join(sorted({r for reasons in {tuple(link.reasons) for link in d.links if link.accepted}
                              for r in reasons})),  # fmt: skip
            d.id, d.concept_title, d.concept_id,
        ))  # fmt: skip

    def concept(self, concept: ConceptDetail) -> None:
        """The concepts a reviewer has something to harmonise in, most spread first (concepts_section.shown)."""
        self.concept_row(sheet_row(concept))

    def concept_row(self, row: Sequence[object]) -> None:
        self.concepts.append(row)

    def flag(self, f: Flag) -> None:
        """Open flags first, then by kind (ReportReader.flags_by_status)."""
        self.flags.append(flag_cells(f))

    def source(self, s: SourceView) -> None:
        self.sources.append((
            s.name, s.kind, s.number, s.issued, s.title, s.format, s.pages, s.entries, s.tasks, s.warnings,
            "Hiện hành" if s.current else "Phiên bản cũ", "\n".join(s.paths), s.sha256,
        ))  # fmt: skip
        for w in s.extraction_warnings:
            self.warnings.append((
                s.name, w.code, w.message,
                w.provenance.page if w.provenance else None,
                w.provenance.table if w.provenance else None,
                w.provenance.row if w.provenance else None,
                where(w.provenance) if w.provenance else "—",
                w.provenance.raw[:500] if w.provenance else "",
                s.sha256,
            ))  # fmt: skip

    def save(self, out: Path) -> Path:
        return save_sheets(self.book, self._sheets, out)


def flag_cells(f: Flag) -> tuple[str, ...]:
    """A flag's row of the flags sheet (the same wherever it falls in the sheet)."""
    return (
        flag_label(f.kind.value), f.message, "; ".join(f.evidence), f.document,
        "\n".join(f"{where(p)}: {p.raw[:200]}" for p in f.provenance),
        f"Đã bỏ qua ({f.dismissed_by}): {f.dismissed}" if f.dismissed else "Cần xử lý", f.id,
    )  # fmt: skip


def write_xlsx(report: CatalogReport, out: Path) -> Path:
    book = XlsxReport()
    for concept in shown(report.concepts):
        book.concept(concept)
    for index, dataset in enumerate(report.datasets, 1):
        book.dataset(index, dataset)
    for flag in _by_status(report.flags):
        book.flag(flag)
    for source in report.sources:
        book.source(source)
    return book.save(out)


def _by_status(flags: Iterable[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda f: (bool(f.dismissed), f.kind.value))


def safe_cell(value: object) -> object:
    """Document text as an inert Excel cell, for the reports and the catalog export alike."""
    if isinstance(value, str):
        # Control characters left by OCR or old encodings make openpyxl refuse the whole workbook.
        clean = ILLEGAL_CHARACTERS_RE.sub("", value)
        # A leading "=" would make Excel evaluate text from a document as a formula.
        text = "'" + clean if clean.startswith(("=", "+", "@")) else clean
        return text[:EXCEL_CELL_LIMIT]
    return value
