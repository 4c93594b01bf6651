"""Table structure from ruling lines: where the tables are, their row and column lines, spans.

Ruling lines are long thin runs of ink, so morphological opening with a long horizontal
(vertical) kernel keeps them and drops letters. Row boundaries are the y positions of
horizontal lines, column boundaries the x positions of vertical lines; every grid cell is
then checked against its four sides, and where a side's line segment is missing the two
neighbouring grid cells belong to one merged cell (that is what a span looks like in print).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Share of a cell side that must be inked for the side to be a boundary. A merged cell has no line
# at all (under 2 % inked on the corpus scans); a stamp whose ink was cleaned away takes part of the
# line with it (40-55 % left), and reading that as a merge glued four rows' cells into one.
MIN_LINE_COVERAGE = 0.25


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True, slots=True)
class TableGrid:
    left: int
    top: int
    right: int
    bottom: int
    row_lines: list[int]  # y of every horizontal boundary, top to bottom
    col_lines: list[int]  # x of every vertical boundary, left to right
    cells: list[GridCell]  # merged cells, each once, row-major by top-left position
    open_top: bool  # no ruling line above the first row: the table was cut by a page break

    @property
    def rows(self) -> int:
        return len(self.row_lines) - 1

    @property
    def cols(self) -> int:
        return len(self.col_lines) - 1


@dataclass(frozen=True, slots=True)
class LineMasks:
    horizontal: np.ndarray
    vertical: np.ndarray


def line_masks(ink: np.ndarray, dpi: int) -> LineMasks:
    # Shortest line kept: about 0.3 inch, longer than any letter or dash at body sizes.
    length = max(25, int(dpi * 0.3))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    # Blur and residual skew break lines into dashes; bridge the gaps along the line direction.
    bridge = max(3, dpi // 40)
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, bridge)))
    return LineMasks(horizontal=horizontal, vertical=vertical)


def find_tables(ink: np.ndarray, dpi: int) -> list[TableGrid]:
    masks = line_masks(ink, dpi)
    both = cv2.bitwise_or(masks.horizontal, masks.vertical)
    joined = cv2.dilate(both, np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids: list[TableGrid] = []
    min_side = int(dpi * 0.25)
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index, :4])
        if w < dpi or h < min_side:
            continue
        grid = _grid_in_region(masks, x, y, x + w, y + h, dpi)
        if grid is not None and not _is_frame(grid, dpi):
            grids.append(grid)
    grids.sort(key=lambda grid: grid.top)
    return grids


# A ruled box taller than this with nothing ruled inside it frames the page's text: a border drawn (or scanned)
# round the whole letter (CV 1139/BĐH Bắc Giang 2012). Read as a one-cell table, the header, the kind and the body
# were one cell's text and the document had no kind, title or number. A stamp's or a note's box is a few lines high.
FRAME_MIN_HEIGHT_INCHES = 3.0


def _is_frame(grid: TableGrid, dpi: int) -> bool:
    return len(grid.cells) == 1 and grid.bottom - grid.top >= FRAME_MIN_HEIGHT_INCHES * dpi


def _positions(profile: np.ndarray, threshold: float) -> list[int]:
    """Centres of the runs where ``profile`` reaches ``threshold``."""
    hits = profile >= threshold
    positions: list[int] = []
    start = -1
    for index, hit in enumerate(hits):
        if hit and start < 0:
            start = index
        elif not hit and start >= 0:
            positions.append((start + index - 1) // 2)
            start = -1
    if start >= 0:
        positions.append((start + len(hits) - 1) // 2)
    return positions


def _merge_close(positions: list[int], gap: int) -> list[int]:
    merged: list[int] = []
    for position in positions:
        if merged and position - merged[-1] < gap:
            merged[-1] = (merged[-1] + position) // 2
        else:
            merged.append(position)
    return merged


def _grid_in_region(
    masks: LineMasks, left: int, top: int, right: int, bottom: int, dpi: int
) -> TableGrid | None:
    horizontal = masks.horizontal[top:bottom, left:right] > 0
    vertical = masks.vertical[top:bottom, left:right] > 0
    min_gap = max(8, dpi // 16)  # two boundaries closer than this are one thick or doubled line
    boundaries = _boundaries(horizontal, vertical, dpi, min_gap)
    if boundaries is None:
        return None
    rows, cols, open_top = boundaries
    cells = [
        _grid_cell(positions, rows, cols, left, top)
        for positions in _joined_cells(horizontal, vertical, rows, cols, dpi).values()
    ]
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return TableGrid(
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        row_lines=[top + y for y in rows],
        col_lines=[left + x for x in cols],
        cells=cells,
        open_top=open_top,
    )


def _boundaries(
    horizontal: np.ndarray, vertical: np.ndarray, dpi: int, min_gap: int
) -> tuple[list[int], list[int], bool] | None:
    """The region's row and column boundaries (region coordinates) and whether its top is open;
    None when the lines make no table."""
    min_run = max(20, int(dpi * 0.3))
    rows = _merge_close(_positions(horizontal.sum(axis=1), min_run), min_gap)
    cols = _merge_close(_positions(vertical.sum(axis=0), min_run), min_gap)
    height, width = horizontal.shape
    open_top = not rows or rows[0] > min_gap * 2
    # A fragment cut at the page edge has no closing line: the region edge closes it.
    if rows and rows[0] > min_gap * 2:
        rows.insert(0, 0)
    if rows and height - 1 - rows[-1] > min_gap * 2:
        rows.append(height - 1)
    if len(rows) < 2 or len(cols) < 2:
        return None
    if len(cols) == 2 and len(rows) == 2:
        return None  # a box around text, not a table
    if cols[0] > min_gap * 2:
        cols.insert(0, 0)
    if width - 1 - cols[-1] > min_gap * 2:
        cols.append(width - 1)
    return rows, cols, open_top


def _has_line(strip: np.ndarray, start: int, end: int, band: int, axis: int) -> bool:
    """The stretch [start, end) of a ruling line is drawn, its ends (crossings) left out."""
    inner0, inner1 = start + band * 2, end - band * 2
    if inner1 <= inner0:
        return True
    along = strip[inner0:inner1] if axis == 1 else strip[:, inner0:inner1]
    return float(along.any(axis=axis).mean()) >= MIN_LINE_COVERAGE


def _joined_cells(
    horizontal: np.ndarray, vertical: np.ndarray, rows: list[int], cols: list[int], dpi: int
) -> dict[int, list[tuple[int, int]]]:
    """Grid positions (row, col) grouped into cells: a missing side joins two neighbours into one."""
    n_rows, n_cols = len(rows) - 1, len(cols) - 1
    band = max(2, dpi // 60)

    def has_vertical(x: int, y0: int, y1: int) -> bool:
        return _has_line(vertical[:, max(0, x - band) : x + band + 1], y0, y1, band, axis=1)

    def has_horizontal(y: int, x0: int, x1: int) -> bool:
        return _has_line(horizontal[max(0, y - band) : y + band + 1], x0, x1, band, axis=0)

    # Union-find over grid positions.
    parent = list(range(n_rows * n_cols))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not has_vertical(cols[c + 1], rows[r], rows[r + 1]):
                parent[find(here + 1)] = find(here)
            if r + 1 < n_rows and not has_horizontal(rows[r + 1], cols[c], cols[c + 1]):
                parent[find(here + n_cols)] = find(here)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            members.setdefault(find(r * n_cols + c), []).append((r, c))
    return members


def _grid_cell(positions: list[tuple[int, int]], rows: list[int], cols: list[int], left: int, top: int) -> GridCell:
    r0 = min(r for r, _ in positions)
    r1 = max(r for r, _ in positions)
    c0 = min(c for _, c in positions)
    c1 = max(c for _, c in positions)
    return GridCell(
        row=r0,
        col=c0,
        row_span=r1 - r0 + 1,
        col_span=c1 - c0 + 1,
        left=left + cols[c0],
        top=top + rows[r0],
        right=left + cols[c1 + 1],
        bottom=top + rows[r1 + 1],
    )
