"""One reconciliation run of the store (:meth:`CatalogStore.reconcile`), in its steps.

1. Files no longer current leave the result (the whole result goes on a rebuild, after an undo, or
   when the result predates the index).
2. Files not matched yet are matched, in transactions of about a second (catalog/placing.py).
3. The decisions recorded since the last run are applied (all of them, in time order, when one now
   falls on other rows), the concept tables follow, and the run is recorded.

Each transaction takes the store's lock; a run killed between them leaves the run owed
(incremental_state.owe_run), so the next one finishes step 3 even with nothing new to match.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from catalog import anchoring, incremental, incremental_state, placing, summaries
from catalog.anchoring import Anchoring
from catalog.errors import ReconcileFailedError
from extract.model import Document
from matching import MatchingError
from matching.decisions import DecisionRecord
from matching.model import Decision, UndoDecision
from matching.placement import StoredRow
from matching.reconcile import load_concept_threshold, load_threshold

if TYPE_CHECKING:
    from catalog.store import CatalogStore


@dataclass
class _Run:
    """What the steps share: the thresholds, the counts, and the rows read once."""

    threshold: float
    concept_threshold: float
    counts: incremental_state.RunCounts = field(default_factory=incremental_state.RunCounts)
    cache: dict[str, StoredRow] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)  # parsed Documents the flags keep (a few)
    rebuild: bool = False
    whole_concepts: bool = False  # the concept tables are rewritten whole, not as a diff

    def matcher(self, session: Session, decisions: list[Decision]) -> incremental.Matcher:
        return incremental.Matcher(session, threshold=self.threshold, concept_threshold=self.concept_threshold,
                                   decisions=decisions, cache=self.cache, documents=self.documents)  # fmt: skip


def yield_lock() -> None:
    """Between step 2's transactions on SQLite: the lock left free, so a waiting writer gets it first."""
    time.sleep(placing.YIELD_SECONDS)


def never_more() -> bool:
    return False


def reconcile(store: CatalogStore, *, rebuild: bool, between: Callable[[], None] = yield_lock,
              more: Callable[[], bool] = never_more) -> None:  # fmt: skip
    """``between``: what is done between step 2's transactions on SQLite (``yield_lock`` but for the
    ingest's reconciler once its writer is done, catalog/ingest_reconciler.py). ``more``: called when
    nothing is left to place; True when it waited for more documents, which the run then places too
    (the ingest's reconciler while its writer stores: one run, not one per batch, each with its last step)."""
    try:
        threshold, concept_threshold = load_threshold(), load_concept_threshold()
    except MatchingError as error:
        raise ReconcileFailedError(str(error)) from None
    records = store.decision_records()
    newest = max((r.id for r in records), default=0)
    run = _Run(threshold, concept_threshold, rebuild=rebuild)
    with store.snapshot() as session:
        # Read while the result still shows the files being replaced (catalog/anchoring.py).
        anchors = anchoring.before_matching(session, records)
    decisions = anchors.effective()
    applied = _remove_stale(store, run, decisions, records)
    _match_pending(store, run, decisions, between, more)
    _apply_decisions(store, run, anchors, applied, newest)


def _remove_stale(store: CatalogStore, run: _Run, decisions: list[Decision], records: list[DecisionRecord]) -> int:
    """Step 1. Returns the id of the last decision the result already applies."""
    with store.transaction() as session:
        incremental_state.lock(session)
        # A run killed before its last step changed datasets this run does not know of.
        run.whole_concepts = incremental_state.run_owed(session) or run.rebuild
        applied = incremental_state.decisions_applied(session)
        undone = any(isinstance(r.decision, UndoDecision) for r in records if r.id > applied)
        run.rebuild = run.rebuild or undone or incremental_state.unindexed_result(session)
        if run.rebuild:
            incremental_state.clear(session)
            applied, run.whole_concepts = 0, True
        stale = incremental_state.stale_documents(session)
        matcher = run.matcher(session, decisions)
        matcher.flags.backfill_identities()  # once, for files matched before 0010_flagids
        if incremental_state.values_owed(session):  # once, after 0013: counts a rebuild had doubled
            everything = incremental_state.all_datasets(session)
            matcher.recount(everything)
            run.counts.touched |= set(everything)  # titles, units and unit conflicts follow the counts
            incremental_state.counted_again(session)
        for sha in stale:
            matcher.remove_document(sha, run.counts)
        if stale:
            incremental_state.owe_run(session)
        matcher.settle(run.counts)
    return applied


def _match_pending(store: CatalogStore, run: _Run, decisions: list[Decision], between: Callable[[], None],
                   more: Callable[[], bool]) -> None:  # fmt: skip
    """Step 2, in transactions of about a second: uploads are not kept waiting for SQLite's lock."""
    carried = placing.Carried()
    while True:
        with store.transaction() as session:
            incremental_state.lock(session)
            matcher = run.matcher(session, decisions)
            placed = placing.place_pending(matcher, session, run.counts, batch=incremental.BATCH_DOCUMENTS,
                                           carried=carried)  # fmt: skip
            if placed:
                matcher.settle(run.counts)
        if not placed:
            if more():
                continue
            break
        if store.engine.dialect.name == "sqlite":
            between()


def _apply_decisions(store: CatalogStore, run: _Run, anchors: Anchoring, applied: int, newest: int) -> None:
    """Step 3, when something changed or was left owed (or the store was never reconciled)."""
    counts = run.counts
    with store.transaction() as session:
        incremental_state.lock(session)
        anchoring.resolve_datasets(session, anchors)
        # A decision now on other rows is applied again with all the others, in time order, as a
        # rebuild would; otherwise only those recorded since the last run.
        fresh = anchors.effective() if anchors.changed else anchors.effective(after=applied)
        owed = incremental_state.run_owed(session)  # a run killed before this step changed the result
        first = store.last_reconciliation() is None
        if not (counts.documents or counts.removed or fresh or anchors.changed or owed or first):
            return
        matcher = run.matcher(session, anchors.effective())
        matcher.apply(fresh, counts)
        for sha in sorted(counts.moved_documents):
            matcher.flags.duplicates(sha)
        matcher.settle(counts)
        whole = store._store_concepts(session, None if run.whole_concepts or first else counts.settled)
        settled = anchoring.settle(session, anchors)
        incremental_state.set_decisions_applied(session, newest)
        incremental_state.owe_run(session, False)
        in_effect = sum(1 for a in settled if a.effective is not None)
        # What a catalog view must read again: every dataset once concepts were written whole (any dataset's
        # concept may have moved), else those refreshed (rows joined, left or were decided) or created.
        changed = None if whole else counts.settled | counts.created
        saved = incremental_state.run_row(session, run.threshold, in_effect, rebuild=run.rebuild, changed=changed)
        session.add(saved)
        session.flush()
        summaries.summarise(session, saved.id)  # the catalog as listed follows, in the same transaction
