"""The concept stage's gate for many pairs (matching/conceptgate.py) is `concept_may_reach`, pair by pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.blocking import candidate_pairs
from matching.compare import (
    _certain_penalty,
    _words_penalty,
    concept_bound_before_covering,
    concept_may_reach,
    pair_scores,
    score_pair,
)
from matching.conceptgate import (
    certain_penalties_many,
    concept_may_reach_by_words,
    concept_may_reach_many,
    concept_scores_many,
    gated_titles,
    title_gate,
    words_penalties_at_least,
)
from matching.coverage import covering_pairs
from matching.features import EntryFeatures, build_features
from matching.goldset import load_gold
from matching.titlesim import title_similarities

ROOT = Path(__file__).resolve().parents[1]


def _gold_features() -> list[EntryFeatures]:
    return build_features([g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")])


def _synthetic_features() -> list[EntryFeatures]:
    from benchmarks.bench_matching import build_archive

    return build_features(sorted(build_archive(3_000, seed=11).documents, key=lambda d: d.sha256))


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_gate_of_many_pairs_is_the_scalar_gate(source) -> None:
    features = source()
    pairs, _ = candidate_pairs(features)
    covered = np.array(sorted(covering_pairs(features)), dtype=np.int64).reshape(-1, 2)
    pairs = np.concatenate([pairs, covered])
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    titles = title_similarities(features, pairs)
    penalties = certain_penalties_many(features, pairs)
    for (i, j), penalty in zip(pairs.tolist(), penalties.tolist(), strict=True):
        assert penalty == _certain_penalty(features[i], features[j])
    assert (penalties > 0).any()
    by_covering = 0
    for floor in (0.5, 0.73, 0.9, 0.96):
        fast = concept_may_reach_many(features, pairs, titles, floor)
        slow = []
        for (i, j), title in zip(pairs.tolist(), titles.tolist(), strict=True):
            slow.append(concept_may_reach(features[i], features[j], title, floor))
            # Pairs that only the covering test lets through (the signature must not drop them).
            bound = concept_bound_before_covering(features[i], features[j], title, own_description=True)
            by_covering += slow[-1] and bound < floor
        assert fast.tolist() == slow
        assert 0 < sum(slow) < len(slow)
    assert by_covering
    assert not concept_may_reach_many(features, pairs[:0], titles[:0], 0.7).size


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_concept_scores_of_many_pairs_are_the_scalar_ones(source) -> None:
    features = source()
    pairs, _ = candidate_pairs(features)
    covered = np.array(sorted(covering_pairs(features)), dtype=np.int64).reshape(-1, 2)
    n = len(features)
    neighbours = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)  # sub-rows of one number among them
    pairs = np.concatenate([pairs, covered, neighbours])
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    titles = title_similarities(features, pairs)
    fast = concept_scores_many(features, pairs, titles)
    rows = zip(pairs.tolist(), titles.tolist(), strict=True)
    slow = [pair_scores(features[i], features[j], title)[1] for (i, j), title in rows]
    assert fast == slow
    # Pairs the covering test names are among them.
    named = [score_pair(features[i], features[j]).reasons[-1] for i, j in covered.tolist()]
    assert any(reason.startswith("mức khái niệm") for reason in named)
    assert concept_scores_many(features, pairs[:0], titles[:0]) == []


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_gated_titles_leave_out_only_pairs_both_gates_drop(source) -> None:
    """gated_titles compares only the pairs that may pass the title gate, concept_may_reach_many and
    concept_may_reach_by_words, with title_similarities' floats; every pair it leaves out fails one of them with its
    true title."""
    features = source()
    pairs, _ = candidate_pairs(features)
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    titles = title_similarities(features, pairs)
    covered = covering_pairs(features)
    covers = np.array([(min(i, j), max(i, j)) in covered for i, j in pairs.tolist()], dtype=bool)
    by_words = 0
    for floor in (0.5, 0.73, 0.9):
        wanted, found = gated_titles(features, pairs, floor)
        assert np.array_equal(found, titles[wanted])
        passing = (title_gate(titles, floor) | covers) & concept_may_reach_many(features, pairs, titles, floor)
        passing &= concept_may_reach_by_words(features, pairs, titles, floor)
        assert not (passing & ~wanted).any()
        assert passing.any() and 0 < wanted.sum() < len(pairs)
        # The words' bound over the most common words alone leaves out pairs the first gate's would keep.
        first = (title_gate(titles, floor) | covers) & concept_may_reach_many(features, pairs, titles, floor)
        by_words += int((first & ~wanted).sum())
    assert by_words


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_words_penalty_bound_and_second_gate(source) -> None:
    """words_penalties_at_least is never over `_words_penalty` (and equals it for most pairs); the second gate
    drops only pairs whose concept score is under the floor."""
    features = source()
    pairs, _ = candidate_pairs(features)
    covered = np.array(sorted(covering_pairs(features)), dtype=np.int64).reshape(-1, 2)
    pairs = np.concatenate([pairs, covered])
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    bounds = words_penalties_at_least(features, pairs).tolist()
    exact = [_words_penalty(features[i], features[j])[0] for i, j in pairs.tolist()]
    assert all(b <= e for b, e in zip(bounds, exact, strict=True))
    assert sum(b == e for b, e in zip(bounds, exact, strict=True)) > len(exact) // 2 and max(bounds) > 0
    titles = title_similarities(features, pairs)
    rows = zip(pairs.tolist(), titles.tolist(), strict=True)
    concepts = np.array([pair_scores(features[i], features[j], title)[1] for (i, j), title in rows])
    for floor in (0.5, 0.73, 0.9, 0.96):
        reach = concept_may_reach_by_words(features, pairs, titles, floor)
        assert not ((concepts >= floor) & ~reach).any()
        assert (~reach).any()
