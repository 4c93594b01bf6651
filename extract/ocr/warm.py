"""An OCR page pool kept for the life of a long-running process (a Celery worker process).

Without it, each multi-page scan spawns a fresh pool: every page process imports the pipeline
and loads Tesseract's model again, which was 11 % of all ingest CPU on an archive with 5 % scans.
A kept pool pays that once. A document's bytes reach the pool's processes through one temporary
file (each process reads it once per document), never pickled once per page; a pool that broke
(a page process died) is dropped and the document falls back to a pool of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Protocol

from extract import progress
from extract.processes import die_with_parent

_POOL: ProcessPoolExecutor | None = None
_LOADED: tuple[str, bytes] | None = None  # in a page process: the document it read last


class PageTask(Protocol):
    @property
    def data(self) -> bytes: ...

    @property
    def source(self) -> str: ...

    def __call__(self, number: int) -> object: ...


def _init_page_process() -> None:
    die_with_parent()
    try:
        from extract.ocr.engine import get_engine

        get_engine()  # the model loads now, not on the first page of the first scan
    except Exception:  # noqa: BLE001 - a page that needs the engine reports the failure itself
        pass


def keep_warm(workers: int) -> None:
    """Start the kept pool of this process (idempotent); later scans in this process use it."""
    global _POOL
    if _POOL is None:
        context = multiprocessing.get_context("spawn")
        _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_page_process)


def stop() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None


def _page(kind: Callable[[bytes, str], PageTask], path: str, source: str, number: int) -> object:
    global _LOADED
    if _LOADED is None or _LOADED[0] != path:
        _LOADED = (path, Path(path).read_bytes())
    return kind(_LOADED[1], source)(number)


def run_warm(numbers: list[int], task: PageTask, in_flight: int) -> list[object] | None:
    """The pages' results in order through the kept pool; None when there is no kept pool or it broke."""
    global _POOL
    pool = _POOL
    if pool is None:
        return None
    handle, name = tempfile.mkstemp(prefix="danhmuc-ocr-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(task.data)
        results: list[object] = []
        pending = []
        for number in numbers:
            pending.append(pool.submit(_page, type(task), name, task.source, number))
            if len(pending) >= in_flight:
                results.append(pending.pop(0).result())
                progress.page_done()
        for future in pending:
            results.append(future.result())
            progress.page_done()
        return results
    except BrokenProcessPool:
        stop()
        return None
    finally:
        Path(name).unlink(missing_ok=True)
