"""The concept level in the store: each catalog row's concept, and each concept's title and counts.

``save_concepts`` is called by ``CatalogStore.save_reconciliation`` inside its transaction, and can
be called on its own by a writer that re-assigns only some entries (``replace=False``): the counts
of the concepts those entries left or joined move by them, and a concept left without rows is
deleted. A reconciliation run writes the tables as a diff (``save_concept_changes``) or, after a
rebuild, a first run or a killed one, whole (``rewrite_concepts``). Each concept keeps how many of
its rows are in each dataset, locality and publisher (``concept_values``), so a diff counts only the
rows that moved (catalog/concepts_diff.py). Every write runs after the datasets and members of the
entries are written, since a concept's title and counts come from its datasets. The facts
(coverage, conflicts) are derived on reading, ``read_concepts``, from the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from sys import intern
from typing import cast

from sqlalchemy import Connection, Row, Select, String, Table, bindparam, delete, func, insert, literal, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.chunking import chunked
from catalog.concept_facts import (
    ConceptDetail,
    DocumentFact,
    MemberFact,
    concept_details,
    document_locality,
)
from catalog.concepts_diff import Placed, changed_rows, delete_concepts, move_rows
from catalog.fast_sql import Prepared
from catalog.incremental_state import SEQ, _set_state, _state
from catalog.models import (
    CatalogEntryRow,
    ConceptEntryRow,
    ConceptRow,
    ConceptValueRow,
    DatasetMemberRow,
    DatasetRow,
    DocumentLocalityRow,
    DocumentRow,
    MatchDocumentRow,
)

CHUNK = 2_000  # keys per IN (…) list and rows per bulk insert
SEEN = "concepts_seq"  # match_state: the last matched document (match_documents.seq) the concept tables count
CONCEPTS = cast(Table, ConceptRow.__table__)
CONCEPT_ENTRIES = cast(Table, ConceptEntryRow.__table__)
VALUES = cast(Table, ConceptValueRow.__table__)


def save_concept_changes(session: Session, datasets: Collection[str] | None, *, recount: Collection[str] = ()) -> bool:
    """Bring the stored concepts to the datasets' concepts by writing only what differs; True when every row
    was compared (``datasets`` None, or rows found moved by another writer), so any dataset's concept may
    have changed, not only those of ``datasets``.

    ``datasets``: those whose rows or concept may have changed since the tables were written (the
    datasets a run refreshed: it refreshes every dataset a row joins or leaves), None for any. Rows
    whose concept or dataset changed move, rows no longer in a dataset leave; the counts of the
    concepts they leave or join move by those rows alone (catalog/concepts_diff.py), and the concepts
    in ``recount`` (whose datasets changed title or unit) are titled again. The same tables as a
    whole rewrite (``save_concepts(..., replace=True)``) without reading every row of the archive.
    """
    connection = session.connection()
    if datasets is None:
        before, after = changed_rows(connection, None)
    else:
        # The rows of documents matched since the tables were written: a row that makes a dataset of
        # its own is not among the refreshed datasets (it is written complete).
        fresh = connection.scalars(select(MatchDocumentRow.sha256).where(MatchDocumentRow.seq > _state(session, SEEN)))
        keys: list[str] = []
        for chunk in chunked(sorted(fresh), CHUNK):
            keys += connection.scalars(select(CatalogEntryRow.key).where(CatalogEntryRow.document_sha256.in_(chunk)))
        before, after = changed_rows(connection, datasets, keys)
    _move(session, before, after, recount)
    _set_state(session, SEEN, _state(session, SEQ))
    if datasets is not None and not _in_step(connection):
        # A row moved without its datasets being refreshed (a writer outside the run): compare every row.
        return save_concept_changes(session, None, recount=recount)
    return datasets is None


def _in_step(connection: Connection) -> bool:
    """Whether the concept tables hold as many rows as the datasets of a concept, and the concepts
    count them all: counts of indexes and of a few hundred concepts (a missed row shows here)."""
    members = connection.scalar(select(func.count()).select_from(DatasetMemberRow)) or 0
    conceptless = connection.scalar(select(func.count()).select_from(DatasetMemberRow).where(
        DatasetMemberRow.dataset_id.in_(select(DatasetRow.id).where(DatasetRow.concept_id == ""))))  # fmt: skip
    rows = connection.scalar(select(func.count()).select_from(ConceptEntryRow)) or 0
    counted = connection.scalar(select(func.coalesce(func.sum(ConceptRow.member_count), 0))) or 0
    return members - (conceptless or 0) == rows == counted


def save_concepts(session: Session, concepts: Mapping[str, str], *, replace: bool = True,
                  recount: Collection[str] = ()) -> int:  # fmt: skip
    """Store ``concepts`` (entry key → concept id); the number of concepts stored after the write.

    ``replace``: the assignment is the whole catalog's (a full reconciliation) and every earlier
    one goes, every concept counted from all its rows; otherwise only the given entries move, and
    the concepts they leave or join are counted by those entries (``save_concept_changes``). Keys of
    entries not in the store are skipped, as ``save_reconciliation`` skips their members.
    """
    keys = sorted(concepts)
    if not replace:
        return _save_some(session, concepts, keys, recount)
    connection = session.connection()  # Core executemany: the ORM's bulk path costs more than the rows
    known = set(connection.scalars(select(CatalogEntryRow.key)))
    datasets = dict(connection.execute(select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id)).all())
    for table in (CONCEPT_ENTRIES, VALUES, CONCEPTS):
        connection.execute(delete(table))
    kept = [key for key in keys if key in known]
    heads = [_head(cid) for cid in sorted({concepts[key] for key in kept})]
    rows = [{"entry_key": key, "concept_id": concepts[key], "dataset_id": datasets.get(key, "")} for key in kept]
    for table, written in ((CONCEPTS, heads), (CONCEPT_ENTRIES, rows)):
        for start in range(0, len(written), CHUNK):
            connection.execute(insert(table), written[start : start + CHUNK])
    return _count_whole(session)


def rewrite_concepts(session: Session) -> int:
    """The concept tables rewritten whole from the datasets' concepts (a rebuild, a first run, a run
    after a killed one): ``save_concepts(every member's concept, replace=True)``, the half million
    rows at 10,000 documents copied by the database rather than through Python."""
    connection = session.connection()
    for table in (CONCEPT_ENTRIES, VALUES, CONCEPTS):
        connection.execute(delete(table))
    placed = (
        select(DatasetMemberRow.entry_key, DatasetRow.concept_id, DatasetMemberRow.dataset_id)
        .join(DatasetRow, DatasetRow.id == DatasetMemberRow.dataset_id).where(DatasetRow.concept_id != "")
    )  # fmt: skip
    blank = [literal(value) for name, value in _head("").items() if name != "id"]
    in_use = (select(DatasetRow.concept_id, *blank).distinct()
              .where(DatasetRow.concept_id != "", DatasetRow.id.in_(select(DatasetMemberRow.dataset_id))))  # fmt: skip
    connection.execute(insert(CONCEPTS).from_select(list(_head("")), in_use))
    connection.execute(insert(CONCEPT_ENTRIES).from_select(["entry_key", "concept_id", "dataset_id"], placed))
    return _count_whole(session)


def _head(concept_id: str) -> dict[str, object]:
    """A concept's row before it is counted."""
    return {"id": concept_id, "title": "", "dataset_count": 0, "member_count": 0, "locality_count": 0,
            "publisher_count": 0}  # fmt: skip


def _count_whole(session: Session) -> int:
    record_localities(session)
    _recount(session, None)
    _set_state(session, SEEN, _state(session, SEQ))
    return session.scalar(select(func.count()).select_from(ConceptRow)) or 0


def _save_some(session: Session, concepts: Mapping[str, str], keys: Sequence[str], recount: Collection[str]) -> int:
    """``save_concepts`` of some entries: each moves to its concept, in the dataset it is a member of."""
    connection = session.connection()
    before: dict[str, Placed] = {}
    after: dict[str, Placed] = {}
    for chunk in chunked(keys, CHUNK):
        known = set(connection.scalars(select(CatalogEntryRow.key).where(CatalogEntryRow.key.in_(chunk))))
        datasets = dict(connection.execute(select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id)
                                           .where(DatasetMemberRow.entry_key.in_(chunk))).all())  # fmt: skip
        stored = connection.execute(select(ConceptEntryRow.entry_key, ConceptEntryRow.concept_id,
                                           ConceptEntryRow.dataset_id).where(ConceptEntryRow.entry_key.in_(chunk)))
        before.update((key, (concept, dataset)) for key, concept, dataset in stored)
        after.update((key, (concepts[key], datasets.get(key, ""))) for key in chunk if key in known)
    return _move(session, before, after, recount)


def _move(session: Session, before: Mapping[str, Placed], after: Mapping[str, Placed], recount: Collection[str]) -> int:
    record_localities(session)  # before the new rows are counted: their locality is their plan's
    broken = move_rows(session, before, after, lambda shas: _localities(session, shas), retitle=recount)
    if broken:  # counts kept by another writer: these concepts are counted from all their rows
        _recount(session, broken)
    return session.scalar(select(func.count()).select_from(ConceptRow)) or 0


def _recount(session: Session, concept_ids: Collection[str] | None) -> None:
    """Title, counts and kept values of the given concepts (all when None) from all their rows; empty
    ones deleted."""
    from catalog.concepts_recount import concept_counts_of

    connection = session.connection()
    grouped = concept_counts_of(session, concept_ids, _localities(session))
    heads = [counts.head(concept_id) for concept_id, counts in sorted(grouped.items())]
    # One statement run for many rows (Core executemany), not an ORM update per concept.
    statement = update(CONCEPTS).where(CONCEPTS.c.id == bindparam("key"))
    for start in range(0, len(heads), CHUNK):
        connection.execute(statement, heads[start : start + CHUNK])
    if concept_ids is None:
        connection.execute(delete(VALUES))
        empty = set(connection.scalars(select(ConceptRow.id))) - set(grouped)
    else:
        for chunk in chunked(sorted(concept_ids), CHUNK):
            connection.execute(delete(VALUES).where(VALUES.c.concept_id.in_(chunk)))
        empty = set(concept_ids) - set(grouped)
    values = [row for concept_id, counts in sorted(grouped.items()) for row in counts.values(concept_id)]
    for start in range(0, len(values), CHUNK):
        connection.execute(insert(VALUES), values[start : start + CHUNK])
    delete_concepts(connection, sorted(empty))


def _member_query() -> Select[str, str, str, str, str, str, str]:
    # Documents are not joined: their rows are large, and a few hundred localities are read apart.
    return (
        select(
            ConceptEntryRow.concept_id, CatalogEntryRow.key, cast_(CatalogEntryRow.unit_ids, String),
            CatalogEntryRow.document_sha256, DatasetMemberRow.dataset_id, DatasetRow.title, DatasetRow.unit,
        )
        .join(CatalogEntryRow, CatalogEntryRow.key == ConceptEntryRow.entry_key)
        .join(DatasetMemberRow, DatasetMemberRow.entry_key == ConceptEntryRow.entry_key)
        .join(DatasetRow, DatasetRow.id == DatasetMemberRow.dataset_id)
        .order_by(ConceptEntryRow.concept_id, DatasetMemberRow.dataset_id, DatasetMemberRow.position)
    )  # fmt: skip


def record_localities(session: Session) -> int:
    """Store the locality of every document with catalog rows that has none stored yet; how many.

    The province of a commune's plan is only in the plan it cites ("xã Đông Cứu" implementing
    the plan of UBND tỉnh Bắc Ninh), so the metadata is read from the document's JSON, once.
    """
    from extract.model import Document, Metadata
    from nlp.document import document_locality as locality_of

    missing = select(DocumentRow.sha256, DocumentRow.document_json).where(
        DocumentRow.entry_count > 0, ~DocumentRow.sha256.in_(select(DocumentLocalityRow.sha256))
    )
    rows = []
    for sha, text in session.execute(missing).all():
        metadata = Metadata.model_validate(json.loads(text).get("metadata", {}))
        # Only the metadata is read by document_locality: the rest of a large document stays unparsed.
        shell = Document.model_construct(metadata=metadata)  # type: ignore[call-arg]
        rows.append({"sha256": sha, "locality": locality_of(shell)})
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(DocumentLocalityRow), rows[start : start + CHUNK])
    return len(rows)


def document_localities(session: Session) -> dict[str, str]:
    return _localities(session)


def _localities(session: Session, shas: Collection[str] | None = None) -> dict[str, str]:
    """sha256 → the locality of a document with catalog rows: as recorded, else its issuer's (or its title's).
    Of the given documents only, when ``shas`` is given; a document without one is left out (``.get(sha, "")``).

    Only the documents without a recorded locality are read: their rows carry the whole Document, and reading
    every one of them was most of this map's time."""
    stored = select(DocumentLocalityRow.sha256, DocumentLocalityRow.locality).where(DocumentLocalityRow.locality != "")
    localities: dict[str, str] = {}
    missing: list[str] = []
    if shas is None:
        localities.update(session.execute(stored).all())
        missing = _unrecorded(session)
    else:
        for chunk in chunked(sorted(shas), CHUNK):
            localities.update(session.execute(stored.where(DocumentLocalityRow.sha256.in_(chunk))).all())
        missing = [sha for sha in shas if sha not in localities]
    for chunk in chunked(sorted(missing), CHUNK):
        found = select(DocumentRow.sha256, DocumentRow.issuer, DocumentRow.title).where(DocumentRow.sha256.in_(chunk))
        localities.update((sha, place) for sha, issuer, title in session.execute(found)
                          if (place := document_locality(issuer, title)))  # fmt: skip
    # Interned: a locality's name is the same string for all its plans, and callers hold the map while they read.
    return {intern(sha): intern(place) for sha, place in localities.items()}


def _unrecorded(session: Session) -> list[str]:
    """The documents with catalog rows and no locality recorded (or an empty one), found by the indexes alone."""
    recorded = select(DocumentLocalityRow.sha256).where(
        DocumentLocalityRow.sha256 == DocumentRow.sha256, DocumentLocalityRow.locality != ""
    )
    listed = select(CatalogEntryRow.key).where(CatalogEntryRow.document_sha256 == DocumentRow.sha256)
    return list(session.scalars(select(DocumentRow.sha256).where(~recorded.exists(), listed.exists())))


def load_members(
    session: Session, concept_ids: Collection[str] | None = None, *, localities: Mapping[str, str] | None = None
) -> list[MemberFact]:
    """The rows of the given concepts (all when None) that belong to a dataset, in concept order.
    ``localities`` (from ``document_localities``): a reader loading concepts chunk by chunk reads them once."""
    localities = _localities(session) if localities is None else localities
    connection = session.connection()  # Core rows: the ORM's per-row work costs seconds at 10^5 rows
    if concept_ids is None:
        queries = [_member_query()]
    else:
        wanted = chunked(sorted(concept_ids), CHUNK)
        queries = [_member_query().where(ConceptEntryRow.concept_id.in_(c)) for c in wanted]
    found: list[MemberFact] = []
    for query in queries:
        # Fetched a few thousand rows at a time: iterating a Core result costs a driver call per row.
        found.extend(_facts(connection.execute(query).partitions(5_000), localities))
    return found


def members_by_title(session: Session, *, localities: Mapping[str, str]) -> Iterator[MemberFact]:
    """Every concept's rows that belong to a dataset, streamed in the order of the concepts' harmonised
    title then id (as ``ConceptKey``s sort), each concept's rows as ``load_members`` orders them.

    One query for all concepts, sorted by the database: looking up each concept's rows by its index
    read the catalog rows, members and datasets at random (8 CPU-s at 10,000 documents, most of it
    system time). On SQLite the catalog rows are scanned in stored order instead (``key || ''`` keeps
    the planner from searching them by key), each row's concept and member found by its key: 3 CPU-s
    with the sort, whose memory SQLite bounds (it spills to temporary files)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    key: ColumnElement[str] = CatalogEntryRow.key.concat("") if sqlite else CatalogEntryRow.key.expression
    query = (
        select(
            ConceptEntryRow.concept_id, CatalogEntryRow.key, cast_(CatalogEntryRow.unit_ids, String),
            CatalogEntryRow.document_sha256, DatasetMemberRow.dataset_id, DatasetRow.title, DatasetRow.unit,
        )
        .select_from(CatalogEntryRow)
        .join(ConceptEntryRow, ConceptEntryRow.entry_key == key)
        .join(DatasetMemberRow, DatasetMemberRow.entry_key == key)
        .join(DatasetRow, DatasetRow.id == DatasetMemberRow.dataset_id)
        .join(ConceptRow, ConceptRow.id == ConceptEntryRow.concept_id)
        .order_by(ConceptRow.title, ConceptRow.id, DatasetMemberRow.dataset_id, DatasetMemberRow.position)
    )  # fmt: skip
    if sqlite:  # stepped on the driver's cursor (fast_sql): the columns are text as stored, and
        # SQLAlchemy's rows cost a third of the query's time (half a million rows at 10,000 documents).
        yield from _facts((Prepared(query).run(session.connection(), {}),), localities)
        return
    # yield_per: a server-side cursor on PostgreSQL.
    found = session.connection().execution_options(yield_per=5_000).execute(query)
    yield from _facts(found.partitions(), localities)


MemberRows = Iterable[Sequence[Row[str, str, str, str, str, str, str]]]


def _facts(partitions: MemberRows, localities: Mapping[str, str]) -> Iterator[MemberFact]:
    # The unit ids as stored JSON text, parsed once per distinct text: rows of a concept name a few
    # dozen units between them (half a million json.loads at 10,000 documents otherwise).
    units: dict[str | None, tuple[str, ...]] = {None: ()}
    for rows in partitions:
        for concept_id, key, unit_text, sha, dataset_id, dataset_title, dataset_unit in rows:
            unit_ids = units.get(unit_text)
            if unit_ids is None:
                unit_ids = units[unit_text] = tuple(json.loads(unit_text) or ())
            yield MemberFact(
                entry_key=key, concept_id=concept_id, dataset_id=dataset_id, dataset_title=dataset_title,
                dataset_unit=dataset_unit, unit_ids=unit_ids, document_id=sha, locality=localities.get(sha, ""),
            )  # fmt: skip


def load_universe(session: Session) -> list[DocumentFact]:
    """The documents with rows in the last reconciliation, with their locality and row count."""
    localities = _localities(session)
    # The rows counted by document apart, then the documents read once: joining the documents to every
    # row looked one up at random per row (half a million at 10,000 documents: 1.4 CPU-s, a third of
    # it system time, against 0.45 for the two queries).
    counts: dict[str, int] = dict(session.execute(
        select(CatalogEntryRow.document_sha256, func.count())
        .join(DatasetMemberRow, DatasetMemberRow.entry_key == CatalogEntryRow.key)
        .group_by(CatalogEntryRow.document_sha256)
    ).all())  # fmt: skip
    query = select(DocumentRow.sha256, DocumentRow.source, DocumentRow.title, DocumentRow.number).order_by(
        DocumentRow.source, DocumentRow.sha256
    )
    return [
        DocumentFact(id=intern(sha), source=source, title=title, number=number, locality=localities.get(sha, ""),
                     entry_count=counts[sha])  # fmt: skip
        for sha, source, title, number in session.execute(query)
        if sha in counts
    ]


def read_concepts(session: Session) -> list[ConceptDetail]:
    """Every stored concept with its facts, ordered by harmonised title then id."""
    return concept_details(load_members(session), load_universe(session))


def stored_concepts(session: Session) -> dict[str, str]:
    """entry key → concept id as stored: the ``previous_concepts`` of the next reconciliation."""
    found = session.execute(select(ConceptEntryRow.entry_key, ConceptEntryRow.concept_id))
    return {str(key): str(concept) for key, concept in found.all()}


def dataset_concepts(session: Session, ids: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
    """dataset id → (concept id, harmonised title): the concept most of the dataset's rows belong to
    (of the datasets ``ids`` only, when given)."""
    query = (
        select(DatasetMemberRow.dataset_id, ConceptRow.id, ConceptRow.title, func.count())
        .join(ConceptEntryRow, ConceptEntryRow.entry_key == DatasetMemberRow.entry_key)
        .join(ConceptRow, ConceptRow.id == ConceptEntryRow.concept_id)
        .group_by(DatasetMemberRow.dataset_id, ConceptRow.id, ConceptRow.title)
    )
    if ids is not None:
        query = query.where(DatasetMemberRow.dataset_id.in_(ids))
    best: dict[str, tuple[int, str, str]] = {}
    for dataset_id, concept_id, title, count in session.execute(query):
        held = best.get(dataset_id)
        if held is None or (count, concept_id) > (held[0], held[1]):
            best[dataset_id] = (count, concept_id, title)
    return {dataset_id: (concept_id, title) for dataset_id, (_, concept_id, title) in best.items()}
