"""The concept stage's blocked pairs sent back in parts (matching/forked.py `start_parts`, matching/concepts.py
`_pairs_in_parts`): each part is scored while the child gates the next, and the parts together are the whole.

The archives are benchmarks/bench_matching.py's synthetic ones (built from the real vocabulary the bench reads),
as in tests/test_forked.py.
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

import numpy as np
import pytest

from matching import forked
from tests.child_processes import child_pids

concepts_module = importlib.import_module("matching.concepts")
reconcile_module = importlib.import_module("matching.reconcile")

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")


@fork_only
def test_parts_come_back_in_order_each_as_soon_as_the_child_has_it(tmp_path: Path) -> None:
    """Part 1 is computed only after this process has received part 0: a child sending its parts at the end (one
    pickle, as `forked.start`) would never see the flag and says so."""
    parent = os.getpid()
    flag = tmp_path / "got-part-0"

    def part(prepared: int, k: int) -> tuple[int, int, bool]:
        seen = True
        if k == 1:
            deadline = time.monotonic() + 10
            while not flag.exists():
                if time.monotonic() > deadline:
                    seen = False
                    break
                time.sleep(0.01)
        return os.getpid(), prepared + k, seen

    parts = forked.start_parts(lambda: 100, part, 3)
    received = []
    for value in parts:
        if not received:
            flag.touch()
        received.append(value)
    assert [v[1] for v in received] == [100, 101, 102]
    assert all(pid not in (0, parent) for pid, _, _ in received)
    assert all(seen for _, _, seen in received)
    assert parts.pid == 0


@fork_only
def test_parts_a_failed_child_did_not_send_are_computed_here() -> None:
    """The child dies after its first part (killed, or raising): the other parts are computed here, `prepare`
    run here once."""
    parent = os.getpid()
    for how in ("kill", "raise"):
        prepared_here: list[int] = []

        def prepare(prepared_here: list[int] = prepared_here) -> int:
            if os.getpid() == parent:
                prepared_here.append(1)
            return 10

        def part(prepared: int, k: int, how: str = how) -> tuple[int, int]:
            if k == 1 and os.getpid() != parent:
                if how == "kill":
                    os.kill(os.getpid(), 9)
                raise RuntimeError("the child fails")
            return os.getpid(), prepared + k

        received = list(forked.start_parts(prepare, part, 4))
        assert [v[1] for v in received] == [10, 11, 12, 13]
        assert received[0][0] != parent and {pid for pid, _ in received[1:]} == {parent}
        assert prepared_here == [1]


@fork_only
def test_parts_left_unread_leave_no_child() -> None:
    """The caller stops after the first part (it raised), or never iterates: the child, computing or blocked on a
    full pipe, is ended and reaped."""
    children = child_pids()

    def big(prepared: None, k: int) -> bytes:
        return bytes(1 << 20)  # more than a pipe holds: the child blocks writing part 1

    parts = forked.start_parts(lambda: None, big, 5)
    for _ in parts:
        break
    del parts
    unread = forked.start_parts(lambda: None, big, 5)
    del unread
    assert child_pids() == children


def test_parts_not_forked_are_computed_here() -> None:
    parent = os.getpid()
    parts = forked.Parts(lambda: 3, lambda prepared, k: (os.getpid(), prepared * k), 3, 0, -1)
    assert list(parts) == [(parent, 0), (parent, 3), (parent, 6)]


@pytest.fixture(scope="module")
def stage() -> tuple[list, list]:
    """A 2,000-row archive's representatives (one per dataset wording) and its rows' datasets."""
    from benchmarks.bench_matching import build_archive

    documents = sorted(build_archive(2_000, seed=11).documents, key=lambda d: d.sha256)
    output = reconcile_module.match_entries(documents, reconcile_module.load_threshold())
    _, representative = concepts_module._dataset_wordings(output.features, output.dataset_ids)
    return [output.features[i] for i in representative.values()], [output.features, output.dataset_ids]


@pytest.mark.parametrize("count", [1, 2, 3, 7, -1])
@pytest.mark.parametrize("floor", [None, 0.5])
def test_pairs_in_parts_are_the_whole_in_order(
    monkeypatch: pytest.MonkeyPatch, stage: tuple[list, list], count: int, floor: float | None
) -> None:
    """Blocked in ranges, with or without the gates, forked or here: the parts joined are the pairs, titles and
    covering marks of the ranges computed at once; the covering pairs fall into several ranges (the part where a
    range ends is computed from the blocked pairs, the covering ones follow). `count` -1: more ranges than blocked
    pairs (empty ranges), on the first 120 representatives."""
    from matching.blocking import candidate_pairs
    from matching.conceptgate import GateRows

    reps, _ = stage
    if count < 0:
        reps = reps[:120]
        count = len(candidate_pairs(reps)[0]) + 3
    rows = GateRows.of(reps)
    whole = concepts_module.blocked_or_covering(reps, 1, False, floor, rows)
    monkeypatch.setattr(concepts_module, "BLOCKED_PARTS", count)
    monkeypatch.setattr(concepts_module, "COVERING_FORK_FROM", 0)
    parts = list(concepts_module._pairs_in_parts(reps, 2, True, floor, rows))
    assert len(parts) == count
    joined = [np.concatenate(column) for column in zip(*parts, strict=True)]
    for got, expected in zip(joined, whole, strict=True):
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
    if 1 < count < 10:
        assert sum(1 for _, _, covers in parts if covers.any()) > 1
    else:
        assert count == 1 or not all(len(pairs) for pairs, _, _ in parts)


@fork_only
@pytest.mark.parametrize("count", [1, 3, 5])
def test_concept_stage_scored_part_by_part_is_the_whole(
    monkeypatch: pytest.MonkeyPatch, stage: tuple[list, list], count: int
) -> None:
    """The stage's links and concepts with the blocked pairs scored part by part are the serial stage's."""
    _, (features, ids) = stage
    whole = concepts_module.link_concepts(features, ids, 0.6)
    monkeypatch.setattr(concepts_module, "BLOCKED_PARTS", count)
    monkeypatch.setattr(concepts_module, "COVERING_FORK_FROM", 0)
    started = []
    start_parts = forked.start_parts

    def counted(prepare, part, parts):
        started.append(parts)
        return start_parts(prepare, part, parts)

    monkeypatch.setattr(forked, "start_parts", counted)
    in_parts = concepts_module.link_concepts(features, ids, 0.6, split=True)
    assert started == [count]
    assert in_parts.links and in_parts == whole


def test_gated_titles_with_the_texts_numbered_once_are_the_same(stage: tuple[list, list]) -> None:
    """Each part's gate reads the representatives' texts numbered once by the caller (`texts=`): the same pairs
    and floats as numbering them in the call."""
    from matching.blocking import candidate_pairs
    from matching.conceptgate import GateRows, gated_titles
    from matching.titlesim import RowTexts

    reps, _ = stage
    pairs, _ = candidate_pairs(reps)
    rows = GateRows.of(reps)
    texts = RowTexts.of(reps)
    for part in (pairs, pairs[: len(pairs) // 3], pairs[len(pairs) // 3 :]):
        wanted, titles = gated_titles(reps, part, 0.5, 1, rows)
        given_wanted, given_titles = gated_titles(reps, part, 0.5, 1, rows, texts)
        assert wanted.any() and np.array_equal(wanted, given_wanted)
        assert titles.dtype == given_titles.dtype and np.array_equal(titles, given_titles)
