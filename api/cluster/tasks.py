"""The Celery tasks: extract and store one file (an upload or a file of ``danhmuc ingest``), reconcile.

A task carries a job id only. The job row says what to do (file name, path, content hash) and the
bytes come from the database's blob table, so a worker needs nothing from the host that queued it.
Each worker process opens its own store after the fork, warms the pipeline once, and keeps it
warm for every file it takes.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_process_shutdown, worker_ready, worker_shutdown
from celery.worker.request import Request
from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from api.cluster import jobrows
from api.cluster.app import EXTRACT_TASK, RECONCILE_TASK, RECONCILE_TIME_LIMIT_SECONDS, celery_app, settings
from api.cluster.faults import stall_if_asked, swallow_if_asked
from api.cluster.sweeper import Sweeper
from api.jobs import MAX_ATTEMPTS
from catalog.blob_table import DatabaseBlobStore
from catalog.db import make_engine
from catalog.records import FileOutcome, OutcomeStatus
from catalog.store import CatalogStore

log = logging.getLogger("danhmuc.cluster")

RETRY_SECONDS = 5.0  # a job held by a live worker is asked about again
RECONCILE_RETRY_SECONDS = 1.0  # a reconciliation not yet due, or waiting for the one running
_STORE: tuple[int, CatalogStore] | None = None
_MAIN_STORE: CatalogStore | None = None
_SWEEPER: Sweeper | None = None

TIMEOUT_CODE = "processing_timeout"
SOFT_LIMIT_SIGNAL = signal.SIGUSR1  # billiard's soft time limit (billiard.pool.SIG_SOFT_TIMEOUT)


def store() -> CatalogStore:
    """This process's store: opened after the fork, never shared with the parent or a sibling."""
    global _STORE
    if _STORE is None or _STORE[0] != os.getpid():
        _STORE = (os.getpid(), CatalogStore(settings().database_url))
    return _STORE[1]


def main_store() -> CatalogStore:
    """The store of the worker's main process (time limits, the sweeper), without a connection pool.

    Extraction processes are forked from the main process, also after it opened this (a process
    replaced after a hard time limit): pooled connections would be inherited, and a child closing
    one would cut the parent's session. Without a pool nothing is left open between uses.
    """
    global _MAIN_STORE
    if _MAIN_STORE is None:
        _MAIN_STORE = CatalogStore(engine=make_engine(settings().database_url, poolclass=NullPool))
    return _MAIN_STORE


@worker_ready.connect
def _start_sweeper(**_: Any) -> None:
    """In the worker's main process: send again the jobs whose broker message was lost."""
    global _SWEEPER
    _SWEEPER = Sweeper(main_store().engine, settings().resend_seconds)
    _SWEEPER.start()


@worker_shutdown.connect
def _stop_sweeper(**_: Any) -> None:
    if _SWEEPER is not None:
        _SWEEPER.stop()


@worker_process_init.connect
def _warm_process(**_: Any) -> None:
    """Once per worker process: die with the worker, open the store, and load the pipeline and its models."""
    from api.worker import _warm_up
    from extract.processes import die_with_parent
    from nlp.pipeline import process_file

    die_with_parent()  # a worker killed with -9 takes its processes along; its tasks go to another worker
    store()
    _warm_up(process_file)
    # Kept for every file this process reads: OCR page processes with Tesseract loaded, and
    # LibreOffice's user profile (one file at a time per process, so one profile is safe).
    from extract.legacy.soffice import keep_profile
    from extract.ocr import WORKERS
    from extract.ocr.warm import keep_warm

    keep_warm(WORKERS)
    keep_profile(_profile_folder())


def _profile_folder() -> Path:
    return Path(tempfile.gettempdir()) / f"danhmuc-soffice-{os.getpid()}"


@worker_process_shutdown.connect
def _cool_process(**_: Any) -> None:
    import shutil

    from extract.ocr.warm import stop

    stop()
    shutil.rmtree(_profile_folder(), ignore_errors=True)


def _timeout_message(seconds: float, filename: str) -> str:
    return (f"Xử lý tệp «{filename}» vượt quá thời gian cho phép ({seconds:g} giây) và đã bị dừng. / "
            f"Processing «{filename}» exceeded the time limit ({seconds:g} s) and was stopped.")  # fmt: skip


class JobRequest(Request):
    """Runs in the worker's main process: a task killed at its hard time limit fails its job here."""

    def on_timeout(self, soft: bool, timeout: float) -> None:
        super().on_timeout(soft, timeout)
        if soft or self.name != EXTRACT_TASK:
            return
        job_id, run_id = self.args[0], self.args[1]
        engine = main_store().engine
        from sqlalchemy.orm import Session

        from catalog.models import JobRow

        with Session(engine) as session:
            filename = session.scalar(select(JobRow.filename).where(JobRow.id == job_id)) or job_id
        message = _timeout_message(settings().processing_timeout_seconds, filename)
        log.error("job %s (%s) killed at the hard time limit (%g s)", job_id, filename, timeout)
        if run_id is not None:
            _record_failure(run_id, job_id, OutcomeStatus.FAILED, "limit_exceeded", message)
        # the row says failed before the killed process is replaced: a reader never sees it running on
        jobrows.fail(engine, job_id, None, TIMEOUT_CODE if run_id is None else "limit_exceeded", message)


def _record_failure(run_id: int, job_id: str, status: OutcomeStatus, code: str, reason: str) -> None:
    from sqlalchemy.orm import Session

    from catalog.models import JobRow

    catalog = main_store()
    with Session(catalog.engine) as session:
        row = session.get(JobRow, job_id)
        if row is None:
            return
        path, sha256 = row.path, row.sha256
    catalog.record_outcomes(run_id, [FileOutcome(path=path, status=status, sha256=sha256, code=code, reason=reason)])


class SoftLimitWatch:
    """Notes the soft time limit's signal while extracting, whatever the extraction code does with the exception.

    Readers keep going past a failing part (``except Exception`` around a page, a table, an OCR
    call), and SoftTimeLimitExceeded is an Exception: caught there, the limit would pass unseen and
    a document cut short would be stored as complete.
    """

    def __init__(self) -> None:
        self.fired = False
        self._previous: Any = None

    def _noted(self, signum: int, frame: FrameType | None) -> None:
        self.fired = True
        if callable(self._previous):
            self._previous(signum, frame)  # billiard's handler: raises SoftTimeLimitExceeded here

    def __enter__(self) -> SoftLimitWatch:
        if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread
            self._previous = signal.signal(SOFT_LIMIT_SIGNAL, self._noted)
        return self

    def __exit__(self, *_: object) -> None:
        if self._previous is not None:
            signal.signal(SOFT_LIMIT_SIGNAL, self._previous)


class JobTask(Task):
    Request = JobRequest


def _safe_name(filename: str) -> str:
    """The file name as written in the task's temporary folder (its extension picks the reader)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    return re.sub(r"[^\w.\-]", "_", base)[:120] or "upload"


# A database that does not answer (restart, failover) is waited for: the task is queued again with
# growing delays, and the job row is still there when it answers.
RETRY_ON = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_backoff_max": 60, "max_retries": None}


@celery_app.task(bind=True, base=JobTask, name=EXTRACT_TASK, **RETRY_ON)
def extract_job(self: Task, job_id: str, run_id: int | None, reconcile_after: bool) -> str:
    """Extract and store the file of job ``job_id``; ``run_id``: the ``danhmuc ingest`` run it belongs to."""
    engine = store().engine
    owner = jobrows.worker_owner()
    row = jobrows.claim(engine, job_id, owner)
    if row is None:
        if jobrows.status(engine, job_id) in ("queued", "running"):
            raise self.retry(countdown=RETRY_SECONDS)  # held by a live worker: ask again once it may have died
        return "done"  # finished already (a redelivered task): nothing to do
    if row.attempts > MAX_ATTEMPTS:
        message = (
            f"Công việc đã bị gián đoạn {MAX_ATTEMPTS} lần (tiến trình dừng đột ngột) và không chạy lại nữa. / "
            f"The job was interrupted {MAX_ATTEMPTS} times (its process died) and is not retried again."
        )
        _fail(row, owner, run_id, OutcomeStatus.FAILED, "job_abandoned", message)
        return "failed"
    with jobrows.Lease(engine, job_id, owner):
        try:
            stored = _extract_and_store(row, owner, run_id, reconcile_after and settings().reconcile_after_ingest)
        except OperationalError:
            raise  # the database is away: retried (RETRY_ON), the job is claimable again once its lease lapses
        except Exception as error:  # noqa: BLE001 - the soft limit while storing, a bug: the job must end
            detail = f"{type(error).__name__}: {error}"[:300]
            _fail(
                row,
                owner,
                run_id,
                OutcomeStatus.FAILED,
                "internal_error",
                f"Lỗi nội bộ khi xử lý ({detail}). / Internal error while processing ({detail}).",
            )
            return "failed"
    return "stored" if stored else "failed"


def _fail(row: Any, owner: str, run_id: int | None, status: OutcomeStatus, code: str, message: str) -> None:
    if run_id is not None:
        store().record_outcomes(
            run_id, [FileOutcome(path=row.path, status=status, sha256=row.sha256, code=code, reason=message)]
        )
    jobrows.fail(store().engine, row.id, owner, code, message, outcome=status.value)


def _extract_and_store(row: Any, owner: str, run_id: int | None, reconcile: bool) -> bool:
    from extract import progress
    from extract.errors import DanhmucError, UnsupportedFormatError
    from extract.safety import release_memory
    from nlp.pipeline import process_file

    catalog = store()
    known = catalog.add_known_content(row.path, row.sha256, run_id=run_id)
    if known is not None:  # stored already: by another path, or by this job before its worker was killed
        _finish(row, owner, known.status.value, reconcile)
        return True
    data = DatabaseBlobStore(catalog.engine).get(row.sha256)
    if data is None:
        _fail(
            row,
            owner,
            run_id,
            OutcomeStatus.FAILED,
            "upload_missing",
            "Không còn tệp tải lên để xử lý; hãy tải lên lại. / The uploaded file is gone; upload it again.",
        )
        return False
    jobrows.record(catalog.engine, row.id, owner, stage="extracting", progress=0.1)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="danhmuc-task-") as folder:
            source = Path(folder) / _safe_name(row.filename)
            source.write_bytes(data)
            del data
            with SoftLimitWatch() as watch, progress.reporting(jobrows.page_writer(catalog.engine, row.id, owner)):
                stall_if_asked(row.filename, settings().test_stall_in_c)
                swallow_if_asked(row.filename, settings().processing_timeout_seconds + 1, settings().test_swallow_limit)
                document = process_file(source, name=row.filename)
            if watch.fired:  # a reader caught the soft limit's exception and went on: the result may lack parts
                raise SoftTimeLimitExceeded()
    except SoftTimeLimitExceeded:
        _fail(row, owner, run_id, OutcomeStatus.FAILED, "limit_exceeded" if run_id is not None else TIMEOUT_CODE,
              _timeout_message(settings().processing_timeout_seconds, row.filename))  # fmt: skip
        return False
    except UnsupportedFormatError as error:
        _fail(row, owner, run_id, OutcomeStatus.SKIPPED, error.code, error.describe())
        return False
    except DanhmucError as error:
        _fail(row, owner, run_id, OutcomeStatus.FAILED, error.code, error.describe())
        return False
    except Exception as error:  # noqa: BLE001 - a reader bug on one file is that file's failure
        detail = f"{type(error).__name__}: {error}"[:300]
        code = "processing_failed" if run_id is None else "internal_error"
        _fail(
            row,
            owner,
            run_id,
            OutcomeStatus.FAILED,
            code,
            f"Xử lý tài liệu thất bại ({detail}). / Processing the document failed ({detail}).",
        )
        return False
    seconds = time.perf_counter() - started
    jobrows.record(catalog.engine, row.id, owner, stage="storing", progress=0.8)
    try:
        try:
            added = catalog.add_document(document, path=row.path, run_id=run_id, seconds=seconds)
        except IntegrityError:  # another worker stored the same bytes a moment ago: record the path only
            added = catalog.add_document(document, path=row.path, run_id=run_id, seconds=seconds)
    except (IntegrityError, DataError) as error:
        _fail(
            row,
            owner,
            run_id,
            OutcomeStatus.FAILED,
            "store_error",
            f"không lưu được vào kho / could not be stored: {str(error.orig).strip()[:300]}",
        )
        return False
    finally:
        del document
        release_memory()
    _finish(row, owner, added.status.value, reconcile)
    return True


def queue_reconcile(owner: str, *, delay: float, engine: Engine | None = None) -> str:
    """Queue a reconciliation (joining the one already queued, if any) and hand it to the workers."""
    from sqlalchemy.orm import Session

    engine = engine or store().engine
    with Session(engine.execution_options(**jobrows.IMMEDIATE_OPTION)) as session, session.begin():
        row, created = jobrows.queue_reconcile(session, owner, delay=delay)
        job_id = row.id
        send, countdown = jobrows.to_send(row, created, delay)
    if send is not None:
        publish_reconcile(send, delay=countdown)
    return job_id


def _finish(row: Any, owner: str, outcome: str, reconcile: bool) -> None:
    """The job succeeded; with ``reconcile`` its reconciliation is queued in the same transaction."""
    engine = store().engine
    if not reconcile:
        jobrows.finish(engine, row.id, owner, outcome)
        return
    _, send, countdown = jobrows.finish_and_queue_reconcile(
        engine, row.id, owner, outcome, reconcile_for=row.owner, delay=settings().reconcile_debounce_seconds
    )
    if send is None:
        return
    try:
        publish_reconcile(send, delay=countdown)
    except Exception:  # noqa: BLE001 - the job is done and its reconciliation queued: the sweeper sends it
        log.warning("job %s: reconciliation %s queued, its message not sent; the sweeper sends it", row.id, send,
                    exc_info=True)  # fmt: skip


def publish_extract(job_id: str, *, run_id: int | None = None, reconcile_after: bool = True) -> None:
    celery_app.send_task(EXTRACT_TASK, args=[job_id, run_id, reconcile_after])


def publish_reconcile(job_id: str, *, delay: float = 0.0) -> None:
    celery_app.send_task(
        RECONCILE_TASK,
        args=[job_id],
        countdown=delay or None,
        time_limit=RECONCILE_TIME_LIMIT_SECONDS,
        soft_time_limit=RECONCILE_TIME_LIMIT_SECONDS - 30,
    )


@celery_app.task(bind=True, base=JobTask, name=RECONCILE_TASK, **RETRY_ON)
def reconcile_job(self: Task, job_id: str) -> str:
    """Reconcile the catalog (the store's public method), one at a time across every worker."""
    engine = store().engine
    owner = jobrows.worker_owner()
    row = jobrows.claim(engine, job_id, owner)
    if row is None:
        if jobrows.status(engine, job_id) in ("queued", "running"):
            # not due yet, or another reconciliation is running: asked again soon, since an upload waits
            # on it to show in the catalog (the 10 s), and asking is one indexed UPDATE
            raise self.retry(countdown=RECONCILE_RETRY_SECONDS)
        return "done"
    if row.attempts > MAX_ATTEMPTS:
        jobrows.fail(
            engine,
            job_id,
            owner,
            "job_abandoned",
            f"Hợp nhất bị gián đoạn {MAX_ATTEMPTS} lần. / Reconciliation interrupted {MAX_ATTEMPTS} times.",
        )
        return "failed"
    jobrows.record(engine, job_id, owner, stage="reconciling", progress=0.2)
    try:
        with jobrows.Lease(engine, job_id, owner):
            result = store().reconcile(workers=1)
    except Exception as error:  # noqa: BLE001 - reported on the job
        detail = f"{type(error).__name__}: {error}"[:300]
        jobrows.fail(
            engine,
            job_id,
            owner,
            "reconcile_failed",
            f"Hợp nhất danh mục thất bại ({detail}). / Reconciling the catalog failed ({detail}).",
        )
        return "failed"
    jobrows.finish(engine, job_id, owner, f"{result.dataset_count} datasets")
    return "reconciled"
