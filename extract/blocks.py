"""The block stream: what every format reader produces and the structure builder consumes.

A reader (text, DOCX, PDF, OCR) knows its format and nothing about plans and decisions; it
turns a file into an ordered stream of :class:`Paragraph` and :class:`RawTable` blocks, each
with its page and line. The structure builder (``extract.structure``) knows the genre —
Vietnamese numbering, labelled task lines, catalog tables — and nothing about formats. That
split is why a scanned page and a typed page give identical structure downstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One line or paragraph of running text, markup already removed.

    ``text`` starts with its numbering as printed ("1.1. Xây dựng ..."). For DOCX automatic
    numbering the reader reconstructs that label from numbering.xml and sets ``auto_label``.
    """

    text: str
    page: int | None = None
    line: int | None = None  # 1-based line in a text file, paragraph index in DOCX
    bold: bool = False
    italic: bool = False
    centered: bool = False
    auto_label: bool = False


@dataclass(frozen=True, slots=True)
class RawCell:
    """One grid position. ``text`` keeps the lines of a multi-line cell separated by "\\n": the
    stitcher joins them with one space (none after a dash glued to a word), and the national
    header needs them to split into paragraphs."""

    text: str
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    inherited: bool = False  # the reader filled it from a vertical merge
    confidence: float | None = None
    # A Word cell's paragraphs (two or more), each a printed line of its own ("Sở Tài chính" / "Sở Nội vụ"): not a
    # wrap, so a reader of units keeps them apart. ``text`` stays them joined by one space, as every rule reads it.
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table or a fragment of one (one page's worth of a table that breaks across pages).

    ``rows`` is a grid: every row has one entry per column, spanned positions included (a
    horizontally merged cell is repeated with the same text and ``col_span`` > 1; a vertically
    merged one with ``inherited=True``). ``ruled`` is False for tables laid out with spaces or
    tabs only. ``after_break`` says the fragment starts right after a page break, so its first
    row may continue the previous fragment's last row.
    """

    rows: list[list[RawCell]]
    page: int | None = None
    line: int | None = None
    ruled: bool = True
    after_break: bool = False
    borderless: bool = False  # e.g. the national header laid out as a 2-column table
    pages: list[int] = field(default_factory=list)


Block = Paragraph | RawTable


@dataclass(frozen=True, slots=True)
class Stamp:
    """One line of text an annotation draws over a page, absent from its text layer.

    An e-signature system fills the blank số hiệu and date this way. ``line`` is the column of
    the page line the value lies on with the value merged in ("Số: 3070/KH-UBND"), so the
    metadata pass reads it with its header patterns. Coordinates in points, top-down.
    """

    page: int
    text: str
    line: str
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True, slots=True)
class BlockStream:
    """A reader's output: blocks in reading order plus what the reader learnt about the file."""

    blocks: list[Block]
    page_count: int
    needs_ocr_pages: list[int] = field(default_factory=list)
    encoding: str = ""
    warnings: list[tuple[str, str, int | None]] = field(default_factory=list)  # (code, message, page)
    stamps: list[Stamp] = field(default_factory=list)  # annotation-drawn values (e-signed PDFs)
