"""Batch ingest of an archive folder: extraction on every core, one writer, resumable after a kill.

Workers only extract (and turn the document into the column values of its rows); the parent
process alone writes, one transaction per document (the document, its rows, its file version and
its outcome together). A file whose path already shows
the same content is skipped before extraction, which is what makes a re-run after ``kill -9``
finish the remaining files with nothing lost or duplicated. Content already stored under another
path is recorded for the new path without extracting it again.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy.exc import DataError, IntegrityError

from catalog.blobs import Blobs
from catalog.cells import inert_row
from catalog.errors import ArchiveNotFoundError
from catalog.ingest_reconciler import Reconciler, batch_gc, concurrent_reconcile_safe
from catalog.progress import Progress
from catalog.records import FileOutcome, OutcomeStatus, ReconcileSummary
from catalog.rows import PreparedDocument, prepare
from catalog.settings import catalog_settings
from catalog.store import CatalogStore
from catalog.walk import DEFAULT_MAX_BYTES, Candidate, walk_archive
from extract.errors import DanhmucError
from extract.processes import DEFAULT_TIMEOUT_SECONDS, die_with_parent, time_limit
from extract.safety import MemoryRelease

HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a worker sends back: the document as the rows that store it, or why there is none."""

    status: OutcomeStatus
    prepared: PreparedDocument | None = None
    code: str = ""
    reason: str = ""
    seconds: float = 0.0


# One per worker process (forked from the parent, so each starts from the parent's state).
_MEMORY = MemoryRelease()


def extract_one(path: str, name: str, timeout: float | None = DEFAULT_TIMEOUT_SECONDS) -> Extracted:
    """Runs in a worker process; never raises, so one bad file cannot stop the batch."""

    started = time.perf_counter()
    outcome = _extract(path, name, timeout, started)
    # A pool worker lives for the whole batch: a large document's memory is given back after it
    # (only then: a full collection after every small document cost as much as extracting it).
    _MEMORY.after_document()
    return outcome


def _extract(path: str, name: str, timeout: float | None, started: float) -> Extracted:
    from extract.errors import UnsupportedFormatError
    from nlp.pipeline import process_file

    try:
        with time_limit(timeout, name):
            document = process_file(path, name=name)
    except UnsupportedFormatError as error:
        return Extracted(OutcomeStatus.SKIPPED, code=error.code, reason=error.describe())
    except DanhmucError as error:
        return Extracted(OutcomeStatus.FAILED, code=error.code, reason=error.describe())
    except Exception as error:  # noqa: BLE001 - a reader bug on one file becomes that file's failure
        return Extracted(
            OutcomeStatus.FAILED, code="internal_error", reason=f"{type(error).__name__}: {error}"
        )
    # The rows are built here, in parallel, not by the one writer (which then only inserts them).
    return Extracted(OutcomeStatus.INGESTED, prepared=prepare(document), seconds=time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class _Job:
    key: str  # the path as stored: absolute, posix
    candidate: Candidate
    sha256: str


PlannedFile = _Job


class RemoteExtraction(Protocol):
    """Extraction elsewhere (Celery workers, api/cluster/ingest.py) instead of this host's process pool.

    ``run`` hands every planned file over and calls ``done`` with each file's outcome once the
    remote side has recorded it in the store under ``run_id``; ``reconcile`` reconciles there too.
    """

    workers: int

    def run(self, store: CatalogStore, run_id: int, files: list[PlannedFile],
            done: Callable[[PlannedFile, FileOutcome], None]) -> None: ...  # fmt: skip

    def reconcile(self, store: CatalogStore) -> None: ...


@dataclass
class IngestReport:
    run_id: int
    root: str
    workers: int
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    extracted: int = 0  # files that went through extraction (the throughput figure counts these)
    errors_csv: Path | None = None
    reconciliation: ReconcileSummary | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status.value for outcome in self.outcomes)

    @property
    def files_per_second(self) -> float:
        return self.extracted / self.seconds if self.seconds > 0 else 0.0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ingest_directory(
    store: CatalogStore,
    root: Path,
    *,
    workers: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    errors_csv: Path | None = None,
    progress: TextIO | None = None,
    reconcile: bool = True,
    blobs: Blobs | None = None,
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
    remote: RemoteExtraction | None = None,
) -> IngestReport:
    """``blobs``: where to keep a copy of each stored file's bytes (what the API serves as the original);
    ``timeout``: seconds one file may take (None: no limit), past which it fails with ``limit_exceeded``;
    ``remote``: extract (and reconcile) there instead of in a process pool here."""
    if not root.is_dir():
        raise ArchiveNotFoundError(str(root))
    workers = remote.workers if remote is not None else max(1, workers or os.cpu_count() or 1)
    root = root.resolve()
    walked = walk_archive(root, max_bytes=max_bytes)
    run_id = store.start_run(
        str(root), workers=workers, total_files=len(walked.candidates) + len(walked.rejected)
    )
    report = IngestReport(run_id=run_id, root=str(root), workers=workers)
    started = time.perf_counter()
    rejected = [
        FileOutcome(path=r.path.as_posix(), status=OutcomeStatus.SKIPPED, code=r.code, reason=r.reason)
        for r in walked.rejected
    ]
    store.record_outcomes(run_id, rejected)
    report.outcomes += rejected

    bar = Progress(len(walked.candidates), progress) if progress is not None else None
    jobs, waiting, replaces = _plan(store, run_id, walked.candidates, report, bar, blobs)
    # Reconciling during the extraction, when that cannot change the result (catalog/ingest_reconciler.py).
    reconciler = None
    if jobs and reconcile and remote is None and concurrent_reconcile_safe(store, (j.sha256 for j in jobs), replaces):
        jobs.sort(key=lambda job: job.sha256)  # stored in this order: the order one run at the end places them
        reconciler = Reconciler(store)
    _run_jobs(store, run_id, jobs, waiting, report, bar, _Extraction(workers, blobs, timeout, remote, reconciler))
    if bar is not None:
        bar.close()
    report.seconds = time.perf_counter() - started
    if errors_csv is not None:
        write_errors_csv(errors_csv, report.outcomes)
        report.errors_csv = errors_csv
    store.finish_run(run_id)
    if reconcile:
        _reconcile_after(store, report, progress, workers, remote, reconciler)
    return report


@dataclass(frozen=True)
class _Extraction:
    """How an ingest's files are extracted: here in `workers` processes, or `remote`ly."""

    workers: int
    blobs: Blobs | None
    timeout: float | None
    remote: RemoteExtraction | None
    reconciler: Reconciler | None


def _run_jobs(store: CatalogStore, run_id: int, jobs: list[_Job], waiting: dict[str, list[_Job]],
              report: IngestReport, bar: Progress | None, how: _Extraction) -> None:  # fmt: skip
    remote = how.remote
    try:
        if jobs and remote is not None:
            remote.run(store, run_id, jobs, lambda job, outcome: _settle_remote(
                store, run_id, job, outcome, waiting.pop(job.sha256, []), report, bar))  # fmt: skip
        elif jobs:
            _extract_all(store, run_id, jobs, waiting, how.workers, report, bar, how.blobs, how.timeout,
                         how.reconciler)  # fmt: skip
    except BaseException:
        if how.reconciler is not None:
            how.reconciler.kill()
        raise


def _reconcile_after(store: CatalogStore, report: IngestReport, progress: TextIO | None, workers: int,
                     remote: RemoteExtraction | None, reconciler: Reconciler | None) -> None:  # fmt: skip
    if progress is not None:
        progress.write("Hợp nhất nốt danh mục (bắt đầu trong khi nạp) / finishing the reconciliation begun "
                       "during the ingest…\n" if reconciler is not None else
                       "Hợp nhất danh mục / reconciling the catalog…\n")  # fmt: skip
        progress.flush()
    if reconciler is not None:
        reconciler.finish()  # its current run places what is still pending; the run below finds the rest
    if remote is not None:
        remote.reconcile(store)
    else:
        store.reconcile(workers=workers)
    report.reconciliation = store.last_reconciliation()


def _plan(
    store: CatalogStore,
    run_id: int,
    candidates: list[Candidate],
    report: IngestReport,
    bar: Progress | None,
    blobs: Blobs | None,
) -> tuple[list[_Job], dict[str, list[_Job]], bool]:
    """Hash every candidate; settle the ones whose content is known; return what needs extracting,
    the other paths waiting for the same bytes, and whether one of them replaces a current version."""
    current = store.current_contents()
    known = store.known_sha256()
    jobs: list[_Job] = []
    waiting: dict[str, list[_Job]] = {}  # sha256 being extracted -> other paths with the same bytes
    settled: list[FileOutcome] = []
    replaces = False
    for candidate in candidates:
        key = candidate.path.as_posix()
        try:
            sha = sha256_of(candidate.path)
        except OSError as error:
            reason = f"không đọc được tệp / cannot read the file: {error.strerror or error}"
            settled.append(
                FileOutcome(path=key, status=OutcomeStatus.SKIPPED, code="unreadable", reason=reason)
            )
            continue
        if (current.get(key) == sha or sha in known) and blobs is not None:
            blobs.put_file(sha, candidate.path)  # stored before originals were kept: keep it now
        if current.get(key) == sha:
            settled.append(FileOutcome(path=key, status=OutcomeStatus.UNCHANGED, sha256=sha))
        elif sha in known:
            added = store.add_known_content(key, sha, run_id=run_id)
            if added is not None:
                report.outcomes.append(FileOutcome(path=key, status=added.status, sha256=sha))
        elif sha in waiting:
            waiting[sha].append(_Job(key, candidate, sha))
            replaces = replaces or key in current
            continue
        else:
            jobs.append(_Job(key, candidate, sha))
            waiting[sha] = []
            replaces = replaces or key in current
            continue
        if bar is not None:
            bar.advance()
    store.record_outcomes(run_id, settled)
    report.outcomes += settled
    return jobs, waiting, replaces


# Beside a reconciler, the workers yield the CPU to it (and to the writer, which feeds it). It is one
# process doing ~0.06 CPU-s a document, serial; at the same priority it got about its fair share of
# two cores shared with both workers (~half a core) and ended seconds after the last file with one core
# idle. Given priority it keeps up, waiting between the writer's documents (catalog/ingest_reconciler.py),
# and the workers take whatever it leaves: the same work, finished together. Four steps of nice give it
# ~2.4 times a worker's weight (CFS: 1024 against 423), its whole core while two workers run; more would
# only slow the workers further where other programs load the machine. The steps are the setting
# DANHMUC_INGEST_WORKER_NICE (catalog/settings.py; 0 on a host shared with other programs).
def _pool(workers: int, nice: int = 0) -> ProcessPoolExecutor:
    # fork shares the already-imported pipeline with the workers; spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method), initializer=_worker_started,
        initargs=(nice,),
    )  # fmt: skip


def _worker_started(nice: int = 0) -> None:
    die_with_parent()
    if nice:
        os.nice(nice)
    _MEMORY.start()
    # Everything inherited from the parent (the pipeline, its models and tables) lives for the whole
    # batch: out of the collector's sight, so its collections walk only what a document allocates
    # and never write to (and so copy) the pages shared with the parent; and they come less often.
    batch_gc()


# A tiny typed document run through the whole pipeline once in the parent: it imports and fills
# what the pipeline loads on first use (the structure modules, the word-segmentation model).
_WARM_TEXT = (
    "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 1/QĐ-UBND\n\nQUYẾT ĐỊNH\nVề việc ban hành danh mục cơ sở dữ liệu\n\n"
    "Điều 1. Ban hành danh mục.\n\n| STT | Tên cơ sở dữ liệu | Đơn vị |\n|---|---|---|\n"
    "| 1 | Cơ sở dữ liệu dân cư | Sở Tư pháp |\n"
)


def _warm_up() -> None:
    """Load the pipeline, its readers and what they load lazily in the parent, once.

    Forked workers then share them copy-on-write instead of each paying to import and load them on
    its first file of each format (~0.3 CPU-s for DOCX, ~0.5 for PDF, in every worker).
    """
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

        normalize_document(extract_bytes(_WARM_TEXT.encode(), "warm-up.txt"))
    except Exception:  # noqa: BLE001 - warming up is an optimisation; workers load it themselves
        pass


def _extract_all(
    store: CatalogStore,
    run_id: int,
    jobs: list[_Job],
    waiting: dict[str, list[_Job]],
    workers: int,
    report: IngestReport,
    bar: Progress | None,
    blobs: Blobs | None,
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
    reconciler: Reconciler | None = None,
) -> None:
    """With a ``reconciler``, results are stored in the order of ``jobs`` (held until the ones
    before them are stored) and it is told of each: its runs then place them in that order."""
    _warm_up()
    queue: Iterator[tuple[int, _Job]] = enumerate(jobs)
    in_flight: dict[Future[Extracted], tuple[int, _Job]] = {}
    # Bounded, so a crash or Ctrl-C loses at most this many in-progress files. Beside a reconciler,
    # wider: the writer waits for the write lock while it places (~1 s a transaction), and the
    # workers go on extracting meanwhile; results are held (``ahead``) until those before them are stored.
    window = workers * (8 if reconciler is not None else 2)
    ahead = workers * 16 if reconciler is not None else 0
    held: dict[int, tuple[_Job, Extracted]] = {}
    next_index = 0
    store.engine.dispose()  # no open database connection may be inherited by a forked worker
    nice = catalog_settings().ingest_worker_nice if reconciler is not None else 0
    executor = _pool(workers, nice)
    originals = _Originals(blobs) if blobs is not None else None

    def finished(index: int, job: _Job, extracted: Extracted) -> None:
        nonlocal next_index
        if reconciler is None:
            _settle(store, run_id, job, extracted, waiting.pop(job.sha256, []), report, bar, originals)
            return
        held[index] = (job, extracted)
        while next_index in held:
            job, extracted = held.pop(next_index)
            next_index += 1
            _settle(store, run_id, job, extracted, waiting.pop(job.sha256, []), report, bar, originals)
            reconciler.stored()

    try:
        while True:
            while len(in_flight) < window and len(held) <= ahead and (item := next(queue, None)) is not None:
                index, job = item
                in_flight[
                    executor.submit(extract_one, job.candidate.path.as_posix(), job.candidate.relative, timeout)
                ] = (index, job)
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                index, job = in_flight.pop(future)
                try:
                    extracted = future.result()
                except BrokenProcessPool:
                    broken, extracted = True, _crashed()
                finished(index, job, extracted)
            if broken:  # the pool is gone: what was still running never finished; start a new pool
                for index, job in sorted(in_flight.values(), key=lambda item: item[0]):
                    finished(index, job, _crashed())
                in_flight.clear()
                executor.shutdown(wait=False, cancel_futures=True)
                if originals is not None:
                    originals.drain()  # the copying thread idle, holding nothing, when the new pool forks
                store.engine.dispose()
                executor = _pool(workers, nice)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        if originals is not None:
            originals.close(wait=False)  # copies not made yet are added by the re-run (_plan)
        raise
    if reconciler is not None:
        reconciler.writer_done()  # every document is stored: its last placing and step overlap what follows
    executor.shutdown(wait=True)
    if originals is not None:
        originals.close()


class _Originals:
    """The stored files' copies (``Blobs.put_file``), written by one thread beside the writer.

    Each copy is fsync'ed: done in the writer's loop it held up the next document's commit, while
    the workers waited for their results to be taken. The order is unchanged: a copy is queued after
    its document's commit, and a kill before it is made leaves a document whose copy a re-run adds.
    """

    def __init__(self, blobs: Blobs) -> None:
        self.blobs = blobs
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="danhmuc-originals")
        self._pending: list[Future[bool]] = []

    def put_file(self, sha256: str, source: Path) -> bool:
        self._pending.append(self._thread.submit(self.blobs.put_file, sha256, source))
        if len(self._pending) > 64:  # keep only the copies not made yet
            for future in [f for f in self._pending if f.done()]:
                future.result()  # a copy that raised: its error here, as it was in the writer's loop
                self._pending.remove(future)
        return True

    def drain(self) -> None:
        for future in self._pending:
            future.result()
        self._pending.clear()

    def close(self, *, wait: bool = True) -> None:
        self._thread.shutdown(wait=wait, cancel_futures=not wait)
        if wait:
            self.drain()


def _crashed() -> Extracted:
    return Extracted(
        OutcomeStatus.FAILED,
        code="worker_crashed",
        reason="tiến trình trích xuất bị dừng đột ngột (hết bộ nhớ?) / "
        "the extraction process died (out of memory?)",
    )


def _settle(
    store: CatalogStore,
    run_id: int,
    job: _Job,
    extracted: Extracted,
    same_bytes: list[_Job],
    report: IngestReport,
    bar: Progress | None,
    blobs: Blobs | _Originals | None,
) -> None:
    """Write one file's result (and of the other paths with the same bytes), one transaction each."""
    report.extracted += 1
    if extracted.status is OutcomeStatus.INGESTED and extracted.prepared is not None:
        document = extracted.prepared
        try:
            try:
                added = store.add_document(document, path=job.key, run_id=run_id, seconds=extracted.seconds)
            except IntegrityError:  # another ingest stored the same content a moment ago: now it is known
                added = store.add_document(document, path=job.key, run_id=run_id, seconds=extracted.seconds)
        except (IntegrityError, DataError) as error:
            reason = f"không lưu được vào kho / could not be stored: {str(error.orig).strip()[:300]}"
            extracted = Extracted(OutcomeStatus.FAILED, code="store_error", reason=reason)
        else:
            if blobs is not None:  # after the commit: a crash in between leaves a document whose copy a re-run adds
                blobs.put_file(document.sha256, job.candidate.path)
            outcomes = [FileOutcome(path=job.key, status=added.status, sha256=document.sha256,
                                    seconds=extracted.seconds)]  # fmt: skip
            for other in same_bytes:
                again = store.add_known_content(other.key, document.sha256, run_id=run_id)
                if again is not None:
                    outcomes.append(FileOutcome(path=other.key, status=again.status, sha256=document.sha256))
            _tally(report, bar, outcomes)
            return
    failures = [
        FileOutcome(
            path=j.key, status=extracted.status, sha256=j.sha256, code=extracted.code, reason=extracted.reason
        )  # fmt: skip
        for j in [job, *same_bytes]
    ]
    store.record_outcomes(run_id, failures)
    _tally(report, bar, failures)


STORED = {OutcomeStatus.INGESTED, OutcomeStatus.NEW_VERSION, OutcomeStatus.DUPLICATE, OutcomeStatus.UNCHANGED}


def _settle_remote(
    store: CatalogStore,
    run_id: int,
    job: _Job,
    outcome: FileOutcome,
    same_bytes: list[_Job],
    report: IngestReport,
    bar: Progress | None,
) -> None:
    """A file the remote side stored or failed (its outcome is recorded there); the same bytes' other paths here."""
    report.extracted += 1
    outcomes = [outcome]
    if outcome.status in STORED:
        for other in same_bytes:
            again = store.add_known_content(other.key, job.sha256, run_id=run_id)
            if again is not None:
                outcomes.append(FileOutcome(path=other.key, status=again.status, sha256=job.sha256))
    elif same_bytes:
        failures = [outcome.model_copy(update={"path": other.key}) for other in same_bytes]
        store.record_outcomes(run_id, failures)
        outcomes += failures
    _tally(report, bar, outcomes)


def _tally(report: IngestReport, bar: Progress | None, outcomes: list[FileOutcome]) -> None:
    report.outcomes += outcomes
    if bar is not None:
        for outcome in outcomes:
            bar.advance(failed=outcome.status is OutcomeStatus.FAILED, name=Path(outcome.path).name)


ERROR_COLUMNS = ("path", "status", "code", "reason")


def write_errors_csv(path: Path, outcomes: list[FileOutcome]) -> None:
    """Failed and skipped files of this run (header only when there were none), UTF-8 with BOM for Excel."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(ERROR_COLUMNS)
        for outcome in outcomes:
            if outcome.status in (OutcomeStatus.FAILED, OutcomeStatus.SKIPPED):
                writer.writerow(inert_row((outcome.path, outcome.status.value, outcome.code, outcome.reason)))
