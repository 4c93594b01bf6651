"""One lock for PDFium in a process whose threads may call it.

PDFium is not thread-safe (pypdfium2's README, "Incompatibility with Threading"): two threads inside
it at once can corrupt its global state, and its failed internal checks end the whole process with
SIGTRAP and no Python traceback. Extraction calls it in worker processes, one document at a time;
the web server calls it from request threads (an upload's text-layer check, a PDF's page count, a
page rendered for a reviewer), so those calls hold this lock.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
