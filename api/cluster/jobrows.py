"""The jobs table as Celery tasks use it: claim a job, hold its lease while working, record its end.

Celery delivers a task at least once; the job row decides whether this delivery does the work.
A claim is one conditional UPDATE (queued, or running under a lapsed lease), the lease is renewed
by a thread while the task works, and a redelivered task whose job is still held by a live worker
waits and asks again, so two workers never extract the same job at once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.cluster.app import settings as cluster_settings
from api.jobs import _claimable, queue_reconcile
from api.jobs import new_job as new_job  # the one job-row constructor, as the tasks and tests have called it
from catalog.db import IMMEDIATE
from catalog.models import JobRow

log = logging.getLogger("danhmuc.cluster")


def _now() -> datetime:
    return datetime.now(UTC)


def worker_owner() -> str:
    """Who holds a lease: host, worker name and process, as the jobs table shows it."""
    return f"{(cluster_settings().worker_name or socket.gethostname())[:40]}:{os.getpid()}"


def _writer(engine: Engine) -> Engine:
    return engine.execution_options(**{IMMEDIATE: True})


def claim(engine: Engine, job_id: str, owner: str) -> JobRow | None:
    """Take ``job_id`` if it is claimable now; the row as claimed (attempts counted), or None."""
    now = _now()
    with Session(_writer(engine)) as session, session.begin():
        claimed = session.execute(
            update(JobRow).where(JobRow.id == job_id, _claimable(now)).values(
                status="running", stage="starting", progress=0.05, lease_owner=owner,
                lease_expires_at=now + timedelta(seconds=cluster_settings().job_lease_seconds),
                attempts=JobRow.attempts + 1,
                updated_at=now,
            ).execution_options(synchronize_session=False)
        )  # fmt: skip
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(JobRow, job_id, populate_existing=True)
        assert row is not None
        session.expunge(row)
        return row


def status(engine: Engine, job_id: str) -> str | None:
    with Session(engine) as session:
        found: str | None = session.scalar(select(JobRow.status).where(JobRow.id == job_id))
        return found


def statuses(engine: Engine, job_ids: list[str]) -> dict[str, JobRow]:
    """The finished jobs among ``job_ids`` (succeeded or failed), detached."""
    if not job_ids:
        return {}
    with Session(engine) as session:
        rows = session.scalars(
            select(JobRow).where(JobRow.id.in_(job_ids), JobRow.status.in_(("succeeded", "failed")))
        ).all()
        for row in rows:
            session.expunge(row)
        return {row.id: row for row in rows}


def record(engine: Engine, job_id: str, owner: str | None, then: Callable[[Session], object] | None = None,
           **values: object) -> bool:  # fmt: skip
    """Progress or the end of a job: only while ``owner`` holds it (None: whoever holds it, e.g. after a kill).
    ``then`` writes more in the same transaction, only if the job's row was written."""
    condition = [JobRow.id == job_id, JobRow.status == "running"]
    if owner is not None:
        condition.append(JobRow.lease_owner == owner)
    with Session(_writer(engine)) as session, session.begin():
        changed = session.execute(
            update(JobRow).where(*condition).values(**values, updated_at=_now())
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if changed.rowcount and then is not None:  # type: ignore[attr-defined]
            then(session)
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def page_writer(engine: Engine, job_id: str, owner: str) -> Callable[[int, int], None]:
    """The listener of :func:`extract.progress.reporting` for a job: pages read so far, on the job row.

    Throttled by the reporting itself; a write that fails is logged and left to the next one (the
    task's own end writes the job's outcome whatever became of its page counts).
    """

    def write(done: int, total: int) -> None:
        try:
            record(engine, job_id, owner, pages_done=done, pages_total=total)
        except SQLAlchemyError:
            log.warning("job %s: could not record pages %d/%d", job_id, done, total, exc_info=True)

    return write


def finish(engine: Engine, job_id: str, owner: str | None, outcome: str,
           then: Callable[[Session], object] | None = None) -> bool:  # fmt: skip
    return record(engine, job_id, owner, then, status="succeeded", stage="done", progress=1.0, outcome=outcome[:16])


def finish_and_queue_reconcile(engine: Engine, job_id: str, owner: str, outcome: str, *,
                               reconcile_for: str, delay: float) -> tuple[bool, str | None, float]:  # fmt: skip
    """:func:`finish`, and queue (or join) a reconciliation in the same transaction: a worker killed
    between the two can no longer leave a stored upload that nothing will reconcile (a redelivered
    task finds its job done). Answers (finished, the reconciliation job to send, its countdown); the
    job is None when the queued one already has its message. The caller sends it after the commit;
    if the caller dies first, the sweeper (api/cluster/sweeper.py) does."""
    send: tuple[str | None, float] = (None, 0.0)

    def queue(session: Session) -> None:
        nonlocal send
        send = to_send(*queue_reconcile(session, reconcile_for, delay=delay), delay)

    return (finish(engine, job_id, owner, outcome, queue), *send)


def to_send(row: JobRow, created: bool, delay: float) -> tuple[str | None, float]:
    """The reconciliation job whose message must go out now, and its countdown: a new job after its
    delay, a joined one at once if it waits for nothing (a review may just have lifted its wait), else none
    (its message is out)."""
    if created:
        return row.id, delay
    return (row.id, 0.0) if row.not_before is None else (None, 0.0)


def fail(engine: Engine, job_id: str, owner: str | None, code: str, message: str, *, outcome: str = "") -> bool:
    return record(
        engine, job_id, owner, status="failed", stage="failed", progress=1.0, error_code=code[:64],
        error_message=message, outcome=outcome[:16],
    )  # fmt: skip


class Lease:
    """Renews the lease on ``job_id`` every few seconds while the block runs (in a thread of the task)."""

    def __init__(self, engine: Engine, job_id: str, owner: str) -> None:
        self.engine, self.job_id, self.owner = engine, job_id, owner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="danhmuc-lease", daemon=True)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _renew(self) -> None:
        while not self._stop.wait(cluster_settings().job_renew_seconds):
            try:
                record(self.engine, self.job_id, self.owner,
                       lease_expires_at=_now() + timedelta(seconds=cluster_settings().job_lease_seconds))  # fmt: skip
            except Exception:  # noqa: BLE001 - retried; the lease outlasts two missed renewals
                log.exception("could not renew the lease of job %s", self.job_id)


IMMEDIATE_OPTION = {IMMEDIATE: True}
