"""A stage computed in a forked child (matching/forked.py) gives what computing it here gives."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

from matching import forked, text

reconcile_module = importlib.import_module("matching.reconcile")
compare_module = importlib.import_module("matching.compare")
concepts_module = importlib.import_module("matching.concepts")


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The computations handed to `forked.start` from here on (forked as before)."""
    started: list[object] = []
    start = forked.start

    def counted(compute):
        started.append(compute)
        return start(compute)

    monkeypatch.setattr(forked, "start", counted)
    return started


def test_the_child_computes_and_sends_its_result_back() -> None:
    parent = os.getpid()
    pid, payload = forked.start(lambda: (os.getpid(), {"words": frozenset({"a", "b"})})).result()
    assert pid != parent
    assert payload == {"words": frozenset({"a", "b"})}


def test_a_failed_child_is_computed_again_here() -> None:
    parent = os.getpid()

    def only_here() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 7

    assert forked.start(only_here).result() == 7


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_reconcile_with_forked_stages_gives_the_same_result(
    monkeypatch: pytest.MonkeyPatch, starts: list[object]
) -> None:
    from benchmarks.bench_matching import build_archive, output_digest

    documents = build_archive(2_000, seed=11).documents
    serial = output_digest(reconcile_module.reconcile(documents, workers=1, with_flags=False))

    monkeypatch.setattr(reconcile_module, "FORK_CONCEPTS_FROM", 0)
    monkeypatch.setattr(reconcile_module, "FORK_BLOCKING_FROM", 0)
    monkeypatch.setattr(reconcile_module, "FORK_REASONS_FROM", 0)
    monkeypatch.setattr(compare_module, "FORK_TITLES_FROM", 0)
    monkeypatch.setattr(reconcile_module, "OVERLAP_TITLES_FROM", 0)  # a thread, not a fork: not counted below
    # Cold memos, so that the child's title texts are the ones used here.
    text._TITLE_TEXTS.clear()
    text.comparison_text.cache_clear()
    result = reconcile_module.reconcile(documents, workers=2, with_flags=False)
    # The title texts, the blocking, the links' reasons and the concept stage here; the concept stage's own
    # child (its blocking, from COVERING_FORK_FROM representatives) is not counted here.
    assert len(starts) == 4
    assert output_digest(result) == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_concept_stage_with_its_blocking_forked_is_the_whole(
    monkeypatch: pytest.MonkeyPatch, starts: list[object]
) -> None:
    """The blocked pairs found in a child, the covering pairs here, merged: the serial stage's pairs, order
    and floats, on an archive where both kinds overlap and a covering pair is linked."""
    from benchmarks.bench_matching import build_archive
    from matching.blocking import candidate_pairs
    from matching.coverage import covering_pairs

    documents = sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256)
    output = reconcile_module.match_entries(documents, reconcile_module.load_threshold())
    features, ids = output.features, output.dataset_ids
    whole = concepts_module.link_concepts(features, ids, 0.6)
    monkeypatch.setattr(concepts_module, "COVERING_FORK_FROM", 0)
    forked_blocking = concepts_module.link_concepts(features, ids, 0.6, split=True)
    assert len(starts) == 1  # the blocked pairs and their titles
    assert forked_blocking.links and forked_blocking == whole
    # Some covering pairs are blocked too, some are not, and some are linked.
    _, representative = concepts_module._dataset_wordings(features, ids)
    reps = [features[i] for i in representative.values()]
    covered = covering_pairs(reps)
    blocked = {tuple(p) for p in candidate_pairs(reps)[0].tolist()}
    assert covered & blocked and covered - blocked
    rep_index = {r.index: k for k, r in enumerate(reps)}
    assert any((rep_index[i], rep_index[j]) in covered for i, j, *_ in whole.links)


def test_blocked_and_covering_pairs_compared_apart_are_their_union_compared() -> None:
    """The covering pairs not blocked get their title similarities after the blocked ones: the same
    pairs, order and floats as comparing the union at once."""
    from benchmarks.bench_matching import build_archive
    from matching.blocking import candidate_pairs
    from matching.coverage import covering_pairs
    from matching.titlesim import title_similarities

    documents = sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256)
    features = reconcile_module.match_entries(documents, reconcile_module.load_threshold()).features
    blocked, _ = candidate_pairs(features)
    covered = covering_pairs(features)
    union = np.unique(np.concatenate([blocked, np.array(sorted(covered), dtype=np.int64)]), axis=0)
    assert len(covered) and len(union) > len(blocked)  # some covering pairs are not blocked
    pairs, titles, covers = concepts_module.blocked_or_covering(features, workers=1)
    assert np.array_equal(pairs, union)
    assert np.array_equal(titles, title_similarities(features, union))
    assert covers.tolist() == [(i, j) in covered for i, j in union.tolist()]


def test_titles_compared_beside_the_bounds_give_the_serial_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    """`score_candidates(workers > 1)` compares the titles in another thread while this one builds the rows'
    codes and the bounds' penalties: the kept pairs, scores and what their reasons read are the serial ones."""
    from benchmarks.bench_matching import build_archive
    from matching import bounds
    from matching.blocking import candidate_pairs
    from matching.compare import build_features

    documents = sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256)
    features = build_features(documents)
    pairs, _ = candidate_pairs(features)
    floor = reconcile_module.load_threshold() - reconcile_module.LINK_FLOOR
    serial = reconcile_module.score_candidates(features, pairs, floor=floor, workers=1)
    found = []
    penalties = bounds.certain_penalties

    def counted(*args: object) -> np.ndarray:
        found.append(len(args[1]))  # type: ignore[arg-type]
        return penalties(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reconcile_module, "certain_penalties", counted)
    monkeypatch.setattr(reconcile_module, "OVERLAP_TITLES_FROM", 0)
    overlapped = reconcile_module.score_candidates(features, pairs, floor=floor, workers=2)
    assert found == [len(pairs)]  # every pair's penalty, beside the titles
    assert serial.columns == overlapped.columns and serial.columns[0]
    assert all(np.array_equal(a, b) for a, b in zip(serial.reading, overlapped.reading, strict=True))
    assert serial.reasons() == overlapped.reasons()
