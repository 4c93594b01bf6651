"""Scoring primitives: alignment of predicted records to gold, pairwise F1, ratios.

A score that cannot be computed is ``None`` and is shown as "—": a stage that has not
produced anything must never look like zero, nor like a pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from nlp.pairwise import pair_counts as nlp_pair_counts
from nlp.pairwise import precision_recall_f1

G = TypeVar("G")
P = TypeVar("P")

_SPACE = re.compile(r"\s+")


def collapse(text: str | None) -> str:
    """Whitespace collapsed and NFC: the gold format's "exact after whitespace collapse"."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@dataclass
class Ratio:
    """hits / total, or None when there was nothing to count."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    def merge(self, other: Ratio) -> None:
        self.hits += other.hits
        self.total += other.total

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class Alignment(Generic[G, P]):
    pairs: list[tuple[G, P]] = field(default_factory=list)
    unmatched_gold: list[G] = field(default_factory=list)
    unmatched_predicted: list[P] = field(default_factory=list)


def align(
    gold: Sequence[G], predicted: Sequence[P], score: Callable[[G, P], float], *, threshold: float
) -> Alignment[G, P]:
    """One-to-one alignment, best pairs first (greedy on a full score matrix; lists are small)."""
    candidates = sorted(
        (
            (value, gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(predicted)
            if (value := score(g, p)) >= threshold
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    matched: list[tuple[int, int]] = []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_predicted:
            continue
        used_gold.add(gi)
        used_predicted.add(pi)
        matched.append((gi, pi))
    matched.sort()
    return Alignment(
        pairs=[(gold[gi], predicted[pi]) for gi, pi in matched],
        unmatched_gold=[g for gi, g in enumerate(gold) if gi not in used_gold],
        unmatched_predicted=[p for pi, p in enumerate(predicted) if pi not in used_predicted],
    )


def text_similarity(a: str, b: str) -> float:
    return fuzz.ratio(collapse(a), collapse(b)) / 100.0


@dataclass
class PairCounts:
    """Pair counts for pairwise precision/recall of a clustering against gold labels."""

    true_pairs: int = 0
    predicted_pairs: int = 0
    gold_pairs: int = 0

    def merge(self, other: PairCounts) -> None:
        self.true_pairs += other.true_pairs
        self.predicted_pairs += other.predicted_pairs
        self.gold_pairs += other.gold_pairs

    def _scores(self) -> tuple[float | None, float | None, float | None]:
        return precision_recall_f1(self.true_pairs, self.predicted_pairs, self.gold_pairs, no_pairs=None)

    @property
    def precision(self) -> float | None:
        return self._scores()[0]

    @property
    def recall(self) -> float | None:
        return self._scores()[1]

    @property
    def f1(self) -> float | None:
        return self._scores()[2]


def pair_counts(labels: Sequence[tuple[Hashable, Hashable]]) -> PairCounts:
    """``labels`` holds (gold label, predicted label) per mention; counts pairs without enumerating them."""
    correct, predicted, gold = nlp_pair_counts(labels)
    return PairCounts(true_pairs=correct, predicted_pairs=predicted, gold_pairs=gold)


@dataclass
class PrecisionRecall:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def merge(self, other: PrecisionRecall) -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.gold if self.gold else None
