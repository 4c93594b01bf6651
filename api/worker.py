"""One worker process, kept warm, that extracts and stores documents and runs reconciliations.

Extraction runs in a separate process because a parser stuck on a hostile file cannot be
stopped from a thread; the process imports the pipeline once (that is the slow part) and then
takes one request at a time over a pipe. The process also writes what it produced, on its own
connection to the store (the URL is handed over at start): a large document is built, validated
and inserted there, and the server receives a summary of a few fields. Parsing a 100,000-row
document in the server took ~15 s of its interpreter, long enough for uvicorn's supervisor to
take the silent server process for hung and kill it. Reconciliations run here for the same
reason: matching every document is seconds of pure Python that the server's event loop must not share.

The parent measures the time limit from the moment it hands a request over, so a slow start-up
is never blamed on a document; on a timeout the process is killed, and since the store writes a
document in one transaction, a killed process leaves either the whole document or nothing.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from extract.safety import DEFAULT_WORKER_MAX_RSS_MIB, env_int

if TYPE_CHECKING:
    from catalog.store import CatalogStore
    from extract.progress import PageListener

STARTUP_SECONDS = 180.0


def worker_max_rss_mib() -> int:
    return env_int("DANHMUC_WORKER_MAX_RSS_MIB", DEFAULT_WORKER_MAX_RSS_MIB)


class WorkFailure(Exception):
    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code, self.message_vi, self.message_en = code, message_vi, message_en


@dataclass(frozen=True, slots=True)
class IngestRequest:
    source: str  # the uploaded bytes on disk (the blob)
    name: str  # the file name the document's provenance shows
    path: str  # the path recorded in the store (same path, new content = new version)


@dataclass(frozen=True, slots=True)
class ReconcileRequest:
    pass


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """What the server learns about a stored document: enough for the job, never the document itself."""

    document_id: str
    status: str  # the store's outcome: ingested, new_version, duplicate, unchanged
    entries: int
    tasks: int
    tables: int
    warnings: int


@dataclass(frozen=True, slots=True)
class Reconciled:
    datasets: int
    entries: int


WARM_UP_TEXT = """ỦY BAN NHÂN DÂN TỈNH A
Số: 1/KH-UBND
KẾ HOẠCH
Triển khai dữ liệu năm 2026
I. MỤC ĐÍCH
1. Xây dựng cơ sở dữ liệu hộ nghèo; thời gian: Quý III/2026; đơn vị chủ trì: Sở Y tế.
"""


def _warm_up(process: Callable[..., object]) -> None:
    """Load the models the pipeline loads lazily, so the first real document is not charged for them."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "warm-up.txt"
        sample.write_text(WARM_UP_TEXT, encoding="utf-8")
        try:
            process(sample, name="warm-up.txt")
            import matching  # noqa: F401 - reconciliations run here too; the first one should not pay the import
        except Exception:  # noqa: BLE001 - warming is best effort; real documents report their errors
            pass


def _ingest(store: CatalogStore, request: IngestRequest, on_pages: PageListener) -> StoredDocument:
    from sqlalchemy.exc import IntegrityError

    from extract import progress
    from nlp.pipeline import process_file

    with progress.reporting(on_pages):  # throttled here, so the pipe carries a few messages per file
        document = process_file(request.source, name=request.name)
    try:
        status = store.add_document(document, path=request.path).status.value
    except IntegrityError:
        # Another writer (a second server, a CLI ingest) stored the same bytes between the server's
        # check and this insert: the unique hash refused the copy; record the path only.
        known = store.add_known_content(request.path, document.sha256)
        status = known.status.value if known else "duplicate"
    return StoredDocument(
        document_id=document.sha256, status=status, entries=len(document.catalog), tasks=len(document.tasks),
        tables=len(document.tables), warnings=len(document.warnings),
    )  # fmt: skip


def _reconcile(store: CatalogStore) -> Reconciled:
    result = store.reconcile(workers=1)
    return Reconciled(datasets=result.dataset_count, entries=result.entry_count)


def _child_main(connection: Connection, database_url: str | None) -> None:
    from extract.errors import DanhmucError
    from extract.processes import die_with_parent
    from extract.safety import peak_rss_mib, release_memory, reset_peak_rss
    from nlp.pipeline import process_file

    die_with_parent()  # a server killed with -9 must not leave its extraction (and OCR) processes behind

    _warm_up(process_file)
    store: CatalogStore | None = None
    connection.send(("ready",))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            break
        if request is None:
            break
        reset_peak_rss()  # the peak reported is this request's
        answer: tuple[object, ...]
        try:
            if store is None:
                from catalog.store import CatalogStore

                store = CatalogStore(database_url)  # its own engine: connections never cross processes
            reply: StoredDocument | Reconciled = (
                _ingest(store, request, lambda done, total: connection.send(("pages", done, total)))
                if isinstance(request, IngestRequest)
                else _reconcile(store)
            )
        except DanhmucError as error:
            answer = ("error", error.code, error.message_vi, error.message_en)
        except Exception as error:  # noqa: BLE001 - reported on the job, the worker lives on
            detail = f"{type(error).__name__}: {error}"[:300]
            if isinstance(request, IngestRequest):
                answer = ("error", "processing_failed", f"Xử lý tài liệu thất bại ({detail}).",
                          f"Processing the document failed ({detail}).")  # fmt: skip
            else:
                answer = ("error", "reconcile_failed", f"Hợp nhất danh mục thất bại ({detail}).",
                          f"Reconciling the catalog failed ({detail}).")  # fmt: skip
        else:
            answer = ("ok", reply)
        release_memory()
        # The peak goes with every reply: the parent replaces a worker whose peak stays high.
        connection.send((*answer, peak_rss_mib()))
    if store is not None:
        store.close()


class ExtractionWorker:
    def __init__(self, database_url: str | None = None) -> None:
        self._context = multiprocessing.get_context("spawn")  # safe next to the server's threads
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self.database_url = database_url

    def _ensure_started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self.stop()
        parent, child = self._context.Pipe()
        # Not a daemon: the reader may start processes of its own (OCR runs pages in a pool), which a
        # daemonic process may not. It still ends with the server: it exits when the pipe closes.
        process = self._context.Process(
            target=_child_main, args=(child, self.database_url), daemon=False, name="danhmuc-extract"
        )
        process.start()
        child.close()
        if not parent.poll(STARTUP_SECONDS):
            process.kill()
            raise WorkFailure(
                "worker_unavailable",
                "Tiến trình xử lý không khởi động được; hãy thử lại sau.",
                "The processing worker did not start; retry later.",
            )
        parent.recv()
        self._process, self._connection = process, parent
        return parent

    def warm(self) -> None:
        """Start the process now, so the first upload does not wait for the pipeline's imports."""
        try:
            self._ensure_started()
        except WorkFailure:
            pass  # retried on the first job, which then reports the failure

    def ingest(
        self, source: str, name: str, path: str, timeout: float, on_pages: PageListener | None = None
    ) -> StoredDocument:
        """Extract ``source`` and store it as ``path``, in the worker process; the summary of what was stored.

        ``on_pages(done, total)`` is called in this thread as the worker reads pages (already throttled).
        """
        reply = self._ask(IngestRequest(source=source, name=name, path=path), timeout, on_pages)
        assert isinstance(reply, StoredDocument)
        return reply

    def reconcile(self, timeout: float) -> Reconciled:
        """Match every current document and save the catalog, in the worker process."""
        reply = self._ask(ReconcileRequest(), timeout)
        assert isinstance(reply, Reconciled)
        return reply

    def _ask(
        self, request: IngestRequest | ReconcileRequest, timeout: float, on_pages: PageListener | None = None
    ) -> StoredDocument | Reconciled:
        connection = self._ensure_started()
        deadline = time.monotonic() + timeout  # page reports do not extend the limit
        try:
            connection.send(request)
            while True:
                ready = connection.poll(max(0.0, deadline - time.monotonic()))
                reply = connection.recv() if ready else None
                if reply is None or reply[0] != "pages":
                    break
                if on_pages is not None:
                    on_pages(reply[1], reply[2])
        except (EOFError, OSError):
            self.stop()
            raise WorkFailure(
                "processing_crashed",
                "Tiến trình xử lý bị dừng đột ngột khi đọc tài liệu này (tệp có thể gây lỗi bộ đọc).",
                "The processing worker died while reading this document (the file may crash the reader).",
            ) from None
        if reply is None:
            self.stop()  # the only way to stop a parser stuck in C code
            raise WorkFailure(
                "processing_timeout",
                f"Xử lý tài liệu vượt quá thời gian cho phép ({timeout:g} giây) và đã bị dừng.",
                f"Processing the document exceeded the time limit ({timeout:g} s) and was stopped.",
            )
        *reply, peak_mib = reply
        if peak_mib > worker_max_rss_mib():
            # glibc rarely gives a large peak back to the system: a fresh process costs a start-up,
            # a kept one would hold gigabytes between documents. The reply is already read.
            self.stop()
        if reply[0] == "ok":
            result: StoredDocument | Reconciled = reply[1]
            return result
        raise WorkFailure(reply[1], reply[2], reply[3])

    def stop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.send(None)
            except (OSError, ValueError):
                pass
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=0.5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=5)
        self._process, self._connection = None, None
