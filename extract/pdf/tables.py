"""Tables on one PDF page: ruled grids from the drawn lines, and column-aligned text without rules.

Ruled tables come from pdfplumber's line finder, run over the page source's edges (PDFium or
pdfminer). Its cell grid marks a merged position with ``None``; the origin cell's box tells how
many columns and rows it covers. LibreOffice prints a vertically merged cell's text once, in its
first row, so the covered rows get that text with ``inherited=True`` — the value a reader of the
printed table would carry down.

Tables laid out with spaces (no vertical rules, sometimes only horizontal ones) are found from
their header line: a line cut by wide gaps into three or more pieces, at least two of which
are typical column titles (STT, Tên ..., Đơn vị ..., Mô tả ...). The pieces' left edges are
the columns; following lines are rows while their words stay inside those columns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.blocks import RawCell
from extract.pdf.layout import (
    Line,
    Word,
    group_lines,
    join_cell_lines,
    join_words,
    lift_superscript_words,
    split_segments,
)
from extract.pdf.source import PageSource

_RULED_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_HEADER_WORD = re.compile(
    r"^(?:s[ốo]\s*)?t\.?\s?t\b|^tên\b|^đơn vị|^mô tả|^ghi chú|^nội dung|^tần suất|^cơ quan|^mức độ|"
    r"^hình thức|^phạm vi|^thời gian|^số lượng|^loại\b|^lĩnh vực|^chủ trì|^phối hợp",
    re.IGNORECASE,
)
_GROUP_LABEL = re.compile(r"^(?:[IVXLC]+\.?|[A-Z]\.?|\d+(?:\.\d+)*\.?)$")
_NUMBER_LIKE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[a-zđ]\)?)$")


@dataclass(slots=True)
class PageTable:
    """A table found on a page, before it becomes a RawTable fragment."""

    rows: list[list[RawCell]]
    bbox: tuple[float, float, float, float]
    ruled: bool
    # Columns whose merged cell runs into the table's last row (it may continue on the next page).
    open_columns: dict[int, str] = field(default_factory=dict)
    # Columns with vertically merged cells anywhere in the table so far (a "same as above" column).
    merged_columns: set[int] = field(default_factory=set)
    # Words inside the table's frame that no cell of its grid holds (they are left out of it).
    unplaced_words: int = 0


def inside(word: Word, bbox: tuple[float, float, float, float]) -> bool:
    cx = (word.x0 + word.x1) / 2
    cy = (word.top + word.bottom) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def ruled_tables(
    page: PageSource, words: Sequence[Word], page_number: int, warnings: list[tuple[str, str, int | None]] | None = None
) -> list[PageTable]:
    """The page's ruled tables; a ruled region that is a diagram is refused (its text stays paragraphs)."""
    found = page.find_tables(_RULED_SETTINGS)
    figures = getattr(page, "figures", None) or []
    diagrams = [table.bbox for table in found if _is_diagram(table, found, figures)]
    tables: list[PageTable] = []
    for table in found:
        if any(_within(table.bbox, box) for box in diagrams):
            continue
        if len(table.rows) < 1 or len(table.columns) < 2:
            continue  # a frame or a box around a paragraph, not a table
        box = table.bbox  # pdfplumber merges every cell's box again at each read
        table_words = [word for word in words if inside(word, box)]
        if not table_words:
            continue
        grid = _grid(table, table_words, page_number)
        tables.append(grid)
        if grid.unplaced_words and warnings is not None:
            warnings.append(
                (
                    "ruled_table_unstructured",
                    f"Trang {page_number}: {grid.unplaced_words} từ trong khung bảng không thuộc ô nào của lưới, "
                    f"bị bỏ khỏi bảng / page {page_number}: {grid.unplaced_words} words inside a ruled table fit "
                    "no cell of its grid and were left out of it",
                    page_number,
                )
            )
    if diagrams and warnings is not None:
        warnings.append(
            (
                "diagram_not_table",
                f"Trang {page_number}: {len(diagrams)} vùng kẻ khung là sơ đồ (có mũi tên, đường cong), "
                f"đọc như đoạn văn, không phải bảng / page {page_number}: {len(diagrams)} ruled region(s) are "
                "diagrams (arrows, curves), read as paragraphs, not tables",
                page_number,
            )
        )
    return tables


# Drawings (curves, slanted strokes) inside a ruled region that make it a diagram, not a table.
_DIAGRAM_FIGURES = 2


def _is_diagram(table: Any, found: Sequence[Any], figures: Sequence[tuple[float, float, float, float]]) -> bool:
    """A swimlane or flow chart drawn in a grid: arrows or rounded boxes inside, or rule boxes nested in it."""
    drawn = sum(1 for box in figures if _within(box, table.bbox))
    nested = any(other is not table and _within(other.bbox, table.bbox) for other in found)
    return drawn >= _DIAGRAM_FIGURES or (nested and drawn >= 1)


def _within(inner: Sequence[float], outer: Sequence[float], slack: float = 1.0) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


# A drawn cell: its row, the indices of its left and right borders, and its box.
_Origin = tuple[int, int, int, tuple[float, float, float, float]]


@dataclass(slots=True)
class _GridFill:
    """A ruled table's grid while its positions are filled: first from the drawn cells, then the gaps."""

    borders: list[float]  # drawn column borders, left to right
    logical: list[int]  # the logical column border of each drawn one
    row_ranges: list[tuple[float, float]]  # (top, bottom) of each row
    padding: float
    page_number: int
    cells: list[list[RawCell | None]]
    open_columns: dict[int, str] = field(default_factory=dict)
    merged_columns: set[int] = field(default_factory=set)

    def cell_text(self, words: Sequence[Word], right: float) -> str:
        """A cell's words as its lines of text (``right``: the cell's right edge)."""
        lines = [Line(tuple(lift_superscript_words(list(line.words)))) for line in group_lines(words)]
        return join_cell_lines(lines, right - self.padding) if words else ""


def _grid(table: Any, words: Sequence[Word], page_number: int) -> PageTable:
    borders = _borders(float(x) for cell in table.cells for x in (cell[0], cell[2]))
    origins = _cell_origins(table, borders)
    logical = _logical_borders(len(borders), [(r, b0, b1) for r, b0, b1, _ in origins])
    locate = _WordLocator(words)
    cell_words_of = {(r, b0): locate.inside(bbox) for r, b0, _, bbox in origins}
    row_ranges = [(row.bbox[1], row.bbox[3]) for row in table.rows]
    fill = _GridFill(
        borders=borders,
        logical=logical,
        row_ranges=row_ranges,
        padding=_cell_padding([(bbox, cell_words_of[r, b0]) for r, b0, _, bbox in origins]),
        page_number=page_number,
        cells=[[None] * logical[-1] for _ in range(len(row_ranges))],
    )
    for r, b0, b1, bbox in origins:
        _fill_drawn_cell(fill, r, b0, b1, bbox, cell_words_of[r, b0])
    placed = {id(word) for cell_words in cell_words_of.values() for word in cell_words}
    _fill_undrawn_cells(fill, locate, placed)
    unplaced = sum(1 for word in words if id(word) not in placed)
    rows = [[cell if cell is not None else RawCell("", page=page_number) for cell in row] for row in fill.cells]
    rows = [row for row in rows if any(cell.text for cell in row)]
    bbox = (float(table.bbox[0]), float(table.bbox[1]), float(table.bbox[2]), float(table.bbox[3]))
    return PageTable(
        rows=rows,
        bbox=bbox,
        ruled=True,
        open_columns=fill.open_columns,
        merged_columns=fill.merged_columns,
        unplaced_words=unplaced,
    )


def _cell_origins(table: Any, borders: Sequence[float]) -> list[_Origin]:
    """The drawn cells of the finder's grid (``None`` marks a position a merged cell covers)."""
    origins: list[_Origin] = []
    for r, row in enumerate(table.rows):
        for bbox in row.cells:
            if bbox is not None:
                origins.append((r, _nearest(borders, bbox[0]), _nearest(borders, bbox[2]), bbox))
    return origins


def _fill_drawn_cell(
    fill: _GridFill, r: int, b0: int, b1: int, bbox: tuple[float, float, float, float], cell_words: Sequence[Word]
) -> None:
    """Put a drawn cell's text on every position it covers; the rows below its first inherit it."""
    text = fill.cell_text(cell_words, bbox[2])
    c = fill.logical[b0]
    col_span = max(1, fill.logical[b1] - c)
    row_span = sum(1 for y0, y1 in fill.row_ranges[r:] if bbox[1] - 1 <= (y0 + y1) / 2 <= bbox[3] + 1) or 1
    n_rows, n_cols = len(fill.cells), len(fill.cells[0]) if fill.cells else 0
    for dr in range(row_span):
        for dc in range(col_span):
            rr, cc = r + dr, c + dc
            if rr >= n_rows or cc >= n_cols or fill.cells[rr][cc] is not None:
                continue
            fill.cells[rr][cc] = RawCell(
                text,
                row_span=row_span if dr == 0 else 1,
                col_span=col_span,
                page=fill.page_number,
                inherited=dr > 0,
            )
    if row_span > 1:
        fill.merged_columns.add(c)
        if r + row_span >= n_rows:
            fill.open_columns[c] = text


def _fill_undrawn_cells(fill: _GridFill, locate: _WordLocator, placed: set[int]) -> None:
    """Fill each position no drawn cell covers with the words not yet placed inside it.

    Such a position is a cell whose closing rule is missing (Excel leaves the rule off under a
    cell whose text overflows): its words would otherwise be lost.
    """
    for r, row in enumerate(fill.cells):
        for c, cell in enumerate(row):
            if cell is not None:
                continue
            x0 = min(x for x, index in zip(fill.borders, fill.logical, strict=True) if index == c)
            x1 = max(x for x, index in zip(fill.borders, fill.logical, strict=True) if index == c + 1)
            box = (x0, fill.row_ranges[r][0], x1, fill.row_ranges[r][1])
            loose = [word for word in locate.inside(box) if id(word) not in placed]
            placed.update(id(word) for word in loose)
            row[c] = RawCell(fill.cell_text(loose, x1), page=fill.page_number)


def _borders(xs: Iterable[float]) -> list[float]:
    """The distinct x positions of cell edges (within a point: one rule drawn twice)."""
    borders: list[float] = []
    for x in sorted(xs):
        if not borders or x - borders[-1] > 1.0:
            borders.append(x)
    return borders


def _nearest(values: Sequence[float], x: float) -> int:
    return min(range(len(values)), key=lambda index: abs(values[index] - x))


def _logical_borders(count: int, cells: Sequence[tuple[int, int, int]]) -> list[int]:
    """Logical column border of each drawn one: two neighbouring borders that no row draws both of
    are one border shifted between rows.

    Word keeps each row's own column widths, so a table whose sections were resized draws the
    border between "Nội dung" and "Tên văn bản" at 307 pt in some rows and at 364 pt in others.
    The finder's grid then has a sliver column that belongs to different cells in different
    rows; read by border order instead, every row has the printed number of columns.
    """
    per_row: dict[int, set[int]] = {}
    for row, first, last in cells:
        per_row.setdefault(row, set()).update((first, last))
    logical = [0] * count
    group: set[int] = {0}
    for border in range(1, count):
        drawn_with = any(border in present and present & group for present in per_row.values())
        used = any(border in present for present in per_row.values())
        group_used = any(present & group for present in per_row.values())
        if drawn_with or not used or not group_used or border == count - 1:
            logical[border] = logical[border - 1] + 1
            group = {border}
        else:
            logical[border] = logical[border - 1]
            group.add(border)
    return logical


def _cell_padding(cells: Sequence[tuple[tuple[float, float, float, float], Sequence[Word]]]) -> float:
    """The smallest left inset of text in any cell: the table's cell padding (centred cells inset more)."""
    insets = [min(word.x0 - bbox[0] for word in words) for bbox, words in cells if words]
    return max(0.0, min(insets)) if insets else 2.0


class _WordLocator:
    """The words inside a box, found by their centre's height: a grid has hundreds of cells."""

    def __init__(self, words: Sequence[Word]) -> None:
        self._words = words
        order = sorted(range(len(words)), key=lambda i: (words[i].top + words[i].bottom) / 2)
        self._order = order
        self._middles = [(words[i].top + words[i].bottom) / 2 for i in order]

    def inside(self, bbox: tuple[float, float, float, float]) -> list[Word]:
        """Same words, in the same order, as filtering all words with :func:`inside`."""
        start = bisect.bisect_left(self._middles, bbox[1])
        stop = bisect.bisect_right(self._middles, bbox[3])
        hits = sorted(self._order[start:stop])
        return [self._words[i] for i in hits if inside(self._words[i], bbox)]


def continue_merges(table: PageTable, previous: PageTable | None, header_texts: list[str] | None) -> PageTable:
    """Carry a merged cell that runs over the page break into the fragment's first data rows.

    LibreOffice prints a merged cell's text once, so on the next page the cell is blank, or
    holds only the tail of its text when the row itself broke across the page ("Sở" on one
    page, "Kế hoạch và Đầu tư" on the next). The rows it covers on the new page inherit the
    whole text. A first row with an empty number cell continues the previous page's last row
    (the stitcher joins it), so it keeps just its own tail.
    """
    if previous is None or not previous.rows or not table.rows:
        return table
    if len(previous.rows[-1]) != len(table.rows[0]):
        return table  # a different table
    first = 1 if header_texts and [cell.text for cell in table.rows[0]] == header_texts else 0
    if first >= len(table.rows):
        return table
    rows = [list(row) for row in table.rows]
    above = previous.rows[-1]
    continuation = not rows[first][0].text
    for col in range(min(len(rows[first]), len(above))):
        cell = rows[first][col]
        carried = _carried_text(cell, above[col], col, continuation, previous)
        if carried is None:
            continue
        # A continued row keeps its own tail: the rows below it inherit the whole text.
        start = first + 1 if continuation else first
        for r in range(start, min(first + max(1, cell.row_span), len(rows))):
            old = rows[r][col]
            rows[r][col] = RawCell(carried, col_span=old.col_span, page=old.page, inherited=True)
    return PageTable(
        rows=rows,
        bbox=table.bbox,
        ruled=table.ruled,
        open_columns=table.open_columns,
        merged_columns=table.merged_columns | previous.merged_columns,
    )


def _carried_text(cell: RawCell, above: RawCell, col: int, continuation: bool, previous: PageTable) -> str | None:
    """The text a merged cell carries over the page break into column ``col``; None when it carries none.

    ``cell`` is the fragment's first data cell in that column, ``above`` the previous page's last
    one; ``continuation`` says the first row continues the previous page's last row.
    """
    span = max(1, cell.row_span)
    head = above.text
    if continuation:
        if span < 2 or not head or col == 0:
            return None
        return f"{head} {cell.text}".strip() if cell.text and not above.inherited else head
    merged_before = col in previous.open_columns or col in previous.merged_columns
    if cell.text or not head or (span < 2 and not merged_before):
        return None
    return head


# ---------------------------------------------------------------- tables without vertical rules


def aligned_tables(lines: Sequence[Line], page_number: int) -> tuple[list[PageTable], set[int]]:
    """Find space-aligned tables; return them and the indices of the lines they consumed."""
    tables: list[PageTable] = []
    used: set[int] = set()
    index = 0
    while index < len(lines):
        starts = _header_columns(lines[index])
        if starts is None:
            index += 1
            continue
        table, consumed = _read_aligned(lines, index, starts, page_number)
        if table is not None and len(table.rows) >= 2:
            tables.append(table)
            used.update(consumed)
            index = max(consumed) + 1
        else:
            index += 1
    return tables, used


def _header_columns(line: Line) -> list[float] | None:
    segments = split_segments(line, gap_factor=1.2)
    if len(segments) < 3:
        return None
    titled = sum(1 for seg in segments if _HEADER_WORD.match(seg.text))
    if titled < 2:
        return None
    return [seg.x0 for seg in segments]


def _column_of(x0: float, starts: Sequence[float], tolerance: float) -> int:
    col = 0
    for index, start in enumerate(starts):
        if x0 >= start - tolerance:
            col = index
    return col


@dataclass(slots=True)
class _AlignedRead:
    """A space-aligned table while its lines are read: header cells, then numbered rows."""

    starts: list[float]  # the columns' left edges
    size: float  # the header line's font size
    tolerance: float
    header_cells: list[list[str]]
    rows: list[list[list[str]]] = field(default_factory=list)
    in_header: bool = True


def _read_aligned(
    lines: Sequence[Line], header_index: int, starts: list[float], page_number: int
) -> tuple[PageTable | None, list[int]]:
    header = lines[header_index]
    read = _AlignedRead(starts, header.size, 0.8 * header.size, [[] for _ in starts])
    consumed = [header_index]
    _add_line(read.header_cells, header, starts, read.tolerance)
    prev_bottom = header.bottom
    for index in range(header_index + 1, len(lines)):
        line = lines[index]
        if line.top - prev_bottom > 2.5 * read.size or not _take_line(read, line):
            break
        consumed.append(index)
        prev_bottom = line.bottom
    if not read.rows:
        return None, consumed
    raw_rows = [[RawCell(" ".join(parts), page=page_number) for parts in read.header_cells]]
    raw_rows.extend(_aligned_row(row, len(starts), page_number) for row in read.rows)
    used_lines = [lines[i] for i in consumed]
    bbox = (
        min(line.x0 for line in used_lines),
        min(line.top for line in used_lines),
        max(line.x1 for line in used_lines),
        max(line.bottom for line in used_lines),
    )
    return PageTable(rows=raw_rows, bbox=bbox, ruled=False), consumed


def _take_line(read: _AlignedRead, line: Line) -> bool:
    """Add the line to the header, as a new row or to the last row; False when it ends the table."""
    cells = _split_into_columns(line, read.starts, read.tolerance)
    if cells is None:
        cells = _group_row(line, len(read.starts))
        if cells is None or read.in_header and not read.rows and not cells[0]:
            return False
    first_col_text = " ".join(cells[0])
    numbered = bool(_NUMBER_LIKE.match(first_col_text))
    if read.in_header and not numbered:
        for col, parts in enumerate(cells):
            read.header_cells[col].extend(parts)
    elif numbered and _starts_cells(line, read.starts, read.size):
        read.in_header = False
        read.rows.append([list(parts) for parts in cells])
    elif read.rows and not first_col_text and _starts_cells(line, read.starts, read.size):
        for col, parts in enumerate(cells):
            read.rows[-1][col].extend(parts)
    else:
        return False  # text in the number column that is not a number, or words not on the columns
    return True


def _aligned_row(row: list[list[str]], n: int, page_number: int) -> list[RawCell]:
    texts = [" ".join(parts) for parts in row]
    if _GROUP_LABEL.match(texts[0]) and sum(1 for t in texts[1:] if t) == 1 and not any(texts[2:]):
        # A group row ("I  LĨNH VỰC GIÁO DỤC") spans the data columns.
        return [RawCell(texts[0], page=page_number)] + [
            RawCell(texts[1], col_span=n - 1, page=page_number) for _ in range(n - 1)
        ]
    return [RawCell(text, page=page_number) for text in texts]


def _starts_cells(line: Line, starts: Sequence[float], size: float) -> bool:
    """Most of the line's cell texts begin at their column's left edge, as cell text does.

    A paragraph line that happens to have spaces on the column boundaries fails this: its
    words fall anywhere inside the columns.
    """
    firsts: dict[int, float] = {}
    for word in line.words:
        firsts.setdefault(_column_of(word.x0, starts, 0.8 * size), word.x0)
    aligned = sum(1 for col, x0 in firsts.items() if x0 - starts[col] < 1.5 * size)
    return aligned * 2 >= len(firsts) + 1 or len(firsts) == 1 and aligned == 1


def _group_row(line: Line, n_cols: int) -> list[list[str]] | None:
    """A group heading row whose title runs across the data columns ("I   LĨNH VỰC GIÁO DỤC")."""
    segments = split_segments(line, gap_factor=1.2)
    if len(segments) != 2 or not _GROUP_LABEL.match(segments[0].text):
        return None
    return [[segments[0].text], [segments[1].text]] + [[] for _ in range(n_cols - 2)]


def _add_line(cells: list[list[str]], line: Line, starts: Sequence[float], tolerance: float) -> None:
    split = _split_into_columns(line, starts, tolerance)
    if split is not None:
        for col, parts in enumerate(split):
            cells[col].extend(parts)


def _split_into_columns(line: Line, starts: Sequence[float], tolerance: float) -> list[list[str]] | None:
    """Assign the line's words to columns; None when a word runs across a column boundary.

    Gutters of a borderless table can be as narrow as a few spaces, so words, not gap-separated
    pieces, are placed: each belongs to the last column starting at or before it.
    """
    cells: list[list[Word]] = [[] for _ in starts]
    for word in line.words:
        col = _column_of(word.x0, starts, tolerance)
        next_start = starts[col + 1] if col + 1 < len(starts) else float("inf")
        if word.x1 > next_start + tolerance:
            return None
        cells[col].append(word)
    return [[join_words(words)] if words else [] for words in cells]
