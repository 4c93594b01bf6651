"""``danhmuc worker``: one Celery worker (a main process and ``concurrency`` extraction processes)."""

from __future__ import annotations

import os
import socket

from api.cluster.app import configure
from api.settings import Settings, SettingsError, variable_name


def run_worker(settings: Settings, *, concurrency: int | None = None, name: str | None = None,
               loglevel: str = "INFO") -> None:  # fmt: skip
    """Run until stopped (SIGTERM: finish the tasks in hand, then exit; SIGKILL: they go to another worker)."""
    if not settings.uses_celery:
        raise SettingsError(
            "Chưa cấu hình hàng đợi: đặt DANHMUC_BROKER_URL (ví dụ redis://127.0.0.1:6379/0).",
            "No queue configured: set DANHMUC_BROKER_URL (for example redis://127.0.0.1:6379/0).",
        )
    from api.serve import warn_about_maintenance
    from catalog.store import CatalogStore

    with CatalogStore(settings.database_url) as store:  # the schema at head once here, not raced by every process
        warn_about_maintenance(store.engine)
    worker_name = name or f"danhmuc-{os.getpid()}"
    # Leases name the worker: the forked processes inherit the configured settings, and the variable
    # carries the name to a process that reads its settings afresh.
    settings = settings.model_copy(update={"worker_name": f"{worker_name}@{socket.gethostname()}"})
    os.environ[variable_name("worker_name")] = settings.worker_name
    app = configure(settings)
    import api.cluster.tasks  # noqa: F401 - registers the tasks on the application

    app.worker_main([
        "worker", f"--loglevel={loglevel}", f"--concurrency={concurrency or os.cpu_count() or 1}",
        f"--hostname={worker_name}@%h", f"--queues={settings.task_queue}", "--without-gossip", "--without-mingle",
        "--pool=prefork",
    ])  # fmt: skip
