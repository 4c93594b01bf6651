"""A web server's catalog view after a run reads only the datasets the run changed, and equals a view built whole.

Issue 13: an upload shows in the catalog ≤ 10 s after its job. Each server process rebuilt its whole view after
every saved reconciliation: 51 s at 10,000 replicated documents, for a run that had changed a few dozen
datasets. A run now records the datasets it refreshed, created or deleted (``reconcile_runs.changed_datasets``,
0018_run_changed_datasets) and the view reads those again, keeps the others, and reads everything when a run
could not say. The invariant pinned here, on real corpus files and both databases: whatever the runs did
(documents added or replaced, decisions, undo), the view updated in place equals a view built from nothing.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from api.catalog_view import CatalogView
from catalog import CatalogStore
from catalog.models import ConceptRow, DatasetRow, ReconcileRunRow
from catalog.testing import temporary_store
from danhmuc.pipeline import process_file
from extract.model import Document
from matching.model import Decision, MergeDatasets, SetCanonical, SplitDataset, UndoDecision

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "corpus" / "docs" / f"{path.stem}.txt" for path in sorted((ROOT / "corpus" / "gold").glob("*.json"))]
WHEN = datetime(2026, 12, 7, tzinfo=UTC)


@cache
def _document(index: int, edition: int = 0) -> Document:
    """A corpus plan; edition > 0 is the same plan with a note appended (other bytes: a new version of its path)."""
    source = DOCS[index]
    if not edition:
        return process_file(source)
    folder = Path(tempfile.gettempdir()) / "danhmuc-test-view-editions"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{source.stem}_{edition}.txt"
    copy.write_bytes(source.read_bytes() + f"\n\nGhi chú: bản sửa {edition}.\n".encode())
    return process_file(copy)


def _add(store: CatalogStore, index: int, edition: int = 0) -> None:
    store.add_document(_document(index, edition), path=f"xa/{DOCS[index].stem}.txt")


def _state(view: CatalogView) -> list[tuple[bytes, str, str, str, str]]:
    return [(i.json, i.text_lower, i.text_folded, i.unit_folded, i.domain_folded) for i in view.snapshot().items]


def _whole(store: CatalogStore) -> list[tuple[bytes, str, str, str, str]]:
    return _state(CatalogView(store))


def _view_of(store: CatalogStore, plans: int) -> CatalogView:
    """The first ``plans`` corpus plans stored and reconciled, and a view of them built whole."""
    for index in range(plans):
        _add(store, index)
    store.reconcile()
    view = CatalogView(store)
    view.snapshot()
    return view


def _datasets(store: CatalogStore) -> list[tuple[str, int]]:
    with store.snapshot() as session:
        found = session.execute(select(DatasetRow.id, DatasetRow.member_count).order_by(DatasetRow.id))
        return [(dataset_id, count) for dataset_id, count in found]


def test_a_run_adding_a_document_is_read_alone(store: CatalogStore) -> None:
    view = _view_of(store, 4)
    before = len(view.snapshot().items)
    assert view.last_build.whole
    _add(store, 4)
    store.reconcile()
    view.refresh()
    assert not view.last_build.whole, "the run recorded what it changed: the view reads those datasets only"
    assert 0 < view.last_build.read < before  # the new document's datasets, not the catalog
    assert _state(view) == _whole(store)


def test_decisions_and_replaced_documents_keep_the_view_equal_to_a_whole_build(store: CatalogStore) -> None:
    view = _view_of(store, 5)
    big = [d for d, n in _datasets(store) if n > 1]
    assert len(big) >= 2
    steps: list[Decision] = [
        MergeDatasets(who="An", when=WHEN, dataset_ids=big[:2]),
        SetCanonical(who="An", when=WHEN, dataset_id=big[0], title="Cơ sở dữ liệu đặt lại tên"),
    ]
    for decision in steps:
        store.add_decision(decision)
        store.reconcile()
        view.refresh()
        assert not view.last_build.whole
        assert _state(view) == _whole(store)
    with store.snapshot() as session:
        members = [k for (k,) in session.execute(select(DatasetRow.origin).where(DatasetRow.id == big[0]))]
    store.add_decision(SplitDataset(who="An", when=WHEN, dataset_id=big[0], members=members))
    store.reconcile()
    view.refresh()
    assert _state(view) == _whole(store)
    _add(store, 2, edition=1)  # a new version of a stored path: the old one leaves its datasets
    store.reconcile()
    view.refresh()
    assert not view.last_build.whole and view.last_build.read > 0
    assert _state(view) == _whole(store)


def test_a_run_that_cannot_say_what_it_changed_makes_the_view_read_everything(store: CatalogStore) -> None:
    view = _view_of(store, 3)
    store.rebuild()
    view.refresh()
    assert view.last_build.whole
    first = store.add_decision(SetCanonical(who="An", when=WHEN, dataset_id=_datasets(store)[0][0], title="X"))
    store.reconcile()
    store.add_decision(UndoDecision(who="An", when=WHEN, decision_id=first))  # an undo rebuilds
    store.reconcile()
    view.refresh()
    assert view.last_build.whole
    assert _state(view) == _whole(store)


def test_runs_stored_before_0018_are_not_trusted(store: CatalogStore) -> None:
    view = _view_of(store, 3)
    _add(store, 3)
    store.reconcile()
    with store.transaction() as session:  # as a run written by an older danhmuc: no record
        session.execute(update(ReconcileRunRow).values(changed_datasets=None))
    view.refresh()
    assert view.last_build.whole
    assert _state(view) == _whole(store)


def test_a_head_changed_without_a_record_and_a_concept_retitled_are_seen(store: CatalogStore) -> None:
    view = _view_of(store, 4)
    items = view.snapshot().items
    target = items[0].view.id
    conceptual = next(i.view for i in items if i.view.concept_id and i.view.id != target)
    with store.transaction() as session:
        # Another writer renames a dataset and a concept, and a run records nothing it did.
        session.execute(update(DatasetRow).where(DatasetRow.id == target).values(title="Tên do nơi khác ghi"))
        session.execute(update(ConceptRow).where(ConceptRow.id == conceptual.concept_id).values(title="Khái niệm mới"))
        last = session.scalar(select(ReconcileRunRow).order_by(ReconcileRunRow.id.desc()).limit(1))
        assert last is not None
        session.add(ReconcileRunRow(
            created_at=WHEN, threshold=last.threshold, candidate_pairs=0, document_count=0, entry_count=0,
            dataset_count=0, link_count=0, flag_count=0, decision_count=0, changed_datasets=[],
        ))  # fmt: skip
    view.refresh()
    assert not view.last_build.whole
    assert view.last_build.read == 1 and view.last_build.retitled >= 1
    held = view.snapshot().by_id
    assert held[target].view.title == "Tên do nơi khác ghi"
    assert held[conceptual.id].view.concept_title == "Khái niệm mới"
    assert _state(view) == _whole(store)


# One step of a session of runs: add a plan, add a new edition of a stored one, or a reviewer's decision.
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, len(DOCS) - 1)),
        st.tuples(st.just("edition"), st.integers(0, len(DOCS) - 1)),
        st.tuples(st.just("merge"), st.integers(0, 10**6)),
        st.tuples(st.just("split"), st.integers(0, 10**6)),
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_session_of_runs_keeps_the_view_equal_to_a_whole_build(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with temporary_store("sqlite", tmp_path_factory.mktemp("view-runs")) as store:
        view = _view_of(store, 2)
        for number, (kind, value) in enumerate(steps, start=1):
            datasets = _datasets(store)
            if kind == "add":
                _add(store, value)
            elif kind == "edition":
                _add(store, value, edition=number)
            elif kind == "merge" and len(datasets) >= 2:
                first = value % len(datasets)
                second = (first + 1 + value // len(datasets) % (len(datasets) - 1)) % len(datasets)
                store.add_decision(MergeDatasets(who="An", when=WHEN, dataset_ids=[datasets[first][0],
                                                                                   datasets[second][0]]))
            elif kind == "split":
                several = [d for d, n in datasets if n > 1]
                if several:
                    dataset = several[value % len(several)]
                    with store.snapshot() as session:
                        origin = session.scalar(select(DatasetRow.origin).where(DatasetRow.id == dataset))
                    store.add_decision(SplitDataset(who="An", when=WHEN, dataset_id=dataset, members=[origin or ""]))
            store.reconcile()
            view.refresh()
            assert _state(view) == _whole(store), f"after step {number} ({kind} {value})"
