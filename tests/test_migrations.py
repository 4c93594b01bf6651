"""One schema mechanism: the Alembic history creates and upgrades every table, the API's included.

Stores made before revision 0002 had the catalog at 0001 and the API's tables made by the API on
start-up (``create_all``, then ``ALTER TABLE … ADD COLUMN`` for the job leases). ``_old_start_up``
below is that code, copied from the last ``api/tables.py`` before 0002 (and from its first release,
which had no lease columns), so each kind of old store is built exactly as it was, filled, upgraded
by opening it, and checked row by row and against the models.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session

from api.app import create_app
from api.jobs import JobManager
from api.keys import Role, create_key, list_keys, verify_key
from api.settings import Settings
from catalog.blobs import BlobStore
from catalog.db import make_engine
from catalog.migrate import alembic_config, current_revision, head_revision
from catalog.models import ApiKeyRow, Base, DecisionRow, JobRow, UtcDateTime
from catalog.store import CatalogStore

WHEN = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
SECRET = "bi-mat-cua-khoa-cu"
OLD_KEY = f"dm_0123456789ab_{SECRET}"


@pytest.fixture
def url(store_url: str) -> str:
    return store_url  # a fresh database on each backend (conftest.py)


# ---- the previous code path, verbatim in substance --------------------------------------------


def _old_metadata(*, leases: bool) -> MetaData:
    """The old ``ApiBase`` metadata: its own MetaData (no naming convention), UtcDateTime stamps."""
    metadata = MetaData()
    Table(
        "api_keys", metadata,
        Column("id", String(16), primary_key=True), Column("owner", String(200), nullable=False),
        Column("role", String(16), nullable=False), Column("salt", String(32), nullable=False),
        Column("secret_hash", String(64), nullable=False), Column("created_at", UtcDateTime(), nullable=False),
        Column("revoked", Boolean(), nullable=False),
    )  # fmt: skip
    lease_columns = [Column("lease_owner", String(80), nullable=False),
                     Column("lease_expires_at", UtcDateTime(), nullable=True)] if leases else []  # fmt: skip
    Table(
        "api_jobs", metadata,
        Column("id", String(32), primary_key=True), Column("kind", String(16), nullable=False),
        Column("status", String(16), nullable=False, index=True), Column("progress", Float(), nullable=False),
        Column("stage", String(64), nullable=False), Column("filename", Text(), nullable=False),
        Column("path", Text(), nullable=False), Column("sha256", String(64), nullable=False, index=True),
        Column("size_bytes", Integer(), nullable=False), Column("owner", String(200), nullable=False),
        Column("outcome", String(16), nullable=False), Column("error_code", String(64), nullable=False),
        Column("error_message", Text(), nullable=False), Column("attempts", Integer(), nullable=False),
        Column("created_at", UtcDateTime(), nullable=False), Column("updated_at", UtcDateTime(), nullable=False),
        *lease_columns,
    )  # fmt: skip
    return metadata


OLD_ADDED_JOB_COLUMNS = (("lease_owner", "VARCHAR(80) DEFAULT '' NOT NULL"), ("lease_expires_at", "TIMESTAMP"))


def _old_start_up(engine: Engine, *, leases: bool) -> None:
    """``create_tables`` as the API ran it on every start-up: the first release, or the last one."""
    metadata = _old_metadata(leases=leases)
    metadata.create_all(engine)
    if not leases:
        return
    present = {column["name"] for column in inspect(engine).get_columns("api_jobs")}
    for name, ddl in OLD_ADDED_JOB_COLUMNS:
        if name not in present:
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE api_jobs ADD COLUMN {name} {ddl}"))


def _catalog_at_0001(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
        connection.commit()


def _job(job_id: str, status: str, **extra: object) -> dict[str, object]:
    return {
        "id": job_id, "kind": "ingest", "status": status, "progress": 0.5, "stage": "extract",
        "filename": "kế-hoạch.docx", "path": f"/uploads/{job_id}.docx", "sha256": job_id.ljust(64, "0"),
        "size_bytes": 1234, "owner": "Nguyễn An", "outcome": "", "error_code": "", "error_message": "",
        "attempts": 1, "created_at": WHEN, "updated_at": WHEN, **extra,
    }  # fmt: skip


# Each kind of store the previous code could leave: which start-ups ran, in order.
HISTORIES = {
    "cli-only": (),  # never served: no API table at all
    "first-release": (False,),  # tables without the lease columns
    "first-release-then-altered": (False, True),  # lease columns added by the old ALTER
    "last-release": (True,),  # complete tables from create_all
}


def _build_old_store(url: str, history: tuple[bool, ...]) -> None:
    engine = make_engine(url)
    try:
        _catalog_at_0001(engine)
        with engine.begin() as connection:
            connection.execute(insert(DecisionRow.__table__).values(
                kind="confirm_link", who="Nguyễn An", decided_at=WHEN, reason="cùng CSDL", payload="{}"
            ))  # fmt: skip
        if not history:
            return
        _old_start_up(engine, leases=history[0])
        metadata = _old_metadata(leases=history[0])
        salt = "ab" * 16
        digest = hashlib.sha256(f"{salt}:{SECRET}".encode()).hexdigest()
        lease = {"lease_owner": ""} if history[0] else {}  # the old model's Python-side default
        with engine.begin() as connection:
            connection.execute(insert(metadata.tables["api_keys"]).values(
                id="0123456789ab", owner="Trần Bình", role="reviewer", salt=salt, secret_hash=digest,
                created_at=WHEN, revoked=False,
            ))  # fmt: skip
            connection.execute(insert(metadata.tables["api_jobs"]).values(_job("done", "succeeded", **lease)))
            connection.execute(insert(metadata.tables["api_jobs"]).values(_job("waiting", "queued", **lease)))
        for leases in history[1:]:
            _old_start_up(engine, leases=leases)
        if history[-1]:  # a server of the last release held a lease when it died
            with engine.begin() as connection:
                connection.execute(insert(_old_metadata(leases=True).tables["api_jobs"]).values(_job(
                    "orphan", "running", lease_owner="dead-host:1", lease_expires_at=WHEN - timedelta(minutes=5),
                    created_at=WHEN - timedelta(hours=1),
                )))  # fmt: skip
    finally:
        engine.dispose()


def _schema_drift(engine: Engine) -> list[object]:
    """What ``alembic revision --autogenerate`` would still have to write: nothing, when sound."""
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                     Base.metadata))  # fmt: skip


# ---- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("history", list(HISTORIES.values()), ids=list(HISTORIES))
def test_an_old_store_upgrades_on_open_and_keeps_every_row(url: str, history: tuple[bool, ...], tmp_path: Path) -> None:
    _build_old_store(url, history)
    with CatalogStore(url) as store:
        assert current_revision(store.engine) == head_revision() == "0020_dataset_summaries"
        assert _schema_drift(store.engine) == []
        assert [d.who for d in store.engine.connect().execute(select(DecisionRow.__table__))] == ["Nguyễn An"]
        with Session(store.engine) as session:
            jobs = {row.id: row for row in session.scalars(select(JobRow))}
        if history:
            principal = verify_key(store.engine, OLD_KEY)
            assert principal is not None and (principal.owner, principal.role) == ("Trần Bình", Role.REVIEWER)
            assert {job_id: row.status for job_id, row in jobs.items()} == (
                {"done": "succeeded", "waiting": "queued"} | ({"orphan": "running"} if history[-1] else {})
            )
            done = jobs["done"]
            assert (done.filename, done.owner, done.sha256, done.created_at) == (
                "kế-hoạch.docx", "Nguyễn An", "done".ljust(64, "0"), WHEN,
            )  # fmt: skip
            assert (done.lease_owner, done.lease_expires_at) == ("", None)  # rows from before the leases
            assert done.not_before is None and jobs["waiting"].not_before is None  # 0003: claimable at once
            assert (done.pages_done, done.pages_total) == (0, 0)  # 0008: pages not known for older jobs
            if history[-1]:
                assert jobs["orphan"].lease_expires_at == WHEN - timedelta(minutes=5)
        else:
            assert jobs == {}
        # The upgraded tables work for the service as they are: keys are made, the queue is served
        # (an orphaned lease, if any, is taken over first: it is the oldest job).
        assert verify_key(store.engine, create_key(store.engine, "Lê Chi", Role.ADMIN)) is not None
        manager = JobManager(store, Settings(database_url=url, data_dir=tmp_path), BlobStore(tmp_path / "blobs"))
        claimed = manager.claim()
        assert (claimed.id if claimed else None) == ({(): None, (False,): "waiting"}.get(history, "orphan"))
    with CatalogStore(url) as reopened:  # a second open finds nothing to do
        assert _schema_drift(reopened.engine) == []


def test_a_new_store_gets_every_table_from_the_history_alone(url: str) -> None:
    with CatalogStore(url) as store:
        tables = set(inspect(store.engine).get_table_names())
        assert {"api_keys", "api_jobs", "documents", "concepts", "concept_entries", "document_localities",
                "alembic_version"} <= tables  # fmt: skip
        assert _schema_drift(store.engine) == []
        config = alembic_config()
        with store.engine.connect() as connection:  # and the revision steps down and up again
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_job_not_before")
            added = {"concepts", "concept_entries", "document_localities"}
            assert not added & set(inspect(connection).get_table_names())
            command.downgrade(config, "0001_initial")
            assert not {"api_keys", "api_jobs"} & set(inspect(connection).get_table_names())
            command.upgrade(config, "head")
            connection.commit()
        assert _schema_drift(store.engine) == []


def test_serving_creates_or_alters_nothing_itself(url: str, tmp_path: Path) -> None:
    with CatalogStore(url):
        pass  # the store's own migration: the only place the schema changes
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        app = create_app(Settings(database_url=url, data_dir=tmp_path, extractors=0))
        store = app.state.service.store
        key = create_key(store.engine, "Phạm Dung", Role.UPLOADER)
        assert [info.owner for info in list_keys(store.engine)] == ["Phạm Dung"]
        assert verify_key(store.engine, key) is not None
        with Session(store.engine) as session:
            assert session.scalars(select(ApiKeyRow)).one().role == "uploader"
        store.close()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    ddl = [s for s in statements if s.lstrip().split(" ", 1)[0].upper() in {"CREATE", "ALTER", "DROP"}]
    assert statements and ddl == []


def test_a_reconciled_store_at_0003_gains_concepts_at_its_next_run(url: str) -> None:
    """0004 adds the concept tables empty; the catalog made before it is kept and the next run fills them."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from concept_fixtures import plans

    from catalog.concepts_store import read_concepts
    from catalog.exports.view import export_datasets

    with CatalogStore(url) as store:  # a catalog reconciled, then the store taken back to 0003
        for document in plans():
            store.add_document(document)
        store.reconcile()
        before = {d.id: d.title for d in export_datasets(store)}
        config = alembic_config()
        with store.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_job_not_before")
            connection.commit()
            assert "concepts" not in inspect(connection).get_table_names()
    with CatalogStore(url) as store:
        assert current_revision(store.engine) == head_revision()
        assert _schema_drift(store.engine) == []
        read = export_datasets(store)
        assert {d.id: d.title for d in read} == before  # the old catalog reads as it was, without concepts
        assert all(d.concept_id == "" for d in read)
        store.reconcile()
        with store.snapshot() as session:
            assert any(c.title == "Dữ liệu hộ nghèo" and c.dataset_count == 1 for c in read_concepts(session))
        assert all(d.concept_id for d in export_datasets(store))


def test_a_reconciled_store_at_0011_counts_its_concepts_again_at_its_next_run(url: str) -> None:
    """0012 adds the kept concept counts empty and owes the next run, which rewrites the concept tables
    whole: each row then knows the dataset it is counted in, and later runs move the counts."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from concept_fixtures import plans

    from catalog import incremental_state
    from catalog.models import ConceptEntryRow, ConceptRow, ConceptValueRow, DatasetMemberRow

    def concepts(store: CatalogStore) -> list[tuple[object, ...]]:
        with store.snapshot() as session:
            return [tuple(row) for row in session.execute(select(ConceptRow.__table__).order_by(ConceptRow.id))]

    with CatalogStore(url) as store:
        for document in plans():
            store.add_document(document)
        store.reconcile()
        before = concepts(store)
        config = alembic_config()
        with store.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0011_member_exemplars")
            connection.commit()
            assert "concept_values" not in inspect(connection).get_table_names()
    with CatalogStore(url) as store:
        assert current_revision(store.engine) == head_revision()
        assert _schema_drift(store.engine) == []
        with store.snapshot() as session:
            assert incremental_state.run_owed(session)
            assert session.scalars(select(ConceptValueRow)).first() is None
        store.reconcile()
        assert concepts(store) == before
        with store.snapshot() as session:
            assert not incremental_state.run_owed(session)
            counted = dict(session.execute(select(ConceptEntryRow.entry_key, ConceptEntryRow.dataset_id)).all())
            members_of = session.execute(select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id))
            assert counted == dict(members_of.all())
            members = session.scalar(select(func.sum(ConceptValueRow.count)).where(ConceptValueRow.kind == "d"))
            assert members == len(counted) > 0


def test_a_store_with_counts_doubled_by_a_rebuild_is_rebuilt_at_its_next_run(url: str) -> None:
    """Before 0013 a rebuild kept the old dataset_values and added the new counts to them. 0013 makes
    such a store (and only such a store) owe its next run a count of every dataset from its members."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from concept_fixtures import plans

    from catalog import incremental_state
    from catalog.models import DatasetValueRow

    def datasets(store: CatalogStore) -> list[tuple[str, str, str, int]]:
        return sorted((d.id, d.title, d.unit, len(d.members)) for d in store.datasets())

    def values(store: CatalogStore) -> list[tuple[object, ...]]:
        with store.snapshot() as session:
            return sorted(tuple(row) for row in session.execute(select(DatasetValueRow.__table__)))

    config = alembic_config()
    with CatalogStore(url) as store:
        for document in plans():
            store.add_document(document)
        store.reconcile()
        before, counted = datasets(store), values(store)
        assert store.check_consistency() == []
        with store.engine.connect() as connection:  # consistent: 0013 leaves the index alone
            config.attributes["connection"] = connection
            command.downgrade(config, "0012_concept_aggregates")
            connection.commit()
    with CatalogStore(url) as store:
        with store.snapshot() as session:
            assert not incremental_state.values_owed(session)
        with store.engine.begin() as connection:  # what a rebuild did before 0013
            connection.execute(text("UPDATE dataset_values SET count = 2 * count, first_position = 0"))
            connection.execute(text("INSERT INTO dataset_values VALUES ('ds-gone', 'u', 'UBND xã', 3, 0)"))
        assert any("titles counted" in p for p in store.check_consistency())
        with store.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0012_concept_aggregates")
            connection.commit()
    with CatalogStore(url) as store:
        assert current_revision(store.engine) == head_revision()
        with store.snapshot() as session:
            assert incremental_state.values_owed(session) and incremental_state.run_owed(session)
        store.reconcile()
        assert datasets(store) == before and values(store) == counted
        assert store.check_consistency() == []
        with store.snapshot() as session:
            assert not incremental_state.values_owed(session) and not incremental_state.run_owed(session)
