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

The writer and the reconciler take turns at SQLite's write lock (``WriteTurns``) instead of each
transaction of the reconciler being followed by ``placing.YIELD_SECONDS`` with the lock free.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from multiprocessing.synchronize import Event

from sqlalchemy import select

from catalog import incremental_state, placing
from catalog.models import DecisionRow, DocumentRow, FileVersionRow, MatchDocumentRow
from catalog.store import CatalogStore
from extract.processes import die_with_parent

# Between two runs: each run has a fixed cost (reading the decisions, the concept tables, its row),
# so documents stored meanwhile are gathered into the next run instead of one run each.
PAUSE_SECONDS = 1.0
# The lock is still left free for YIELD_SECONDS this often, for writers outside the ingest (an upload
# through the API waits at most this long and a transaction, far below SQLite's busy timeout).
OTHER_WRITERS_EVERY_SECONDS = 3.0
# Bound on waiting for a turn: past it each side goes on and SQLite's busy timeout decides, as before.
TURN_WAIT_SECONDS = 30.0


class WriteTurns:
    """The ingest's writer and its reconciler taking turns at SQLite's one write lock.

    The reconciler's placing transactions (~1 s each) were each followed by YIELD_SECONDS (0.15 s) with
    the lock free, so that a writer busy-waiting in SQLite (it retries after sleeps of up to 100 ms)
    would get it. While the ingest runs that writer is nearly always its own, and the reconciler, the
    ingest's longest chain of work, spent ~13 % of its time asleep. Now the writer says it wants the
    lock (``writing``): the reconciler lets it in after its current transaction and starts the next as
    soon as the writer has stored what it held; when the writer wants nothing, the next transaction
    starts at once. The order of the stored documents and of the placed rows is unchanged: only when
    the lock changes hands is.
    """

    def __init__(self, context: BaseContext) -> None:
        self._turn = context.Lock()
        self._idle = context.Event()  # set: the writer neither holds nor waits for the turn
        self._idle.set()
        self._last_free = time.monotonic()
        self._given_up = False  # the writer's view: a turn never came (the reconciler died holding it)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The writer's side: its transactions inside, the reconciler's between them."""
        self._idle.clear()
        taken = not self._given_up and self._turn.acquire(timeout=TURN_WAIT_SECONDS)
        self._given_up = not taken
        try:
            yield
        finally:
            if taken:
                self._turn.release()
            self._idle.set()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The reconciler's side (catalog.reconcile_run.Turns): after the writer when it waits."""
        self._idle.wait(TURN_WAIT_SECONDS)
        taken = self._turn.acquire(timeout=TURN_WAIT_SECONDS)
        try:
            yield
        finally:
            if taken:
                self._turn.release()

    def between(self) -> None:
        if time.monotonic() - self._last_free >= OTHER_WRITERS_EVERY_SECONDS:
            time.sleep(placing.YIELD_SECONDS)
            self._last_free = time.monotonic()


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
        self.turns = WriteTurns(context)
        store.engine.dispose()  # no open connection may be inherited
        self._process = context.Process(
            target=_run, args=(store, self._wake, self._stop, self.turns), name="danhmuc-reconcile", daemon=True
        )
        self._process.start()

    def stored(self) -> None:
        """Documents were committed: the next run (after the current one) places them."""
        self._wake.set()

    def finish(self) -> None:
        """Let the current run end (it places what is pending) and wait for the process."""
        self._stop.set()
        self._wake.set()
        self._process.join()

    def kill(self) -> None:
        """The ingest stops on an error or Ctrl-C: a run cut anywhere is finished by the next one."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def _run(store: CatalogStore, wake: Event, stop: Event, turns: WriteTurns) -> None:
    die_with_parent()
    try:
        _reconcile_while_woken(store, wake, stop, turns)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole group: the parent says it stopped
        pass


def _reconcile_while_woken(store: CatalogStore, wake: Event, stop: Event, turns: WriteTurns | None = None) -> None:
    store.engine.dispose(close=False)  # the parent's pool (already emptied) is not this process's
    while True:
        wake.wait()
        if stop.is_set():
            return  # the parent's own run at the end does the rest (and reports its errors)
        wake.clear()
        try:
            store.reconcile(turns=turns)
        except Exception as error:  # noqa: BLE001 - the parent's run at the end meets it again and reports it
            sys.stderr.write(f"hợp nhất trong khi nạp thất bại / reconciling during ingest failed: {error}\n")
            return
        stop.wait(PAUSE_SECONDS)
