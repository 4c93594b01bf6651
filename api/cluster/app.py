"""The Celery application, configured from the service settings (one place for every delivery rule).

Delivery: a task is acknowledged only when it finished (``acks_late``), and a worker process that
dies mid-task has its task put back (``reject_on_worker_lost``); a worker whose whole host vanished
leaves its task unacknowledged in Redis, where another worker restores it after
``visibility_timeout``. Every task is idempotent (jobs are claimed in the database, documents are
stored once by hash), so a task run twice changes nothing the second time. A hard time limit kills
the worker process, the only way to stop a parser stuck in C code; the soft limit before it lets a
Python parser fail cleanly with the usual error. A message the broker lost outright (Redis flushed,
restarted without persistence) is sent again by a worker's sweeper (api/cluster/sweeper.py).
"""

from __future__ import annotations

from celery import Celery

from api.settings import Settings
from extract.safety import DEFAULT_WORKER_MAX_RSS_MIB, env_int

EXTRACT_TASK = "danhmuc.extract"
RECONCILE_TASK = "danhmuc.reconcile"
HARD_LIMIT_GRACE_SECONDS = 15.0  # after the soft limit, before the process is killed (at most the limit itself)
RECONCILE_TIME_LIMIT_SECONDS = 3600.0
RESTORE_INTERVAL_SECONDS = 5  # how often a worker looks for tasks of vanished workers to restore

celery_app = Celery("danhmuc", set_as_current=False)
_settings: Settings | None = None


def configure(settings: Settings) -> Celery:
    """Point the application at ``settings.broker_url``; idempotent for the same settings."""
    global _settings
    _settings = settings
    limit = settings.processing_timeout_seconds
    celery_app.conf.update(
        broker_url=settings.broker_url,
        task_default_queue=settings.task_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,  # a timed-out or failed job is finished (failed), not retried forever
        task_ignore_result=True,  # the jobs table is the result: no result backend to run
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,  # a worker holds no more tasks than it runs: the others take the rest
        task_soft_time_limit=limit,
        task_time_limit=hard_limit(limit),
        broker_transport_options={
            "visibility_timeout": settings.redelivery_seconds,
            "unacked_restore_interval": RESTORE_INTERVAL_SECONDS,
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        # glibc keeps a large document's peak: such a worker process is replaced after its task
        worker_max_memory_per_child=env_int("DANHMUC_WORKER_MAX_RSS_MIB", DEFAULT_WORKER_MAX_RSS_MIB) * 1024,
        worker_send_task_events=False,
        worker_hijack_root_logger=False,
    )
    return celery_app


def hard_limit(soft_limit: float) -> float:
    """When a task still running past its soft limit (stuck where Python cannot raise) is killed."""
    return soft_limit + min(HARD_LIMIT_GRACE_SECONDS, soft_limit)


def settings() -> Settings:
    """The settings the application was configured with (a worker reads them from its environment)."""
    global _settings
    if _settings is None:
        configure(Settings.from_env())
    assert _settings is not None
    return _settings
