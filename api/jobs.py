"""Persisted jobs and the worker threads that run them, shared by every server process.

The job table is the queue: a worker claims a job with one conditional UPDATE (``status =
'queued'``, or ``'running'`` with a lapsed lease), so two processes never run the same job, and
renews its lease while it works. A process that dies stops renewing; once the lease lapses
another process takes the job over, once. Re-running is safe because the store writes a
document in one transaction and an already-stored hash is only recorded, never extracted twice:
a crash mid-job leaves nothing half-written. A job that keeps killing its process is failed
after ``MAX_ATTEMPTS`` instead of taking the service down in a loop.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import IO, Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from api.settings import Settings
from api.worker import ExtractionWorker, WorkFailure
from catalog.blobs import Blobs, BlobStore
from catalog.db import IMMEDIATE
from catalog.models import JobRow
from catalog.store import CatalogStore

log = logging.getLogger("danhmuc.api.jobs")

JobStatus = Literal["queued", "running", "succeeded", "failed"]
ACTIVE = ("queued", "running")
POLL_SECONDS = 0.5  # how often an idle worker looks for jobs queued by another process
MAX_ATTEMPTS = 3
RECONCILE_TIMEOUT_SECONDS = 3600.0  # matching a large catalog takes minutes, not hours


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Queued, or running under a lease that lapsed (its process died); NULL = claimed before leases."""
    lapsed = or_(JobRow.lease_expires_at.is_(None), JobRow.lease_expires_at < now)
    other = aliased(JobRow)
    reconciling = exists().where(
        other.kind == "reconcile", other.status == "running", other.id != JobRow.id,
        other.lease_expires_at.is_not(None), other.lease_expires_at >= now,
    )  # fmt: skip
    return and_(
        or_(
            and_(JobRow.status == "queued", or_(JobRow.not_before.is_(None), JobRow.not_before <= now)),
            and_(JobRow.status == "running", lapsed),
        ),
        # one reconciliation at a time across processes: a later one reads what the earlier saved
        or_(JobRow.kind != "reconcile", ~reconciling),
    )


def new_job(session: Session, *, kind: str, filename: str = "", path: str = "", sha256: str = "",
            size_bytes: int = 0, owner: str = "") -> JobRow:  # fmt: skip
    """A queued job row, added to ``session``."""
    now = _now()
    row = JobRow(
        id=uuid.uuid4().hex, kind=kind, status="queued", progress=0.0, stage="queued", filename=filename,
        path=path, sha256=sha256, size_bytes=size_bytes, owner=owner, attempts=0, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    return row


def queue_reconcile(session: Session, owner: str, *, delay: float) -> tuple[JobRow, bool]:
    """One queued reconciliation at a time, in ``session``: (the queued job, whether it is new).

    A request while one is queued joins it; ``delay`` holds a new job back so a burst of uploads
    shares one run; a request without delay (a review) lifts the wait of the job it joins.
    """
    waiting = session.scalars(select(JobRow).where(JobRow.kind == "reconcile", JobRow.status == "queued")).first()
    if waiting is not None:
        if delay <= 0 and waiting.not_before is not None:
            waiting.not_before = None
        return waiting, False
    row = new_job(session, kind="reconcile", owner=owner)
    row.not_before = row.created_at + timedelta(seconds=delay) if delay > 0 else None
    session.flush()
    return row, True


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
    pages_done: int  # pages of the file read so far (typed pages, then OCR'd ones); 0 before extraction starts
    pages_total: int  # pages in the file once extraction knows them; 0 for a file without pages (text, DOCX)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: JobRow) -> JobView:
        return cls(
            id=row.id, kind=row.kind, status=row.status, progress=row.progress, stage=row.stage,
            filename=row.filename, path=row.path, document_id=row.sha256, size_bytes=row.size_bytes,
            outcome=row.outcome, error_code=row.error_code, error_message=row.error_message,
            pages_done=row.pages_done or 0, pages_total=row.pages_total or 0, created_at=row.created_at,
            updated_at=row.updated_at,
        )  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


class JobManager:
    def __init__(self, store: CatalogStore, settings: Settings, blobs: Blobs) -> None:
        self.store = store
        self.settings = settings
        self.blobs = blobs
        self.owner_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._workers: list[ExtractionWorker] = []
        self._slots: list[IO[bytes]] = []
        self._held: set[str] = set()  # jobs this process runs now (their leases are renewed)
        self._held_lock = threading.Lock()
        self._reconcile_lock = threading.Lock()
        # SQLite allows one writer: a deferred transaction that reads and then writes fails at
        # once ("database is locked") when another writer got in between, whatever the busy
        # timeout. Our own writes take the lock at BEGIN, and every write this process makes
        # goes through one lock, so the only waiting left is on other processes.
        self.write_lock = threading.RLock()
        self._writer = store.engine.execution_options(**{IMMEDIATE: True})
        self.on_catalog_change: Callable[[], None] = lambda: None
        # With a broker, Celery workers (`danhmuc worker`, any host) run the jobs: this process only
        # queues them, keeps the uploaded bytes in the database and never reconciles (api/cluster).
        self.celery = settings.uses_celery
        if self.celery:
            from api.cluster.app import configure

            configure(settings)

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        if self.celery:
            return
        for index in range(self._take_slots()):
            worker = ExtractionWorker(self.store.url)
            thread = threading.Thread(target=self._loop, args=(worker,), name=f"danhmuc-job-{index}", daemon=True)
            self._workers.append(worker)
            self._threads.append(thread)
            thread.start()
        if self._threads:
            renewer = threading.Thread(target=self._renew_loop, name="danhmuc-job-lease", daemon=True)
            self._threads.append(renewer)
            renewer.start()

    @property
    def runs_jobs(self) -> bool:
        return bool(self._workers) or self.celery

    def _take_slots(self) -> int:
        """This process's share of the extraction processes: ``extractors`` slot files locked between processes.

        Each server process takes up to its even share of free slots; a lock dies with its process,
        so a restarted process finds the slot of the one it replaces free again.
        """
        total = self.settings.extractors
        share = -(-total // max(1, self.settings.workers))
        folder = self.settings.data_dir / "slots"
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(total):
            if len(self._slots) >= share:
                break
            handle = (folder / f"extractor-{index}.lock").open("ab")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self._slots.append(handle)
        return len(self._slots)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        for worker in self._workers:
            worker.stop()
        for handle in self._slots:
            handle.close()
        self._slots.clear()

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
            if self.celery:  # the bytes go with the job row, in the same transaction, for a worker on any host
                from catalog.blob_table import DatabaseBlobStore

                assert isinstance(self.blobs, DatabaseBlobStore)
                self.blobs.put(sha256, data, session=session)
            else:
                self.blobs.put(sha256, data)
            row = new_job(session, kind="ingest", filename=filename, path=path or f"api/{sha256[:12]}/{filename}",
                          sha256=sha256, size_bytes=len(data), owner=owner)  # fmt: skip
            session.flush()
            view = JobView.of(row)
        if self.celery:
            return self._published(view, lambda: self._publish_extract(view.id)), True
        self._wake.set()
        return view, True

    @staticmethod
    def _publish_extract(job_id: str) -> None:
        from api.cluster.tasks import publish_extract

        publish_extract(job_id)

    def _published(self, view: JobView, publish: Callable[[], None]) -> JobView:
        """Hand the job to the broker; a broker that cannot be reached fails the job now, not never."""
        try:
            publish()
        except Exception as error:  # noqa: BLE001 - kombu raises several families for an unreachable broker
            log.warning("could not queue job %s: %s", view.id, error)
            with self.write_lock, Session(self._writer) as session, session.begin():
                session.execute(
                    update(JobRow).where(JobRow.id == view.id).values(
                        status="failed", stage="failed", progress=1.0, error_code="broker_unavailable",
                        error_message="Không gửi được công việc tới hàng đợi (broker); hãy thử lại sau. / "
                        "The job could not be queued (broker unreachable); retry later.", updated_at=_now(),
                    )
                )  # fmt: skip
            found = self.get(view.id)
            return found or view
        return view

    def submit_reconcile(self, owner: str, *, delay: float = 0.0) -> JobView:
        """One queued reconciliation at a time: a request while one is queued (or waits) joins it.

        ``delay`` (uploads) holds a new job back that long, so the uploads of a burst coalesce into
        one run after the one already running, if any; a request without delay (a review) lifts
        the wait of the job it joins.
        """
        if self.celery:  # queued for the workers; this process never reconciles
            from api.cluster.tasks import queue_reconcile as queue_for_workers

            with self.write_lock:
                job_id = queue_for_workers(owner, delay=delay, engine=self.store.engine)
            found = self.get(job_id)
            assert found is not None
            return found
        with self.write_lock, Session(self._writer) as session, session.begin():
            row, _ = queue_reconcile(session, owner, delay=delay)
            view = JobView.of(row)
        self._wake.set()
        return view

    def get(self, job_id: str) -> JobView | None:
        with Session(self.store.engine) as session:
            row = session.get(JobRow, job_id[:32])
            return JobView.of(row) if row is not None else None

    def list(self, *, limit: int = 50, offset: int = 0) -> list[JobView]:
        with Session(self.store.engine) as session:
            rows = session.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit).offset(offset)).all()
            return [JobView.of(row) for row in rows]

    # ------------------------------------------------------------ claiming

    def claim(self) -> JobRow | None:
        """Take the oldest claimable job for this process, or None; atomic across processes."""
        now = _now()
        with self.write_lock, Session(self._writer) as session, session.begin():
            candidates = session.scalars(
                select(JobRow.id).where(_claimable(now)).order_by(JobRow.created_at).limit(8)
            ).all()
            for job_id in candidates:
                # The condition is checked again by the UPDATE itself: of two processes that picked
                # the same candidate, the second one's UPDATE matches no row (PostgreSQL re-reads the
                # row after the first commits; SQLite runs the two transactions one after the other).
                claimed = session.execute(
                    update(JobRow).where(JobRow.id == job_id, _claimable(now)).values(
                        status="running", stage="starting", progress=0.05, lease_owner=self.owner_id,
                        lease_expires_at=now + timedelta(seconds=self.settings.job_lease_seconds),
                        attempts=JobRow.attempts + 1,
                        updated_at=now,
                    ).execution_options(synchronize_session=False)
                )  # fmt: skip
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(JobRow, job_id, populate_existing=True)
                    assert row is not None
                    session.expunge(row)
                    with self._held_lock:
                        self._held.add(job_id)
                    return row
        return None

    def renew(self) -> int:
        """Extend the leases of the jobs this process runs; returns how many are still ours."""
        with self._held_lock:
            held = list(self._held)
        if not held:
            return 0
        now = _now()
        with self.write_lock, Session(self._writer) as session, session.begin():
            renewed = session.execute(
                update(JobRow)
                .where(JobRow.id.in_(held), JobRow.lease_owner == self.owner_id, JobRow.status == "running")
                .values(lease_expires_at=now + timedelta(seconds=self.settings.job_lease_seconds))
                .execution_options(synchronize_session=False)
            )
        return int(renewed.rowcount)  # type: ignore[attr-defined]

    def _release(self, job_id: str) -> None:
        with self._held_lock:
            self._held.discard(job_id)

    def _renew_loop(self) -> None:
        while not self._stopping.wait(self.settings.job_renew_seconds):
            try:
                self.renew()
            except Exception:  # noqa: BLE001 - a failed renewal is retried; the lease outlasts two misses
                log.exception("could not renew job leases")

    # ------------------------------------------------------------ running

    def _update(self, job_id: str, then: Callable[[Session], object] | None = None, **values: object) -> bool:
        """Record progress or the end of a job this process holds; False when the lease was lost.
        ``then`` writes more in the same transaction, only if the job's row was written."""
        with self.write_lock, Session(self._writer) as session, session.begin():
            changed = session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.lease_owner == self.owner_id)
                .values(**values, updated_at=_now()).execution_options(synchronize_session=False)
            )  # fmt: skip
            if changed.rowcount and then is not None:  # type: ignore[attr-defined]
                then(session)
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            log.warning("job %s: lease lost to another process, its result is left to that process", job_id)
            return False
        return True

    def _loop(self, worker: ExtractionWorker) -> None:
        worker.warm()
        while not self._stopping.is_set():
            try:
                row = self.claim()
            except Exception:  # noqa: BLE001 - the database may be briefly unreachable; try again
                log.exception("could not claim a job")
                row = None
            if row is None:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()
                continue
            try:
                self._run(row, worker)
            except Exception:  # noqa: BLE001 - one bad job must not kill the worker thread
                log.exception("job %s failed unexpectedly", row.id)
                self._fail(row.id, "internal_error", "Lỗi nội bộ khi xử lý công việc.",
                           "Internal error while running the job.")  # fmt: skip
            finally:
                self._release(row.id)

    def _run(self, row: JobRow, worker: ExtractionWorker) -> None:
        if row.attempts > MAX_ATTEMPTS:
            self._fail(
                row.id, "job_abandoned",
                f"Công việc đã bị gián đoạn {MAX_ATTEMPTS} lần (tiến trình dừng đột ngột) và không chạy lại nữa.",
                f"The job was interrupted {MAX_ATTEMPTS} times (its process died) and is not retried again.",
            )  # fmt: skip
            return
        if row.kind == "reconcile":
            self._reconcile(row.id, worker)
        else:
            self._ingest(row, worker)

    def _ingest(self, row: JobRow, worker: ExtractionWorker) -> None:
        with self.write_lock:  # the same bytes already a document: record the path (never parse the document)
            known = self.store.add_known_content(row.path, row.sha256)
        if known is not None:
            self._finish(row.id, known.status.value)
            return
        assert isinstance(self.blobs, BlobStore)  # the local workers read the folder store
        source = self.blobs.path(row.sha256)
        if not source.is_file():
            self._fail(row.id, "upload_missing", "Không còn tệp tải lên để xử lý; hãy tải lên lại.",
                       "The uploaded file is gone; upload it again.")  # fmt: skip
            return
        self._update(row.id, stage="extracting", progress=0.1)
        try:
            # The worker process extracts and stores the document itself and answers with a summary:
            # this process never parses a large document (its event loop would stall for seconds).
            stored = worker.ingest(
                str(source), row.filename, row.path, self.settings.processing_timeout_seconds,
                on_pages=lambda done, total: self._record_pages(row.id, done, total),
            )  # fmt: skip
        except WorkFailure as failure:
            self._fail(row.id, failure.code, failure.message_vi, failure.message_en)
            return
        # Uploads finishing close together share one reconciliation (a review's does not wait). If
        # another process took the job over (this one stalled past its lease), that one reports it.
        self._finish(row.id, stored.status, reconcile_for=row.owner if self.settings.reconcile_after_ingest else None)

    def _record_pages(self, job_id: str, done: int, total: int) -> None:
        """Pages read so far; the worker process already throttled these (extract.progress), each is written."""
        try:
            self._update(job_id, pages_done=done, pages_total=total)
        except SQLAlchemyError:  # a progress write that fails is superseded by the next one, or by the end
            log.warning("job %s: could not record pages %d/%d", job_id, done, total, exc_info=True)

    def _reconcile(self, job_id: str, worker: ExtractionWorker) -> None:
        self._update(job_id, stage="reconciling", progress=0.2)
        with self._reconcile_lock:
            try:
                # Matching and saving run in the worker process; rebuilding this process's view of
                # the catalog runs here, in this thread, while the previous view goes on answering.
                done = worker.reconcile(RECONCILE_TIMEOUT_SECONDS)
            except WorkFailure as failure:
                self._fail(job_id, failure.code, failure.message_vi, failure.message_en)
                return
            self.on_catalog_change()
        self._finish(job_id, f"{done.datasets} datasets")

    def _finish(self, job_id: str, outcome: str, *, reconcile_for: str | None = None) -> bool:
        """The job succeeded; with ``reconcile_for`` (an owner) its reconciliation is queued in the same
        transaction, so no one ever sees (and no kill ever leaves) a stored upload with none to come."""
        delay = self.settings.reconcile_debounce_seconds
        queue = None if reconcile_for is None else (lambda s: queue_reconcile(s, reconcile_for, delay=delay))
        if not self._update(job_id, queue, status="succeeded", stage="done", progress=1.0, outcome=outcome[:16]):
            return False
        if queue is not None:
            self._wake.set()
        return True

    def _fail(self, job_id: str, code: str, message_vi: str, message_en: str) -> None:
        self._update(
            job_id, status="failed", stage="failed", progress=1.0, error_code=code[:64],
            error_message=f"{message_vi} / {message_en}",
        )  # fmt: skip
