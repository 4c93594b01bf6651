"""Per-row integer codes of what the dataset stage's bounds and scores read, computed once for both.

`bounds.score_upper_bounds` and `batchscore.kept_scores` compare rows by codes (equal values, equal codes;
0 for an unknown value), ~20 columns of them. Each built its own from a Python tuple per row, hashed twice
(`bounds._codes`): ~0.55 CPU-s at 100,000 rows, paid again by any caller that scores the pairs in parts.
Here each column's values are read by `attrgetter` maps and numbered by dicts (C loops over the rows), and a
tuple's code is its fields' codes combined by numpy: the same partition of the rows as the tuples', so the
same first rows, pairs of codes and results, whatever the numbers themselves are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from matching.bounds import _codes

if TYPE_CHECKING:
    from matching.features import EntryFeatures

_TEXT, _SCOPE = attrgetter("text"), attrgetter("scope")


@dataclass(frozen=True, slots=True)
class RowCodes:
    """Codes per row of `features`, in their order."""

    document: np.ndarray  # EntryFeatures.document itself
    level: np.ndarray
    province: np.ndarray
    head: np.ndarray
    counts: np.ndarray  # bool
    lists: np.ndarray  # bool
    bound_words: np.ndarray  # what `_certain_penalty` reads: tokens, qualifiers, locality, head
    words: np.ndarray  # what `_words_penalty` reads: idf, tokens, qualifiers, core tokens, locality
    place: np.ndarray  # (document, table, group, number); 0 without a number (compare.py's sub-rows)
    description: np.ndarray
    unit: np.ndarray  # (unit types, unit label); 0 without unit types
    group: np.ndarray

    @classmethod
    def of(cls, features: Sequence[EntryFeatures]) -> RowCodes:
        n = len(features)
        texts = list(map(_TEXT, features))
        scopes = list(map(_SCOPE, features))
        tokens = _codes(list(map(attrgetter("tokens"), texts)))
        qualifiers = _codes(list(map(attrgetter("qualifiers"), texts)))
        locality = _codes(list(map(attrgetter("locality"), features)))
        head = _codes(list(map(attrgetter("head"), texts)))
        documents = np.fromiter(map(attrgetter("document"), features), dtype=np.int64, count=n)
        groups = _codes(list(map(attrgetter("group"), features)))
        numbers = _codes(list(map(attrgetter("number"), features)))
        place = _compact(documents, _codes(list(map(attrgetter("table"), features))), groups, numbers)
        unit_types = _codes([t or "" for t in map(attrgetter("unit_types"), features)])
        unit = _compact(unit_types, _codes(list(map(attrgetter("unit_label"), features))))
        return cls(
            document=documents,
            level=_codes(list(map(attrgetter("level"), scopes))),
            province=_codes(list(map(attrgetter("province"), scopes))),
            head=head,
            counts=np.fromiter(map(attrgetter("counts"), texts), dtype=bool, count=n),
            lists=np.fromiter(map(attrgetter("lists"), texts), dtype=bool, count=n),
            bound_words=_compact(tokens, qualifiers, locality, head),
            words=_compact(
                _codes(list(map(id, map(attrgetter("idf"), features)))), tokens, qualifiers,
                _codes(list(map(attrgetter("core_tokens"), texts))), locality,
            ),  # fmt: skip
            place=np.where(numbers > 0, place, 0),
            description=_codes(list(map(attrgetter("description"), features))),
            unit=np.where(unit_types > 0, unit, 0),
            group=groups,
        )


def _compact(*columns: np.ndarray) -> np.ndarray:
    """One code > 0 per distinct combination of the columns' codes (each code < the rows: no overflow)."""
    combined = columns[0]
    for column in columns[1:]:
        # initial=0: no rows (a catalog without entries) is no error, and no codes
        _, combined = np.unique(combined * (int(column.max(initial=0)) + 1) + column, return_inverse=True)
        combined = combined.reshape(-1)
    return combined + 1
