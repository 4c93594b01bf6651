"""Reconciling while `danhmuc ingest` extracts: one forked process that runs ``store.reconcile()``.

Reconciliation cost about as much CPU as extraction (~0.08 CPU-s a document) and ran alone, on
one core, after the last file was extracted. Now a process beside the writer reconciles whenever
documents were stored since its last run, and the parent's usual run at the end only finishes the
tail. A process, not a thread of the writer: the writer's own work (~0.02 CPU-s a document) and the
matching (~0.08) would share one GIL, and that one process would bound the whole ingest.

The stored result must not depend on when these runs happen. A run matches the pending documents
by content hash, each row against what was placed before it, so the documents must be placed in the
order one run at the end would place them. That holds when (`concurrent_reconcile_safe`):

- the writer stores this ingest's new documents in content-hash order (``_extract_all(ordered=True)``):
  every run then finds pending only documents whose hashes follow those already placed;
- no document pending before the ingest has a hash after the first new one (a run at the end would
  interleave them; e.g. the re-run after a kill of an ingest run with --no-reconcile);
- no extracted file is a new version of a current path (a run at the end removes the replaced
  documents before placing any new one; here they would go in the middle);
- no decision waits to be applied, no rebuild is due (an undo, a result without its index).

Otherwise the ingest reconciles at the end only, as before. One reconciliation at a time is the
store's (its lock, catalog/incremental_state.lock); a kill leaves what catalog/reconcile_run.py
leaves after a kill, and the process dies with its parent (PR_SET_PDEATHSIG), like the pool's workers.

Between its placing transactions a run leaves SQLite's lock free for `placing.YIELD_SECONDS`, so the
writer (and any other) gets it. Once the writer has stored everything (`finish`), the ingest waits for
this process alone, with one core idle: the lock is then left free only every `OUTSIDE_SECONDS`, for
writers outside the ingest (an upload waits at most that and a transaction, far below the busy timeout).

The pool's workers run niced beside this process (catalog/ingest.py, setting DANHMUC_INGEST_WORKER_NICE), so
it keeps up with the writer instead of ending seconds after the last file with one core idle; when it
has placed everything stored, its run waits for the writer's next documents (`_Between.more`) rather
than ending (each run's last step rewrites the concept tables and records the run).
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import time
from collections.abc import Iterable
from multiprocessing.synchronize import Event

from sqlalchemy import select

from catalog import incremental_state
from catalog.models import DecisionRow, DocumentRow, FileVersionRow, MatchDocumentRow
from catalog.store import CatalogStore
from extract.processes import die_with_parent

# Between two runs: each run has a fixed cost (reading the decisions, the concept tables, its row),
# so documents stored meanwhile are gathered into the next run instead of one run each.
PAUSE_SECONDS = 1.0
# Once the ingest's writer is done: how often the lock is still left free, for writers outside the ingest.
OUTSIDE_SECONDS = 3.0
# A run that placed everything stored waits for the writer's next documents, then this long for more.
GATHER_SECONDS = 0.3
# Allocations between two young-generation collections in the ingest's own processes (Python's default:
# 700). Extracting and placing allocate millions of short-lived objects and leave few cycles: at the
# default, collections (17 full ones for the 190 typed files) took ~8 % of an extraction worker's CPU and
# ~11 % of the reconciler's; at this, 3 full ones. Only when garbage is collected changes, never what is
# stored (the canonical dumps are equal); a document that grows a worker is still collected after it
# (extract/safety.MemoryRelease).
BATCH_GC_THRESHOLD = 10_000


def batch_gc() -> None:
    """In a process of the ingest, once forked: what it inherited is out of the collector's sight (it
    lives for the whole batch; its pages stay shared with the parent), and collections come less often."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(BATCH_GC_THRESHOLD, middle, old)


def concurrent_reconcile_safe(store: CatalogStore, new_hashes: Iterable[str], replaces_current: bool) -> bool:
    """Whether runs during the ingest give the result of one run at the end (the module's conditions)."""
    first = min(new_hashes, default=None)
    if first is None or replaces_current or _in_memory(store):
        return False
    with store.snapshot() as session:
        current = select(FileVersionRow.sha256).where(FileVersionRow.is_current)
        matched = select(MatchDocumentRow.sha256)
        later_pending = session.scalar(
            select(DocumentRow.sha256)
            .where(DocumentRow.sha256.in_(current), ~DocumentRow.sha256.in_(matched), DocumentRow.sha256 > first)
            .limit(1)
        )
        newest_decision = session.scalar(select(DecisionRow.id).order_by(DecisionRow.id.desc()).limit(1)) or 0
        return (
            later_pending is None
            and newest_decision <= incremental_state.decisions_applied(session)
            and not incremental_state.unindexed_result(session)
        )


def _in_memory(store: CatalogStore) -> bool:
    url = store.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class Reconciler:
    """The reconciling process. Forked once the parent's connections are closed (before the pool)."""

    def __init__(self, store: CatalogStore) -> None:
        import catalog.reconcile_run  # noqa: F401 - imported once, shared with the child by fork

        context = multiprocessing.get_context("fork")
        self._wake = context.Event()
        self._stop = context.Event()
        store.engine.dispose()  # no open connection may be inherited
        self._process = context.Process(
            target=_run, args=(store, self._wake, self._stop), name="danhmuc-reconcile", daemon=True
        )
        self._process.start()

    def stored(self) -> None:
        """Documents were committed: the next run (after the current one) places them."""
        self._wake.set()

    def writer_done(self) -> None:
        """The writer stored its last document: the current run places what is pending and ends,
        while the writer still shuts its pool down and closes its run (~0.3-0.5 s it waited before)."""
        self._stop.set()
        self._wake.set()

    def finish(self) -> None:
        """Let the current run end (it places what is pending) and wait for the process."""
        self.writer_done()
        self._process.join()

    def kill(self) -> None:
        """The ingest stops on an error or Ctrl-C: a run cut anywhere is finished by the next one."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def _run(store: CatalogStore, wake: Event, stop: Event) -> None:
    die_with_parent()
    batch_gc()
    try:
        _reconcile_while_woken(store, wake, stop)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole group: the parent says it stopped
        pass


def _reconcile_while_woken(store: CatalogStore, wake: Event, stop: Event) -> None:
    store.engine.dispose(close=False)  # the parent's pool (already emptied) is not this process's
    while True:
        wake.wait()
        if stop.is_set():
            return  # the parent's own run at the end does the rest (and reports its errors)
        wake.clear()
        try:
            between = _Between(wake, stop)
            store.reconcile(between=between, more=between.more)
        except Exception as error:  # noqa: BLE001 - the parent's run at the end meets it again and reports it
            sys.stderr.write(f"hợp nhất trong khi nạp thất bại / reconciling during ingest failed: {error}\n")
            return
        if stop.wait(PAUSE_SECONDS):
            return  # the run saw the writer done (its wake may have been taken by the run's last wait)


class _Between:
    """Between placing transactions: the lock left free after each while the writer may want it, then
    (`stop`: it stored everything) only every OUTSIDE_SECONDS, for writers outside the ingest. And
    when everything stored is placed (`more`): the run waits for the writer's next documents."""

    def __init__(self, wake: Event, stop: Event) -> None:
        from catalog.reconcile_run import yield_lock  # imported by the parent before the fork

        self._wake = wake
        self._stop = stop
        self._yield = yield_lock
        self._freed = time.monotonic()

    def more(self) -> bool:
        """Nothing left to place: while the writer stores, wait for its next documents (gathered for
        GATHER_SECONDS: a transaction has a fixed cost) and go on in the same run. A run ended there
        did its last step (the concept tables, its record) each time, and the next one read its state again."""
        if self._stop.is_set():
            return False  # the writer is done and everything it stored is placed
        self._wake.wait()
        self._stop.wait(GATHER_SECONDS)
        self._wake.clear()
        return True

    def __call__(self) -> None:
        now = time.monotonic()
        if self._stop.is_set() and now - self._freed < OUTSIDE_SECONDS:
            return
        self._yield()
        self._freed = time.monotonic()
