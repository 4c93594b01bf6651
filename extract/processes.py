"""Bounds on processes: children that die with their parent, and a time limit per file.

Extraction runs in helper processes (the API's extraction worker, ``danhmuc ingest``'s pool, the OCR
page pool). When their parent is killed (``kill -9``, a timeout that kills the extraction worker, a
crash), Linux would re-parent them to PID 1 and let them compute on. ``PR_SET_PDEATHSIG`` asks the
kernel to send SIGKILL to the child the moment the thread that created it ends; every pool here is
created by a thread that lives as long as the pool (the main thread, or the extraction call), so
"the thread ends" means "the parent is gone or done". A no-op where prctl does not exist.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from extract.errors import LimitExceededError

PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Ask to be killed when the parent ends; True when the kernel took the request.

    Called first thing in a child. If the parent already died before the call (a race on a loaded
    machine), the child ends itself at once instead of living on as an orphan.
    """
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent == 1 or os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return True


# The guard around an external command (soffice, antiword). PDEATHSIG set in the command itself
# would not reach its own children (``soffice`` execs ``oosplash``, which forks ``soffice.bin``), and
# set from ``preexec_fn`` it is unsafe beside threads. So a tiny Python guard, leader of the command's
# session, takes SIGTERM when its parent ends and then kills its whole process group.
_GUARD = """
import os, signal, sys
def end(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGTERM, end)
try:
    import ctypes
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM, 0, 0, 0)
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    end()
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
sys.exit(code if code >= 0 else 128 - code)
"""


def guarded_command(command: list[str]) -> list[str]:
    """``command`` run under a guard that kills it, and everything it started, when this process ends.

    Run the result with ``start_new_session=True`` so the guard leads the group it kills. Linux only;
    elsewhere ``command`` is returned as it is.
    """
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-I", "-S", "-c", _GUARD, str(os.getpid()), *command]


DEFAULT_TIMEOUT_SECONDS = 300.0  # as the API's DANHMUC_PROCESSING_TIMEOUT


@contextmanager
def time_limit(seconds: float | None, source: str) -> Iterator[None]:
    """Bound the work of one file: ``LimitExceededError`` once ``seconds`` of wall time have passed.

    A SIGALRM handler raises in Python code; a loop inside C code (which never returns to Python to
    see it) is ended by a CPU-time limit of twice the budget, whose default action kills the process,
    which the caller (a pool, the API's worker) reports as a crash. Only the main thread may take
    signals: elsewhere, or with ``seconds`` None/0, the block runs unbounded.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise LimitExceededError(
            source,
            f"xử lý quá {seconds:g} giây và đã bị dừng (tệp quá dài hoặc gây lỗi bộ đọc)",
            f"processing took more than {seconds:g} s and was stopped (a very long file, or one that traps the reader)",
        )

    previous = signal.signal(signal.SIGALRM, expired)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    cap = int(used.ru_utime + used.ru_stime + 2 * seconds + 5)
    if hard == resource.RLIM_INFINITY or cap < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
