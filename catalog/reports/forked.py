"""Part of the report written by a forked child process beside the parent: two CPUs instead of one.

The child is a copy of the parent at the fork: the open read transaction (one snapshot for both), the
report's keys and layout, the half-built workbook and HTML sections. It writes its own files (HTML
pages, JSON parts, rows into the workbook's temporary files, which the parent's descriptors share) and
sends back a small picklable result through a pipe; it never closes, commits or flushes anything of
the parent's (it leaves by ``os._exit``).

Only on SQLite: there the child reads through the inherited connection inside the parent's open WAL
read transaction (the parent holds the read lock and waits for the child before it ends), so both see
the same snapshot; SQLite only reads with pread and keeps its page cache in process memory. A
PostgreSQL connection is a socket with protocol state that two processes cannot share: there the part
runs in the parent, before the rest (``in_parent``).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The forked part raised: its traceback, as text (exceptions do not always pickle)."""


class Part(Generic[T]):
    """A part of the work: ``result()`` waits for it (``cancel()`` when the parent gives up)."""

    def __init__(self, value: T | None = None, pid: int = 0, pipe: int = -1) -> None:
        self._value, self._pid, self._pipe = value, pid, pipe

    def result(self) -> T:
        if self._pid:
            with os.fdopen(self._pipe, "rb") as pipe:
                payload = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            if not payload:
                raise ChildFailed(f"tiến trình con kết thúc bất thường / child process died (status {status})")
            ok, value = pickle.loads(payload)
            if not ok:
                raise ChildFailed(value)
            self._value = value
        assert self._value is not None
        return self._value

    def cancel(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._pipe)
            self._pid = 0


def can_fork() -> bool:
    """Only a process of one thread forks: another thread may hold a lock of SQLite or another C
    library at that instant, and the child, which has only the forking thread, would wait on it forever
    (``danhmuc report`` and the demo are one thread; a server or a test process may not be)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def in_parent(work: Callable[[], T]) -> Part[T]:
    return Part(work())


def in_child(work: Callable[[], T]) -> Part[T]:
    """``work`` run in a forked child; the parent goes on at once."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        status = 0
        try:
            try:
                payload = pickle.dumps((True, work()))
            except BaseException:  # noqa: B036 — any failure is reported to the parent, which raises it
                payload, status = pickle.dumps((False, traceback.format_exc())), 1
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(status)
    os.close(write)
    return Part(pid=pid, pipe=read)
