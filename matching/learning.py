"""Learning from reviewers: Fellegi–Sunter m/u re-estimation from decisions, and the pairs to ask first.

Like splink, a pair is described by a *comparison vector* — one level per comparison (title
similarity band, words on one side only, negation, figure vs list, kind of list, unit types,
description, same document) — and a level's match weight is log2(m/u), with m = P(level | same)
and u = P(level | different). The m and u start from the labelled pairs of the linking gold
(`FellegiSunter.fit`); every reviewer decision (confirm = same, reject = different) adds its
pair's levels to the counts (`update`, with a weight: a reviewer's word on the archive at hand
counts more than a pair of another catalog), so the weights move toward what reviewers decide.

`most_informative` orders unlabelled pairs for review as dedupe's active learning does: the pair
whose match probability is nearest 0.5 first, never two pairs of one entry in a row of picks.
`simulate` measures it: F1 on held-out pairs before and after N simulated decisions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matching.compare import _identifies, _unmatched, description_similarity, score_pair, title_similarity
from matching.features import EntryFeatures
from matching.text import NEGATORS, fold
from nlp.units import unit_types_agree

if TYPE_CHECKING:  # annotations only: simulate imports these where it uses them, as it did
    from matching.crossval import ScoredPair
    from matching.linkgold import GoldPair

Vector = tuple[tuple[str, str], ...]  # ((comparison, level), ...)
PRIOR = 1.0  # Laplace pseudo-count per level and class


def _band(value: float, bands: Sequence[float]) -> str:
    return next((f"≥{b:.2f}" for b in bands if value >= b), f"<{bands[-1]:.2f}")


def comparison_vector(a: EntryFeatures, b: EntryFeatures, *, concept: bool = False) -> Vector:
    """The levels of every comparison for one pair; `concept` leaves out who keeps the data."""
    title = title_similarity(a.text, b.text)
    scored = score_pair(a, b, title)
    places = a.locality | b.locality
    one_sided = {w for w in _unmatched(a.text.tokens, b.text.tokens) | _unmatched(b.text.tokens, a.text.tokens)
                 if fold(w) not in places}  # fmt: skip
    hard = one_sided - (a.text.qualifiers | b.text.qualifiers)
    identifies, _ = _identifies(a, b)
    words = "none" if not one_sided else ("qualifiers" if not hard and identifies else
                                          ("one" if len(hard) == 1 else "several"))  # fmt: skip
    levels = [
        # The calibrated score itself is one comparison: the others let reviewers' decisions move
        # the weight of one kind of evidence (a qualifier, a unit disagreement) without a new score.
        ("score", _band(scored.concept if concept else scored.score, (0.95, 0.85, 0.77, 0.7, 0.6, 0.5))),
        ("words", words),
        ("negation", str(bool(one_sided & NEGATORS))),
        ("count_vs_list", str(a.text.counts != b.text.counts)),
        ("head", "unknown" if not (a.text.head and b.text.head) else str(a.text.head == b.text.head)),
        ("description", "unknown" if not (a.description and b.description)
         else _band(description_similarity(*sorted((a.description, b.description))), (0.8, 0.5))),
    ]  # fmt: skip
    if not concept:
        unit = "unknown"
        if a.unit_types and b.unit_types:
            unit = str(bool(a.unit_types & b.unit_types) or unit_types_agree(a.unit_types, b.unit_types))
        levels += [
            ("unit", unit),
            ("same_document", str(a.document == b.document)),
            ("level", str(a.scope.level == b.scope.level or not (a.scope.level and b.scope.level))),
            ("province", str(a.scope.province == b.scope.province or not (a.scope.province and b.scope.province))),
        ]
    return tuple(levels)


@dataclass
class FellegiSunter:
    """m/u counts per comparison level; probability and readable reasons of a comparison vector."""

    same: dict[tuple[str, str], float] = field(default_factory=dict)
    different: dict[tuple[str, str], float] = field(default_factory=dict)
    n_same: float = 0.0
    n_different: float = 0.0
    levels: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def fit(cls, labelled: Iterable[tuple[Vector, bool]]) -> FellegiSunter:
        model = cls()
        for vector, is_same in labelled:
            model.update(vector, is_same)
        return model

    def update(self, vector: Vector, is_same: bool, weight: float = 1.0) -> None:
        counts = self.same if is_same else self.different
        for item in vector:
            counts[item] = counts.get(item, 0.0) + weight
            self.levels.setdefault(item[0], set()).add(item[1])
        if is_same:
            self.n_same += weight
        else:
            self.n_different += weight

    def _m_u(self, item: tuple[str, str]) -> tuple[float, float]:
        k = max(2, len(self.levels.get(item[0], ())))
        m = (self.same.get(item, 0.0) + PRIOR) / (self.n_same + PRIOR * k)
        u = (self.different.get(item, 0.0) + PRIOR) / (self.n_different + PRIOR * k)
        return m, u

    def match_weight(self, vector: Vector) -> float:
        prior = math.log2((self.n_same + PRIOR) / (self.n_different + PRIOR))
        return prior + sum(math.log2(m / u) for m, u in map(self._m_u, vector))

    def probability(self, vector: Vector) -> float:
        weight = max(-60.0, min(60.0, self.match_weight(vector)))
        return 1.0 / (1.0 + 2.0 ** (-weight))

    def reasons(self, vector: Vector) -> list[str]:
        """Each level's weight, as splink's waterfall: "title ≥0.97: +4.2"."""
        return [f"{name} {level}: {math.log2(m / u):+.1f}" for (name, level), (m, u)
                in ((item, self._m_u(item)) for item in vector)]  # fmt: skip


def most_informative(
    candidates: Sequence[tuple[str, str, Vector]], model: FellegiSunter, limit: int
) -> list[tuple[str, str, float]]:
    """(left, right, probability) of the pairs worth a reviewer's time, the most uncertain first."""
    ranked = sorted(candidates, key=lambda c: abs(model.probability(c[2]) - 0.5))
    chosen: list[tuple[str, str, float]] = []
    seen: set[str] = set()
    for left, right, vector in ranked:
        if left in seen or right in seen:
            continue  # spread the questions: one answer per entry teaches more than two
        chosen.append((left, right, model.probability(vector)))
        seen |= {left, right}
        if len(chosen) == limit:
            break
    return chosen


# ---------------------------------------------------------------- from the linking gold and decisions


def gold_model(level: str = "dataset") -> FellegiSunter:
    """m/u from every labelled pair of the linking gold."""
    from matching.linkgold import load_linking_gold

    gold = load_linking_gold()
    by_key = _features(gold.documents)
    concept = level == "concept"
    return FellegiSunter.fit(
        (comparison_vector(by_key[gold.keys[p.left]], by_key[gold.keys[p.right]], concept=concept),
         p.same_concept if concept else p.same_dataset)
        for p in gold.pairs
    )  # fmt: skip


def _features(documents: Sequence[object]) -> dict[str, EntryFeatures]:
    from matching.features import build_features

    return {f.key: f for f in build_features(documents)}  # type: ignore[arg-type]


DECISION_WEIGHT = 5.0  # a reviewer's decision on the archive at hand, against one gold pair of another catalog


def learn_from_decisions(
    model: FellegiSunter, features: dict[str, EntryFeatures], decisions: Iterable[object]
) -> FellegiSunter:
    """A copy of `model` with every confirm/reject decision about two known entries added."""
    from matching.model import ConfirmLink, RejectLink

    learned = FellegiSunter(dict(model.same), dict(model.different), model.n_same, model.n_different,
                            {k: set(v) for k, v in model.levels.items()})  # fmt: skip
    for decision in decisions:
        if isinstance(decision, ConfirmLink | RejectLink) and {decision.left, decision.right} <= features.keys():
            vector = comparison_vector(features[decision.left], features[decision.right])
            learned.update(vector, isinstance(decision, ConfirmLink), DECISION_WEIGHT)
    return learned


@dataclass(frozen=True)
class Simulation:
    level: str
    decisions_per_document: int
    before: tuple[float, float, float]  # precision, recall, F1 on the held-out pairs not asked
    after: tuple[float, float, float]
    threshold_model: tuple[float, float, float]  # the score + fitted threshold, same pairs
    pairs: int


def simulate(level: str = "dataset", decisions: int = 20) -> Simulation:
    """Leave one document out: m/u from the other documents' pairs, then `decisions` answers
    (gold labels) to the held-out document's most informative pairs; F1 on the rest, before/after."""
    from matching.crossval import score_gold_pairs
    from matching.linkgold import _scores, load_linking_gold

    gold = load_linking_gold()
    by_key = _features(gold.documents)
    concept = level == "concept"
    scored = {(s.pair.left, s.pair.right): s for s in score_gold_pairs(gold)}
    # The vectors do not depend on the document held out: computed once, not once per document.
    rows = [(p, comparison_vector(by_key[gold.keys[p.left]], by_key[gold.keys[p.right]], concept=concept),
             p.same_concept if concept else p.same_dataset) for p in gold.pairs]  # fmt: skip
    total = _HeldOut()
    for name in gold.names:
        held = _hold_out(name, rows, scored, level, decisions)
        if held is not None:
            total.extend(held)

    def triple(predicted: list[bool]) -> tuple[float, float, float]:
        s = _scores(total.truth, predicted)
        return round(s.precision, 4), round(s.recall, 4), round(s.f1, 4)

    return Simulation(
        level, decisions, triple(total.before), triple(total.after), triple(total.thresholded), len(total.truth)
    )


@dataclass
class _HeldOut:
    """Per held-out pair not asked: the truth and the three predictions (model before, after, threshold)."""

    truth: list[bool] = field(default_factory=list)
    before: list[bool] = field(default_factory=list)
    after: list[bool] = field(default_factory=list)
    thresholded: list[bool] = field(default_factory=list)

    def extend(self, other: _HeldOut) -> None:
        self.truth += other.truth
        self.before += other.before
        self.after += other.after
        self.thresholded += other.thresholded


def _hold_out(
    name: str,
    rows: list[tuple[GoldPair, Vector, bool]],
    scored: dict[tuple[str, str], ScoredPair],
    level: str,
    decisions: int,
) -> _HeldOut | None:
    """Document ``name`` held out: trained on the others, ``decisions`` of its pairs answered, the rest predicted."""
    from matching.crossval import fit as fit_threshold

    def touches(left: str, right: str) -> bool:
        return name in (left.partition(":")[0], right.partition(":")[0])

    train = [(v, t) for p, v, t in rows if not touches(p.left, p.right)]
    test = [(p, v, t) for p, v, t in rows if touches(p.left, p.right)]
    if not test or not any(t for _, t in train):
        return None
    model = FellegiSunter.fit(train)
    asked = most_informative([(p.left, p.right, v) for p, v, _ in test], model, decisions)
    asked_pairs = {(left, right) for left, right, _ in asked}
    learned = FellegiSunter(dict(model.same), dict(model.different), model.n_same, model.n_different,
                            {k: set(v) for k, v in model.levels.items()})  # fmt: skip
    for p, v, t in test:
        if (p.left, p.right) in asked_pairs:
            learned.update(v, t, DECISION_WEIGHT)
    chosen = fit_threshold([scored[(p.left, p.right)] for p, _, _ in rows if not touches(p.left, p.right)], level)
    held = _HeldOut()
    for p, v, t in test:
        if (p.left, p.right) in asked_pairs:
            continue
        held.truth.append(t)
        held.before.append(model.probability(v) >= 0.5)
        held.after.append(learned.probability(v) >= 0.5)
        s = scored[(p.left, p.right)]
        held.thresholded.append((s.concept if level == "concept" else s.dataset) >= chosen.threshold)
    return held


def review_queue(
    documents: Sequence[object], links: Sequence[object], decisions: Sequence[object] = (), *, limit: int = 20
) -> list[tuple[str, str, float, list[str]]]:
    """The undecided links of a reconciliation a reviewer should look at first, with the model's reasons.

    The m/u start from the linking gold and learn from `decisions` already taken on this archive.
    """
    from matching.model import ConfirmLink, Link, RejectLink

    features = _features(documents)
    model = learn_from_decisions(gold_model(), features, decisions)
    decided = {frozenset((d.left, d.right)) for d in decisions if isinstance(d, ConfirmLink | RejectLink)}
    candidates = [
        (link.left, link.right, comparison_vector(features[link.left], features[link.right]))
        for link in links
        if isinstance(link, Link) and link.level == "dataset" and frozenset((link.left, link.right)) not in decided
        and {link.left, link.right} <= features.keys()
    ]  # fmt: skip
    vectors = {(left, right): vector for left, right, vector in candidates}
    return [(left, right, p, model.reasons(vectors[(left, right)]))
            for left, right, p in most_informative(candidates, model, limit)]  # fmt: skip


def main(argv: Sequence[str]) -> int:
    import json
    import sys
    from dataclasses import asdict

    count = int(argv[0]) if argv else 20
    out = [asdict(simulate(level, count)) for level in ("dataset", "concept")]
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0
