"""Pairwise precision, recall and F1 of a grouping: the one definition every scorer uses.

A grouping (units resolved to one key, entries linked into one dataset) is judged on pairs: two
items grouped together by the gold and by the prediction are a correct pair. The pairs are
counted from label multiplicities, never enumerated.

What a score is when there is nothing to count is the callers' one real difference, so it is a
parameter: threshold fitting and the gold checks treat "no pair predicted / none expected" as
perfect (``no_pairs=1.0``: an empty fold must not pull a fit down); the evaluator reports it as
not computable (``no_pairs=None``, shown as "—": a stage that produced nothing must not look like
a pass).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from typing import TypeVar, overload

H = TypeVar("H", bound=Hashable)
G = TypeVar("G", bound=Hashable)
P = TypeVar("P", bound=Hashable)


def pairs_within(counts: Counter[H]) -> int:
    """Unordered pairs inside each group of a label count: n items give n(n-1)/2."""
    return sum(n * (n - 1) // 2 for n in counts.values())


def pair_counts(labels: Iterable[tuple[G, P]]) -> tuple[int, int, int]:
    """(correct, predicted, gold) pair counts for (gold label, predicted label) per item."""
    items = list(labels)
    return (
        pairs_within(Counter(items)),
        pairs_within(Counter(predicted for _, predicted in items)),
        pairs_within(Counter(gold for gold, _ in items)),
    )


@overload
def precision_recall_f1(correct: int, predicted: int, gold: int) -> tuple[float, float, float]: ...
@overload
def precision_recall_f1(
    correct: int, predicted: int, gold: int, *, no_pairs: float
) -> tuple[float, float, float]: ...
@overload
def precision_recall_f1(
    correct: int, predicted: int, gold: int, *, no_pairs: None
) -> tuple[float | None, float | None, float | None]: ...
def precision_recall_f1(
    correct: int, predicted: int, gold: int, *, no_pairs: float | None = 1.0
) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 from pair counts; ``no_pairs`` stands for a ratio over zero pairs.

    With ``no_pairs=None`` F1 is None when either side is; F1 is 0.0 when both ratios are 0.
    """
    precision = correct / predicted if predicted else no_pairs
    recall = correct / gold if gold else no_pairs
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
