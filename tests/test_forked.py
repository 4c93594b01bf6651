"""A stage computed in a forked child (matching/forked.py) gives what computing it here gives."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

from matching import forked, sharedwork, text
from tests.child_processes import child_pids

reconcile_module = importlib.import_module("matching.reconcile")
features_module = importlib.import_module("matching.features")
concepts_module = importlib.import_module("matching.concepts")
concepts_prep = importlib.import_module("matching.conceptprep")


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


@pytest.fixture
def late_starts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The stages handed to `forked.start_late` from here on (forked as before)."""
    started: list[object] = []
    start_late = forked.start_late

    def counted(prepare, finish, compute, size):
        started.append(finish)
        return start_late(prepare, finish, compute, size)

    monkeypatch.setattr(forked, "start_late", counted)
    return started


@pytest.fixture
def shares(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The lists handed to `sharedwork.share` from here on (shared with a child as before)."""
    shared: list[object] = []
    share = sharedwork.share

    def counted(items, *args, **kwargs):
        shared.append(items)
        return share(items, *args, **kwargs)

    monkeypatch.setattr(sharedwork, "share", counted)
    return shared


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
    monkeypatch: pytest.MonkeyPatch, starts: list[object], late_starts: list[object], shares: list[object]
) -> None:
    from benchmarks.bench_matching import build_archive, output_digest

    documents = build_archive(2_000, seed=11).documents
    serial = output_digest(reconcile_module.reconcile(documents, workers=1, with_flags=False))

    monkeypatch.setattr(reconcile_module, "FORK_CONCEPTS_FROM", 0)
    monkeypatch.setattr(reconcile_module, "FORK_BLOCKING_FROM", 0)
    monkeypatch.setattr(reconcile_module, "FORK_REASONS_FROM", 0)
    monkeypatch.setattr(features_module, "FORK_TITLES_FROM", 0)
    monkeypatch.setattr(reconcile_module, "OVERLAP_TITLES_FROM", 0)  # a thread, not a fork: not counted below
    # Cold memos, so that the child's title texts are the ones used here.
    text._TITLE_TEXTS.clear()
    text._described_text.cache_clear()
    result = reconcile_module.reconcile(documents, workers=2, with_flags=False)
    # The title texts shared with a child (matching/sharedwork.py), the blocking and the links' reasons forked, the
    # concept stage forked before the scores; the concept stage's own child (its blocking, from
    # COVERING_FORK_FROM representatives) is not counted here.
    assert len(shares) == 1 and len(starts) == 2 and len(late_starts) == 1
    assert output_digest(result) == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_concept_stage_with_its_blocking_forked_is_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
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
    started = []
    start_parts = forked.start_parts
    monkeypatch.setattr(forked, "start_parts", lambda *args: started.append(args) or start_parts(*args))
    forked_blocking = concepts_module.link_concepts(features, ids, 0.6, split=True)
    assert len(started) == 1  # the blocked pairs and their titles, in parts
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
    from matching.features import build_features

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


def _wait_for(pid: int) -> None:
    """Until `pid` has exited (it is not reaped: its parent is this process, `Late` reaps it)."""
    import time

    for _ in range(500):
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().split(") ")[1][0] in "ZX":
                return
        time.sleep(0.01)
    raise AssertionError(f"{pid} still running")


def _sum_here_and_there(parent: int):
    def prepare() -> int:
        return 10 if os.getpid() != parent else -1000  # prepared in the child only

    def finish(prepared: int, values: np.ndarray) -> tuple[int, int]:
        return os.getpid(), prepared + int(values.sum())

    def compute(values: np.ndarray) -> tuple[int, int]:
        return os.getpid(), 10 + int(values.sum())

    return prepare, finish, compute


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_late_stage_finishes_with_its_input_in_the_child() -> None:
    parent = os.getpid()
    late = forked.start_late(*_sum_here_and_there(parent), size=4)
    pid, total = late.send(np.array([1, 2, 3, 4])).result()
    assert pid not in (0, parent) and total == 20


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_late_stage_whose_child_died_before_its_input_is_computed_here() -> None:
    """The child killed while it prepares: the send neither blocks nor raises (no SIGPIPE); computed here."""
    import signal

    parent = os.getpid()
    prepare, finish, compute = _sum_here_and_there(parent)

    def slow() -> int:
        import time

        time.sleep(30)
        return prepare()

    late = forked.start_late(slow, finish, compute, size=3)
    child = late.pid
    os.kill(child, signal.SIGKILL)
    _wait_for(child)
    stage = late.send(np.array([1, 2, 3]))
    assert stage.result() == (parent, 16)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_late_stage_whose_child_died_after_reading_its_input_is_computed_here() -> None:
    parent = os.getpid()
    prepare, _, compute = _sum_here_and_there(parent)

    def dies(prepared: int, values: np.ndarray) -> tuple[int, int]:
        os.kill(os.getpid(), 9)  # after reading the input, before any result
        raise AssertionError

    late = forked.start_late(prepare, dies, compute, size=2)
    assert late.send(np.array([5, 6])).result() == (parent, 21)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_late_stage_whose_child_raised_is_computed_here() -> None:
    parent = os.getpid()
    prepare, _, compute = _sum_here_and_there(parent)

    def fails(prepared: int, values: np.ndarray) -> tuple[int, int]:
        raise RuntimeError("the child fails")

    late = forked.start_late(prepare, fails, compute, size=2)
    assert late.send(np.array([5, 6])).result() == (parent, 21)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_discarded_late_stage_leaves_no_child() -> None:
    """Discarded (the datasets replayed after decisions): the child is ended and reaped, preparing or waiting."""
    import time

    parent = os.getpid()
    prepare, finish, compute = _sum_here_and_there(parent)
    for before in (lambda: time.sleep(30), lambda: None):
        late = forked.start_late(lambda b=before: (b(), prepare())[1], finish, compute, size=1)
        child = late.pid
        time.sleep(0.05)
        late.discard()
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)
        assert late.pid == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_late_stage_dropped_unsent_leaves_no_child() -> None:
    parent = os.getpid()
    late = forked.start_late(*_sum_here_and_there(parent), size=1)
    child = late.pid
    del late  # the caller raised between the fork and the send
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


def test_a_late_stage_checks_its_input_size() -> None:
    late = forked.late_here(lambda values: int(values.sum()), size=3)
    with pytest.raises(ValueError):
        late.send(np.array([1, 2]))
    assert late.send(np.array([1, 2, 3])).result() == 6


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_reconcile_replaying_decisions_starts_no_early_concept_stage(
    monkeypatch: pytest.MonkeyPatch, late_starts: list[object]
) -> None:
    """With decisions to replay (or a document given twice) the datasets change after the clustering: the concept
    stage is computed after them, as before, and an early child started anyway is discarded."""
    from benchmarks.bench_matching import build_archive, output_digest

    documents = build_archive(2_000, seed=11).documents
    monkeypatch.setattr(reconcile_module, "FORK_CONCEPTS_FROM", 0)
    twice = [*documents, documents[0]]
    serial = output_digest(reconcile_module.reconcile(twice, workers=1, with_flags=False))
    assert output_digest(reconcile_module.reconcile(twice, workers=2, with_flags=False)) == serial
    assert not late_starts  # a key twice: no early child

    # The early child started regardless of the replay (as if `_early_concepts` had not known): discarded.
    monkeypatch.setattr(reconcile_module, "_early_concepts",
                        lambda features, floor, workers: concepts_prep.start_concepts(features, 0.5, workers))
    children = child_pids()
    result = reconcile_module.reconcile(twice, workers=2, with_flags=False)
    assert output_digest(result) == serial
    assert child_pids() == children  # none left behind, none a zombie


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_concept_stage_started_before_the_datasets_is_the_stage() -> None:
    """`conceptprep.start_concepts` (the wordings, parsed titles and signatures before the datasets are known, the
    datasets sent as numbers) gives `link_concepts`' output, in the child and computed here."""
    from benchmarks.bench_matching import build_archive

    documents = sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256)
    output = reconcile_module.match_entries(documents, reconcile_module.load_threshold())
    features, ids = output.features, output.dataset_ids
    whole = concepts_module.link_concepts(features, ids, 0.6)
    assert whole.links
    labels = concepts_prep.dataset_labels(ids)
    # One number per dataset, numbered as they first appear.
    assert labels.tolist() == [list(dict.fromkeys(ids)).index(d) for d in ids]
    assert concepts_prep.start_concepts(features, 0.6, workers=2).send(labels).result() == whole
    prep = concepts_prep.prepare(features)
    assert prep.words == concepts_module.row_wordings(features)
    assert concepts_module.link_concepts(features, labels.tolist(), 0.6, words=prep.words) == whole
    # A child that fails after its input: the stage computed here is the same.
    late = concepts_prep.start_concepts(features, 0.6, workers=2)
    os.kill(late.pid, 9)
    assert late.send(labels).result() == whole
