"""One pairwise precision/recall/F1 (nlp.pairwise) for the gold check, threshold fitting and the evaluator."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from danhmuc.evaluation.metrics import pair_counts as eval_pair_counts
from matching.calibrate import pairwise_scores
from matching.linkgold import _scores
from nlp.goldcheck import Grouping
from nlp.pairwise import pair_counts, precision_recall_f1

labels = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("wxyz")), max_size=12)


@given(labels)
def test_pair_counts_equal_enumerating_the_pairs(items: list[tuple[str, str]]) -> None:
    pairs = list(combinations(items, 2))
    gold = sum(1 for x, y in pairs if x[0] == y[0])
    predicted = sum(1 for x, y in pairs if x[1] == y[1])
    correct = sum(1 for x, y in pairs if x == y)
    assert pair_counts(items) == (correct, predicted, gold)


@given(labels)
def test_every_scorer_gives_the_same_scores_when_there_are_pairs(items: list[tuple[str, str]]) -> None:
    correct, predicted, gold = pair_counts(items)
    expected = precision_recall_f1(correct, predicted, gold)
    assert Grouping(items).f1() == expected
    truth = {str(i): g for i, (g, _) in enumerate(items)}
    guess = {str(i): p for i, (_, p) in enumerate(items)}
    fit = pairwise_scores(guess, truth)
    assert (fit.precision, fit.recall, fit.f1) == expected
    evaluated = eval_pair_counts(items)
    if predicted and gold:
        assert (evaluated.precision, evaluated.recall, evaluated.f1) == expected
    pairs = list(combinations(items, 2))
    linked = _scores([x[0] == y[0] for x, y in pairs], [x[1] == y[1] for x, y in pairs])
    assert (linked.precision, linked.recall, linked.f1) == expected


def test_no_pairs_is_perfect_for_fitting_and_not_computable_for_the_evaluator() -> None:
    # One item per group: nothing to count. Fitting and the gold check call it perfect; the
    # evaluator shows "—" rather than a pass.
    items = [("a", "x"), ("b", "y")]
    assert Grouping(items).f1() == (1.0, 1.0, 1.0)
    assert pairwise_scores({"1": "x", "2": "y"}, {"1": "a", "2": "b"}).f1 == 1.0
    assert _scores([], []).f1 == 1.0
    evaluated = eval_pair_counts(items)
    assert (evaluated.precision, evaluated.recall, evaluated.f1) == (None, None, None)
    assert precision_recall_f1(0, 0, 3, no_pairs=None) == (None, 0.0, None)
    assert precision_recall_f1(0, 2, 3) == (0.0, 0.0, 0.0)
