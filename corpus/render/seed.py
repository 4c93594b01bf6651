"""Parse a seed TXT into the logical document a Word author would have typed.

The seeds are text conversions of real DOCX/PDF files, so they carry the damage of that
conversion: tables split at page breaks (repeated header lines, rows continued on the next
page), merged cells printed as blanks, Markdown/HTML residue. This module undoes the damage
so that the DOCX we write looks like the original; the extractor then has to reconstruct the
same content from a real-looking DOCX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from corpus.render.markup import plain_text

RowKind = Literal["header", "data", "group", "subrow"]

_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_NUMBER_LINE = re.compile(r"^\s*Số\s*:")
_DATE_MARK = re.compile(r",\s*ngày\b")
_MAX_PLACE_WORDS = 4
_DECISION_REF = re.compile(
    r"Kèm theo Quyết định số\s+(?P<number>\d+/[^\s]+)\s+ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
)
_HEADER_SCAN_LINES = 12


@dataclass(frozen=True, slots=True)
class NationalHeader:
    issuer_lines: tuple[str, ...]
    number_line: str
    place_date_line: str


@dataclass(slots=True)
class SeedCell:
    """One table cell; each line becomes one paragraph inside the Word cell."""

    lines: list[str] = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not any(plain_text(line).strip() for line in self.lines)

    def append_continuation(self, text: str) -> None:
        # A cell continued after a page break: the halves are one sentence, joined by a space.
        if not text.strip():
            return
        if self.lines and self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].rstrip() + " " + text.strip()
        else:
            self.lines.append(text.strip())


@dataclass(slots=True)
class SeedRow:
    cells: list[SeedCell]
    kind: RowKind = "data"
    line_no: int = 0


@dataclass(slots=True)
class SeedTable:
    rows: list[SeedRow]
    line_no: int
    # Blank cells that inherit the value above (merged cells in the original) -> vertical merge.
    merge_blank_cells: bool = False

    @property
    def column_count(self) -> int:
        return len(self.rows[0].cells)


@dataclass(frozen=True, slots=True)
class SeedParagraph:
    text: str  # markup kept; the writer turns it into runs
    line_no: int
    heading: bool = False
    indent: bool = False
    group_start: bool = False  # first line after a blank line: open markup does not carry over


Block = SeedParagraph | SeedTable


@dataclass(slots=True)
class SeedDocument:
    name: str
    header: NationalHeader
    blocks: list[Block]


def parse_seed(name: str, text: str, issuer_lines: tuple[str, ...]) -> SeedDocument:
    lines = text.split("\n")
    header, consumed = _national_header(lines, text, issuer_lines)
    blocks = _blocks(lines, consumed)
    return SeedDocument(name=name, header=header, blocks=blocks)


# --- national header ---------------------------------------------------------------------


def _national_header(
    lines: list[str], text: str, issuer_lines: tuple[str, ...]
) -> tuple[NationalHeader, set[int]]:
    consumed: set[int] = set()
    number_line = ""
    place_date = ""
    for index, line in enumerate(lines[:_HEADER_SCAN_LINES]):
        stripped = line.strip()
        if not number_line and _NUMBER_LINE.match(stripped):
            consumed.add(index)
            date_start = _place_date_start(stripped)
            # "Số: /KH-UBND Hưng Yên, ngày ..." is one line in the seed: split it into both columns.
            if date_start is not None and date_start > 0:
                number_line = stripped[:date_start].strip()
                place_date = stripped[date_start:].strip()
            else:
                number_line = stripped
        elif not place_date and _place_date_start(stripped) == 0:
            consumed.add(index)
            place_date = stripped
    if not number_line or not place_date:
        # A decision whose header page was not converted: its annex cites it ("Kèm theo
        # Quyết định số 1402/QĐ-UBND ngày 12/7/2022"), which gives both the number and the date.
        ref = _DECISION_REF.search(text)
        if ref is not None:
            number_line = number_line or f"Số: {ref.group('number')}"
            place = _place_from_issuer(issuer_lines)
            place_date = place_date or (
                f"{place}, ngày {int(ref.group('d'))} tháng {int(ref.group('m'))} năm {ref.group('y')}"
            )
    return NationalHeader(issuer_lines, number_line, place_date), consumed


def _place_date_start(line: str) -> int | None:
    """Where "<Place>, ngày ..." starts in ``line``: the capitalised words before ", ngày"."""
    mark = _DATE_MARK.search(line)
    if mark is None:
        return None
    words = line[: mark.start()].split(" ")
    taken = 0
    for word in reversed(words):
        if not word or not word[0].isupper() or any(ch.isdigit() or ch in "/-:;()" for ch in word):
            break
        taken += 1
    if taken == 0 or taken > _MAX_PLACE_WORDS:
        return None
    return len(" ".join(words[: len(words) - taken])) + (1 if len(words) > taken else 0)


def _place_from_issuer(issuer_lines: tuple[str, ...]) -> str:
    last = issuer_lines[-1] if issuer_lines else ""
    words = last.split()
    if words and words[0].upper() in {"TỈNH", "XÃ", "HUYỆN", "PHƯỜNG", "THÀNH", "THỊ"}:
        words = words[1:]
    return " ".join(word.capitalize() for word in words)


# --- body ------------------------------------------------------------------------------


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_row_line(line: str) -> bool:
    """A tab-separated table row: at least three fields."""
    return line.count("\t") >= 2


def _is_cell_line(line: str) -> bool:
    """The one-cell-per-line layout: the cell text follows a single leading tab."""
    return line.startswith("\t") and line.count("\t") == 1


def _blocks(lines: list[str], consumed: set[int]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    after_blank = True
    while index < len(lines):
        line = lines[index]
        if index in consumed or _is_blank(line) and not _is_cell_line(line):
            after_blank = True
            index += 1
            continue
        if _is_row_line(line):
            table, index = _tab_table(lines, index)
            blocks.append(table)
            after_blank = True
            continue
        if _starts_cell_table(lines, index):
            table, index = _cell_table(lines, index)
            blocks.append(table)
            after_blank = True
            continue
        blocks.extend(_paragraphs(line, index + 1, after_blank))
        after_blank = False
        index += 1
    return blocks


def _paragraphs(line: str, line_no: int, group_start: bool) -> list[SeedParagraph]:
    from corpus.render.markup import strip_heading_marker

    body, heading = strip_heading_marker(line.rstrip())
    indent = body.startswith((" ", "\t"))
    # Bold headings glued by the conversion ("**PHỤ LỤC****Danh mục ...**") were separate
    # paragraphs in the original.
    pieces = body.strip().replace("****", "**\n**").split("\n")
    return [
        SeedParagraph(
            text=piece,
            line_no=line_no,
            heading=heading,
            indent=indent,
            group_start=group_start or position > 0,
        )
        for position, piece in enumerate(pieces)
        if piece.strip()
    ]


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.rstrip("\n").split("\t")]


def _normalised(cells: list[str]) -> list[str]:
    return [" ".join(plain_text(cell).split()).casefold() for cell in cells]


def _tab_table(lines: list[str], start: int) -> tuple[SeedTable, int]:
    header_cells = _split_row(lines[start])
    width = len(header_cells)
    header_key = _normalised(header_cells)
    rows = [SeedRow([SeedCell([c]) for c in header_cells], kind="header", line_no=start + 1)]
    index = start + 1
    after_break = False
    while index < len(lines):
        line = lines[index]
        if _is_blank(line):
            # A blank line inside a table is a page break of the original if a row follows.
            lookahead = index
            while lookahead < len(lines) and _is_blank(lines[lookahead]):
                lookahead += 1
            if lookahead < len(lines) and _is_row_line(lines[lookahead]):
                after_break = True
                index = lookahead
                continue
            break
        if not _is_row_line(line):
            break
        cells = _split_row(line)
        cells = (cells + [""] * width)[:width] if len(cells) < width else cells
        if _normalised(cells[:width]) == header_key:
            after_break = True  # header repeated on the next page: drop it
            index += 1
            continue
        first = plain_text(cells[0]).strip()
        if not first and any(cells[1:]) and rows[-1].kind in ("data", "subrow"):
            if after_break:
                for cell, extra in zip(rows[-1].cells, cells, strict=False):
                    cell.append_continuation(extra)
            else:
                rows.append(SeedRow([SeedCell([c] if c else []) for c in cells], "subrow", index + 1))
        elif _ROMAN.match(first) and not any(plain_text(c).strip() for c in cells[2:]):
            rows.append(SeedRow([SeedCell([c]) for c in cells], "group", index + 1))
        else:
            rows.append(SeedRow([SeedCell([c] if c else []) for c in cells], "data", index + 1))
        after_break = False
        index += 1
    return SeedTable(rows=rows, line_no=start + 1), index


def _starts_cell_table(lines: list[str], index: int) -> bool:
    window = lines[index : index + 3]
    return len(window) == 3 and all(_is_cell_line(line) for line in window)


def _cell_table(lines: list[str], start: int) -> tuple[SeedTable, int]:
    groups: list[tuple[int, list[SeedCell]]] = []
    current: list[SeedCell] | None = None
    width = 0
    index = start
    while index < len(lines):
        line = lines[index]
        if _is_cell_line(line):
            if current is None:
                current = []
                groups.append((index + 1, current))
            current.append(SeedCell([line[1:].strip()] if line[1:].strip() else []))
        elif _is_blank(line):
            # A blank line ends the row, except inside a cell the row has not finished yet
            # (Hà Tĩnh row 25 has an empty line inside its description cell).
            nxt = index + 1
            while nxt < len(lines) and _is_blank(lines[nxt]) and not _is_cell_line(lines[nxt]):
                nxt += 1
            continues_cell = (
                current is not None
                and width
                and len(current) < width
                and nxt < len(lines)
                and not _is_cell_line(lines[nxt])
            )
            if not continues_cell:
                if current is not None and not width:
                    width = len(current)
                current = None
                if nxt >= len(lines) or not _is_cell_line(lines[nxt]):
                    index = nxt
                    break
            index = nxt
            continue
        elif current is not None:
            # A line without the leading tab continues the cell above (one cell, several lines).
            current[-1].lines.append(line.strip())
        else:
            break
        index += 1
    rows: list[SeedRow] = []
    for position, (line_no, cells) in enumerate(groups):
        padded = cells + [SeedCell() for _ in range(width - len(cells))]
        rows.append(SeedRow(padded, "header" if position == 0 else "data", line_no))
    return SeedTable(rows=rows, line_no=start + 1, merge_blank_cells=True), index
