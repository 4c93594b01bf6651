"""Child processes that die with their parent, whatever kills the parent.

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
import signal
import sys

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
