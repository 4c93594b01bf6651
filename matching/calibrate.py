"""Calibration of the link thresholds on gold data, and the pairwise measures it optimises.

A threshold is the one that maximises pairwise F1 on a gold set; where several thresholds tie,
the middle of the best plateau is taken, so the choice sits as far as possible from both kinds of
error. `python -m matching calibrate` fits the dataset and the concept thresholds on the linking
gold (matching/crossval.py, with the leave-one-document-out figures) and checks the dataset
threshold against the clustering of the seed corpus gold (`calibrate_gold`: its plateau must hold
it); everything is stored in matching/thresholds.json.

    python -m matching calibrate
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from extract.model import Document
from matching.cluster import cluster_links
from matching.compare import score_pair
from matching.goldset import GoldDocument, load_gold
from matching.reconcile import THRESHOLDS_FILE, match_entries
from nlp.pairwise import pair_counts, precision_recall_f1


@dataclass(frozen=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Pairwise precision/recall/F1 of a clustering, by counting pairs (no pair enumeration)."""
    correct, predicted_pairs, true_pairs = pair_counts((truth[k], predicted[k]) for k in truth if k in predicted)
    precision, recall, f1 = precision_recall_f1(correct, predicted_pairs, true_pairs)
    return PairwiseScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


@dataclass(frozen=True)
class ThresholdFit:
    link_threshold: float
    pairwise_f1: float
    precision: float
    recall: float
    plateau: tuple[float, float]  # thresholds that reach the same best F1
    true_pairs: int
    documents: list[str]
    calibrated_at: str


def calibrate(
    documents: Sequence[Document], truth: Mapping[str, str], *, grid: Sequence[float] | None = None
) -> ThresholdFit:
    grid = list(grid) if grid is not None else [round(0.40 + 0.005 * i, 3) for i in range(119)]
    # Scores do not depend on the threshold: compute them once, re-cluster per threshold.
    output = match_entries(documents, threshold=min(grid))
    keys = [f.key for f in output.features]
    links = [(i, j, s) for i, j, s, _ in output.scored]
    features = output.features

    def rescore(i: int, j: int) -> float:
        return score_pair(features[i], features[j]).score

    results = []
    for threshold in grid:
        ids = cluster_links(keys, links, threshold, rescore)
        results.append((threshold, pairwise_scores(dict(zip(keys, ids, strict=True)), truth)))
    best_f1 = max(r.f1 for _, r in results)
    plateau = [t for t, r in results if r.f1 >= best_f1 - 1e-9]
    # The longest run of consecutive grid points at the best F1, then its middle.
    runs: list[list[float]] = []
    for t in grid:
        if t in plateau and runs and runs[-1][-1] == grid[grid.index(t) - 1]:
            runs[-1].append(t)
        elif t in plateau:
            runs.append([t])
    run = max(runs, key=len)
    chosen = run[len(run) // 2]
    scores = dict(results)[chosen]
    return ThresholdFit(
        link_threshold=chosen,
        pairwise_f1=round(scores.f1, 4),
        precision=round(scores.precision, 4),
        recall=round(scores.recall, 4),
        plateau=(run[0], run[-1]),
        true_pairs=scores.true_pairs,
        documents=[d.source for d in documents],
        calibrated_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def calibrate_gold(gold: Sequence[GoldDocument]) -> ThresholdFit:
    truth = {k: f"{v}" for g in gold for k, v in g.dataset_keys.items()}
    return calibrate([g.document for g in gold], truth)


def write_thresholds(fit: ThresholdFit, path: Path = THRESHOLDS_FILE) -> None:
    path.write_text(json.dumps(asdict(fit), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def thresholds_record(gold_dir: Path, docs_dir: Path) -> dict[str, object]:
    from matching.crossval import report

    linking = report()
    fits, held = linking["fitted_on_all"], linking["held_out"]
    assert isinstance(fits, dict) and isinstance(held, dict)
    corpus = calibrate_gold(load_gold(gold_dir, docs_dir))
    return {
        "link_threshold": fits["dataset"]["threshold"],
        "concept_threshold": fits["concept"]["threshold"],
        "pairwise_f1": fits["dataset"]["f1"],
        "concept_f1": fits["concept"]["f1"],
        "plateau": fits["dataset"]["plateau"],
        "concept_plateau": fits["concept"]["plateau"],
        "fitted_on": "matching/data/linking_gold.json (pairs)",
        "held_out": {level: {k: v for k, v in figures.items() if k != "per_document"}
                     for level, figures in held.items()},
        "corpus_check": {"plateau": corpus.plateau, "pairwise_f1": corpus.pairwise_f1,
                         "documents": corpus.documents},
        "calibrated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip


def main(argv: Sequence[str]) -> int:
    gold_dir = Path(argv[0]) if argv else Path("corpus/gold")
    docs_dir = Path(argv[1]) if len(argv) > 1 else Path("corpus/docs")
    record = thresholds_record(gold_dir, docs_dir)
    THRESHOLDS_FILE.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return 0
