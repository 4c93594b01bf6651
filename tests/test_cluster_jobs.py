"""The database side of the Celery workers, on both backends: blobs by hash, job claims, one queued reconciliation.

The workers themselves (real Celery, Redis, kill -9) are tests/test_celery_cluster.py.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.cluster import jobrows
from api.settings import Settings
from catalog.blob_table import DatabaseBlobStore
from catalog.models import BlobRow, JobRow
from catalog.store import CatalogStore


def test_blobs_are_stored_once_by_hash_and_refuse_a_changed_file(store: CatalogStore, tmp_path: Path) -> None:
    blobs = DatabaseBlobStore(store.engine)
    data = "Kế hoạch chuyển đổi số năm 2026".encode()
    sha = hashlib.sha256(data).hexdigest()
    blobs.put(sha, data)
    blobs.put(sha, data)  # a redelivered task, a second worker: the same bytes again
    with Session(store.engine) as session:
        assert session.scalar(select(func.count()).select_from(BlobRow)) == 1
    assert blobs.has(sha) and blobs.get(sha) == data
    assert blobs.get("../../etc/passwd") is None and not blobs.has("0" * 63)
    changed = tmp_path / "changed.txt"
    changed.write_bytes(data + b"!")
    assert not blobs.put_file("f" * 64, changed)  # the file no longer has the hashed content: nothing kept
    assert not blobs.has("f" * 64)


def _job(store: CatalogStore) -> str:
    with Session(store.engine) as session, session.begin():
        row = jobrows.new_job(session, kind="ingest", filename="a.txt", path="a.txt", sha256="a" * 64)
        return row.id


def test_a_job_is_claimed_by_one_worker_until_its_lease_lapses(store: CatalogStore) -> None:
    job_id = _job(store)
    first = jobrows.claim(store.engine, job_id, "w1@host:1")
    assert first is not None and first.attempts == 1 and first.status == "running"
    assert jobrows.claim(store.engine, job_id, "w2@host:2") is None  # a redelivered task while w1 works
    with Session(store.engine) as session, session.begin():  # w1 was killed: its lease is not renewed
        session.execute(update(JobRow).where(JobRow.id == job_id)
                        .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))  # fmt: skip
    second = jobrows.claim(store.engine, job_id, "w2@host:2")
    assert second is not None and second.attempts == 2 and second.lease_owner == "w2@host:2"
    assert not jobrows.finish(store.engine, job_id, "w1@host:1", "ingested")  # the old holder records nothing
    assert jobrows.finish(store.engine, job_id, "w2@host:2", "ingested")
    assert jobrows.status(store.engine, job_id) == "succeeded"
    assert jobrows.claim(store.engine, job_id, "w3@host:3") is None  # finished: a late delivery does nothing
    assert set(jobrows.statuses(store.engine, [job_id, "missing"])) == {job_id}


def test_uploads_share_one_queued_reconciliation_and_a_review_lifts_its_wait(store: CatalogStore) -> None:
    with Session(store.engine) as session, session.begin():
        first, created = jobrows.queue_reconcile(session, "uploader", delay=2.0)
        assert created and first.not_before is not None
        first_id = first.id
    with Session(store.engine) as session, session.begin():
        joined, created = jobrows.queue_reconcile(session, "uploader", delay=2.0)
        assert not created and joined.id == first_id and joined.not_before is not None
    with Session(store.engine) as session, session.begin():
        review, created = jobrows.queue_reconcile(session, "reviewer", delay=0.0)
        assert not created and review.id == first_id and review.not_before is None
    assert jobrows.claim(store.engine, first_id, "w1@host:1") is not None
    with Session(store.engine) as session, session.begin():  # the first runs: the next upload queues another
        later, created = jobrows.queue_reconcile(session, "uploader", delay=2.0)
        assert created and later.id != first_id
        later.not_before = None
        later_id = later.id
    assert jobrows.claim(store.engine, later_id, "w2@host:2") is None  # one reconciliation at a time


def test_a_worker_finishes_an_upload_and_queues_its_reconciliation_in_one_commit(store: CatalogStore) -> None:
    """What a Celery worker sends after the commit: a new reconciliation after its delay, none for one
    already queued and waiting, the joined one at once when nothing holds it back."""
    first, second = _job(store), _job(store)
    assert jobrows.claim(store.engine, first, "w1@host:1") is not None
    assert jobrows.finish_and_queue_reconcile(store.engine, first, "w9@host:9", "ingested",
                                              reconcile_for="uploader", delay=2.0) == (False, None, 0.0)  # fmt: skip
    with Session(store.engine) as session:  # not its lease: nothing recorded, nothing queued
        assert session.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "reconcile")) == 0
    done, send, countdown = jobrows.finish_and_queue_reconcile(store.engine, first, "w1@host:1", "ingested",
                                                               reconcile_for="uploader", delay=2.0)  # fmt: skip
    assert done and send is not None and countdown == 2.0 and jobrows.status(store.engine, first) == "succeeded"
    assert jobrows.status(store.engine, send) == "queued"
    assert jobrows.claim(store.engine, second, "w2@host:2") is not None
    assert jobrows.finish_and_queue_reconcile(store.engine, second, "w2@host:2", "ingested",
                                              reconcile_for="uploader", delay=2.0) == (True, None, 0.0)  # fmt: skip
    with Session(store.engine) as session, session.begin():
        joined, created = jobrows.queue_reconcile(session, "reviewer", delay=0.0)
        assert not created and jobrows.to_send(joined, created, 0.0) == (send, 0.0)


def test_a_reconciliation_message_that_cannot_be_sent_leaves_the_job_done(
    store: CatalogStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker refuses the reconciliation's message after the commit: the upload stays succeeded (no failure is
    recorded for a stored document) and its reconciliation stays queued for the sweeper to send."""
    from api.cluster import tasks

    def refused(*_: object, **__: object) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks, "store", lambda: store)
    monkeypatch.setattr(tasks, "settings", lambda: Settings.from_env(reconcile_debounce_seconds=2.0))
    monkeypatch.setattr(tasks, "publish_reconcile", refused)
    job_id = _job(store)
    row = jobrows.claim(store.engine, job_id, "w1@host:1")
    assert row is not None
    tasks._finish(row, "w1@host:1", "ingested", reconcile=True)
    assert jobrows.status(store.engine, job_id) == "succeeded"
    with Session(store.engine) as session:
        queued = session.scalars(select(JobRow).where(JobRow.kind == "reconcile")).all()
    assert [job.status for job in queued] == ["queued"]


def test_without_a_broker_nothing_changes() -> None:
    settings = Settings.from_env(broker_url="")
    assert not settings.uses_celery
    with_broker = Settings.from_env(broker_url="redis://127.0.0.1:6379/0", processing_timeout_seconds=60)
    assert with_broker.uses_celery and with_broker.redelivery_seconds == 180.0
