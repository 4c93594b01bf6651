"""OCR of a detected table, cell by cell, into the same RawTable a typed-PDF reader emits.

Each merged cell is read on its own with the ruling lines painted out, so words never run
across a column boundary (the failure that makes whole-page OCR useless for tables). The page
segmentation mode follows the cell's shape: one text line -> psm 7, several -> psm 6.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

from extract.blocks import RawCell, RawTable
from extract.ocr.engine import PSM_SINGLE_BLOCK, PSM_SINGLE_LINE, Engine, Word
from extract.ocr.greyread import prefer_grey_marks
from extract.ocr.grid import GridCell, TableGrid
from extract.ocr.postcorrect import Correction
from extract.ocr.roman import recount_roman
from extract.ocr.shortread import is_short, reread_short

LOW_CONFIDENCE = 0.60  # below this a cell is flagged for review
CELL_SCALE = 1.0  # cells are enlarged by this before recognition


@dataclass(frozen=True, slots=True)
class CellReading:
    cell: GridCell
    text: str
    confidence: float | None  # None for a cell with no ink (nothing was read)
    words: list[Word]
    # Corrections made while the cell's image was at hand (roman numerals recounted from strokes).
    corrections: tuple[Correction, ...] = ()
    # Syllables (lower case) a second reading of the cell's grey image read the same way.
    agreed: frozenset[str] = frozenset()


TALL_WORD = 1.6  # a word this many times the median height spans two lines (a comma's tail, a stamp)


def words_to_lines(words: list[Word]) -> list[list[Word]]:
    """Group words into visual lines by their vertical overlap, each line left to right.

    Words of ordinary height make the lines; a tall box (a comma tail run into the line below, a
    word touching a stamp) would otherwise bridge two lines and pull the next line's words into
    it, so tall words join afterwards the line they overlap most.
    """
    if not words:
        return []
    median = sorted(word.height for word in words)[len(words) // 2]
    tall = [word for word in words if word.height > median * TALL_WORD]
    lines: list[list[Word]] = []
    for word in sorted((w for w in words if w.height <= median * TALL_WORD), key=_middle):
        home = _line_around(lines, _middle(word))
        if home is not None:
            home.append(word)
        else:
            lines.append([word])
    for word in sorted(tall, key=_middle):
        home = _line_around(lines, _middle(word))
        if home is None:
            home = _line_grazed(lines, word)
        if home is not None:
            home.append(word)
        else:
            lines.append([word])
    for line in lines:
        line.sort(key=lambda word: word.left)
    lines.sort(key=lambda line: min(w.top for w in line))
    return lines


def _line_around(lines: list[list[Word]], middle: float) -> list[Word] | None:
    """The first line whose height spans ``middle``."""
    return next((line for line in lines if min(w.top for w in line) <= middle <= max(w.bottom for w in line)), None)


def _line_grazed(lines: list[list[Word]], word: Word) -> list[Word] | None:
    """The line a tall word lies mostly inside (a tail hangs below it). A line of tall words of its
    own (a signer's name in a bigger font) only grazes the line above, and gets none."""
    best = max(lines, key=lambda line: _overlap(word, line), default=None)
    return best if best is not None and _overlap(word, best) >= word.height * 0.3 else None


def _middle(word: Word) -> float:
    return (word.top + word.bottom) / 2


def _overlap(word: Word, line: list[Word]) -> int:
    return min(word.bottom, max(w.bottom for w in line)) - max(word.top, min(w.top for w in line))


_PUNCTUATION = set("()[]{};:,.-–—/%&+*!?\"'")


def is_junk(word: Word) -> bool:
    """Specks read as marks: no letter or digit, and either a mark no document prints on its own
    ("ˆ", "_", "¿") or a punctuation mark read with little confidence. Brackets and semicolons
    read with fair confidence stay: "( theo địa bàn );" needs them."""
    # "ˆ" (a modifier letter) counts as alphanumeric for Python; it is never a word on its own.
    if any(char.isalnum() and unicodedata.category(char) != "Lm" for char in word.text):
        return False
    return any(char not in _PUNCTUATION for char in word.text) or word.confidence < 0.3


def mean_confidence(words: list[Word]) -> float | None:
    weight = sum(len(word.text) for word in words)
    if weight == 0:
        return None
    return sum(word.confidence * len(word.text) for word in words) / weight


@dataclass(frozen=True, slots=True)
class _CellSizes:
    """What read_cells derives once per table: sizes in pixels from the page's dpi, and its paper shade."""

    dpi: int
    inset: int  # kept clear of the ruling lines' remains inside a cell
    pad: int  # paper margin around the cut-out ink
    line_height: float  # one line of 12-14 pt body text with its leading
    paper: int


def read_cells(
    engine: Engine, gray: np.ndarray, ink: np.ndarray, grid: TableGrid, dpi: int
) -> list[CellReading]:
    """OCR every cell of ``grid``; ``gray`` and ``ink`` are the page with ruling lines removed.

    Each cell is cut out onto its own small canvas with a paper margin: recognising a
    rectangle of the whole page instead lets the page-wide thresholding and neighbouring
    strokes spoil short cells (a lone "1" in the STT column came back as "1Ì" or "AE").
    """
    sizes = _CellSizes(
        dpi=dpi,
        inset=max(3, dpi // 50),
        pad=max(8, dpi // 20),
        line_height=dpi * 0.28,
        paper=int(np.percentile(gray, 95)),
    )
    return [_read_cell(engine, gray, ink, cell, sizes) for cell in grid.cells]


def _read_cell(engine: Engine, gray: np.ndarray, ink: np.ndarray, cell: GridCell, sizes: _CellSizes) -> CellReading:
    """One cell: its ink cut out and recognised in the mode its height suggests (empty when no ink)."""
    x0, y0 = cell.left + sizes.inset, cell.top + sizes.inset
    x1, y1 = cell.right - sizes.inset, cell.bottom - sizes.inset
    box = None if x1 - x0 < 4 or y1 - y0 < 4 else _ink_box(ink[y0:y1, x0:x1], sizes.dpi)
    if box is None:
        return CellReading(cell, "", None, [])
    bx0, by0, bx1, by1 = box
    grey, canvas = _cell_canvas(gray[y0 + by0 : y0 + by1, x0 + bx0 : x0 + bx1], sizes)
    dpi = round(sizes.dpi * CELL_SCALE)
    engine.set_image(canvas, dpi)
    psm = PSM_SINGLE_LINE if (by1 - by0) < sizes.line_height else PSM_SINGLE_BLOCK
    words, recounted = _cell_words(engine, canvas, grey, dpi, psm)
    lines = words_to_lines(words)
    agreed: frozenset[str] = frozenset()
    if psm == PSM_SINGLE_BLOCK and words:
        lines, regreyed, agreed = prefer_grey_marks(engine, grey, dpi, lines, canvas)
        words = [word for line in lines for word in line]
        recounted += regreyed
    text = "\n".join(" ".join(word.text for word in line) for line in lines)
    return CellReading(cell, text, mean_confidence(words), words, tuple(recounted), agreed)


def _cell_canvas(crop: np.ndarray, sizes: _CellSizes) -> tuple[np.ndarray, np.ndarray]:
    """The cell's ink on paper with a margin: (grey image, its binarised canvas)."""
    canvas = cv2.copyMakeBorder(
        crop, sizes.pad, sizes.pad, sizes.pad, sizes.pad, cv2.BORDER_CONSTANT, value=sizes.paper
    )
    if CELL_SCALE != 1.0:
        canvas = cv2.resize(canvas, None, fx=CELL_SCALE, fy=CELL_SCALE, interpolation=cv2.INTER_CUBIC)
    # Otsu on the cell alone: a threshold fitted to this cell's ink, not the page's. On the
    # corpus scans it turned lone STT digits from ~1 in 6 wrong to almost always right.
    _, binary = cv2.threshold(canvas, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return canvas, binary


def _cell_words(
    engine: Engine, canvas: np.ndarray, grey: np.ndarray, dpi: int, psm: int
) -> tuple[list[Word], list[Correction]]:
    """The words of the canvas set in ``engine``, specks dropped, roman numerals recounted, and a short
    one-line reading read again from the grey image (corrections made on the way)."""
    words = engine.words(psm)
    if not words and psm == PSM_SINGLE_LINE:
        words = engine.words(PSM_SINGLE_BLOCK)
    words, recounted = recount_roman([word for word in words if not is_junk(word)], canvas, None)
    first = mean_confidence(words)
    if psm == PSM_SINGLE_LINE and first is not None and is_short(" ".join(word.text for word in words)):
        words, reread = reread_short(engine, grey, dpi, words, first)
        recounted += [reread] if reread is not None else []
    return words, recounted


def _ink_box(region: np.ndarray, dpi: int) -> tuple[int, int, int, int] | None:
    """Bounding box of the ink in a cell, or None when it holds only dust."""
    min_pixels = max(12, dpi // 8)
    if np.count_nonzero(region) < min_pixels:
        return None
    rows = np.flatnonzero(region.any(axis=1))
    cols = np.flatnonzero(region.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def to_raw_table(grid: TableGrid, readings: list[CellReading], page: int, after_break: bool) -> RawTable:
    """The grid with spanned positions filled the way the DOCX reader fills them."""
    rows: list[list[RawCell]] = [[RawCell("", page=page) for _ in range(grid.cols)] for _ in range(grid.rows)]
    for reading in readings:
        cell = reading.cell
        confidence = None if reading.confidence is None else round(reading.confidence, 3)
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                rows[r][c] = RawCell(
                    text=reading.text,
                    row_span=cell.row_span if r == cell.row else 1,
                    col_span=cell.col_span,
                    page=page,
                    inherited=r != cell.row,
                    confidence=confidence,
                )
    return RawTable(rows=rows, page=page, ruled=True, after_break=after_break, pages=[page])
