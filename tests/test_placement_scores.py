"""placement.place's shortcuts give score_pair's floats: the gate's titles in doubles are title_similarity's,
and dataset_score is score_pair's score (without its reasons and covering test)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from matching.blocking import candidate_pairs
from matching.compare import dataset_score, score_pair, title_similarity
from matching.features import EntryFeatures, build_features
from matching.goldset import load_gold
from matching.titlesim import titles_against

ROOT = Path(__file__).resolve().parents[1]


def _gold_features() -> list[EntryFeatures]:
    return build_features([g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")])


def _synthetic_features() -> list[EntryFeatures]:
    from benchmarks.bench_matching import build_archive

    return build_features(sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256))


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_the_gates_titles_in_doubles_and_the_dataset_score_are_score_pairs(source) -> None:
    features = source()
    pairs, _ = candidate_pairs(features)
    others: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs.tolist():  # both ways round: place() scores (candidate, new row)
        others[i].append(j)
        others[j].append(i)
    inexact = compared = reaching = 0
    for i, js in others.items():
        row = features[i]
        titles = titles_against(row.text, [features[j].text for j in js], np.float64).tolist()
        rough = titles_against(row.text, [features[j].text for j in js]).tolist()
        for j, title, title32 in zip(js, titles, rough, strict=True):
            other = features[j]
            assert title == title_similarity(other.text, row.text)
            inexact += title32 != title
            full = score_pair(other, row, title)
            assert dataset_score(other, row, title) == full.score
            compared += 1
            reaching += full.score >= 0.7
    assert compared > 300 and reaching > 20
    assert inexact  # float32 would not do: it differs from title_similarity in the last digits
