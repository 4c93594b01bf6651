"""Faults a test asks for by setting: a parser stuck in C code, which only the hard time limit stops,
and a parser that swallows the soft limit's exception.

``DANHMUC_TEST_STALL_IN_C=<marker>`` in a worker's environment: a file whose name contains
``marker`` makes the worker process call libc's ``sleep`` with the soft limit's signal (and
SIGTERM) blocked. That is what a C parser looping without returning to the interpreter looks like
from outside: the soft limit's exception can never be raised, a polite SIGTERM is never acted on,
and only the worker's hard time limit (SIGKILL) ends it. Unset, as in every deployment, this does
nothing; it is read per file so that no other setting or code path changes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time

STALL_VARIABLE = "DANHMUC_TEST_STALL_IN_C"
STALL_SECONDS = 3600
# ``DANHMUC_TEST_SWALLOW_LIMIT=<marker>``: a file named so runs Python code that catches every
# exception (as a reader's ``except Exception`` fallback does) for ``seconds`` — the soft limit's
# exception is raised and swallowed, and the extraction returns as if nothing happened.
SWALLOW_VARIABLE = "DANHMUC_TEST_SWALLOW_LIMIT"


def stall_if_asked(filename: str) -> None:
    marker = os.environ.get(STALL_VARIABLE, "")
    if not marker or marker not in filename:
        return
    # Blocked, not ignored: libc's sleep is not interrupted by a blocked signal, as a C loop is not.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM, signal.SIGINT, signal.SIGALRM})
    ctypes.CDLL(None).sleep(STALL_SECONDS)


def swallow_if_asked(filename: str, seconds: float) -> None:
    marker = os.environ.get(SWALLOW_VARIABLE, "")
    if not marker or marker not in filename:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except Exception:  # noqa: BLE001, S110 - what the fault is: a fallback that swallows the soft limit
            pass
