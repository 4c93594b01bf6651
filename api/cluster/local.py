"""Start real ``danhmuc worker`` processes on this host, for tests and benchmarks.

Each worker gets a working directory and data folder of its own, so nothing but the broker and
the database is shared, as between hosts; each runs in a session of its own, so a test can kill a
worker with all its extraction processes at once (``kill -9`` on the group), like a lost host.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_MARK = b" ready."


@dataclass
class RunningWorker:
    name: str
    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def log(self) -> str:
        return (self.folder / "worker.log").read_text(errors="replace")

    def kill(self) -> None:
        """``kill -9`` the worker and every process it started."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()  # warm shutdown: the task in hand finishes
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def running_worker(name: str, folder: Path, *, database_url: str, broker_url: str, concurrency: int = 1,
                   startup_seconds: float = 120.0, **settings: str) -> Iterator[RunningWorker]:  # fmt: skip
    """A live worker named ``name`` working in ``folder``; ``settings`` are DANHMUC_* variables without the prefix."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        "DANHMUC_BROKER_URL": broker_url,
        "DANHMUC_DATA_DIR": str(folder / "data"),
        **{f"DANHMUC_{key.upper()}": value for key, value in settings.items()},
    }
    log_path = folder / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "danhmuc.cli", "worker", f"--name={name}", f"--concurrency={concurrency}"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = RunningWorker(name, process, folder)
    try:
        deadline = time.monotonic() + startup_seconds
        while READY_MARK not in log_path.read_bytes():
            if process.poll() is not None:
                raise RuntimeError(f"worker {name} exited: {worker.log[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {name} did not start in time: {worker.log[-3000:]}")
            time.sleep(0.2)
        yield worker
    finally:
        worker.stop()


@contextmanager
def running_workers(count: int, root: Path, **options: str | int) -> Iterator[list[RunningWorker]]:
    """``count`` workers ``w1``…, each in ``root/wN``; the same options as :func:`running_worker`."""
    with ExitStack() as stack:
        yield [stack.enter_context(running_worker(f"w{n}", root / f"w{n}", **options))  # type: ignore[arg-type]
               for n in range(1, count + 1)]  # fmt: skip
