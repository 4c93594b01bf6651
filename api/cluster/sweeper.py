"""Jobs whose broker message was lost are sent again: the jobs table, not the broker, is the record.

Late acknowledgement and Redis's visibility timeout cover a worker that dies holding a task; they
do not cover a broker that forgets its messages (Redis flushed, or restarted without persistence,
after a job row was committed). Such a job would stay queued for ever. Each worker's main process
runs this sweeper: a job still queued ``resend_seconds`` after it was queued (or last re-sent), or
running under a lease that lapsed that long ago, is published again.

Exactly one sweeper re-sends a job per period however many workers run: taking a job for re-sending
is one conditional UPDATE (the row must still be as old as the cutoff), and the winner moves its
clock on. Sending a job whose message was merely slow, not lost, is harmless: the task claims the
job row first (api/cluster/jobrows.py), so the second delivery finds it taken or done and the
document is stored once. The period defaults to the redelivery time, so Redis restores a vanished
worker's task before this sends a second one.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from catalog.db import IMMEDIATE
from catalog.models import JobRow

log = logging.getLogger("danhmuc.cluster")

BATCH = 200  # jobs re-sent per sweep at most; the rest wait for the next sweep
# the owner of `danhmuc ingest`'s jobs (api/cluster/ingest.py): that command reconciles once, at its end
INGEST_COMMAND_OWNER = "cli"


@dataclass(frozen=True)
class LostJob:
    id: str
    kind: str
    owner: str


def _lost(cutoff: datetime, now: datetime) -> ColumnElement[bool]:
    other = aliased(JobRow)
    reconciling = exists().where(
        other.kind == "reconcile", other.status == "running", other.lease_expires_at.is_not(None),
        other.lease_expires_at >= now,
    )  # fmt: skip
    queued = and_(
        JobRow.status == "queued", JobRow.updated_at < cutoff,
        or_(JobRow.not_before.is_(None), JobRow.not_before < cutoff),
        # the next reconciliation waits for the one running (an hour on a large store): sending it
        # again would only add one more message asking every second whether it may start
        or_(JobRow.kind != "reconcile", ~reconciling),
    )  # fmt: skip
    lapsed = and_(JobRow.status == "running", JobRow.lease_expires_at.is_not(None), JobRow.lease_expires_at < cutoff)
    return or_(queued, lapsed)


def take_lost(engine: Engine, older_than: float, *, now: datetime | None = None) -> list[LostJob]:
    """The jobs this caller must send again, each taken by one caller only until ``older_than`` passes again."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=older_than)
    with Session(engine) as session:
        found = session.execute(
            select(JobRow.id, JobRow.kind, JobRow.owner, JobRow.status).where(_lost(cutoff, now))
            .order_by(JobRow.created_at).limit(BATCH)
        ).all()  # fmt: skip
    taken: list[LostJob] = []
    writer = engine.execution_options(**{IMMEDIATE: True})
    for job_id, kind, owner, status in found:
        # the clock that made it lost moves to now: the next sweep, here or in another worker, waits a period
        clock = {"updated_at": now} if status == "queued" else {"lease_expires_at": now}
        with Session(writer) as session, session.begin():
            won = session.execute(
                update(JobRow).where(JobRow.id == job_id, _lost(cutoff, now)).values(**clock)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
        if won.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(LostJob(job_id, kind, owner))
    return taken


def resend(job: LostJob) -> None:
    from api.cluster.tasks import publish_extract, publish_reconcile

    if job.kind == "reconcile":
        publish_reconcile(job.id)
    else:
        # An ingest command's run id is not on the row: the file is stored outside the run (the command,
        # if still waiting, counts it from the job row); an upload asks for its reconciliation as before.
        publish_extract(job.id, run_id=None, reconcile_after=job.owner != INGEST_COMMAND_OWNER)


def sweep(engine: Engine, older_than: float) -> list[LostJob]:
    taken = take_lost(engine, older_than)
    for job in taken:
        try:
            resend(job)
        except Exception:  # noqa: BLE001 - the broker is away: the job is taken again next period
            log.exception("could not re-send job %s", job.id)
            continue
        log.warning("re-sent job %s (%s): no worker took it for %g s, its message was lost", job.id, job.kind,
                    older_than)  # fmt: skip
    return taken


def interval(older_than: float) -> float:
    """How often a worker sweeps: a fifth of the period (a lost job waits at most 1.2 periods), 1–30 s."""
    return min(30.0, max(1.0, older_than / 5))


class Sweeper:
    """A thread of the worker's main process that sweeps until the worker stops."""

    def __init__(self, engine: Engine, older_than: float) -> None:
        self.engine, self.older_than = engine, older_than
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="danhmuc-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(interval(self.older_than)):
            try:
                sweep(self.engine, self.older_than)
            except Exception:  # noqa: BLE001 - the database is away: tried again next time
                log.exception("the sweep for lost jobs failed")
