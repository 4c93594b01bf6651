"""The ingest's extraction processes, forked warm from a server that warms while the writer starts.

The workers were forked from the writer after it had loaded and warmed the pipeline (~0.9 CPU-s:
the readers, pdfplumber, the word-segmentation model), so they shared it copy-on-write instead of
each paying for it on its first file of each format. But the writer did that after its own start
(the command's imports, the store, the walk, the hashes: ~1.3 CPU-s), on one core with the other
idle, and no file was extracted meanwhile. Now a fork server (multiprocessing's ``forkserver``) is
started first: it loads and warms the pipeline (`warm_up`, through the preload module
catalog/ingest_warm.py) on the other core while the writer starts, and the pool's workers are forked
from it, warm. The workers share nothing else with the writer: no inherited database connection or
thread, and the environment they read is passed to them (`_worker_started`), since the server was
started with the writer's environment of that moment and may outlive it (one server per process).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from extract.processes import die_with_parent
from extract.safety import MemoryRelease

# One per worker process, so each starts from its own state.
MEMORY = MemoryRelease()

WARM_MODULE = "catalog.ingest_warm"


def _method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def start_warm_server() -> None:
    """Start the fork server (it warms the pipeline on its own): the sooner, the more overlaps.

    Idempotent. A server already running (started earlier in this process) is kept: warm already."""
    if _method() != "forkserver":
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WARM_MODULE])
    from multiprocessing import forkserver

    forkserver.ensure_running()


# Beside a reconciler, the workers yield the CPU to it (and to the writer, which feeds it). It is one
# process doing ~0.06 CPU-s a document, serial; at the same priority it got about its fair share of
# two cores shared with both workers (~half a core) and ended seconds after the last file with one core
# idle. Given priority it keeps up, waiting between the writer's documents (catalog/ingest_reconciler.py),
# and the workers take whatever it leaves: the same work, finished together. Four steps of nice give it
# ~2.4 times a worker's weight (CFS: 1024 against 423), its whole core while two workers run; more would
# only slow the workers further where other programs load the machine. The steps are the setting
# DANHMUC_INGEST_WORKER_NICE (catalog/settings.py; 0 on a host shared with other programs).
def pool(workers: int, nice: int = 0) -> ProcessPoolExecutor:
    start_warm_server()
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(_method()), initializer=_worker_started,
        initargs=(nice, dict(os.environ)),
    )  # fmt: skip


def _worker_started(nice: int, environment: dict[str, str]) -> None:
    die_with_parent()  # the server; it dies with the writer (catalog/ingest_warm.py)
    if os.environ != environment:  # the writer's, now: the server's is from when it started
        os.environ.clear()
        os.environ.update(environment)
    if nice:
        os.nice(nice)
    MEMORY.start()
    # Everything inherited from the server (the pipeline, its models and tables) lives for the whole
    # batch: out of the collector's sight, so its collections walk only what a document allocates
    # and never write to (and so copy) the pages shared with the server and the other worker.
    gc.freeze()


# A tiny typed document run through the whole pipeline once: it imports and fills what the pipeline
# loads on first use (the structure modules, the word-segmentation model).
WARM_TEXT = (
    "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 1/QĐ-UBND\n\nQUYẾT ĐỊNH\nVề việc ban hành danh mục cơ sở dữ liệu\n\n"
    "Điều 1. Ban hành danh mục.\n\n| STT | Tên cơ sở dữ liệu | Đơn vị |\n|---|---|---|\n"
    "| 1 | Cơ sở dữ liệu dân cư | Sở Tư pháp |\n"
)


def warm_up() -> None:
    """Load the pipeline, its readers and what they load lazily, once, in the process the workers
    are forked from: they then share them instead of each paying to import and load them on its
    first file of each format (~0.3 CPU-s for DOCX, ~0.5 for PDF, in every worker)."""
    import extract.docx_reader  # noqa: F401
    import extract.pdf.pdfium_source  # noqa: F401
    import extract.pdf.repair  # noqa: F401
    import extract.pdf.rules  # noqa: F401 - pdfplumber and pdfminer
    import extract.pdf_reader  # noqa: F401
    import extract.text_reader  # noqa: F401
    import nlp.pipeline  # noqa: F401

    try:
        from extract.api import extract_bytes
        from nlp.document import normalize_document

        normalize_document(extract_bytes(WARM_TEXT.encode(), "warm-up.txt"))
    except Exception:  # noqa: BLE001 - warming up is an optimisation; workers load it themselves
        pass
