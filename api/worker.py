"""One extraction worker process, kept warm, killed and replaced when a document takes too long.

Extraction runs in a separate process because a parser stuck on a hostile file cannot be
stopped from a thread; the process imports the pipeline once (that is the slow part) and then
takes one document at a time over a pipe. The parent measures the time limit from the moment
it hands the document over, so a slow start-up is never blamed on a document.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from extract.model import Document
from extract.safety import DEFAULT_WORKER_MAX_RSS_MIB, env_int

STARTUP_SECONDS = 180.0


def worker_max_rss_mib() -> int:
    return env_int("DANHMUC_WORKER_MAX_RSS_MIB", DEFAULT_WORKER_MAX_RSS_MIB)


class WorkFailure(Exception):
    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code, self.message_vi, self.message_en = code, message_vi, message_en


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
        except Exception:  # noqa: BLE001 - warming is best effort; real documents report their errors
            pass


def _child_main(connection: Connection) -> None:
    from danhmuc.errors import DanhmucError
    from danhmuc.pipeline import process_file
    from extract.processes import die_with_parent
    from extract.safety import peak_rss_mib, release_memory, reset_peak_rss

    die_with_parent()  # a server killed with -9 must not leave its extraction (and OCR) processes behind

    _warm_up(process_file)
    connection.send(("ready",))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        path, name = request
        reply: tuple[str, ...]
        reset_peak_rss()  # the peak reported is this document's
        try:
            document = process_file(path, name=name)
        except DanhmucError as error:
            reply = ("error", error.code, error.message_vi, error.message_en)
        except Exception as error:  # noqa: BLE001 - reported on the job, the worker lives on
            detail = f"{type(error).__name__}: {error}"[:300]
            reply = ("error", "processing_failed", f"Xử lý tài liệu thất bại ({detail}).",
                     f"Processing the document failed ({detail}).")  # fmt: skip
        else:
            reply = ("ok", document.model_dump_json())
            del document
        release_memory()
        # The peak goes with every reply: the parent replaces a worker whose peak stays high.
        connection.send((*reply, peak_rss_mib()))


class ExtractionWorker:
    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")  # safe next to the server's threads
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    def _ensure_started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self.stop()
        parent, child = self._context.Pipe()
        # Not a daemon: the reader may start processes of its own (OCR runs pages in a pool), which a
        # daemonic process may not. It still ends with the server: it exits when the pipe closes.
        process = self._context.Process(target=_child_main, args=(child,), daemon=False, name="danhmuc-extract")
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

    def extract(self, path: str, name: str, timeout: float) -> Document:
        connection = self._ensure_started()
        connection.send((path, name))
        try:
            ready = connection.poll(timeout)
            reply = connection.recv() if ready else None
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
            return Document.model_validate_json(reply[1])
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
