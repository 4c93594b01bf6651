"""Gold-driven figures of the normalisers (corpus/gold/*.json; skipped when absent).

Targets from the issue: sharing, frequency and period accuracy ≥ 0.98; unit grouping pairwise
F1 ≥ 0.97 against the gold unit keys, for catalog cells and for task lead/partner cells; and no
unit silently mis-resolved: a predicted group never joins two gold units (precision 1.0), while
unresolved mentions are allowed but reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.goldcheck import GoldScores, evaluate

GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold"


@pytest.fixture(scope="module")
def scores() -> GoldScores:
    if not any(GOLD.glob("*.json")):
        pytest.skip("no gold files in corpus/gold")
    return evaluate(GOLD)


def test_sharing_accuracy(scores: GoldScores) -> None:
    assert scores.sharing.total > 0
    assert scores.sharing_undecided == 0  # every open-list row was decided by the pipeline, not by the gold
    assert scores.sharing.value >= 0.98, scores.sharing.misses


def test_frequency_accuracy(scores: GoldScores) -> None:
    assert scores.frequency.value >= 0.98, scores.frequency.misses


def test_period_accuracy(scores: GoldScores) -> None:
    assert scores.periods.total > 0
    assert scores.periods.value >= 0.98, scores.periods.misses


def test_catalog_unit_grouping(scores: GoldScores) -> None:
    precision, _, f1 = scores.catalog_units.f1()
    assert f1 >= 0.97
    assert precision == 1.0  # never two real units under one predicted id


def test_task_unit_grouping(scores: GoldScores) -> None:
    precision, _, f1 = scores.task_units.f1()
    assert f1 >= 0.97
    assert precision == 1.0


def test_unresolved_mentions_are_rare(scores: GoldScores) -> None:
    assert len(scores.unresolved) <= 0.03 * max(scores.mentions, 1), scores.unresolved
