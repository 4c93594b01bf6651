"""`danhmuc ingest` reconciling while it extracts (catalog/ingest_reconciler.py): the same result as one run
at the end, and only when that holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.kill_campaign import canonical_dump, differences
from catalog import CatalogStore, ingest_directory
from catalog import ingest_reconciler as alongside
from catalog.incremental_state import pending_documents

ROOT = Path(__file__).resolve().parents[1]
TYPED = sorted(p for p in (ROOT / "corpus" / "docs").iterdir() if p.suffix in (".txt", ".docx"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("typed")
    for path in TYPED:
        shutil.copy(path, root / path.name)
    return root


def test_reconciling_alongside_gives_the_result_of_one_run_at_the_end(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One run after the whole extraction: what `danhmuc ingest` gave before.
    with CatalogStore(f"sqlite:///{tmp_path / 'end.db'}") as store:
        ingest_directory(store, archive, workers=2, reconcile=False)
        store.reconcile()
        expected = canonical_dump(store)
    assert expected["problems"] == [] and len(expected["documents"]) == len(TYPED)  # type: ignore[arg-type]

    left_for_the_end: list[int] = []
    finish = alongside.Reconciler.finish

    def finish_and_look(self: alongside.Reconciler) -> None:
        finish(self)
        with store.snapshot() as session:
            left_for_the_end.append(len(pending_documents(session, 1000)))

    monkeypatch.setattr(alongside.Reconciler, "finish", finish_and_look)
    with CatalogStore(f"sqlite:///{tmp_path / 'alongside.db'}") as store:
        report = ingest_directory(store, archive, workers=2)
        assert differences(expected, canonical_dump(store)) == []
    # the reconciler ran and placed documents before the ingest's own run at the end
    assert len(left_for_the_end) == 1 and left_for_the_end[0] < len(TYPED)
    assert report.reconciliation is not None and report.reconciliation.document_count == len(TYPED)


def test_reconciles_alongside_only_when_the_order_is_one_run_s(archive: Path, tmp_path: Path) -> None:
    with CatalogStore(f"sqlite:///{tmp_path / 'store.db'}") as store:
        ingest_directory(store, archive, workers=1, reconcile=False)
        with store.snapshot() as session:
            pending = pending_documents(session, 1000)
        assert len(pending) == len(TYPED)
        last = pending[-1]
        # a document pending from before with a later hash than a new one would be placed out of turn
        assert not alongside.concurrent_reconcile_safe(store, ["0" * 64, "f" * 64], False)
        assert alongside.concurrent_reconcile_safe(store, [last + "0", "f" * 64], False)
        # a new version replaces a document (a run at the end removes it before placing anything)
        assert not alongside.concurrent_reconcile_safe(store, [last + "0"], True)
        assert not alongside.concurrent_reconcile_safe(store, [], False)
    with CatalogStore("sqlite://") as memory:
        assert not alongside.concurrent_reconcile_safe(memory, ["a" * 64], False)


def test_the_lock_is_left_free_after_each_transaction_until_the_writer_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from catalog import reconcile_run

    freed: list[float] = []
    monkeypatch.setattr(reconcile_run, "yield_lock", lambda: freed.append(0.0))
    clock = [100.0]
    monkeypatch.setattr(alongside.time, "monotonic", lambda: clock[0])
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    between = alongside._Between(context.Event(), stop)
    between()
    between()
    assert len(freed) == 2  # the writer may want the lock: it is left free after every transaction
    stop.set()  # the writer stored everything: only writers outside the ingest may want it now
    between()
    clock[0] += alongside.OUTSIDE_SECONDS - 0.1
    between()
    assert len(freed) == 2
    clock[0] += 0.2
    between()
    between()
    assert len(freed) == 3


def test_a_run_that_placed_everything_waits_for_the_writer_s_next_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(alongside, "GATHER_SECONDS", 0.0)
    context = multiprocessing.get_context("fork")
    wake, stop = context.Event(), context.Event()
    between = alongside._Between(wake, stop)
    wake.set()  # the writer stored a document: the run goes on and places it
    assert between.more() and not wake.is_set()
    stop.set()  # the writer stored everything, and all of it is placed: the run ends
    assert not between.more()


def test_documents_stored_while_the_run_waits_are_placed_by_that_run(archive: Path, tmp_path: Path) -> None:
    from catalog.ingest import sha256_of

    with CatalogStore(f"sqlite:///{tmp_path / 'end.db'}") as store:
        ingest_directory(store, archive, workers=1, reconcile=False)
        store.reconcile()
        expected = canonical_dump(store)
    by_hash = sorted(archive.iterdir(), key=sha256_of)  # the writer stores in hash order beside a reconciler
    first, rest = tmp_path / "first", tmp_path / "rest"
    for folder, paths in ((first, by_hash[:3]), (rest, by_hash[3:])):
        folder.mkdir()
        for path in paths:
            shutil.copy(path, folder / path.name)
    asked: list[int] = []
    with CatalogStore(f"sqlite:///{tmp_path / 'store.db'}") as store:
        ingest_directory(store, first, workers=1, reconcile=False)

        def more() -> bool:  # the run placed the first three: the writer stores the others meanwhile
            asked.append(len(asked))
            if len(asked) == 1:
                ingest_directory(store, rest, workers=1, reconcile=False)
            return len(asked) == 1

        summary = store.reconcile(more=more)
        dump = canonical_dump(store)
    assert asked == [0, 1]
    assert summary.document_count == len(TYPED)  # one run placed them all
    # the same datasets, links and flags as one run at the end (the ingest runs and paths differ)
    for part in ("entries", "datasets", "links", "flags", "concepts", "concept_entries", "concept_titles", "index"):
        assert dump[part] == expected[part], part
