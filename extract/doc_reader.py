"""Word 97-2003 (.doc): two independent readers, and the one with the evidence on its side.

LibreOffice converts the .doc to DOCX for the DOCX reader: it keeps automatic numbering, merged
cells and legacy fonts, so it is preferred. But a conversion can silently drop a table or text,
and then the document simply has no catalog. antiword (:mod:`extract.legacy.antiword`) reads the
Word binary format on its own and takes milliseconds, so both run on every .doc and their results
are compared (:func:`choose_reader`): the text each found, and its tables and table rows. When
LibreOffice lost what antiword found, antiword's reading is used and a warning says so and why;
when they disagree without a clear winner, LibreOffice's reading is kept and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from extract.blocks import BlockStream, Paragraph, RawTable
from extract.errors import CorruptFileError, ExtractError
from extract.legacy.syllables import vietnamese_evidence

# A table needs a header and one row to hold data; the national header (one row) does not count.
MIN_TABLE_ROWS = 2
# antiword must find this many more table rows, and this share more, before LibreOffice counts as
# having lost a table: merged cells may legitimately count one or two rows differently.
TABLE_ROW_MARGIN = 2
TABLE_ROW_SHARE = 0.2
# antiword's reading replaces LibreOffice's only if it keeps at least this share of LibreOffice's
# text: antiword skips text boxes and frames, which LibreOffice reads.
MIN_TEXT_KEPT = 0.8
# LibreOffice counts as having lost text when antiword has this much more (share and characters).
TEXT_LOSS_SHARE = 0.25
TEXT_LOSS_CHARS = 200
# When LibreOffice failed altogether, antiword's text is trusted only if it reads as Vietnamese.
MIN_FALLBACK_CHARS = 50
MIN_FALLBACK_VIETNAMESE = 0.6


class DocReader(StrEnum):
    LIBREOFFICE = "libreoffice"
    ANTIWORD = "antiword"


@dataclass(frozen=True, slots=True)
class ReaderEvidence:
    """What one reader found in a .doc: printed characters, tables with data, rows in those tables."""

    chars: int
    tables: int
    table_rows: int
    vietnamese_ratio: float


@dataclass(frozen=True, slots=True)
class ReaderChoice:
    reader: DocReader
    warning: tuple[str, str] | None  # (code, bilingual message)


def evidence_of(stream: BlockStream) -> ReaderEvidence:
    texts: list[str] = []
    tables = rows = 0
    for block in stream.blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
            continue
        texts.extend(cell.text for row in block.rows for cell in row if not cell.inherited)
        if _is_data_table(block):
            tables += 1
            rows += len(block.rows)
    text = " ".join(texts)
    return ReaderEvidence(
        chars=sum(1 for char in text if not char.isspace()),
        tables=tables,
        table_rows=rows,
        vietnamese_ratio=vietnamese_evidence(text).ratio,
    )


def _is_data_table(table: RawTable) -> bool:
    width = max((sum(1 for cell in row if cell.text.strip()) for row in table.rows), default=0)
    return len(table.rows) >= MIN_TABLE_ROWS and width >= 2


def choose_reader(libreoffice: ReaderEvidence | None, antiword: ReaderEvidence | None) -> ReaderChoice:
    """Which reading to keep; ``None`` for a reader that failed or is not installed."""
    if libreoffice is None:
        if (
            antiword is not None
            and antiword.chars >= MIN_FALLBACK_CHARS
            and antiword.vietnamese_ratio >= MIN_FALLBACK_VIETNAMESE
        ):
            return ReaderChoice(
                DocReader.ANTIWORD,
                (
                    "doc_reader_antiword",
                    "LibreOffice không đọc được tệp .doc; dùng antiword (không có đánh số tự động, ô gộp) / "
                    "LibreOffice could not read the .doc; antiword used (no automatic numbering or merged cells)",
                ),
            )
        return ReaderChoice(DocReader.LIBREOFFICE, None)  # the caller raises LibreOffice's error
    if antiword is None:
        return ReaderChoice(DocReader.LIBREOFFICE, None)
    keeps_text = antiword.chars >= MIN_TEXT_KEPT * libreoffice.chars
    missing_rows = antiword.table_rows - libreoffice.table_rows
    if missing_rows >= max(TABLE_ROW_MARGIN, TABLE_ROW_SHARE * antiword.table_rows):
        lost = (
            f"LibreOffice đọc được {libreoffice.tables} bảng ({libreoffice.table_rows} hàng), "
            f"antiword {antiword.tables} bảng ({antiword.table_rows} hàng)"
        )
        lost_en = (
            f"LibreOffice read {libreoffice.tables} tables ({libreoffice.table_rows} rows), "
            f"antiword {antiword.tables} ({antiword.table_rows} rows)"
        )
        if keeps_text:
            return ReaderChoice(
                DocReader.ANTIWORD,
                ("doc_reader_antiword", f"LibreOffice mất bảng; dùng antiword: {lost} / LibreOffice lost tables; "
                 f"antiword used: {lost_en}"),
            )  # fmt: skip
        return ReaderChoice(
            DocReader.LIBREOFFICE,
            (
                "doc_readers_disagree",
                f"Hai bộ đọc .doc không khớp, có thể thiếu bảng: {lost}, nhưng antiword thiếu chữ "
                f"({antiword.chars}/{libreoffice.chars} ký tự); giữ LibreOffice, cần kiểm tra / the two .doc readers "
                f"disagree, tables may be missing: {lost_en}, but antiword lacks text "
                f"({antiword.chars}/{libreoffice.chars} characters); LibreOffice kept, please check",
            ),
        )
    extra = antiword.chars - libreoffice.chars
    if (
        extra >= TEXT_LOSS_CHARS
        and extra >= TEXT_LOSS_SHARE * libreoffice.chars
        and antiword.table_rows >= libreoffice.table_rows
    ):
        return ReaderChoice(
            DocReader.ANTIWORD,
            (
                "doc_reader_antiword",
                f"LibreOffice mất chữ ({libreoffice.chars} so với {antiword.chars} ký tự); dùng antiword / "
                f"LibreOffice lost text ({libreoffice.chars} against {antiword.chars} characters); antiword used",
            ),
        )
    return ReaderChoice(DocReader.LIBREOFFICE, None)


def read_doc(data: bytes, source: str) -> BlockStream:
    """Read a .doc with LibreOffice and antiword and keep the reading the evidence favours.

    Raises what the LibreOffice conversion raises (CorruptFileError, UnsupportedFormatError,
    LimitExceededError) when antiword cannot stand in for it either.
    """
    from extract.docx_reader import read_docx
    from extract.legacy import convert_doc_to_docx
    from extract.legacy.antiword import AntiwordError, read_doc_with_antiword
    from extract.legacy.doc import check_structure

    check_structure(data, source)  # not a Word file at all: neither reader is tried
    libreoffice: BlockStream | None = None
    failure: ExtractError | None = None
    try:
        libreoffice = read_docx(convert_doc_to_docx(data, source), source)
    except ExtractError as error:
        failure = error
    try:
        antiword: BlockStream | None = read_doc_with_antiword(data)
    except AntiwordError:
        antiword = None  # not installed, or it could not read the file: LibreOffice's reading stands alone
    choice = choose_reader(
        evidence_of(libreoffice) if libreoffice is not None else None,
        evidence_of(antiword) if antiword is not None else None,
    )
    chosen = antiword if choice.reader is DocReader.ANTIWORD else libreoffice
    if chosen is None:
        raise failure or CorruptFileError(source, "không đọc được tệp .doc / the .doc could not be read")
    if choice.warning is None:
        return chosen
    return replace(chosen, warnings=[*chosen.warnings, (*choice.warning, None)])
