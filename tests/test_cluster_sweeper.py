"""The sweeper's side in the database, on both backends: which jobs count as lost, and that however many
workers sweep at once each lost job is taken for re-sending by one of them, once per period.

The sweeper with real workers and Redis is tests/test_celery_cluster.py.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.cluster import jobrows
from api.cluster.app import hard_limit
from api.cluster.sweeper import interval, take_lost
from api.settings import Settings, SettingsError
from catalog.models import JobRow
from catalog.store import CatalogStore

PERIOD = 60.0


def _job(store: CatalogStore, *, age: float, kind: str = "ingest", **values: object) -> str:
    at = datetime.now(UTC) - timedelta(seconds=age)
    with Session(store.engine) as session, session.begin():
        row = jobrows.new_job(session, kind=kind, filename="a.txt", path="a.txt", sha256="a" * 64, owner="cli")
        row.created_at = row.updated_at = at
        for name, value in values.items():
            setattr(row, name, value)
        return row.id


def test_only_jobs_left_past_the_period_are_lost(store: CatalogStore) -> None:
    now = datetime.now(UTC)
    lost = _job(store, age=PERIOD + 5)
    fresh = _job(store, age=PERIOD - 5)  # queued a moment ago: its message is on its way
    debounced = _job(store, age=PERIOD + 5, kind="reconcile", not_before=now + timedelta(seconds=2))  # not due yet
    running = _job(store, age=PERIOD + 5, status="running", lease_expires_at=now + timedelta(seconds=20))
    dead = _job(store, age=PERIOD + 5, status="running", lease_expires_at=now - timedelta(seconds=PERIOD + 1))
    lapsed_lately = _job(store, age=PERIOD + 5, status="running", lease_expires_at=now - timedelta(seconds=5))
    finished = _job(store, age=PERIOD + 5, status="succeeded")
    taken = {job.id: job for job in take_lost(store.engine, PERIOD)}
    assert set(taken) == {lost, dead}, (fresh, debounced, running, lapsed_lately, finished)
    assert taken[lost].kind == "ingest" and taken[lost].owner == "cli"
    # taken once: the next sweep within the period finds nothing, one period later it finds them again
    assert take_lost(store.engine, PERIOD) == []
    later = datetime.now(UTC) + timedelta(seconds=PERIOD + 1)
    assert {job.id for job in take_lost(store.engine, PERIOD, now=later)} >= {lost, dead, fresh}


def test_a_reconciliation_waiting_for_the_one_running_is_not_lost(store: CatalogStore) -> None:
    now = datetime.now(UTC)
    waiting = _job(store, age=PERIOD + 5, kind="reconcile")
    running = _job(store, age=PERIOD + 5, kind="reconcile", status="running",
                   lease_expires_at=now + timedelta(seconds=20))  # fmt: skip
    assert take_lost(store.engine, PERIOD) == []
    with Session(store.engine) as session, session.begin():  # the running one's worker died
        session.execute(update(JobRow).where(JobRow.id == running)
                        .values(lease_expires_at=now - timedelta(seconds=PERIOD + 1)))  # fmt: skip
    assert {job.id for job in take_lost(store.engine, PERIOD)} == {waiting, running}


def test_workers_sweeping_at_once_take_each_lost_job_once(store: CatalogStore) -> None:
    lost = {_job(store, age=PERIOD + 5) for _ in range(12)}
    claimed = _job(store, age=PERIOD + 5)
    with Session(store.engine) as session, session.begin():  # a claimed job is no longer lost, even if old
        session.execute(update(JobRow).where(JobRow.id == claimed).values(status="running",
                        lease_expires_at=datetime.now(UTC) + timedelta(seconds=30)))  # fmt: skip
    now = datetime.now(UTC)
    start = threading.Barrier(4)
    results: list[list[str]] = []

    def sweeper() -> None:
        start.wait()
        results.append([job.id for job in take_lost(store.engine, PERIOD, now=now)])

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [job_id for result in results for job_id in result]
    assert sorted(every) == sorted(lost)  # each once, across all four


def test_a_sweep_runs_often_enough_for_its_period() -> None:
    assert interval(10) == 2 and interval(1) == 1 and interval(420) == 30


def test_the_periods_and_the_queue_come_from_the_settings() -> None:
    settings = Settings.from_env(broker_url="redis://127.0.0.1:6379/0", processing_timeout_seconds=60)
    assert settings.task_queue == "danhmuc" and settings.resend_seconds == settings.redelivery_seconds == 180
    assert Settings.from_env(task_resend_seconds=5).resend_seconds == 5
    with pytest.raises(SettingsError, match="DANHMUC_TASK_QUEUE"):
        Settings.from_env(task_queue="hàng đợi chung")
    # the hard limit follows the soft one by 15 s, or by the soft limit itself when that is shorter
    assert hard_limit(300) == 315 and hard_limit(3) == 6
