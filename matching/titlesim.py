"""Title similarity in bulk: many pairs of rows at once (rapidfuzz's cpdist), or one text against many
(cdist), with `compare.title_similarity`'s floats."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz, process

from matching.text import ComparisonText

if TYPE_CHECKING:
    from matching.features import EntryFeatures


def _elementwise(left: np.ndarray, right: np.ndarray, scorer: Any, workers: int) -> np.ndarray:
    return process.cpdist(left, right, scorer=scorer, workers=workers, dtype=np.float32)


def _combined(plain: np.ndarray, by_sort: np.ndarray, by_set: np.ndarray, by_core: np.ndarray,
              same: np.ndarray) -> np.ndarray:  # fmt: skip
    """`title_similarity`'s max and mean, in the inputs' float type (float64 inputs: its very floats)."""
    best = np.maximum(np.maximum(plain, (by_sort + by_set) / 2), by_core)
    return np.where(same, 1.0, best / 100.0).astype(plain.dtype)


def title_similarities(
    features: Sequence[EntryFeatures], pairs: np.ndarray, workers: int = 1, rows: RowTexts | None = None
) -> np.ndarray:
    """`title_similarity` for many pairs at once (rapidfuzz cpdist), as float32 in [0, 1]. `rows`: the
    features' `RowTexts`, when already computed."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.float32)
    rows = RowTexts.of(features) if rows is None else rows
    text_of = rows.text_of
    codes = text_of[pairs[:, 0]] * rows.count + text_of[pairs[:, 1]]
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    left, right = text_of[pairs[first, 0]], text_of[pairs[first, 1]]
    return _similarities(rows.texts, left, right, workers)[inverse.reshape(-1)]


@dataclass(frozen=True, slots=True)
class RowTexts:
    """Each row's number among the distinct (full, content, core) texts of the rows, and those texts' strings:
    many rows share a wording (a template repeated by communes), so each distinct pair of texts is compared
    once (~260,000 of 450,000 pairs at 100,000 rows) and its similarity copied to the others. Read from the
    rows alone, before their pairs are known (matching/reconcile.py: while a child blocks)."""

    text_of: np.ndarray
    texts: _Texts
    count: int  # distinct texts

    @classmethod
    def of(cls, features: Sequence[EntryFeatures]) -> RowTexts:
        texts: dict[tuple[str, str, str], int] = {}
        text_of = np.fromiter(
            (texts.setdefault((f.text.full, f.text.content, f.text.core), len(texts)) for f in features),
            dtype=np.int64, count=len(features),
        )  # fmt: skip
        return cls(text_of, _Texts.of(texts), len(texts))


# A test of titles, per pair (numbered by `rows`) and monotone: true for a title, true for any higher one.
Wanted = Callable[[np.ndarray, np.ndarray], np.ndarray]


def title_similarities_where(
    features: Sequence[EntryFeatures], pairs: np.ndarray, wanted: Wanted, workers: int = 1,
    texts: RowTexts | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The pairs whose title similarity may pass `wanted(titles, rows)` (a boolean mask) and their
    `title_similarities`; the others' titles fail it, proved without comparing them in full.

    token_set_ratio costs as much as the other three scorers together (~0.85 of 1.6 CPU-s for the concept
    stage's 457,000 pairs): the others are compared first and the title bounded with it at 100, its most
    (`_combined` is monotone in each ratio, in float32 too), and it runs only where that bound passes. A pair
    that fails even at title 1.0 is not compared at all. `texts`: the features' `RowTexts`, when already computed
    (a caller comparing its pairs in parts)."""
    numbered = RowTexts.of(features) if texts is None else texts
    everything = np.arange(len(pairs))
    rows = np.flatnonzero(wanted(np.ones(len(pairs), dtype=np.float32), everything))
    strings, text_of = numbered.texts, numbered.text_of
    left, right = text_of[pairs[rows, 0]], text_of[pairs[rows, 1]]
    plain = strings.full.compared(left, right, fuzz.ratio, workers)
    by_sort = strings.content_sorted.compared(left, right, fuzz.ratio, workers)
    by_core = strings.core_sorted.compared(left, right, fuzz.ratio, workers)
    same = strings.full.ids[left] == strings.full.ids[right]
    most = np.full(len(rows), 100.0, dtype=plain.dtype)
    bounded = np.flatnonzero(wanted(_combined(plain, by_sort, most, by_core, same), rows))
    left, right, rows = left[bounded], right[bounded], rows[bounded]
    by_set = strings.content.compared(left, right, fuzz.token_set_ratio, workers)
    titles = _combined(plain[bounded], by_sort[bounded], by_set, by_core[bounded], same[bounded])
    found = np.zeros(len(pairs), dtype=bool)
    found[rows] = True
    return found, titles


@dataclass(frozen=True, slots=True)
class _Texts:
    """The distinct texts' strings as object arrays: a pair's strings are then picked by numpy's indexing
    (rapidfuzz's cpdist takes the arrays as they are), not by a Python loop per pair and string."""

    full: _Strings
    content: _Strings
    content_sorted: _Strings  # content's words sorted, one space apart
    core_sorted: _Strings

    @classmethod
    def of(cls, texts: Mapping[tuple[str, str, str], int]) -> _Texts:
        return cls(
            full=_Strings.of([full for full, _, _ in texts]),
            content=_Strings.of([text for _, text, _ in texts]),
            content_sorted=_Strings.of([_sorted_words(text) for _, text, _ in texts]),
            core_sorted=_Strings.of([_sorted_words(core) for _, _, core in texts]),
        )


@dataclass(frozen=True, slots=True)
class _Strings:
    """One string per distinct text, and the same number for the same string: the distinct texts differ by
    their triple, yet 262,000 distinct pairs of them at 100,000 rows are ~74,000 distinct pairs of contents and
    ~48,000 of sorted cores (heads and places differ, the rest repeats), each compared once."""

    strings: np.ndarray
    ids: np.ndarray
    count: int  # distinct strings

    @classmethod
    def of(cls, values: list[str]) -> _Strings:
        numbers: dict[str, int] = {}
        ids = np.fromiter((numbers.setdefault(value, len(numbers)) for value in values), np.int64, len(values))
        return cls(_objects(values), ids, len(numbers))

    def compared(self, left: np.ndarray, right: np.ndarray, scorer: Any, workers: int) -> np.ndarray:
        """`scorer` of the strings of each pair of texts (left[k], right[k]), once per distinct pair of strings
        when the strings repeat (not among the concept stage's representatives: one wording each)."""
        if self.count * 10 > len(self.ids) * 9:
            return _elementwise(self.strings[left], self.strings[right], scorer, workers)
        a, b = self.ids[left], self.ids[right]
        _, first, inverse = np.unique(a * self.count + b, return_index=True, return_inverse=True)
        if len(first) == len(left):
            return _elementwise(self.strings[left], self.strings[right], scorer, workers)
        found = _elementwise(self.strings[left[first]], self.strings[right[first]], scorer, workers)
        return found[inverse.reshape(-1)]


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@lru_cache(maxsize=200_000)
def _sorted_words(text: str) -> str:
    """What rapidfuzz's token_sort_ratio compares with ratio: the words sorted, one space apart. Sorted
    once per distinct text instead of once per pair (both split on whitespace and sort by code point);
    cached: the concept stage compares the dataset stage's texts again."""
    return " ".join(sorted(text.split()))


def _similarities(texts: _Texts, left: np.ndarray, right: np.ndarray, workers: int) -> np.ndarray:
    full = texts.full
    plain = full.compared(left, right, fuzz.ratio, workers)
    # token_sort_ratio(x, y) is ratio(sorted words of x, sorted words of y): the same floats.
    by_sort = texts.content_sorted.compared(left, right, fuzz.ratio, workers)
    by_set = texts.content.compared(left, right, fuzz.token_set_ratio, workers)
    by_core = texts.core_sorted.compared(left, right, fuzz.ratio, workers)
    same = full.ids[left] == full.ids[right]
    return _combined(plain, by_sort, by_set, by_core, same)


def titles_against(text: ComparisonText, others: Sequence[ComparisonText], dtype: type = np.float32) -> np.ndarray:
    """`title_similarity` of one text with each of `others` (rapidfuzz cdist, float32).

    A gate for hopeless pairs, in C instead of one Python call per pair; the score itself is
    `title_similarity`'s, so a pair scores the same whichever path found it. With `dtype` np.float64
    the values are `title_similarity`'s own floats (the same scorers, sums and division in doubles;
    each scorer is symmetric), so they may stand for it.
    """
    if not others:
        return np.empty(0, dtype=dtype)

    def one_to_many(mine: str, theirs: list[str], scorer: Any) -> np.ndarray:
        return process.cdist([mine], theirs, scorer=scorer, dtype=dtype)[0]

    contents = [o.content for o in others]
    plain = one_to_many(text.full, [o.full for o in others], fuzz.ratio)
    by_sort = one_to_many(text.content, contents, fuzz.token_sort_ratio)
    by_set = one_to_many(text.content, contents, fuzz.token_set_ratio)
    by_core = one_to_many(text.core, [o.core for o in others], fuzz.token_sort_ratio)
    same = np.fromiter((o.full == text.full for o in others), dtype=bool, count=len(others))
    return _combined(plain, by_sort, by_set, by_core, same)
