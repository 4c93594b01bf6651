"""`score_upper_bound` for many pairs at once (numpy), for the dataset stage.

At 100,000 rows that stage asked for ~430,000 bounds one Python call at a time, yet the bound depends
on the pair's titles (an array already), on its rows' word sets through `_certain_penalty` (54,000
distinct pairs of word sets) and on scope and document (integer codes here): 0.5 CPU-s instead of
2.4. Each array step is the scalar function's step, in its order and in float64, so the bounds are the
same floats (tests/test_match_speed.py compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from matching.compare import (
    LEVEL_MISMATCH,
    MAX_BONUS,
    PROVINCE_MISMATCH,
    SAME_DOCUMENT,
    SAME_DOCUMENT_EXEMPT,
    _certain_penalty,
)
from matching.features import EntryFeatures

if TYPE_CHECKING:
    from matching.rowcodes import RowCodes


def _codes(values: Sequence[object]) -> np.ndarray:
    """Each value's number in order of first appearance; "" (unknown) is 0, every other value > 0.

    The distinct values by `dict.fromkeys` and each row's number by a `map`, both in C: a generator of
    `setdefault` calls (the same numbers) took ~0.3 CPU-s over the ~20 columns of 100,000 rows."""
    distinct = dict.fromkeys(values)
    distinct.pop("", None)
    numbers: dict[object, int] = {"": 0}
    numbers.update(zip(distinct, range(1, len(distinct) + 1), strict=True))
    return np.fromiter(map(numbers.__getitem__, values), dtype=np.int64, count=len(values))


def first_rows(codes: np.ndarray) -> dict[int, int]:
    """Each code's first row (np.unique's first occurrences, not a Python loop over 100,000 rows)."""
    distinct, first = np.unique(codes, return_index=True)
    return dict(zip(distinct.tolist(), first.tolist(), strict=True))


def certain_penalties(
    features: Sequence[EntryFeatures], pairs: np.ndarray, words: np.ndarray | None = None
) -> np.ndarray:
    """`_certain_penalty` of each pair (float64), computed once per distinct pair of what it reads (`words`:
    `RowCodes.bound_words`, when the caller has them)."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.float64)
    if words is None:
        words = _codes([(f.text.tokens, f.text.qualifiers, f.locality, f.text.head) for f in features])
    first = first_rows(words)  # word code -> a row with it
    n = int(words.max()) + 1
    distinct, inverse = np.unique(words[pairs[:, 0]] * n + words[pairs[:, 1]], return_inverse=True)
    values = [_certain_penalty(features[first[c // n]], features[first[c % n]]) for c in distinct.tolist()]
    return np.asarray(values, dtype=np.float64)[inverse.reshape(-1)]


def _differ(codes: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Both rows know the value (code > 0) and the values differ: the scalar `x and y and x != y`."""
    left, right = codes[pairs[:, 0]], codes[pairs[:, 1]]
    return (left > 0) & (right > 0) & (left != right)


def score_upper_bounds(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, codes: RowCodes | None = None,
    penalties: np.ndarray | None = None,
) -> np.ndarray:
    """`score_upper_bound(features[i], features[j], title)` for each pair, as float64. `codes`: the rows'
    `RowCodes`, when the caller has them (`kept_scores` reads them too); `penalties`: the pairs'
    `certain_penalties`, when already found."""
    if codes is None:
        from matching.rowcodes import RowCodes  # it builds on this module's `_codes`

        codes = RowCodes.of(features)
    if penalties is None:
        penalties = certain_penalties(features, pairs, codes.bound_words)
    title = titles.astype(np.float64)  # the scalar path sees each float32 title as a Python float
    bound = title + MAX_BONUS - penalties
    bound = np.where(_differ(codes.level, pairs), bound - LEVEL_MISMATCH, bound)
    bound = np.where(_differ(codes.province, pairs), bound - PROVINCE_MISMATCH, bound)
    documents = codes.document
    same = (documents[pairs[:, 0]] == documents[pairs[:, 1]]) & (title < SAME_DOCUMENT_EXEMPT)
    return np.where(same, bound - SAME_DOCUMENT, bound)
