"""The catalog store on both backends: round trip, versions, atomicity, reconciliation, decisions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog import (
    CatalogStore,
    DatabaseUnreachableError,
    DatabaseUrlError,
    OutcomeStatus,
)
from catalog import rows as catalog_rows
from catalog.migrate import current_revision, head_revision
from catalog.models import DatasetRow
from danhmuc.pipeline import process_file
from extract.model import Document
from matching import ConfirmLink, DismissFlag, RejectLink, SetCanonical, entry_key, reconcile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
DOCS = [ROOT / "corpus" / "docs" / f"{stem}.txt" for stem in SEEDS]  # the seed documents, as text
WHEN = datetime(2026, 5, 1, tzinfo=UTC)



@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [process_file(path) for path in DOCS]


def _keys(document: Document) -> set[str]:
    return {entry_key(document, entry) for entry in document.catalog}


def test_what_goes_in_comes_back_out_unchanged(store: CatalogStore, documents: list[Document]) -> None:
    for document in documents:
        assert store.add_document(document).status is OutcomeStatus.INGESTED
    for document in documents:
        assert store.get(document.sha256) == document
    assert store.current_documents() == documents
    summaries = {s.sha256: s for s in store.list_documents()}
    for document in documents:
        assert summaries[document.sha256].entry_count == len(document.catalog)
        assert summaries[document.sha256].task_count == len(document.tasks)
        assert summaries[document.sha256].paths == [document.source]
    assert store.entry_keys() == set().union(*(_keys(d) for d in documents))
    assert store.get("0" * 64) is None
    assert store.check_consistency() == []


def test_a_document_sent_as_its_rows_is_stored_as_the_document_itself(
    store: CatalogStore, documents: list[Document], tmp_path: Path
) -> None:
    # An ingest worker sends rows.prepare(document) through a pipe; the writer stores those rows.
    import pickle

    from catalog.models import CatalogEntryRow, DocumentRow, TaskRow

    def stored(into: CatalogStore) -> dict[str, list[str]]:
        with into.snapshot() as session:
            return {
                table.__tablename__: sorted(
                    repr({k: v for k, v in catalog_rows.column_values(row).items() if k not in ("id", "added_at")})
                    for row in session.scalars(select(table))
                )
                for table in (DocumentRow, CatalogEntryRow, TaskRow)
            }

    with CatalogStore(f"sqlite:///{tmp_path / 'whole.db'}") as whole:
        for document in documents:
            whole.add_document(document)
            sent = pickle.loads(pickle.dumps(catalog_rows.prepare(document)))
            assert store.add_document(sent, path=document.source).status is OutcomeStatus.INGESTED
        assert stored(store) == stored(whole)
        assert all(stored(store).values())
    assert [store.get(d.sha256) for d in documents] == documents


def test_same_bytes_are_a_no_op_and_a_new_path_is_recorded(
    store: CatalogStore, documents: list[Document]
) -> None:
    document = documents[0]
    first = store.add_document(document, path="/archive/a.txt")
    again = store.add_document(document, path="/archive/a.txt")
    elsewhere = store.add_document(document, path="/archive/copy/a.txt")
    assert (first.status, again.status, elsewhere.status) == (
        OutcomeStatus.INGESTED, OutcomeStatus.UNCHANGED, OutcomeStatus.DUPLICATE,
    )  # fmt: skip
    assert len(store.list_documents()) == 1
    assert [v.path for v in store.versions()] == ["/archive/a.txt", "/archive/copy/a.txt"]
    assert store.add_known_content("/archive/b.txt", "f" * 64) is None  # unknown content: nothing recorded
    assert store.check_consistency() == []


def test_changed_file_is_a_new_version_superseding_the_old(
    store: CatalogStore, documents: list[Document]
) -> None:
    old, new = documents[0], documents[1]
    store.add_document(old, path="/archive/plan.txt")
    result = store.add_document(new, path="/archive/plan.txt")
    assert result.status is OutcomeStatus.NEW_VERSION and result.version == 2
    history = store.versions("/archive/plan.txt")
    assert [(v.version, v.sha256, v.current) for v in history] == [
        (1, old.sha256, False),
        (2, new.sha256, True),
    ]
    assert history[1].supersedes == history[0].id
    assert store.current_documents() == [new]
    assert store.get(old.sha256) == old  # history is kept
    listed = {s.sha256: s for s in store.list_documents(current_only=False)}
    assert listed[old.sha256].current is False and listed[new.sha256].current is True
    assert store.current_sha256("/archive/plan.txt") == new.sha256
    # Changing back is a third version, not a revival of the first.
    assert store.add_document(old, path="/archive/plan.txt").version == 3
    assert store.check_consistency() == []


def test_a_failure_inside_add_document_leaves_nothing_behind(
    store: CatalogStore, documents: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_document(documents[0])

    def broken(document: Document) -> list[object]:
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(catalog_rows, "task_rows", broken)
    with pytest.raises(RuntimeError):
        store.add_document(documents[1])
    assert [s.sha256 for s in store.list_documents(current_only=False)] == [documents[0].sha256]
    assert store.versions(documents[1].source) == []
    assert store.entry_keys() == _keys(documents[0])
    assert store.check_consistency() == []


def test_reconciliation_is_persisted_and_ids_stay_stable(
    store: CatalogStore, documents: list[Document]
) -> None:
    for document in documents[:3]:
        store.add_document(document)
    summary = store.reconcile()
    datasets = store.datasets()
    members = [m.key for d in datasets for m in d.members]
    assert sorted(members) == sorted(set(members))  # each entry in exactly one dataset
    assert set(members) == set().union(*(_keys(d) for d in documents[:3]))
    assert store.previous_assignment() == {m.key: d.id for d in datasets for m in d.members}
    assert summary.document_count == 3 and summary.dataset_count == len(datasets)
    assert summary.link_count == len(store.links()) and summary.flag_count == len(store.flags())
    assert store.last_reconciliation() == summary

    before = store.previous_assignment()
    for document in documents[3:]:
        store.add_document(document)
    store.reconcile()
    after = store.previous_assignment()
    assert {key: after[key] for key in before} == before  # incremental ingest keeps the dataset ids


def _result(store: CatalogStore) -> tuple[object, ...]:
    return (
        sorted((d.id, d.origin, d.title, d.unit, tuple(m.key for m in d.members)) for d in store.datasets()),
        sorted((x.left, x.right, x.score, x.accepted, x.decided_by) for x in store.links()),
        [(f.id, f.message, f.dismissed) for f in store.flags()],
        store.concept_assignment(),
    )


def test_adding_documents_one_run_at_a_time_gives_what_a_rebuild_gives(
    store: CatalogStore, documents: list[Document]
) -> None:
    for document in documents[:2]:
        store.add_document(document)
    store.reconcile()
    for document in documents[2:]:
        store.add_document(document)
    store.reconcile()
    incremental = _result(store)
    assert incremental[0] and incremental[2], "the corpus gives datasets and flags"
    assert store.check_consistency() == []
    rebuilt = store.rebuild()
    assert _result(store) == incremental
    assert store.check_consistency() == []  # a rebuild once added its value counts to the old ones
    assert rebuilt.warnings == ["rebuilt"]
    # The in-memory full reconciliation (matching.reconcile) groups the corpus rows the same way.
    full = reconcile(documents)
    assert store.previous_assignment() == full.assignment
    assert {f.id for f in store.flags()} == {f.id for f in full.flags}


def test_nothing_changed_means_nothing_done_and_a_replaced_version_leaves_the_result(
    store: CatalogStore, documents: list[Document]
) -> None:
    with_catalog = [d for d in documents if d.catalog]
    first, second = with_catalog[0], with_catalog[1]
    store.add_document(first, path="a.txt")
    done = store.reconcile()
    assert store.reconcile() == done  # no new run: nothing was matched, written or counted
    store.add_document(second, path="a.txt")  # a.txt's new content replaces the first document
    store.reconcile()
    assignment = store.previous_assignment()
    assert set(assignment) == _keys(second)
    assert not any(f.sha256 == first.sha256 for f in store.flags())
    assert all({x.left, x.right} <= _keys(second) for x in store.links())
    assert sum(d.member_count for d in _heads(store)) == len(_keys(second))


def _heads(store: CatalogStore) -> list[DatasetRow]:
    with store.snapshot() as session:
        return list(session.scalars(select(DatasetRow)))


def test_decisions_are_stored_typed_and_reapplied(store: CatalogStore, documents: list[Document]) -> None:
    for document in documents:
        store.add_document(document)
    store.reconcile()
    assignment0 = store.previous_assignment()
    links0, flags0 = store.links(), store.flags()
    with_catalog = [d for d in documents if d.catalog]
    assert len(with_catalog) >= 2, "the corpus has several documents with a catalog"
    a, b = (sorted(_keys(d))[0] for d in (with_catalog[0], with_catalog[-1]))
    untouched = {assignment0[a], assignment0[b]}
    accepted = next(
        (
            x
            for x in links0
            if x.accepted
            and assignment0[x.left] == assignment0[x.right]
            and assignment0[x.left] not in untouched
        ),
        None,
    )
    decisions: list[ConfirmLink | RejectLink | SetCanonical | DismissFlag] = [
        ConfirmLink(who="Nguyễn An", when=WHEN, reason="cùng một CSDL", left=min(a, b), right=max(a, b)),
    ]
    if accepted is not None:
        decisions.append(RejectLink(who="Lê Bình", when=WHEN, left=accepted.left, right=accepted.right))
    if flags0:
        decisions.append(DismissFlag(who="Lê Bình", when=WHEN, reason="đã kiểm tra", flag_id=flags0[0].id))
    for decision in decisions:
        store.add_decision(decision)
    assert store.decisions() == decisions

    store.reconcile()
    assignment = store.previous_assignment()
    assert assignment[a] == assignment[b]
    if accepted is not None:
        assert assignment[accepted.left] != assignment[accepted.right]
    if flags0:
        dismissed = {f.id: f for f in store.flags()}[flags0[0].id]
        assert (dismissed.dismissed, dismissed.dismissed_by) == ("đã kiểm tra", "Lê Bình")

    dataset_id = assignment[a]
    store.add_decision(
        SetCanonical(who="Nguyễn An", when=WHEN, dataset_id=dataset_id, title="CSDL chuẩn hóa")
    )
    store.reconcile()  # and once more: re-applying changes nothing
    store.reconcile()
    named = {d.id: d for d in store.datasets()}[store.previous_assignment()[a]]
    assert named.title == "CSDL chuẩn hóa"
    assert store.previous_assignment()[a] == store.previous_assignment()[b]


def test_schema_is_migrated_on_open_and_reopening_is_harmless(
    store: CatalogStore, documents: list[Document]
) -> None:
    assert current_revision(store.engine) == head_revision()
    store.add_document(documents[0])
    reopened = CatalogStore(engine=store.engine)
    assert reopened.get(documents[0].sha256) == documents[0]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "danhmuc.db"
    with CatalogStore(f"sqlite:///{path}") as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_errors_say_what_to_do() -> None:
    with pytest.raises(DatabaseUnreachableError) as unreachable:
        CatalogStore("postgresql+psycopg2://postgres:secret@127.0.0.1:1/nowhere")
    message = unreachable.value.describe()
    assert "DATABASE_URL" in message and "127.0.0.1:1" in message and "secret" not in message
    with pytest.raises(DatabaseUrlError):
        CatalogStore("not a url at all")


def test_a_postgresql_store_without_autovacuum_is_said_at_start(store: CatalogStore) -> None:
    """`danhmuc serve` and `danhmuc worker` log it: without autovacuum PostgreSQL plans on the statistics of empty
    tables, and an add-10 at 10,000 documents took 12–15 s instead of 8.4–9.7 (docs/benchmarks.md, session 24)."""
    from sqlalchemy import text

    from catalog.db import maintenance_warning

    warning = maintenance_warning(store.engine)
    if store.engine.dialect.name != "postgresql":
        assert warning is None
        return
    with store.engine.connect() as connection:
        off = connection.execute(text("SHOW autovacuum")).scalar_one() == "off"
    assert (warning is not None) == off
    assert warning is None or ("autovacuum" in warning and "VACUUM ANALYZE" in warning and " / " in warning)
