"""What incremental matching keeps between runs, and the steps of a run around the Matcher.

Counters (rows matched, documents numbered, decisions applied), word and posting counts, the
counts behind each dataset's title, unit and unit-type sets, and the prepared statements the
Matcher runs once per row. Statements are built once: building one costs more than running it on
an indexed column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from catalog.fast_sql import Prepared
from catalog.models import (
    CatalogEntryRow,
    ConceptWordingRow,
    DatasetMemberRow,
    DatasetRow,
    DatasetValueRow,
    DocumentLocalityRow,
    DocumentRow,
    FileVersionRow,
    FlagRow,
    LinkRow,
    MatchCitationRow,
    MatchDocumentRow,
    MatchEntryRow,
    MatchPostingRow,
    MatchStateRow,
    MatchTermRow,
    ReconcileRunRow,
)
from extract.model import Document
from matching.placement import Specificity, StoredRow

ROWS, SEQ, DECISIONS, OWED = "rows", "seq", "decisions", "run_owed"
VALUES_OWED = "values_owed"  # every dataset's value counts are to be counted again (0013)
PLACING_SEQ, PLACING_ROWS = "placing_seq", "placing_rows"  # a document placed in part, and how far


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


TERMS = _table(MatchTermRow).c
POSTINGS = _table(MatchPostingRow).c
MEMBERS = _table(DatasetMemberRow).c
MENTRIES = _table(MatchEntryRow).c
ENTRIES = _table(CatalogEntryRow).c
MDOCS = _table(MatchDocumentRow).c
HEADS = _table(DatasetRow).c

# Statements built once: building a statement costs more than running it on an indexed column. Those
# run once per row and taking plain values are Prepared (catalog/fast_sql.py): run on the cursor.
_KEYS: Any = bindparam("keys", expanding=True)
DATASETS_OF = select(MEMBERS.entry_key, MEMBERS.dataset_id).where(MEMBERS.entry_key.in_(_KEYS))
# Exemplars are read from the member rows' mark (0011_member_exemplars): an index of exemplars only,
# not every member of each dataset.
EXEMPLARS_OF = (
    select(MEMBERS.entry_key, MEMBERS.dataset_id)
    .where(MEMBERS.exemplar, MEMBERS.dataset_id.in_(bindparam("datasets", expanding=True)))
    .order_by(MEMBERS.entry_key)
)
# SQLite chose the index on dataset_id (every member of each dataset, the exemplars picked after: a
# disputed dataset holds a share of the archive) over the partial index of exemplars, without ANALYZE's
# counts to tell them apart; told which, a large dataset's exemplars are read ~50x faster.
EXEMPLARS_OF_SQLITE = text(
    "SELECT entry_key, dataset_id FROM dataset_members INDEXED BY ix_dataset_members_exemplars "
    "WHERE exemplar = 1 AND dataset_id IN :datasets ORDER BY entry_key"
).bindparams(bindparam("datasets", expanding=True))
ADD_MEMBER = Prepared(insert(_table(DatasetMemberRow)))
ADD_POSTINGS = Prepared(insert(_table(MatchPostingRow)))
ADD_LINKS = insert(_table(LinkRow))
MARK_EXEMPLAR = Prepared(update(_table(MatchEntryRow)).where(MENTRIES.key == bindparam("k")).values(exemplar=True))
HEAD_EXISTS = Prepared(select(HEADS.id).where(HEADS.id == bindparam("d")))
ADD_DATASET = Prepared(insert(_table(DatasetRow)))
# A placed document's locality (concepts_store.record_localities), recorded while its Document is parsed.
LOCALITIES = _table(DocumentLocalityRow).c
LOCALITY_KNOWN = Prepared(select(LOCALITIES.sha256).where(LOCALITIES.sha256 == bindparam("s")))
ADD_LOCALITY = Prepared(insert(_table(DocumentLocalityRow)))
# A new dataset's concept (catalog.incremental_concepts): the concept of its wording, else a new one.
WORDING = _table(ConceptWordingRow).c
CONCEPT_OF_WORDING = Prepared(select(WORDING.concept_id).where(WORDING.wording == bindparam("w")))
ADD_WORDING = Prepared(insert(_table(ConceptWordingRow)))
MARK_CONCEPT_REP = Prepared(
    update(_table(MatchEntryRow)).where(MENTRIES.key == bindparam("k")).values(concept_rep=True)
)
CONCEPT_OF_MEMBER = Prepared(
    select(HEADS.concept_id).join(MEMBERS.entry_key.table, MEMBERS.dataset_id == HEADS.id)
    .where(MEMBERS.entry_key == bindparam("k"))
)  # fmt: skip
CONCEPT_REPS = select(MENTRIES.key).where(MENTRIES.key.in_(_KEYS), MENTRIES.concept_rep)
SET_CONCEPT = Prepared(update(_table(DatasetRow)).where(HEADS.id == bindparam("d")).values(concept_id=bindparam("c")))
STORED_ROWS = (  # what matching needs of stored rows (matching.placement.StoredRow), by key
    select(
        ENTRIES.key, ENTRIES.document_sha256, ENTRIES.number, ENTRIES.table_index, ENTRIES.group_name,
        ENTRIES.title, ENTRIES.title_key, ENTRIES.description, MENTRIES.unit_types, MENTRIES.unit_label,
        MDOCS.scope_level, MDOCS.scope_province, ENTRIES.unit,
    )
    .join(MENTRIES.key.table, MENTRIES.key == ENTRIES.key)
    .join(MDOCS.sha256.table, MDOCS.sha256 == ENTRIES.document_sha256)
    .where(ENTRIES.key.in_(_KEYS))
)  # fmt: skip
LAST_POSITION = Prepared(select(func.max(MEMBERS.position)).where(MEMBERS.dataset_id == bindparam("d")))
TERM_COUNTS = select(TERMS.term, TERMS.count).where(
    TERMS.kind == bindparam("kind"), TERMS.term.in_(bindparam("terms", expanding=True))
)
VALUES = _table(DatasetValueRow).c
# SQLite (3.24+) and PostgreSQL spell the upsert alike.
ADD_OR_NEW_VALUE = Prepared(text(
    "INSERT INTO dataset_values (dataset_id, kind, value, count, first_position) VALUES (:d, :k, :v, :n, :p) "
    "ON CONFLICT (dataset_id, kind, value) DO UPDATE SET count = dataset_values.count + excluded.count"
))  # fmt: skip
NEW_TERM = Prepared(insert(_table(MatchTermRow)))
SET_TERM = Prepared(
    update(_table(MatchTermRow)).where(TERMS.kind == bindparam("k"), TERMS.term == bindparam("t"))
    .values(count=bindparam("c"))
)  # fmt: skip
# A document's rows may be placed over several transactions (catalog.placing): members are counted
# as they join, the document once, when its last row is placed.
GROW = Prepared(update(_table(DatasetRow)).where(HEADS.id == bindparam("d")).values(
    member_count=HEADS.member_count + bindparam("n")
))
ONE_MORE_DOCUMENT = Prepared(
    update(_table(DatasetRow)).where(HEADS.id == bindparam("d")).values(document_count=HEADS.document_count + 1)
)
DOCUMENT_DATASETS = (  # the datasets a document's rows are in, with the rows' unit types
    select(MEMBERS.dataset_id, MENTRIES.unit_types, HEADS.member_count)
    .join(MEMBERS.entry_key.table, MEMBERS.entry_key == MENTRIES.key)
    .join(HEADS.id.table, HEADS.id == MEMBERS.dataset_id)
    .where(MENTRIES.document_sha256 == bindparam("sha"))
    .order_by(MEMBERS.dataset_id, MENTRIES.key)
)


@dataclass
class Placing:
    """A document whose rows are being placed, in order; the first `placed` are in their datasets.

    A large document may be placed over several transactions, so a reconciliation never holds
    SQLite's one write lock for long; `placed` is stored between them (catalog.placing).
    """

    document: Document
    seq: int
    rows: list[StoredRow]
    idf: Specificity
    numbered: Counter[tuple[int, str, str]]
    placed: int = 0

    @property
    def done(self) -> bool:
        return self.placed >= len(self.rows)


@dataclass
class RunCounts:
    documents: int = 0
    removed: int = 0
    entries: int = 0
    decisions: int = 0
    touched: set[str] = field(default_factory=set)  # datasets to refresh at the end of the transaction
    settled: set[str] = field(default_factory=set)  # datasets refreshed by the run so far
    created: set[str] = field(default_factory=set)  # datasets of one row, written complete (never refreshed)
    moved_documents: set[str] = field(default_factory=set)  # documents whose rows a decision moved


def _state(session: Session, name: str) -> int:
    return session.scalar(select(MatchStateRow.value).where(MatchStateRow.name == name)) or 0


def _set_state(session: Session, name: str, value: int) -> None:
    if session.get(MatchStateRow, name) is None:
        session.add(MatchStateRow(name=name, value=value))
    else:
        session.execute(update(MatchStateRow).where(MatchStateRow.name == name).values(value=value))
    session.flush()


def _load_terms(session: Session, kind: str, words: Iterable[str]) -> dict[str, int]:
    wanted = list(set(words))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.connection().execute(TERM_COUNTS, {"kind": kind, "terms": chunk}).all())
    return found


class Terms:
    """Word counts (match_terms) read once per batch and written back at its end."""

    def __init__(self, session: Session, kind: str) -> None:
        self.session, self.kind = session, kind
        self.counts: dict[str, int] = {}
        self.stored: set[str] = set()
        self.dirty: set[str] = set()

    def get(self, words: Iterable[str]) -> dict[str, int]:
        words = set(words)
        missing = [w for w in words if w not in self.counts]
        if missing:
            found = _load_terms(self.session, self.kind, missing)
            self.stored |= set(found)
            for word in missing:
                self.counts[word] = found.get(word, 0)
        return {w: self.counts[w] for w in words}

    def add(self, words: Iterable[str], step: int = 1) -> None:
        counts = Counter(words)
        self.get(counts)
        for word, n in counts.items():
            self.counts[word] += n * step
            self.dirty.add(word)

    def flush(self) -> None:
        db = self.session.connection()
        fresh = [{"kind": self.kind, "term": w, "count": self.counts[w]} for w in self.dirty if w not in self.stored]
        known = [{"k": self.kind, "t": w, "c": self.counts[w]} for w in self.dirty if w in self.stored]
        NEW_TERM.run(db, fresh)
        SET_TERM.run(db, known)
        self.stored |= self.dirty
        self.dirty.clear()


class Values:
    """Increments of dataset_values (titles, units, unit-type sets per dataset) written by `flush`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: dict[tuple[str, str, str], list[int]] = {}  # -> [count delta, first position]

    def add(self, dataset: str, kind: str, value: str, position: int = 0) -> None:
        found = self.pending.setdefault((dataset, kind, value), [0, position])
        found[0] += 1
        found[1] = min(found[1], position)

    def flush(self) -> None:
        if not self.pending:
            return
        # One upsert a value: a stored one keeps its first position. The stored values were looked up
        # first by a row-value IN, which SQLite ran as a scan of every dataset's values.
        ADD_OR_NEW_VALUE.run(self.session.connection(), [
            {"d": d, "k": k, "v": v, "n": n, "p": p} for (d, k, v), (n, p) in sorted(self.pending.items())
        ])  # fmt: skip
        self.pending.clear()


# ---------------------------------------------------------------- the run


_CURRENT = select(FileVersionRow.sha256).where(FileVersionRow.sha256 == DocumentRow.sha256, FileVersionRow.is_current)
_MATCHED = select(MatchDocumentRow.sha256).where(MatchDocumentRow.sha256 == DocumentRow.sha256)
_PENDING = (
    select(DocumentRow.sha256)
    .where(DocumentRow.sha256 > bindparam("after"), _CURRENT.exists(), ~_MATCHED.exists())
    .order_by(DocumentRow.sha256).limit(bindparam("limit"))
)  # fmt: skip


# SQLite, without ANALYZE's counts, looked current versions up by the index on is_current (every current
# version, for each document walked: ~0.5 s a query at 3,200 documents); told which, it seeks by hash.
_PENDING_SQLITE = text(
    "SELECT sha256 FROM documents WHERE sha256 > :after"
    " AND EXISTS (SELECT 1 FROM file_versions INDEXED BY ix_file_versions_sha256"
    " WHERE file_versions.sha256 = documents.sha256 AND file_versions.is_current = 1)"
    " AND NOT EXISTS (SELECT 1 FROM match_documents WHERE match_documents.sha256 = documents.sha256)"
    " ORDER BY sha256 LIMIT :limit"
)


def pending_documents(session: Session, limit: int, after: str = "") -> list[str]:
    """Current documents not matched yet, by content hash: one run over a set of documents gives the same
    result whatever order they were stored in (a walk order or a worker count must not change the catalog).

    `after`: only those whose hash is greater. Each document is checked by two index seeks as the
    documents are walked in hash order; a run goes on from the last document it took, so its query no
    longer walks every document matched before (~4 ms a transaction at 3,200 documents, and growing).
    """
    sqlite = session.bind is not None and session.bind.dialect.name == "sqlite"
    return list(session.scalars(_PENDING_SQLITE if sqlite else _PENDING, {"after": after, "limit": limit}))


def stale_documents(session: Session) -> list[str]:
    """Matched documents no file version shows any more."""
    current = select(FileVersionRow.sha256).where(FileVersionRow.is_current)
    return list(session.scalars(select(MatchDocumentRow.sha256).where(~MatchDocumentRow.sha256.in_(current))))


def lock(session: Session) -> None:
    """One reconciliation at a time (SQLite: the write transaction is taken at BEGIN already)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7013)"))


def clear(session: Session) -> None:
    """Forget every result and index (a full rebuild starts from here)."""
    # dataset_values too: the rebuilt datasets take the same ids, and counts left over would be added to
    # (a rebuild doubled every title and unit count, and the first positions of the old run decided ties).
    for table in (LinkRow, FlagRow, DatasetMemberRow, DatasetValueRow, DatasetRow, MatchPostingRow, MatchEntryRow,
                  MatchCitationRow, MatchDocumentRow, MatchTermRow, ConceptWordingRow, MatchStateRow):  # fmt: skip
        session.execute(delete(table))


def value_problems(session: Session) -> list[str]:
    """Datasets whose value counts (dataset_values) do not add up to their members: each member counts
    its title once and its unit once; a dataset that is gone keeps no counts. Empty for a result stored
    without the index (its counts are made by the next run's rebuild)."""
    if unindexed_result(session):
        return []
    problems = []
    orphans = session.scalar(
        select(func.count()).select_from(_table(DatasetValueRow)).where(~VALUES.dataset_id.in_(select(HEADS.id)))
    )
    if orphans:
        problems.append(f"{orphans} dataset_values rows of datasets that do not exist")
    members = select(func.count()).where(MEMBERS.dataset_id == HEADS.id).scalar_subquery()
    counted = {
        kind: select(func.coalesce(func.sum(VALUES.count), 0))
        .where(VALUES.dataset_id == HEADS.id, VALUES.kind == kind)
        .scalar_subquery()
        for kind in "tu"
    }
    for dataset, stored, real, titles, units in session.execute(
        select(HEADS.id, HEADS.member_count, members, counted["t"], counted["u"])
        .where((HEADS.member_count != members) | (counted["t"] != members) | (counted["u"] != members))
        .order_by(HEADS.id).limit(20)
    ):  # fmt: skip
        problems.append(f"dataset {dataset}: {real} members, member_count {stored}, titles counted {titles}, "
                        f"units counted {units}")  # fmt: skip
    return problems


def document_json(session: Session, sha256: str) -> str:
    return session.scalar(select(DocumentRow.document_json).where(DocumentRow.sha256 == sha256)) or ""


def decisions_applied(session: Session) -> int:
    """The newest decision id the stored result has taken into account."""
    return _state(session, DECISIONS)


def set_decisions_applied(session: Session, newest: int) -> None:
    _set_state(session, DECISIONS, newest)


def owe_run(session: Session, owed: bool = True) -> None:
    """Mark that matching changed the result and the run's last transaction (concepts, run row) is owed.

    A reconciliation commits in several transactions; killed between them, the next one finds
    nothing pending and would skip its last step, leaving the concepts and the run summary behind.
    """
    _set_state(session, OWED, int(owed))


def run_owed(session: Session) -> bool:
    return _state(session, OWED) != 0


def values_owed(session: Session) -> bool:
    """Whether the next run counts every dataset's titles, units and unit types again from its members
    (set by the migration 0013 in a store whose counts a rebuild had doubled)."""
    return _state(session, VALUES_OWED) != 0


def counted_again(session: Session) -> None:
    _set_state(session, VALUES_OWED, 0)


def all_datasets(session: Session) -> list[str]:
    return list(session.scalars(select(HEADS.id).order_by(HEADS.id)))


def unindexed_result(session: Session) -> bool:
    """A result stored without the matching index (before 0006, or seeded by save_reconciliation)."""
    has_result = session.scalar(select(DatasetRow.id).limit(1)) is not None
    return has_result and session.scalar(select(MatchDocumentRow.sha256).limit(1)) is None


# Past this many datasets a run records none (NULL): a view reads the whole catalog again, about as fast.
CHANGED_RECORDED = 20_000


def run_row(session: Session, threshold: float, decisions: int, *, rebuild: bool,
            changed: set[str] | None) -> ReconcileRunRow:  # fmt: skip
    """The run's record. ``changed``: the datasets it refreshed, created or deleted, None when it cannot say
    (0018_run_changed_datasets; a catalog view reads only these again)."""

    def count(table: type) -> int:
        return session.scalar(select(func.count()).select_from(table)) or 0

    links = count(LinkRow)
    return ReconcileRunRow(
        created_at=datetime.now(UTC), threshold=threshold, candidate_pairs=links,
        document_count=count(MatchDocumentRow), entry_count=count(DatasetMemberRow), dataset_count=count(DatasetRow),
        link_count=links, flag_count=count(FlagRow), decision_count=decisions,
        warnings=["rebuilt"] if rebuild else [],
        changed_datasets=None if changed is None or len(changed) > CHANGED_RECORDED else sorted(changed),
    )  # fmt: skip
