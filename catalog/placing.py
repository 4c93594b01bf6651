"""Placing the documents not matched yet, in write transactions of bounded length.

SQLite has one write lock for the whole file. A reconciliation that held it while placing a
batch of large documents (tens of seconds) made every upload and every stored extraction wait
past the busy timeout and fail. So a transaction places rows for about TRANSACTION_SECONDS:
it stops between documents once that is spent, and inside a document at twice that, storing how
far it got (match_state `placing_seq`/`placing_rows`). The next transaction, or the next run after
a kill, goes on from the next row.

Where the transactions end does not change the result: a row is placed against what the rows
before it left in the store, which is the same whether they were committed one by one or together,
and a dataset is refreshed after the last row that touched it (tests/test_placing.py checks a run
cut after every row against one in a single transaction). Readers may see a large document in part
while it is placed, as they see some documents of a run placed and others not yet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import incremental_state, placing_index
from catalog.incremental import Matcher
from catalog.incremental_state import PLACING_ROWS, PLACING_SEQ, Placing, RunCounts, _set_state, _state
from catalog.models import MatchDocumentRow
from extract.model import Document

TRANSACTION_SECONDS = 1.0  # placing time per transaction before it ends between documents (2x inside one)
YIELD_SECONDS = 0.15  # SQLite: the lock left free between transactions, longer than a waiter's busy-wait step


@dataclass
class Carried:
    """What a run's last transaction leaves for the next: the document it placed in part (not read
    again) and what placing read of the result (catalog/placing_index.py)."""

    placing: Placing | None = None
    index: placing_index.PlacingIndex = field(default_factory=placing_index.PlacingIndex)
    after: str = ""  # the hash of the last document the run started: the pending ones are looked for after it


def place_pending(matcher: Matcher, session: Session, counts: RunCounts, *, batch: int,
                  seconds: float | None = None, carried: Carried | None = None) -> bool:  # fmt: skip
    """Place pending rows for about `seconds` inside the caller's transaction.

    False when nothing was pending (nothing written). The caller refreshes the touched datasets,
    calls `matcher.finish()` and commits, then calls again until False, with the same `carried`.
    """
    budget = TRANSACTION_SECONDS if seconds is None else seconds
    started = time.monotonic()
    carried = carried or Carried()
    before = placing_index.fingerprint(session)
    carried.index.check(before)
    matcher.use_index(carried.index)
    placing = _resumed(matcher, session, carried.placing)
    pending = [] if placing is not None else _pending(session, batch, carried)
    if placing is None and not pending:
        return False
    incremental_state.owe_run(session)
    queue = iter(pending)
    while True:
        if placing is None:
            sha = next(queue, None)
            if sha is None:
                break
            carried.after = sha
            text = incremental_state.document_json(session, sha)  # one Document at a time
            placing = matcher.start_document(Document.model_validate_json(text))
        matcher.place_rows(placing, counts, until=started + 2 * budget)
        if not placing.done:
            break
        matcher.end_document(placing, counts)
        placing = None
        if time.monotonic() - started >= budget:
            break
    _remember(session, placing)
    carried.placing = placing
    # As the caller's matcher.finish() leaves the counters: the next transaction checks them.
    state = (0, 0) if placing is None else (placing.seq, placing.placed)
    carried.index.fingerprint = (matcher.seq, matcher.rows_total, *state, *before[4:])
    return True


def _pending(session: Session, batch: int, carried: Carried) -> list[str]:
    """The next documents to place, in hash order. Those before the run's last are looked for again once
    none is left after it: a document stored (or made current) during the run may sort before it."""
    found = incremental_state.pending_documents(session, batch, after=carried.after)
    if not found and carried.after:
        carried.after = ""
        found = incremental_state.pending_documents(session, batch)
    return found


def _resumed(matcher: Matcher, session: Session, carried: Placing | None) -> Placing | None:
    """The document an earlier transaction placed in part, ready for its next row."""
    seq = _state(session, PLACING_SEQ)
    if not seq:
        return None
    if carried is not None and carried.seq == seq and carried.placed == _state(session, PLACING_ROWS):
        return carried  # this run's previous transaction: its rows and specificities are the stored ones
    sha = session.scalar(select(MatchDocumentRow.sha256).where(MatchDocumentRow.seq == seq))
    if sha is None:  # removed since (no longer current): its placed rows left with it
        _remember(session, None)
        return None
    text = incremental_state.document_json(session, sha)
    return matcher.resume_document(Document.model_validate_json(text), seq, _state(session, PLACING_ROWS))


def _remember(session: Session, placing: Placing | None) -> None:
    seq, placed = (0, 0) if placing is None else (placing.seq, placing.placed)
    if _state(session, PLACING_SEQ) != seq or _state(session, PLACING_ROWS) != placed:
        _set_state(session, PLACING_SEQ, seq)
        _set_state(session, PLACING_ROWS, placed)
