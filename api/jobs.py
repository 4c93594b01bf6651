"""Persisted jobs and the worker threads that run them.

A job row is written before the job is queued and updated at each stage, so a restarted
server finds every job: queued and interrupted ("running") jobs are queued again. Re-running is
safe because the store writes a document in one transaction and an already-stored hash is only
recorded, never extracted twice — a crash mid-job leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.blobs import BlobStore
from api.settings import Settings
from api.tables import JobRow, create_tables
from api.worker import ExtractionWorker, WorkFailure
from catalog.db import IMMEDIATE
from catalog.store import CatalogStore
from danhmuc.errors import DanhmucError

log = logging.getLogger("danhmuc.api.jobs")

JobStatus = Literal["queued", "running", "succeeded", "failed"]
ACTIVE = ("queued", "running")


class JobView(BaseModel):
    id: str
    kind: str
    status: JobStatus
    progress: float
    stage: str
    filename: str
    path: str
    document_id: str
    size_bytes: int
    outcome: str
    error_code: str
    error_message: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: JobRow) -> JobView:
        return cls(
            id=row.id, kind=row.kind, status=row.status, progress=row.progress, stage=row.stage,
            filename=row.filename, path=row.path, document_id=row.sha256, size_bytes=row.size_bytes,
            outcome=row.outcome, error_code=row.error_code, error_message=row.error_message,
            created_at=row.created_at, updated_at=row.updated_at,
        )  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


class JobManager:
    def __init__(self, store: CatalogStore, settings: Settings, blobs: BlobStore) -> None:
        self.store = store
        self.settings = settings
        self.blobs = blobs
        create_tables(store.engine)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._workers: list[ExtractionWorker] = []
        self._reconcile_lock = threading.Lock()
        # SQLite allows one writer: a deferred transaction that reads and then writes fails at
        # once ("database is locked") when another writer got in between, whatever the busy
        # timeout. Our own writes take the lock at BEGIN, and every write this process makes
        # goes through one lock, so the only waiting left is on other processes (CLI ingest).
        self.write_lock = threading.RLock()
        self._writer = store.engine.execution_options(**{IMMEDIATE: True})
        self.on_catalog_change: Callable[[], None] = lambda: None

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        for index in range(self.settings.workers):
            worker = ExtractionWorker()
            thread = threading.Thread(target=self._loop, args=(worker,), name=f"danhmuc-job-{index}", daemon=True)
            self._workers.append(worker)
            self._threads.append(thread)
            thread.start()
        for job_id in self._recover():
            self._queue.put(job_id)

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        for worker in self._workers:
            worker.stop()

    def _recover(self) -> list[str]:
        """Jobs left queued or running by the previous server process, oldest first."""
        with self.write_lock, Session(self._writer) as session, session.begin():
            rows = session.scalars(select(JobRow).where(JobRow.status.in_(ACTIVE)).order_by(JobRow.created_at)).all()
            for row in rows:
                row.status, row.stage, row.updated_at = "queued", "requeued after restart", _now()
            return [row.id for row in rows]

    # ------------------------------------------------------------ submitting

    def submit_upload(self, data: bytes, filename: str, path: str, owner: str) -> tuple[JobView, bool]:
        """Queue ``data``; returns the job and whether it is new (an active job for the same bytes is reused)."""
        sha256 = hashlib.sha256(data).hexdigest()
        with self.write_lock, Session(self._writer) as session, session.begin():
            running = session.scalars(
                select(JobRow).where(JobRow.sha256 == sha256, JobRow.kind == "ingest", JobRow.status.in_(ACTIVE))
            ).first()
            if running is not None:
                return JobView.of(running), False
            self.blobs.put(sha256, data)
            row = JobRow(
                id=uuid.uuid4().hex, kind="ingest", status="queued", progress=0.0, stage="queued",
                filename=filename, path=path or f"api/{sha256[:12]}/{filename}", sha256=sha256,
                size_bytes=len(data), owner=owner, attempts=0, created_at=_now(), updated_at=_now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            view = JobView.of(row)
        self._queue.put(view.id)
        return view, True

    def submit_reconcile(self, owner: str) -> JobView:
        """One queued reconciliation at a time: a request while one is queued joins it."""
        with self.write_lock, Session(self._writer) as session, session.begin():
            waiting = session.scalars(
                select(JobRow).where(JobRow.kind == "reconcile", JobRow.status == "queued")
            ).first()
            if waiting is not None:
                return JobView.of(waiting)
            row = JobRow(
                id=uuid.uuid4().hex, kind="reconcile", status="queued", progress=0.0, stage="queued",
                owner=owner, attempts=0, created_at=_now(), updated_at=_now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            view = JobView.of(row)
        self._queue.put(view.id)
        return view

    def get(self, job_id: str) -> JobView | None:
        with Session(self.store.engine) as session:
            row = session.get(JobRow, job_id[:32])
            return JobView.of(row) if row is not None else None

    def list(self, *, limit: int = 50, offset: int = 0) -> list[JobView]:
        with Session(self.store.engine) as session:
            rows = session.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit).offset(offset)).all()
            return [JobView.of(row) for row in rows]

    # ------------------------------------------------------------ running

    def _update(self, job_id: str, **values: object) -> JobRow | None:
        with self.write_lock, Session(self._writer) as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is None:
                return None
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = _now()
            session.flush()
            session.expunge(row)
            return row

    def _loop(self, worker: ExtractionWorker) -> None:
        worker.warm()
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id, worker)
            except Exception:  # noqa: BLE001 - one bad job must not kill the worker thread
                log.exception("job %s failed unexpectedly", job_id)
                self._update(
                    job_id, status="failed", progress=1.0, stage="failed", error_code="internal_error",
                    error_message="Lỗi nội bộ khi xử lý công việc. / Internal error while running the job.",
                )  # fmt: skip

    def _run(self, job_id: str, worker: ExtractionWorker) -> None:
        with Session(self.store.engine) as session:
            row = session.get(JobRow, job_id)
            if row is None or row.status not in ACTIVE:
                return
            kind = row.kind
        row = self._update(job_id, status="running", stage="starting", progress=0.05)
        assert row is not None
        self._update(job_id, attempts=row.attempts + 1)
        if kind == "reconcile":
            self._reconcile(job_id)
        else:
            self._ingest(row, worker)

    def _ingest(self, row: JobRow, worker: ExtractionWorker) -> None:
        if self.store.get(row.sha256) is not None:  # the same bytes are already a document
            with self.write_lock:
                result = self.store.add_known_content(row.path, row.sha256)
            self._finish(row.id, result.status.value if result else "duplicate")
            return
        source = self.blobs.path(row.sha256)
        if not source.is_file():
            self._fail(row.id, "upload_missing", "Không còn tệp tải lên để xử lý; hãy tải lên lại.",
                       "The uploaded file is gone; upload it again.")  # fmt: skip
            return
        self._update(row.id, stage="extracting", progress=0.1)
        try:
            document = worker.extract(str(source), row.filename, self.settings.processing_timeout_seconds)
        except WorkFailure as failure:
            self._fail(row.id, failure.code, failure.message_vi, failure.message_en)
            return
        self._update(row.id, stage="storing", progress=0.8)
        try:
            with self.write_lock:
                added = self.store.add_document(document, path=row.path)
            outcome = added.status.value
        except IntegrityError:
            # Another writer (a second server, a CLI ingest) stored the same bytes between our
            # check and our insert: the unique hash refused the copy; record the path only.
            with self.write_lock:
                known = self.store.add_known_content(row.path, row.sha256)
            outcome = known.status.value if known else "duplicate"
        except DanhmucError as error:
            self._fail(row.id, error.code, error.message_vi, error.message_en)
            return
        self._finish(row.id, outcome)
        if self.settings.reconcile_after_ingest:
            self.submit_reconcile(row.owner)

    def _reconcile(self, job_id: str) -> None:
        self._update(job_id, stage="reconciling", progress=0.2)
        from matching import reconcile

        with self._reconcile_lock:
            try:
                # Matching runs outside the write lock; only saving the result holds it.
                documents = self.store.current_documents()
                decisions = self.store.decisions()
                result = reconcile(documents, decisions=decisions, previous=self.store.previous_assignment())
                with self.write_lock:
                    self.store.save_reconciliation(result, documents=len(documents), decisions=len(decisions))
                self.on_catalog_change()
            except DanhmucError as error:
                self._fail(job_id, error.code, error.message_vi, error.message_en)
                return
        self._finish(job_id, f"{len(result.datasets)} datasets")

    def _finish(self, job_id: str, outcome: str) -> None:
        self._update(job_id, status="succeeded", stage="done", progress=1.0, outcome=outcome[:16])

    def _fail(self, job_id: str, code: str, message_vi: str, message_en: str) -> None:
        self._update(
            job_id, status="failed", stage="failed", progress=1.0, error_code=code[:64],
            error_message=f"{message_vi} / {message_en}",
        )  # fmt: skip
