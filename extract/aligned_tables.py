"""Tables whose columns are aligned by position only: horizontal rules or no rules at all.

Catalog appendices are often printed with rules only between rows, or none; a rule-based
table finder sees nothing there. This module finds such tables in the words of one page,
independently of the PDF library that produced the words:

* the table starts at a header line, recognised by column labels ("STT", "Tên ...", "Mô tả",
  "Đơn vị ...", "Tần suất", "Ghi chú" ...) that each start a piece of the line;
* the columns are the page's vertical gutters: x-ranges where no word of the block sits. The
  header labels are centred and cell text starts left of them, so the labels cannot give the
  boundaries; a whitespace profile over every line of the block can;
* a new row starts where the number column (the first) has a value, or at a horizontal rule;
  a line without a number is a wrapped line of the row above, unless most of its pieces cannot be
  a wrap — the cell had ended a line before, or the piece's first word would have fitted on the
  line above — which makes it a sub-row under a vertically merged number, with a blank number;
* the block ends at the next header, a big vertical gap, or a line that runs across the
  gutters (a paragraph or heading) — group rows ("II  LĨNH VỰC Y TẾ") excepted;
* a block is refused on evidence that it is not a table: justified prose (its lines fill the
  block with evenly stretched spaces, so chance gutters line up), or the national header, the
  "Nơi nhận" list or a signature block, which are laid out in columns too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median
from typing import Protocol

from extract.markup import fold


class PageWord(Protocol):
    """What the finder reads of a word (top-based coordinates, y grows downwards). The PDF reader's
    own words satisfy it, so they are passed as they are, without a copy per page."""

    @property
    def text(self) -> str: ...
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...
    @property
    def bold(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Word:
    """A plain word, for callers that have no word type of their own."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False


@dataclass(frozen=True, slots=True)
class AlignedTable:
    """A table found on one page. ``rows`` is a grid (one entry per column, header rows first);
    a cell's wrapped lines are joined with "\\n"; a sub-row has an empty number cell."""

    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    rows: list[list[str]]
    header_rows: int


HRule = tuple[float, float, float]  # (y, x0, x1)

# Column labels of the genre, accent-folded; each must start a piece of the header line.
_HEADER_LABELS: tuple[tuple[str, ...], ...] = (
    ("stt",),
    ("tt",),
    ("so", "tt"),
    ("ten",),
    ("mo", "ta"),
    ("don", "vi"),
    ("co", "quan"),
    ("muc", "do"),
    ("tan", "suat"),
    ("ghi", "chu"),
    ("noi", "dung"),
    ("dinh", "dang"),
    ("thoi", "gian"),
    ("chia", "se"),
    ("nguon",),
    ("pham", "vi"),
    ("linh", "vuc"),
    ("ky", "cap", "nhat"),
)
_LONGEST_LABEL = max(len(label) for label in _HEADER_LABELS)
_LABEL_STARTS = {label[0] for label in _HEADER_LABELS}
_NUMBER_LABELS = {("stt",), ("tt",), ("so", "tt")}
_ROW_NUMBER = re.compile(r"^(\d{1,3}(\.\d{1,3}){0,3}\.?|[IVXLC]{1,6}\.?|[A-ZĐ]\.?|[a-zđ][.)])$")
_GROUP_NUMBER = re.compile(r"^([IVXLC]{1,6}|[A-ZĐ])\.?$")
_PIECE_GAP = 0.5  # x font size: wider than a word space (~0.25), narrower than cell padding (~0.8)
_CELL_GAP = 0.8  # x font size: two cell paddings; justified text stretches its spaces less
_BIG_GAP = 2.5  # x line height: a larger vertical gap ends the block
_MIN_GUTTER = 0.4  # x font size: wider than a word space (0.25 em), narrower than two cell paddings


@dataclass
class _Line:
    words: list[PageWord]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass
class _Row:
    cells: list[list[str]]  # per column, the cell's lines
    group: bool = False
    # per column filled on the row's latest line: where its text ends
    line_ends: dict[int, float] = field(default_factory=dict)


# ---------------------------------------------------------------- public entry


def find_aligned_tables(
    words: Sequence[PageWord], *, h_rules: Sequence[HRule] = (), page_width: float | None = None
) -> list[AlignedTable]:
    """The position-aligned tables of one page, top to bottom (none if no header line is found)."""
    if not words:
        return []
    lines = _lines(words)
    size = median(word.bottom - word.top for word in words)
    headers = [_is_header_line(line, size) for line in lines]
    tables: list[AlignedTable] = []
    start = 0
    while start < len(lines):
        header = next((i for i in range(start, len(lines)) if headers[i]), None)
        if header is None:
            break
        table, end = _table_from(lines, headers, header, size, h_rules, page_width)
        if table is not None:
            tables.append(table)
        start = max(end, header + 1)
    return tables


# ---------------------------------------------------------------- lines and header


def _lines(words: Sequence[PageWord]) -> list[_Line]:
    """Words grouped into visual lines: same line when their vertical extents mostly overlap."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        height = word.bottom - word.top
        line = lines[-1] if lines else None
        if line is not None and abs(word.top - line.top) <= 0.4 * height:
            line.words.append(word)
            line.bottom = max(line.bottom, word.bottom)
            continue
        lines.append(_Line(words=[word], top=word.top, bottom=word.bottom))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _piece_starts(line: _Line, size: float) -> list[int]:
    """Indexes of the words that start a piece: first in the line or after a gap wider than a space."""
    return [
        index
        for index, word in enumerate(line.words)
        if index == 0 or word.x0 - line.words[index - 1].x1 >= _PIECE_GAP * size
    ]


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """A word accent-folded for label matching; pages repeat their words, so it is cached."""
    return fold(text).strip(".,:;()")


def _is_header_line(line: _Line, size: float) -> bool:
    starts = _piece_starts(line, size)
    if len(starts) < 3:
        return False
    found: set[tuple[str, ...]] = set()
    for index in starts:
        if _folded(line.words[index].text) not in _LABEL_STARTS:
            continue  # most pieces of most lines: no need to fold the words after it
        folded = tuple(_folded(word.text) for word in line.words[index : index + _LONGEST_LABEL])
        for label in _HEADER_LABELS:
            if folded[: len(label)] == label:
                found.add(label)
    return len(found) >= 3 or (len(found) >= 2 and bool(found & _NUMBER_LABELS))


# ---------------------------------------------------------------- gutters


def _gutters(lines: Sequence[_Line], size: float, left: float, right: float) -> list[tuple[float, float]]:
    """X-ranges inside left..right where no word of the lines sits, at least a cell's padding wide."""
    if right <= left:
        return []
    step = 0.5
    bins = int((right - left) / step) + 1
    covered = [False] * bins
    for line in lines:
        for word in line.words:
            first = max(0, int((word.x0 - left) / step))
            last = min(bins - 1, int((word.x1 - left) / step))
            for position in range(first, last + 1):
                covered[position] = True
    gutters: list[tuple[float, float]] = []
    run_start: int | None = None
    for position in range(bins + 1):
        free = position < bins and not covered[position]
        if free and run_start is None:
            run_start = position
        elif not free and run_start is not None:
            if run_start > 0 and position < bins:  # not the margins
                gutters.append((left + run_start * step, left + position * step))
            run_start = None
    return [gap for gap in gutters if gap[1] - gap[0] >= _MIN_GUTTER * size]


def _narrow(gap: tuple[float, float], line: _Line, size: float) -> tuple[float, float] | None:
    """The widest part of a gutter that the line leaves free, None if too little is left."""
    runs = [gap]
    for word in line.words:
        next_runs: list[tuple[float, float]] = []
        for r0, r1 in runs:
            if word.x1 <= r0 or word.x0 >= r1:
                next_runs.append((r0, r1))
                continue
            if word.x0 > r0:
                next_runs.append((r0, word.x0))
            if word.x1 < r1:
                next_runs.append((word.x1, r1))
        runs = next_runs
    widest = max(runs, key=lambda run: run[1] - run[0], default=None)
    if widest is None or widest[1] - widest[0] < _MIN_GUTTER * size:
        return None
    return widest


# ---------------------------------------------------------------- one table


def _table_from(
    lines: list[_Line],
    headers: list[bool],
    header: int,
    size: float,
    h_rules: Sequence[HRule],
    page_width: float | None,
) -> tuple[AlignedTable | None, int]:
    """The table whose header line is ``lines[header]``, and the index of the first line after it."""
    first_data, end = _table_extent(lines, headers, header)
    if first_data is None:
        return None, end
    region = lines[header:end]
    left = min(line.x0 for line in region)
    right = max(line.x1 for line in region)
    if page_width is not None:
        right = min(right, page_width)
    # The header and the first data line set the gutters; every later line may only narrow them.
    first_row = next((i for i in range(first_data, end) if not _is_group_line(lines[i])), end)
    opening = [line for line in lines[header : first_row + 1] if not _is_group_line(line)]
    gutters = _gutters(opening, size, left, right)
    if len(gutters) < 2:
        return None, end
    block, gutters = _narrowed(lines[header : first_row + 1], lines[first_row + 1 : end], gutters, size)
    stop = header + len(block)
    if _reads_as_prose(block, size) or _layout_block(block):
        return None, stop
    bounds = [left - 1, *[(g0 + g1) / 2 for g0, g1 in gutters], right + 1]
    header_count = first_data - header
    block_right = max(line.x1 for line in block)
    limits = [g0 for g0, _ in gutters] + [block_right]  # how far text has reached in each column
    rows = _rows(block, header_count, bounds, limits, h_rules, size)
    if sum(1 for row in rows if not row.group) < 2:
        return None, stop
    grid = [[_cell_text(cell) for cell in row.cells] for row in rows]
    bbox = (left, block[0].top, block_right, block[-1].bottom)
    return AlignedTable(bbox=bbox, rows=grid, header_rows=1), stop


def _table_extent(lines: list[_Line], headers: list[bool], header: int) -> tuple[int | None, int]:
    """The first data line of the table headed by ``lines[header]`` (None: no data) and the line after it.

    The table ends at a wide vertical gap or at the next header line once data has begun.
    """
    line_height = median(line.bottom - line.top for line in lines)
    first_data = None
    # A bold header ends at the first line that is not bold: that finds the data of a fragment
    # continued from the previous page, whose first row has no number.
    header_bold = _bold(lines[header])
    end = header + 1
    while end < len(lines):
        line = lines[end]
        if line.top - lines[end - 1].bottom > _BIG_GAP * line_height:
            break
        if first_data is not None and headers[end]:
            break
        if first_data is None and (_ROW_NUMBER.match(line.words[0].text) or (header_bold and not _bold(line))):
            first_data = end
        end += 1
    return first_data, end


def _narrowed(
    block: list[_Line], later: list[_Line], gutters: list[tuple[float, float]], size: float
) -> tuple[list[_Line], list[tuple[float, float]]]:
    """``block`` (header to first row) grown by the ``later`` lines that keep the columns, and the gutters left.

    A line of running text that closes two or more gutters (a paragraph, a heading) ends the table,
    unless it is a group row; any other closed gutter was a false one (the header and one line can
    leave a gap inside a column), and the columns merge.
    """
    block = list(block)
    for line in later:
        if _is_group_line(line):
            block.append(line)
            continue
        narrowed = [_narrow(gap, line, size) for gap in gutters]
        if sum(1 for gap in narrowed if gap is None) >= 2 and _running_text(line, size):
            break
        gutters = [gap for gap in narrowed if gap is not None]
        block.append(line)
    return block, gutters


def _reads_as_prose(block: Sequence[_Line], size: float) -> bool:
    """Justified prose: most lines fill the block edge to edge with evenly stretched spaces.

    Justification stretches every space of a line by the same amount, so the line's gaps are
    equal; a table line has narrow spaces inside cells and wide gaps between them. Gutters that
    happen to line up across a few justified lines are chance, not columns.
    """
    left = min(line.x0 for line in block)
    right = max(line.x1 for line in block)
    justified = 0
    for line in block:
        gaps = [word.x0 - before.x1 for before, word in zip(line.words, line.words[1:], strict=False)]
        fills = line.x0 - left < size and right - line.x1 < size
        if fills and len(gaps) >= 4 and max(gaps) - min(gaps) < _EVEN_GAPS * size:
            justified += 1
    return justified >= 2 and justified * 5 >= len(block) * 3


# Spaces of one justified line differ by less than this (x font size); cell gaps differ by more.
_EVEN_GAPS = 0.15
# The national header, the "Nơi nhận" list and the signature block are laid out in columns but
# are not tables (accent-folded line starts, or anywhere for the motto).
_LAYOUT_START = re.compile(r"^(?:noi nhan\s*:|(?:kt|tm|tl|tuq|q)\.\s*[a-z ]*(?:chu tich|uy ban|giam doc|truong))")
_LAYOUT_ANYWHERE = re.compile(r"cong hoa xa hoi chu nghia|doc lap\s*-\s*tu do")


def _layout_block(block: Sequence[_Line]) -> bool:
    for line in block:
        for start in _piece_starts(line, 0.0):
            text = fold(" ".join(word.text for word in line.words[start:]))
            if _LAYOUT_START.match(text) or _LAYOUT_ANYWHERE.search(text):
                return True
    return False


def _running_text(line: _Line, size: float) -> bool:
    """A line of running text: at most one gap as wide as a cell's padding (a number before a title)."""
    gaps = [word.x0 - before.x1 for before, word in zip(line.words, line.words[1:], strict=False)]
    return sum(1 for gap in gaps if gap >= _CELL_GAP * size) < 2


def _bold(line: _Line) -> bool:
    return all(word.bold for word in line.words)


def _is_group_line(line: _Line) -> bool:
    """'II  LĨNH VỰC Y TẾ': a group number, then text in capitals or bold."""
    if len(line.words) < 2 or not _GROUP_NUMBER.match(line.words[0].text):
        return False
    rest = line.words[1:]
    letters = [char for word in rest for char in word.text if char.isalpha()]
    return (len(letters) >= 4 and all(char.isupper() for char in letters)) or all(word.bold for word in rest)


def _column(word: PageWord, bounds: Sequence[float]) -> int:
    centre = (word.x0 + word.x1) / 2
    for index in range(len(bounds) - 1):
        if centre < bounds[index + 1]:
            return index
    return len(bounds) - 2


def _rule_between(upper: _Line, lower: _Line, h_rules: Sequence[HRule], x0: float, x1: float) -> bool:
    """A horizontal rule between two lines that runs under a good part of the table."""
    width = x1 - x0
    for y, r0, r1 in h_rules:
        if upper.bottom - 1 <= y <= lower.top + 1 and min(x1, r1) - max(x0, r0) >= 0.3 * width:
            return True
    return False


def _rows(
    block: list[_Line],
    header_count: int,
    bounds: Sequence[float],
    limits: Sequence[float],
    h_rules: Sequence[HRule],
    size: float,
) -> list[_Row]:
    width = len(bounds) - 1
    header = _Row(cells=[[] for _ in range(width)])
    rows: list[_Row] = [header]
    x0, x1 = bounds[0], bounds[-1]
    for index, line in enumerate(block):
        pieces, first_width, ends = _line_pieces(line, bounds)
        if index < header_count:
            for col, text in pieces.items():
                header.cells[col].append(text)
            continue
        current = rows[-1]
        number = pieces.get(0, "")
        if _is_group_line(line):
            rows.append(_group_row(line, width))
            continue
        ruled = index > header_count and _rule_between(block[index - 1], line, h_rules, x0, x1)
        new_row = (
            current is header
            or bool(number and _ROW_NUMBER.match(number))
            or (ruled and not current.group)
            or (not current.group and _most_restart(pieces, current, first_width, limits, size))
        )
        if current.group and not number and not ruled:
            current.cells[min(1, width - 1)].append(line.text())  # a group label wrapped onto a second line
            continue
        if new_row:
            current = _Row(cells=[[] for _ in range(width)])
            rows.append(current)
        for col, text in pieces.items():
            current.cells[col].append(text)
        current.line_ends = ends
    return rows


def _line_pieces(line: _Line, bounds: Sequence[float]) -> tuple[dict[int, str], dict[int, float], dict[int, float]]:
    """A line's text per column, the width of its first word in each column, and where each column's text ends."""
    by_column: list[list[str]] = [[] for _ in range(len(bounds) - 1)]
    first_width: dict[int, float] = {}
    ends: dict[int, float] = {}
    for word in line.words:
        col = _column(word, bounds)
        by_column[col].append(word.text)
        first_width.setdefault(col, word.x1 - word.x0)
        ends[col] = word.x1
    pieces = {col: " ".join(texts) for col, texts in enumerate(by_column) if texts}
    return pieces, first_width, ends


def _group_row(line: _Line, width: int) -> _Row:
    """A group line as its own row: the group number, then its label."""
    cells: list[list[str]] = [[] for _ in range(width)]
    cells[0].append(line.words[0].text)
    cells[min(1, width - 1)].append(" ".join(word.text for word in line.words[1:]))
    return _Row(cells=cells, group=True)


def _most_restart(
    pieces: dict[int, str], current: _Row, first_width: dict[int, float], limits: Sequence[float], size: float
) -> bool:
    """Most of the columns the row already fills cannot continue on this line, and it fills two or more."""
    fills = [col for col in pieces if col != 0]
    running = [col for col in fills if current.cells[col]]
    restarts = [col for col in running if _restarts(col, current, first_width[col], limits, size)]
    return 2 * len(restarts) > len(running) and len(fills) >= 2


def _restarts(col: int, row: _Row, first_word: float, limits: Sequence[float], size: float) -> bool:
    """Whether text in a column of the row cannot be its wrapped continuation: the cell had ended
    a line before, or the new line's first word would have fitted after its last line."""
    end = row.line_ends.get(col)
    return end is None or end + _PIECE_GAP * size + first_word < limits[col]


def _cell_text(lines: list[str]) -> str:
    return "\n".join(lines)
