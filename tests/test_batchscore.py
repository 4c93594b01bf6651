"""The dataset stage's batch scoring (matching/batchscore.py) gives what `score_reaching` gives, pair by pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.batchscore import score_many
from matching.blocking import candidate_pairs
from matching.compare import score_reaching
from matching.features import EntryFeatures, build_features
from matching.goldset import load_gold
from matching.titlesim import title_similarities

ROOT = Path(__file__).resolve().parents[1]


def _scalar(features: list[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float) -> list:
    out = []
    for (i, j), title in zip(pairs.tolist(), titles.tolist(), strict=True):
        scored = score_reaching(features[i], features[j], title, floor)
        if scored is not None:
            out.append((i, j, scored.score, scored.reasons))
    return out


def _gold_features() -> list[EntryFeatures]:
    return build_features([g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")])


def _synthetic_features() -> list[EntryFeatures]:
    from benchmarks.bench_matching import build_archive

    return build_features(sorted(build_archive(3_000, seed=7).documents, key=lambda d: d.sha256))


@pytest.mark.parametrize(
    ("source", "branches"),
    [
        (_gold_features, {"tiêu", "từ", "mô", "cùng", "khác", "dòng"}),
        (_synthetic_features, {"tiêu", "từ", "mô", "cùng"}),
    ],
)
def test_batch_scores_are_the_scalar_scores(source, branches: set[str]) -> None:
    features = source()
    pairs, _ = candidate_pairs(features)
    # Both directions (the reasons name each side in order), and every row against its neighbour in
    # input order: same-document pairs and sub-rows of one number, which blocking rarely pairs.
    n = len(features)
    neighbours = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    pairs = np.concatenate([pairs, pairs[:, ::-1], neighbours])
    titles = title_similarities(features, pairs)
    reasons_seen: set[str] = set()
    for floor in (0.0, 0.5, 0.67, 0.9):
        fast = score_many(features, pairs, titles, floor)
        assert fast == _scalar(features, pairs, titles, floor)
        reasons_seen |= {r.split(":")[0].split(" ")[0] for *_, reasons in fast for r in reasons}
    # The branches were met: title, words, descriptions, units/groups/documents, other unit/level/place, sub-rows.
    assert branches <= reasons_seen
    assert score_many(features, pairs[:0], titles[:0], 0.5) == []
