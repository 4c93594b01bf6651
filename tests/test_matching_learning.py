"""Learning from reviewers: m/u re-estimation from decisions and the order of the review queue."""

from __future__ import annotations

from datetime import UTC, datetime

from matching import ConfirmLink, RejectLink, reconcile
from matching.learning import (
    FellegiSunter,
    comparison_vector,
    gold_model,
    learn_from_decisions,
    most_informative,
    review_queue,
    simulate,
)
from matching.linkgold import load_linking_gold

WHEN = datetime(2026, 5, 1, tzinfo=UTC)


def test_decisions_move_the_weights_of_their_levels() -> None:
    gold = load_linking_gold()
    from matching.features import build_features

    features = {f.key: f for f in build_features(gold.documents)}
    model = gold_model()
    a = gold.keys["hung_yen:28"]  # doanh nghiệp kinh doanh dịch vụ lữ hành
    b = gold.keys["hung_yen:30"]  # công ty lữ hành du lịch được cấp phép (same dataset, few shared words)
    vector = comparison_vector(features[a], features[b])
    before = model.probability(vector)
    confirmed = learn_from_decisions(model, features, [ConfirmLink(who="r", when=WHEN, left=a, right=b)] * 3)
    rejected = learn_from_decisions(model, features, [RejectLink(who="r", when=WHEN, left=a, right=b)] * 3)
    assert rejected.probability(vector) < before < confirmed.probability(vector)
    assert all(":" in reason for reason in model.reasons(vector))


def test_the_most_uncertain_pairs_come_first_one_per_entry() -> None:
    model = FellegiSunter.fit([((("score", "high"),), True), ((("score", "low"),), False),
                               ((("score", "mid"),), True), ((("score", "mid"),), False)])  # fmt: skip
    candidates = [("a", "b", (("score", "high"),)), ("c", "d", (("score", "mid"),)),
                  ("c", "e", (("score", "mid"),)), ("f", "g", (("score", "low"),))]  # fmt: skip
    picked = most_informative(candidates, model, 3)
    assert picked[0][:2] == ("c", "d")
    assert ("c", "e") not in [p[:2] for p in picked]
    assert abs(picked[0][2] - 0.5) < 0.05


def test_twenty_decisions_on_held_out_documents_do_not_hurt() -> None:
    for level in ("dataset", "concept"):
        run = simulate(level, 20)
        assert run.after[2] >= run.before[2], run
    assert simulate("concept", 20).after[2] > simulate("concept", 20).before[2]


def test_review_queue_skips_decided_pairs() -> None:
    gold = load_linking_gold()
    result = reconcile(gold.documents, with_flags=False)
    queue = review_queue(gold.documents, result.links, limit=5)
    assert len(queue) == 5 and all(0.0 <= p <= 1.0 for _, _, p, _ in queue)
    first = queue[0]
    decided = [RejectLink(who="r", when=WHEN, left=first[0], right=first[1])]
    again = review_queue(gold.documents, result.links, decided, limit=5)
    assert (first[0], first[1]) not in [(a, b) for a, b, _, _ in again]
