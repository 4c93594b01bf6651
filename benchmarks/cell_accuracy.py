"""Catalog cell accuracy: how many gold catalog fields a table extractor returns as exact cells.

The one metric every table tool is scored with (ours, Camelot, img2table, ...), so that it asks
nothing of a tool but a list of tables, each a list of rows of cell texts. For every gold
catalog row of a document:

1. find the predicted row that matches it best *by its title*: a row with a cell equal to the
   gold title, else the row holding the cell most similar to it (a title split across a page
   break or glued to its neighbour still finds its row, and its other fields still count);
2. count the gold fields — number, title, description, unit, sharing_raw, frequency_raw, the
   ones the table has (non-empty in gold) — that appear as an exact cell of that row.

Accuracy = matched fields / gold fields. Cells are compared whitespace-collapsed and NFC: a
wrapped cell's lines joined by one space is the gold convention. A predicted row is used for at
most one gold row, so a duplicate dataset (the same title twice in one document) needs both rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

FIELDS = ("number", "title", "description", "unit", "sharing_raw", "frequency_raw")
# Below this similarity to the gold title no predicted row is taken to be "the same row".
MIN_TITLE_SIMILARITY = 60.0
_SPACE = re.compile(r"\s+")

PredictedTables = Sequence[Sequence[Sequence[str]]]  # tables -> rows -> cell texts


def collapse(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True, slots=True)
class CellScore:
    matched: int
    total: int
    rows_found: int  # gold rows for which some predicted row matched by title
    rows: int

    @property
    def accuracy(self) -> float:
        return self.matched / self.total if self.total else 0.0

    def __add__(self, other: CellScore) -> CellScore:
        return CellScore(
            self.matched + other.matched,
            self.total + other.total,
            self.rows_found + other.rows_found,
            self.rows + other.rows,
        )


ZERO = CellScore(0, 0, 0, 0)


def cell_accuracy(gold_rows: Sequence[Mapping[str, object]], tables: PredictedTables) -> CellScore:
    rows = [frozenset(collapse(cell) for cell in row if collapse(cell)) for table in tables for row in table]
    used: set[int] = set()
    matched = total = found = 0
    for gold in gold_rows:
        values = [collapse(str(gold.get(name, "") or "")) for name in FIELDS]
        wanted = [value for value in values if value]
        total += len(wanted)
        title = collapse(str(gold.get("title", "") or ""))
        best = _best_row(title, wanted, rows, used)
        if best is None:
            continue
        used.add(best)
        found += 1
        matched += sum(1 for value in wanted if value in rows[best])
    return CellScore(matched, total, found, len(gold_rows))


def _best_row(
    title: str, wanted: Sequence[str], rows: Sequence[frozenset[str]], used: set[int]
) -> int | None:
    exact = [index for index, row in enumerate(rows) if title and title in row]
    if exact:
        free = [index for index in exact if index not in used] or exact
        return max(free, key=lambda index: sum(1 for value in wanted if value in rows[index]))
    best: int | None = None
    best_key = (MIN_TITLE_SIMILARITY, 0)
    for index, row in enumerate(rows):
        if index in used or not row:
            continue
        similarity = max(fuzz.ratio(title, cell) for cell in row)
        key = (similarity, sum(1 for value in wanted if value in row))
        if key > best_key:
            best, best_key = index, key
    return best
