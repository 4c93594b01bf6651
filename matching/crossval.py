"""Fitting the two thresholds on the linking gold, and leave-one-document-out figures.

Scores do not depend on the thresholds, so every labelled pair is scored once (`PairScore.score`
for the dataset level, `.concept` for the concept level). For each document of the linking gold,
the thresholds are fitted on the pairs that do not touch it and applied to the pairs that do: the
pooled held-out predictions give the F1 reported for unseen catalogs. The thresholds written to
thresholds.json are then fitted on all pairs.

    python -m matching crossval          # the held-out figures, per level and per document
    python -m matching calibrate         # fit on all pairs and write matching/thresholds.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from matching.calibrate import PairwiseScores
from matching.compare import score_pair
from matching.features import build_features
from matching.linkgold import GoldPair, LinkingGold, _scores, load_linking_gold

GRID = [round(0.30 + 0.01 * i, 2) for i in range(70)]  # 0.30 .. 0.99


@dataclass(frozen=True, slots=True)
class ScoredPair:
    pair: GoldPair
    dataset: float
    concept: float


@dataclass(frozen=True)
class Fit:
    threshold: float
    f1: float
    plateau: tuple[float, float]


@dataclass
class HeldOut:
    level: str
    scores: PairwiseScores
    per_document: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> threshold, f1


def score_gold_pairs(gold: LinkingGold) -> list[ScoredPair]:
    features = build_features(gold.documents)
    by_key = {f.key: f for f in features}
    out = []
    for pair in gold.pairs:
        result = score_pair(by_key[gold.keys[pair.left]], by_key[gold.keys[pair.right]])
        out.append(ScoredPair(pair, result.score, result.concept))
    return out


def _truth(scored: ScoredPair, level: str) -> bool:
    return scored.pair.same_dataset if level == "dataset" else scored.pair.same_concept


def _value(scored: ScoredPair, level: str) -> float:
    return scored.dataset if level == "dataset" else scored.concept


def evaluate(scored: Sequence[ScoredPair], level: str, threshold: float) -> PairwiseScores:
    return _scores([_truth(s, level) for s in scored], [_value(s, level) >= threshold for s in scored])


def fit(scored: Sequence[ScoredPair], level: str, grid: Sequence[float] = GRID) -> Fit:
    """The middle of the longest run of grid thresholds reaching the best F1."""
    results = [(t, evaluate(scored, level, t).f1) for t in grid]
    best = max(f for _, f in results)
    runs: list[list[float]] = []
    previous_best = False
    for t, f in results:
        at_best = f >= best - 1e-9
        if at_best and previous_best:
            runs[-1].append(t)
        elif at_best:
            runs.append([t])
        previous_best = at_best
    run = max(runs, key=len)
    return Fit(threshold=run[len(run) // 2], f1=round(best, 4), plateau=(run[0], run[-1]))


def leave_one_document_out(gold: LinkingGold, scored: Sequence[ScoredPair] | None = None) -> list[HeldOut]:
    scored = list(scored) if scored is not None else score_gold_pairs(gold)
    out = []
    for level in ("dataset", "concept"):
        truth: list[bool] = []
        predicted: list[bool] = []
        held = HeldOut(level=level, scores=_scores([], []))
        for name in gold.names:
            def touches(s: ScoredPair, name: str = name) -> bool:
                return s.pair.left.partition(":")[0] == name or s.pair.right.partition(":")[0] == name

            train = [s for s in scored if not touches(s)]
            test = [s for s in scored if touches(s)]
            if not test or not any(_truth(s, level) for s in train):
                continue
            chosen = fit(train, level)
            truth += [_truth(s, level) for s in test]
            predicted += [_value(s, level) >= chosen.threshold for s in test]
            fold = evaluate(test, level, chosen.threshold)
            held.per_document[name] = {"threshold": chosen.threshold, "f1": round(fold.f1, 4),
                                       "pairs": len(test), "true": fold.true_pairs}  # fmt: skip
        held.scores = _scores(truth, predicted)
        out.append(held)
    return out


def report(gold: LinkingGold | None = None) -> dict[str, object]:
    gold = gold or load_linking_gold()
    scored = score_gold_pairs(gold)
    held = leave_one_document_out(gold, scored)
    fits = {level: fit(scored, level) for level in ("dataset", "concept")}
    return {
        "pairs": len(scored),
        "held_out": {h.level: {**{k: round(v, 4) if isinstance(v, float) else v
                                  for k, v in asdict(h.scores).items()}, "per_document": h.per_document}
                     for h in held},  # fmt: skip
        "fitted_on_all": {level: asdict(f) for level, f in fits.items()},
    }


def main(argv: Sequence[str]) -> int:
    sys.stdout.write(json.dumps(report(), ensure_ascii=False, indent=2) + "\n")
    return 0
