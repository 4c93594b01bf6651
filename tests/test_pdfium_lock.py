"""The web server's request threads call PDFium one at a time (extract/pdf/native.py).

PDFium is not thread-safe; two request threads inside it at once can end the server with SIGTRAP
(seen as a browser test's server exiting with -5 and no traceback). Holding the lock here must keep
a request's PDFium work waiting.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from api.routes.documents import _typed
from extract.model import SourceFormat
from extract.pdf.native import PDFIUM_LOCK

TYPED_PDF = Path(__file__).resolve().parents[1] / "corpus" / "docs" / "bac_ninh_ke_hoach_2026.pdf"


def test_an_upload_text_layer_check_waits_for_the_pdfium_lock() -> None:
    data = TYPED_PDF.read_bytes()
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(_typed(data, SourceFormat.PDF)))
    with PDFIUM_LOCK:
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive() and results == []  # inside PDFium only once the lock is free
    worker.join(timeout=30)
    assert results == [True]


def test_the_lock_is_reentrant_for_nested_pdfium_calls() -> None:
    started = time.monotonic()
    with PDFIUM_LOCK:
        assert _typed(TYPED_PDF.read_bytes(), SourceFormat.PDF) is True
    assert time.monotonic() - started < 30
