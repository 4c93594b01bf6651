"""Reconciliation in short write transactions (catalog/placing.py), and its last step written as a diff.

A large document is placed over several transactions so SQLite's one write lock is never held for
long. Where the transactions end must not change the result, and a run killed between two of them
must be finished by the next one, row for row as a run that was never cut. The concept tables are
rewritten only where a run changed them, and must end as a whole rewrite would leave them.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

import catalog.concepts_store as concepts_store
import catalog.placing as placing
from benchmarks.kill_campaign import canonical_dump
from catalog.concept_facts import MemberFact, agency, concept_counts, member_locality
from catalog.concepts_store import load_members
from catalog.incremental import Matcher
from catalog.incremental_state import RunCounts, pending_documents
from catalog.models import ConceptEntryRow, ConceptRow, ConceptValueRow, DatasetMemberRow, DatasetRow, MatchStateRow
from catalog.placing_index import PlacingIndex
from catalog.store import CatalogStore
from catalog.testing import postgres_unreachable_reason, temporary_store
from extract.model import Document
from matching.model import MergeDatasets, SetCanonical
from matching.reconcile import load_concept_threshold, load_threshold
from nlp.pipeline import process_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
NAMES = ("bac_ninh_ke_hoach_2026.txt", "dong_cuu_ke_hoach_2026.txt", "ha_tinh_qd_1402_danh_muc_csdl.txt",
         "hung_yen_ke_hoach_du_lieu_mo.docx", "son_hai_ke_hoach_2026.txt")  # fmt: skip


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [process_file(CORPUS / name) for name in NAMES]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[CatalogStore]:
    (tmp_path / "cut").mkdir()
    with temporary_store(backend, tmp_path / "cut") as found:
        yield found


@pytest.fixture(scope="module")
def whole(backend: str, tmp_path_factory: pytest.TempPathFactory, documents: list[Document]) -> dict[str, object]:
    """The result of one run placing everything in one transaction."""
    folder = tmp_path_factory.mktemp("whole")
    with pytest.MonkeyPatch.context() as patch, temporary_store(backend, folder) as one:
        patch.setattr(placing, "TRANSACTION_SECONDS", 3600.0)
        transactions = _count_transactions(patch)
        for document in documents:
            one.add_document(document)
        one.reconcile()
        assert transactions == [True], "the reference run was meant to be one placing transaction"
        return canonical_dump(one)


def _count_transactions(patch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    real = placing.place_pending

    def counted(*args: object, **kwargs: object) -> bool:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        if found:
            calls.append(found)
        return found

    patch.setattr(placing, "place_pending", counted)
    return calls


def _placing_state(store: CatalogStore) -> dict[str, int]:
    with store.snapshot() as session:
        found = session.execute(select(MatchStateRow.name, MatchStateRow.value)
                                .where(MatchStateRow.name.in_([placing.PLACING_SEQ, placing.PLACING_ROWS])))
        return {str(name): int(value) for name, value in found}


def test_a_run_cut_after_every_row_equals_one_transaction(
    store: CatalogStore, documents: list[Document], whole: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(placing, "TRANSACTION_SECONDS", 0.0)  # each transaction places one row
    monkeypatch.setattr(placing, "YIELD_SECONDS", 0.0)
    transactions = _count_transactions(monkeypatch)
    for document in documents:
        store.add_document(document)
    summary = store.reconcile()
    rows = sum(len(d.catalog) for d in documents)
    assert summary.entry_count > 0
    assert len(transactions) >= summary.entry_count, (len(transactions), rows)
    assert canonical_dump(store) == whole
    assert set(_placing_state(store).values()) <= {0}


def test_a_run_whose_index_passes_its_bound_starts_it_again_with_the_same_result(
    store: CatalogStore, documents: list[Document], whole: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run-long index is a cache held to a bound (memory at 100,000 documents): dropping it
    # between two transactions must not change where any row goes.
    import catalog.placing_index as placing_index

    monkeypatch.setattr(placing, "TRANSACTION_SECONDS", 0.0)
    monkeypatch.setattr(placing, "YIELD_SECONDS", 0.0)
    monkeypatch.setattr(placing_index, "MAX_MEMBERS", 3)
    dropped: list[int] = []
    real_clear = PlacingIndex.clear

    def clear(self: PlacingIndex) -> None:
        dropped.append(len(self.dataset_of))
        real_clear(self)

    monkeypatch.setattr(PlacingIndex, "clear", clear)
    for document in documents:
        store.add_document(document)
    store.reconcile()
    assert any(size > 3 for size in dropped)
    assert canonical_dump(store) == whole


def test_prefilter_texts_dropped_at_their_bound_give_the_same_result(
    store: CatalogStore, documents: list[Document], whole: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The candidates' prefilter texts are kept by key for the run (catalog.placing_index): a cache, so
    # dropping it at every row must not change which candidates a row has.
    import catalog.placing_index as placing_index

    monkeypatch.setattr(placing_index, "MAX_FOLDED", 3)
    sizes: list[int] = []
    real = PlacingIndex.prefilter_texts

    def prefilter_texts(self: PlacingIndex, *args: Any, **kwargs: Any) -> dict[str, str]:
        sizes.append(len(self.folded))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PlacingIndex, "prefilter_texts", prefilter_texts)
    for document in documents:
        store.add_document(document)
    store.reconcile()
    assert any(size > 3 for size in sizes)
    assert canonical_dump(store) == whole


def test_pending_documents_go_on_after_the_runs_last_and_then_look_again_from_the_start(
    store: CatalogStore, documents: list[Document]
) -> None:
    # A run looks for the next documents after the last it took (no walk over those matched before);
    # once none is left after it, one stored during the run with a smaller hash is still found.
    for document in documents[:3]:
        store.add_document(document)
    shas = sorted(d.sha256 for d in documents[:3])
    with store.transaction() as session:
        assert pending_documents(session, 10) == shas
        assert pending_documents(session, 1, after=shas[0]) == shas[1:2]
        carried = placing.Carried(after=shas[1])
        assert placing._pending(session, 10, carried) == shas[2:]
        carried.after = shas[2]
        assert placing._pending(session, 10, carried) == shas
        assert carried.after == ""


def test_a_run_killed_inside_a_document_is_finished_row_for_row_by_the_next(
    store: CatalogStore, documents: list[Document], whole: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    for document in documents:
        store.add_document(document)
    real = Matcher.place_rows
    calls: list[int] = []

    def dies_on_the_fortieth(self: Matcher, work: placing.Placing, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) >= 40 and work.placed > 0:
            raise KeyboardInterrupt("killed")  # what a kill leaves: the open transaction rolled back
        real(self, work, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(placing, "TRANSACTION_SECONDS", 0.0)
        patch.setattr(placing, "YIELD_SECONDS", 0.0)
        patch.setattr(Matcher, "place_rows", dies_on_the_fortieth)
        with pytest.raises(KeyboardInterrupt):
            store.reconcile()
    cut = _placing_state(store)
    assert cut.get(placing.PLACING_SEQ, 0) > 0 and cut.get(placing.PLACING_ROWS, 0) > 0, (
        "the kill was meant to land inside a document"
    )
    store.reconcile()
    assert canonical_dump(store) == whole
    assert set(_placing_state(store).values()) <= {0}


def _concept_tables(session: Session) -> tuple[list[tuple[object, ...]], ...]:
    """The concepts, each row's concept and the dataset it is counted in, and the kept counts."""
    heads = session.execute(select(ConceptRow.id, ConceptRow.title, ConceptRow.dataset_count, ConceptRow.member_count,
                                   ConceptRow.locality_count, ConceptRow.publisher_count).order_by(ConceptRow.id))
    rows = session.execute(select(ConceptEntryRow.entry_key, ConceptEntryRow.concept_id, ConceptEntryRow.dataset_id)
                           .order_by(ConceptEntryRow.entry_key))  # fmt: skip
    values = session.execute(select(ConceptValueRow.concept_id, ConceptValueRow.kind, ConceptValueRow.value,
                                    ConceptValueRow.count).order_by(ConceptValueRow.concept_id, ConceptValueRow.kind,
                                                                    ConceptValueRow.value))  # fmt: skip
    return [tuple(r) for r in heads], [tuple(r) for r in rows], [tuple(r) for r in values]


def _as_if_rewritten_whole(store: CatalogStore) -> None:
    """The concept tables after a run equal what rewriting them from every row gives, and each concept's
    title and counts are concept_facts.concept_counts of its member rows (the grouped recount's reference)."""
    assignment = {key: concept for key, concept in store.concept_assignment().items() if concept}
    with store.transaction() as session:
        written = _concept_tables(session)
        CatalogStore._store_concepts(session, None)  # rows copied by the database (rewrite_concepts)
        assert _concept_tables(session) == written
        concepts_store.save_concepts(session, assignment, replace=True)  # rows written from Python
        assert _concept_tables(session) == written
        session.rollback()
    with store.snapshot() as session:
        members: dict[str, list[MemberFact]] = {}
        for member in load_members(session):
            members.setdefault(member.concept_id, []).append(member)
        expected = sorted((cid, *concept_counts(rows)[:1], len({m.dataset_id for m in rows}), len(rows),
                           *concept_counts(rows)[2:]) for cid, rows in members.items())  # fmt: skip
        assert expected and written[0] == expected
        # The kept counts are each concept's rows per dataset, locality and publisher.
        counted = Counter[tuple[str, str, str]]()
        for cid, rows in members.items():
            for member in rows:
                place, units = member_locality(member), member.unit_ids
                counted.update([(cid, "d", member.dataset_id)] + [(cid, "l", place)] * bool(place)
                               + [(cid, "p", agency(units[0]).name)] * bool(units))  # fmt: skip
        assert written[2] == sorted((*key, count) for key, count in counted.items())
        in_datasets = {(m.entry_key, m.concept_id, m.dataset_id) for rows in members.values() for m in rows}
        assert in_datasets == set(written[1])


def _diffs_found_every_row(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records whether each diff of a run found every row that moved (concepts_store._in_step): if not,
    the store compares all rows again, which gives the same tables but is not what a run should need."""
    found: list[bool] = []
    real = concepts_store._in_step

    def recorded(connection: Connection) -> bool:
        found.append(real(connection))
        return found[-1]

    monkeypatch.setattr(concepts_store, "_in_step", recorded)
    return found


def test_a_run_rewrites_only_the_concepts_it_changed_and_ends_as_a_whole_rewrite(
    store: CatalogStore, documents: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    when = datetime(2026, 12, 5, tzinfo=UTC)
    found = _diffs_found_every_row(monkeypatch)
    store.add_document(documents[0], path="a")
    store.reconcile()
    for document, path in ((documents[1], "b"), (documents[2], "c")):
        store.add_document(document, path=path)
    store.reconcile()
    _as_if_rewritten_whole(store)
    store.add_document(documents[3], path="a")  # a new version of "a": the first document leaves
    store.reconcile()
    _as_if_rewritten_whole(store)
    with store.snapshot() as session:
        largest = list(session.scalars(select(DatasetRow.id).order_by(DatasetRow.member_count.desc(),
                                                                      DatasetRow.id).limit(2)))  # fmt: skip
    store.add_decision(SetCanonical(who="test", when=when, dataset_id=largest[1], title="Dữ liệu đổi tên"))
    store.reconcile()
    _as_if_rewritten_whole(store)
    store.add_decision(MergeDatasets(who="test", when=when, dataset_ids=largest))
    store.reconcile()
    _as_if_rewritten_whole(store)
    assert found == [True] * 4


KILLED_INSIDE_A_DOCUMENT = """
import os, signal, sys
import catalog.concepts_store as concepts_store
import catalog.placing as placing
from catalog.incremental import Matcher
from catalog.store import CatalogStore
placing.TRANSACTION_SECONDS, placing.YIELD_SECONDS = 0.0, 0.0
real, calls = Matcher.place_rows, []
def place_rows(self, work, *args, **kwargs):
    calls.append(1)
    if len(calls) >= 40 and work.placed > 0:
        os.kill(os.getpid(), signal.SIGKILL)
    real(self, work, *args, **kwargs)
Matcher.place_rows = place_rows
with CatalogStore(sys.argv[1]) as store:
    store.reconcile()
"""


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # a kill is a kill; test_kill_campaign kills both
def test_a_run_killed_by_sigkill_inside_a_document_is_finished_by_the_next(
    backend: str, tmp_path: Path, documents: list[Document], whole: dict[str, object]
) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    with CatalogStore(url) as store:
        for document in documents:
            store.add_document(document)
    env = {**os.environ, "PYTHONPATH": str(CORPUS.parents[1])}
    run = subprocess.run([sys.executable, "-c", KILLED_INSIDE_A_DOCUMENT, url], env=env, timeout=600,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == -9, run.stderr
    with CatalogStore(url) as store:
        cut = _placing_state(store)
        assert cut.get(placing.PLACING_SEQ, 0) > 0 and cut.get(placing.PLACING_ROWS, 0) > 0
        store.reconcile()
        assert canonical_dump(store) == whole


def _shuffle_step(session: Session, rng: random.Random, step: int) -> set[str]:
    """One random change of what the concept tables count (rows moving between datasets, datasets
    changing concept or title, rows leaving and coming back); the datasets it touched."""
    members = sorted(tuple(row) for row in session.execute(select(DatasetMemberRow.entry_key,
                                                                  DatasetMemberRow.dataset_id)))  # fmt: skip
    heads = sorted(tuple(row) for row in session.execute(select(DatasetRow.id, DatasetRow.concept_id,
                                                                DatasetRow.title)))  # fmt: skip
    concepts = sorted({concept for _, concept, _ in heads} | {f"cc-moi-{step}"})
    touched: set[str] = set()
    for key, dataset in rng.sample(members, k=min(len(members), rng.randint(1, 12))):
        kind, target = rng.choice(["move", "move", "leave"]), rng.choice(heads)[0]
        if kind == "move":
            session.execute(update(DatasetMemberRow).where(DatasetMemberRow.entry_key == key).values(dataset_id=target))
            touched |= {dataset, target}
        else:
            session.execute(delete(DatasetMemberRow).where(DatasetMemberRow.entry_key == key))
            touched.add(dataset)
    for dataset, _, title in rng.sample(heads, k=min(len(heads), 3)):
        if rng.random() < 0.5:
            session.execute(update(DatasetRow).where(DatasetRow.id == dataset).values(concept_id=rng.choice(concepts)))
        else:  # another dataset's title, or one of its own: the harmonised title may change
            retitled = rng.choice([rng.choice(heads)[2], f"{title} ({step})"])
            session.execute(update(DatasetRow).where(DatasetRow.id == dataset).values(title=retitled))
        touched.add(dataset)
    return touched


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_concept_counts_follow_a_random_sequence_of_changes_as_a_whole_rewrite(
    store: CatalogStore, documents: list[Document], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept counts (concept_values) moved by each change's rows alone stay equal to counting every row."""
    for document in documents[:3]:
        store.add_document(document)
    store.reconcile()
    rng = random.Random(seed)
    found = _diffs_found_every_row(monkeypatch)
    for step in range(8):
        with store.transaction() as session:
            CatalogStore._store_concepts(session, _shuffle_step(session, rng, step))
        _as_if_rewritten_whole(store)
    assert found == [True] * 8


def test_counts_kept_by_another_writer_are_counted_again_from_the_rows(
    store: CatalogStore, documents: list[Document]
) -> None:
    """A kept count that would fall below zero was not the rows' count: its concept is recounted whole."""
    store.add_document(documents[1])
    store.reconcile()
    with store.transaction() as session:
        key, dataset = session.execute(select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id)
                                       .order_by(DatasetMemberRow.entry_key).limit(1)).one()  # fmt: skip
        session.execute(delete(ConceptValueRow).where(ConceptValueRow.kind == "d", ConceptValueRow.value == dataset))
        session.execute(delete(DatasetMemberRow).where(DatasetMemberRow.entry_key == key))
        CatalogStore._store_concepts(session, {dataset})
    _as_if_rewritten_whole(store)


def test_a_row_that_left_a_dataset_no_one_refreshed_is_found_by_comparing_every_row(
    store: CatalogStore, documents: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The datasets a run refreshed are where its diff looks; a row that left another one (a writer
    outside the run) shows in the counts, and every row is compared."""
    store.add_document(documents[1])
    store.reconcile()
    found = _diffs_found_every_row(monkeypatch)
    with store.transaction() as session:
        key = session.scalars(select(DatasetMemberRow.entry_key).order_by(DatasetMemberRow.entry_key)).first()
        session.execute(delete(DatasetMemberRow).where(DatasetMemberRow.entry_key == key))
        CatalogStore._store_concepts(session, set())
    assert found == [False]
    _as_if_rewritten_whole(store)


def test_two_runs_taking_turns_read_what_the_other_wrote(
    store: CatalogStore, documents: list[Document], whole: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the lock is a transaction's: between two of one run's, another run may place rows.
    Each run keeps what placing read (catalog/placing_index.py); it must drop it when the other wrote."""
    monkeypatch.setattr(placing, "TRANSACTION_SECONDS", 0.0)  # each transaction places one row
    for document in documents:
        store.add_document(document)
    mine, other = placing.Carried(), placing.Carried()
    dropped: list[bool] = []  # whether an index was dropped with something in it
    real_clear = PlacingIndex.clear

    def clear(self: PlacingIndex) -> None:
        dropped.append(bool(self.dataset_of))
        real_clear(self)

    monkeypatch.setattr(PlacingIndex, "clear", clear)

    def one_transaction(carried: placing.Carried) -> bool:
        with store.transaction() as session:
            matcher = Matcher(session, threshold=load_threshold(), concept_threshold=load_concept_threshold(),
                              decisions=[])  # fmt: skip
            counts = RunCounts()
            found = placing.place_pending(matcher, session, counts, batch=50, carried=carried)
            matcher.settle(counts)
        return found

    turns = 0
    while one_transaction(mine if turns % 3 else other):  # two of mine, then one of the other's
        turns += 1
    assert turns > 20 and any(dropped)
    store.reconcile()  # the last step, owed by the transactions above
    assert canonical_dump(store) == whole
