"""The ingest's writer and its reconciler taking turns at SQLite's write lock (catalog/ingest_reconciler.py
WriteTurns): neither writes inside the other's turn, a waiting writer goes before the next placing
transaction, and writers outside the ingest still find the lock free now and then."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from catalog import ingest_reconciler, placing
from catalog.ingest_reconciler import WriteTurns


def _turns() -> WriteTurns:
    return WriteTurns(multiprocessing.get_context("fork"))


def test_the_writer_waits_for_the_placing_transaction_and_goes_before_the_next() -> None:
    turns = _turns()
    order: list[str] = []
    in_transaction = threading.Event()

    def writer() -> None:
        in_transaction.wait()
        with turns.writing():
            order.append("writer")

    thread = threading.Thread(target=writer)
    thread.start()
    with turns.transaction():
        in_transaction.set()
        time.sleep(0.2)  # the writer is waiting for its turn by now
        order.append("transaction 1")
    with turns.transaction():  # after the writer, which wanted the lock when the first one ended
        order.append("transaction 2")
    thread.join(5)
    assert order == ["transaction 1", "writer", "transaction 2"]


def test_a_placing_transaction_waits_while_the_writer_stores() -> None:
    turns = _turns()
    order: list[str] = []
    writing = threading.Event()

    def reconciler() -> None:
        writing.wait()
        with turns.transaction():
            order.append("transaction")

    thread = threading.Thread(target=reconciler)
    thread.start()
    with turns.writing():
        writing.set()
        time.sleep(0.2)
        order.append("writer")
    thread.join(5)
    assert order == ["writer", "transaction"]


def test_the_lock_is_left_free_for_other_writers_only_now_and_then(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    slept: list[float] = []
    monkeypatch.setattr(ingest_reconciler.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(ingest_reconciler.time, "sleep", slept.append)
    turns = _turns()
    turns.between()
    assert slept == []  # straight on to the next transaction
    clock[0] += ingest_reconciler.OTHER_WRITERS_EVERY_SECONDS
    turns.between()
    assert slept == [placing.YIELD_SECONDS]
    turns.between()
    assert slept == [placing.YIELD_SECONDS]


def test_a_turn_that_never_comes_is_waited_for_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_reconciler, "TURN_WAIT_SECONDS", 0.5)
    turns = _turns()
    stuck = turns.transaction()  # a reconciler that died inside its transaction: the turn is never given back
    stuck.__enter__()
    started = time.monotonic()
    with turns.writing():
        pass
    with turns.writing():  # SQLite's busy timeout decides from now on, as before turns
        pass
    assert 0.5 <= time.monotonic() - started < 0.9
    stuck.__exit__(None, None, None)
