"""``danhmuc ingest`` through Celery workers: the archive's files go through the database, not a path.

The command still walks, hashes and settles what is known (catalog/ingest.py); each file to
extract becomes a job row with its bytes in the blob table and a task on the broker. A bounded
window of files is in flight, so a command stopped midway leaves at most that many queued; the
workers finish those (stored once, by hash), and a re-run skips every file already stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from api.cluster import jobrows
from api.cluster.app import configure
from api.settings import Settings
from catalog.blob_table import DatabaseBlobStore
from catalog.db import IMMEDIATE
from catalog.ingest import IngestReport, PlannedFile, ingest_directory
from catalog.records import FileOutcome, OutcomeStatus
from catalog.store import CatalogStore
from catalog.walk import DEFAULT_MAX_BYTES

POLL_SECONDS = 0.25
WINDOW = 32  # files queued ahead of the workers (their bytes wait in the database meanwhile)
PING_SECONDS = 2.0
NO_WORKER_MESSAGE = (
    "Chưa có tiến trình `danhmuc worker` nào trả lời; các tệp chờ trong hàng đợi đến khi có. / "
    "No `danhmuc worker` answered yet; the files wait in the queue until one does."
)


class CeleryExtraction:
    """The :class:`catalog.ingest.RemoteExtraction` of a configured broker."""

    def __init__(self, settings: Settings, *, owner: str = "cli", window: int = WINDOW,
                 log: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.app = configure(settings)
        self.settings = settings
        self.owner = owner
        self.window = window
        self.log = log or (lambda _message: None)
        self.workers = self._count_workers()

    def _count_workers(self) -> int:
        try:
            answered = self.app.control.ping(timeout=PING_SECONDS) or []
        except Exception:  # noqa: BLE001 - an unreachable broker fails at the first submission with its own error
            answered = []
        if not answered:
            self.log(NO_WORKER_MESSAGE)
        return max(1, len(answered))

    def run(self, store: CatalogStore, run_id: int, files: list[PlannedFile],
            done: Callable[[PlannedFile, FileOutcome], None]) -> None:  # fmt: skip
        from api.cluster.tasks import publish_extract

        blobs = DatabaseBlobStore(store.engine)
        queue = iter(files)
        in_flight: dict[str, PlannedFile] = {}
        while True:
            while len(in_flight) < self.window and (planned := next(queue, None)) is not None:
                job_id = self._submit(store, blobs, planned)
                if job_id is None:
                    done(planned, FileOutcome(path=planned.key, status=OutcomeStatus.SKIPPED, sha256=planned.sha256,
                                              code="unreadable", reason="tệp đã đổi hoặc biến mất khi đang nạp / "
                                              "the file changed or vanished during the ingest"))  # fmt: skip
                    continue
                publish_extract(job_id, run_id=run_id, reconcile_after=False)
                in_flight[job_id] = planned
            if not in_flight:
                return
            finished = jobrows.statuses(store.engine, list(in_flight))
            for job_id, row in finished.items():
                planned = in_flight.pop(job_id)
                done(planned, _outcome(planned, row))
            if not finished:
                time.sleep(POLL_SECONDS)

    def _submit(self, store: CatalogStore, blobs: DatabaseBlobStore, planned: PlannedFile) -> str | None:
        """The job row and its bytes, in one transaction; None when the file no longer has its hashed content."""
        try:
            data = planned.candidate.path.read_bytes()
        except OSError:
            return None
        import hashlib

        if hashlib.sha256(data).hexdigest() != planned.sha256:
            return None
        with Session(store.engine.execution_options(**{IMMEDIATE: True})) as session, session.begin():
            blobs.put(planned.sha256, data, session=session)
            row = jobrows.new_job(session, kind="ingest", filename=planned.candidate.relative, path=planned.key,
                                  sha256=planned.sha256, size_bytes=len(data), owner=self.owner)  # fmt: skip
            return row.id

    def reconcile(self, store: CatalogStore) -> None:
        """Reconcile in a worker (now, not debounced) and wait for it."""
        from api.cluster.tasks import queue_reconcile

        job_id = queue_reconcile(self.owner, delay=0.0, engine=store.engine)
        while not jobrows.statuses(store.engine, [job_id]):
            time.sleep(POLL_SECONDS)


def _outcome(planned: PlannedFile, row: object) -> FileOutcome:
    from catalog.models import JobRow

    assert isinstance(row, JobRow)
    if row.status == "succeeded":
        return FileOutcome(path=planned.key, status=OutcomeStatus(row.outcome), sha256=planned.sha256)
    status = OutcomeStatus.SKIPPED if row.outcome == OutcomeStatus.SKIPPED.value else OutcomeStatus.FAILED
    return FileOutcome(path=planned.key, status=status, sha256=planned.sha256, code=row.error_code,
                       reason=row.error_message)  # fmt: skip


def ingest_through_celery(
    settings: Settings,
    folder: Path,
    *,
    reconcile: bool = True,
    errors_csv: Path | None = None,
    progress: TextIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IngestReport:
    """Ingest ``folder`` into ``settings.database_url`` with the workers behind ``settings.broker_url``
    (what ``danhmuc ingest`` runs with a broker; benchmarks call it directly)."""
    with CatalogStore(settings.database_url) as store:
        return ingest_directory(
            store, folder, max_bytes=max_bytes, errors_csv=errors_csv, progress=progress, reconcile=reconcile,
            blobs=DatabaseBlobStore(store.engine), remote=CeleryExtraction(settings),
        )  # fmt: skip
