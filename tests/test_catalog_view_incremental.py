"""A run writes the stored summaries of the datasets it changed only, and they equal summaries written whole.

Issue 13: an upload shows in the catalog ≤ 10 s after its job, and a server's memory stays flat beyond 10,000
documents. The catalog is listed and searched from ``dataset_summaries`` (0020), which each reconciliation brings
up to itself in its own transaction: it reads again the datasets the runs since the last summarised one changed
(``reconcile_runs.changed_datasets``, 0018), or every dataset when one of them could not say. The invariant
pinned here, on real corpus files and both databases: whatever the runs did (documents added or replaced,
decisions, undo), the summaries written in part equal summaries written from nothing.
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

from api.catalog_view import BuildStats, CatalogQuery, CatalogView
from catalog import CatalogStore, summaries
from catalog.exports.view import read_datasets
from catalog.models import ConceptRow, DatasetRow, DatasetSummaryRow, ReconcileRunRow
from catalog.summaries import SummaryUpdate, summary_row
from catalog.testing import temporary_store
from danhmuc.pipeline import process_file
from extract.model import Document
from matching.model import Decision, MergeDatasets, SetCanonical, SplitDataset, UndoDecision

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "corpus" / "docs" / f"{path.stem}.txt" for path in sorted((ROOT / "corpus" / "gold").glob("*.json"))]
WHEN = datetime(2026, 12, 7, tzinfo=UTC)
# Every column but the run that wrote the summary (which a whole write sets on every row).
COLUMNS = [column.name for column in DatasetSummaryRow.__table__.columns if column.name != "written_run"]


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


def _state(store: CatalogStore) -> list[tuple[object, ...]]:
    with store.snapshot() as session:
        table = DatasetSummaryRow.__table__
        listed = select(*(table.c[name] for name in COLUMNS)).order_by(DatasetSummaryRow.dataset_id)
        return [tuple(row) for row in session.execute(listed)]


def _whole(store: CatalogStore) -> list[tuple[object, ...]]:
    """The summaries as written from nothing: every dataset read and summarised."""
    with store.snapshot() as session:
        rows = [summary_row(view, members) for view, members in read_datasets(session)]
    return sorted((tuple(row[name] for name in COLUMNS) for row in rows), key=lambda row: str(row[0]))


@pytest.fixture
def updates(monkeypatch: pytest.MonkeyPatch) -> list[SummaryUpdate]:
    """What each saved run did to the summaries, in order."""
    seen: list[SummaryUpdate] = []
    write = summaries.summarise

    def spy(session: object, run_id: int) -> SummaryUpdate:
        done = write(session, run_id)  # type: ignore[arg-type]
        seen.append(done)
        return done

    monkeypatch.setattr(summaries, "summarise", spy)
    return seen


def _reconciled(store: CatalogStore, plans: int) -> None:
    """The first ``plans`` corpus plans stored and reconciled."""
    for index in range(plans):
        _add(store, index)
    store.reconcile()


def _datasets(store: CatalogStore) -> list[tuple[str, int]]:
    with store.snapshot() as session:
        found = session.execute(select(DatasetRow.id, DatasetRow.member_count).order_by(DatasetRow.id))
        return [(dataset_id, count) for dataset_id, count in found]


def test_a_run_adding_a_document_is_read_alone(store: CatalogStore, updates: list[SummaryUpdate]) -> None:
    _reconciled(store, 4)
    assert updates[-1].whole  # the first run: everything
    view = CatalogView(store)
    view.snapshot()
    before = len(_state(store))
    _add(store, 4)
    store.reconcile()
    assert not updates[-1].whole, "the run recorded what it changed: it summarises those datasets only"
    assert 0 < updates[-1].written < before  # the new document's datasets, not the catalog
    assert _state(store) == _whole(store)
    view.refresh()  # a server's index reads the summaries written since its version, no others
    assert view.last_build == BuildStats(whole=False, read=updates[-1].written)
    fresh = CatalogView(store)
    query = CatalogQuery.of(q="du lieu")
    assert view.snapshot().page(query, 500, 0)[1] == fresh.snapshot().page(query, 500, 0)[1]
    assert view.snapshot().find(CatalogQuery()) == list(range(len(_datasets(store))))


def test_decisions_and_replaced_documents_keep_the_summaries_equal_to_a_whole_write(
    store: CatalogStore, updates: list[SummaryUpdate]
) -> None:
    _reconciled(store, 5)
    big = [d for d, n in _datasets(store) if n > 1]
    assert len(big) >= 2
    steps: list[Decision] = [
        MergeDatasets(who="An", when=WHEN, dataset_ids=big[:2]),
        SetCanonical(who="An", when=WHEN, dataset_id=big[0], title="Cơ sở dữ liệu đặt lại tên"),
    ]
    for decision in steps:
        store.add_decision(decision)
        store.reconcile()
        assert not updates[-1].whole
        assert _state(store) == _whole(store)
    with store.snapshot() as session:
        members = [k for (k,) in session.execute(select(DatasetRow.origin).where(DatasetRow.id == big[0]))]
    store.add_decision(SplitDataset(who="An", when=WHEN, dataset_id=big[0], members=members))
    store.reconcile()
    assert _state(store) == _whole(store)
    _add(store, 2, edition=1)  # a new version of a stored path: the old one leaves its datasets
    store.reconcile()
    assert not updates[-1].whole and updates[-1].written > 0
    assert _state(store) == _whole(store)


def test_a_run_that_cannot_say_what_it_changed_summarises_everything(
    store: CatalogStore, updates: list[SummaryUpdate]
) -> None:
    _reconciled(store, 3)
    store.rebuild()
    assert updates[-1].whole
    first = store.add_decision(SetCanonical(who="An", when=WHEN, dataset_id=_datasets(store)[0][0], title="X"))
    store.reconcile()
    store.add_decision(UndoDecision(who="An", when=WHEN, decision_id=first))  # an undo rebuilds
    store.reconcile()
    assert updates[-1].whole
    assert _state(store) == _whole(store)


def test_runs_saved_by_an_older_writer_are_summarised_by_the_first_reader(store: CatalogStore) -> None:
    _reconciled(store, 3)
    _add(store, 3)
    store.reconcile()
    with store.transaction() as session:  # as runs written before 0018 and 0020: no record, nothing summarised
        session.execute(update(ReconcileRunRow).values(changed_datasets=None, summaries_written=False))
        session.execute(DatasetSummaryRow.__table__.delete())
    view = CatalogView(store)
    assert view.snapshot().page(CatalogQuery(), 500, 0)[1].count(b'"id":') == len(_datasets(store))
    assert view.last_update is not None and view.last_update.whole
    assert _state(store) == _whole(store)
    another = CatalogView(store)  # another server process: brought up to date once, it writes nothing
    another.refresh()
    assert another.last_update is None


def test_a_head_changed_without_a_record_and_a_concept_retitled_are_seen(store: CatalogStore) -> None:
    _reconciled(store, 4)
    view = CatalogView(store)
    listed = [row[0] for row in _state(store)]
    target = listed[0]
    held = view.summaries(listed)
    conceptual = next(held[i] for i in listed if held[i].concept_id and i != target)
    with store.transaction() as session:
        # Another writer renames a dataset and a concept, and a run records nothing it did nor its summaries.
        session.execute(update(DatasetRow).where(DatasetRow.id == target).values(title="Tên do nơi khác ghi"))
        session.execute(update(ConceptRow).where(ConceptRow.id == conceptual.concept_id).values(title="Khái niệm mới"))
        last = session.scalar(select(ReconcileRunRow).order_by(ReconcileRunRow.id.desc()).limit(1))
        assert last is not None
        session.add(ReconcileRunRow(
            created_at=WHEN, threshold=last.threshold, candidate_pairs=0, document_count=0, entry_count=0,
            dataset_count=0, link_count=0, flag_count=0, decision_count=0, changed_datasets=[],
        ))  # fmt: skip
    view.refresh()
    assert view.last_update is not None and not view.last_update.whole
    assert view.last_update.written >= 2  # the renamed dataset and those of the retitled concept
    found = view.summaries([target, conceptual.id])
    assert found[target].title == "Tên do nơi khác ghi"
    assert found[conceptual.id].concept_title == "Khái niệm mới"
    assert _state(store) == _whole(store)


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
def test_any_session_of_runs_keeps_the_summaries_equal_to_a_whole_write(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with temporary_store("sqlite", tmp_path_factory.mktemp("view-runs")) as store:
        _reconciled(store, 2)
        for number, (kind, value) in enumerate(steps, start=1):
            datasets = _datasets(store)
            if kind == "add":
                _add(store, value)
            elif kind == "edition":
                _add(store, value, edition=number)
            elif kind == "merge" and len(datasets) >= 2:
                first = value % len(datasets)
                second = (first + 1 + value // len(datasets) % (len(datasets) - 1)) % len(datasets)
                store.add_decision(
                    MergeDatasets(who="An", when=WHEN, dataset_ids=[datasets[first][0], datasets[second][0]])
                )
            elif kind == "split":
                several = [d for d, n in datasets if n > 1]
                if several:
                    dataset = several[value % len(several)]
                    with store.snapshot() as session:
                        origin = session.scalar(select(DatasetRow.origin).where(DatasetRow.id == dataset))
                    store.add_decision(SplitDataset(who="An", when=WHEN, dataset_id=dataset, members=[origin or ""]))
            store.reconcile()
            assert _state(store) == _whole(store), f"after step {number} ({kind} {value})"
