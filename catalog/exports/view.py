"""The export record of the unified catalog: one dataset with its members, read from the store.

The API's catalog (in memory, ``api/catalog_view.py``), ``GET /v1/export`` and ``danhmuc export``
all read datasets through ``read_datasets``, so a dataset shows the same values whichever way it
is fetched. Every member keeps its source document and provenance (page, table, row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from sys import intern
from typing import Any, NamedTuple, TypeVar, overload

from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Executable

from catalog.chunking import chunked
from catalog.models import CatalogEntryRow, DatasetMemberRow, DatasetRow, DocumentRow, ReconcileRunRow
from catalog.store import CatalogStore
from extract.model import Provenance
from extract.textforms import fold_uncached


def fold(text: str) -> str:
    """Lowercase without diacritics (đ → d), for searches typed without accents and ASCII names."""
    return fold_uncached(text, marks="nonspacing")


class MemberView(BaseModel):
    key: str
    document_id: str
    document: str  # the document's source name
    document_title: str
    document_number: str
    number: str
    title: str
    description: str
    unit: str
    group: str
    sharing: str
    sharing_raw: str
    frequency: list[str]
    frequency_raw: str
    unit_ids: list[str]
    provenance: Provenance


class DatasetView(BaseModel):
    id: str
    title: str
    unit: str
    description: str
    sharing: list[str]  # normalised sharing levels of the members
    sharing_labels: list[str]  # as printed
    frequency: list[str]  # EU frequency codes
    domains: list[str]  # group headings the rows were listed under
    localities: list[str]
    document_ids: list[str]  # the files (content hashes) the members come from
    member_count: int
    document_count: int  # documents by identity: the renderings of one plan count once
    concept_id: str = ""  # the dataset concept (same kind of data elsewhere), "" before any concept run
    concept_title: str = ""  # its harmonised title


class DatasetDetail(DatasetView):
    """A dataset with every member: the record each export format is written from."""

    members: list[MemberView] = Field(default_factory=list)


def _unique(values: Sequence[str]) -> list[str]:
    return [value for value in dict.fromkeys(values) if value]


def _locality(unit_id: str) -> str:
    return unit_id.split("@", 1)[1] if "@" in unit_id else ""


# A chunk of datasets read at once: its members are the only rows held in memory (a dataset listed by every
# commune of a province has thousands), so memory follows the chunk, not the archive.
CHUNK_MEMBERS = 5_000
CHUNK_DATASETS = 500


class SummaryMember(NamedTuple):
    """What a dataset's summary reads of one member (``read_summaries``): no provenance, no document names."""

    title: str
    description: str
    unit: str
    group: str
    sharing: str
    sharing_raw: str
    frequency: list[str]
    unit_ids: list[str]
    document_id: str


M = TypeVar("M", SummaryMember, MemberView)  # a member as read for a summary only, or whole


def _heads(session: Session, ids: Sequence[str] | None) -> Iterator[list[tuple[str, str, str]]]:
    """The datasets (id, title, unit) of the last reconciliation (or those of ``ids`` that exist), ordered by title
    then id, in chunks of CHUNK_MEMBERS members and CHUNK_DATASETS datasets at most."""
    heads = select(DatasetRow.id, DatasetRow.title, DatasetRow.unit, DatasetRow.member_count)
    ordered = heads.order_by(DatasetRow.title, DatasetRow.id)
    if ids is None:
        found = session.execute(ordered).all()
    else:
        # A few hundred ids a statement: SQLite limits a statement's parameters, and a catalog view may ask for
        # thousands (api/catalog_view.py after a large run).
        unique = sorted(set(ids))
        found = []
        for part in chunked(unique, CHUNK_DATASETS):
            found += session.execute(ordered.where(DatasetRow.id.in_(part))).all()
        if len(unique) > CHUNK_DATASETS:  # the database's order within a statement, code points across them
            found.sort(key=lambda head: (head[1], head[0]))
    chunk: list[tuple[str, str, str]] = []
    held = 0
    for dataset_id, title, unit, count in found:
        if chunk and (held + count > CHUNK_MEMBERS or len(chunk) >= CHUNK_DATASETS):
            yield chunk
            chunk, held = [], 0
        chunk.append((dataset_id, title, unit))
        held += count
    if chunk:
        yield chunk


def read_datasets(session: Session, ids: Sequence[str] | None = None) -> Iterator[tuple[DatasetView, list[MemberView]]]:
    """Every dataset of the last reconciliation (or those of ``ids`` that exist), ordered by title then id,
    with its members in order.

    Read in chunks of datasets (CHUNK_MEMBERS members, CHUNK_DATASETS datasets at most), each chunk by indexed
    queries on its dataset ids: a caller that streams the result holds one chunk at a time. Summary and members
    come apart so the API's in-memory view can keep the summary's JSON without building a second model per
    dataset.
    """
    for chunk in _heads(session, ids):
        yield from _read_chunk(session, chunk)


def read_summaries(
    session: Session, ids: Sequence[str] | None = None
) -> Iterator[tuple[DatasetView, list[SummaryMember]]]:
    """As ``read_datasets``, each dataset's summary with only what it is made of from each member: what a
    reconciliation writes in ``dataset_summaries`` for the datasets it changed, without parsing every member's
    provenance or reading its document's names (two thirds of ``read_datasets``' time)."""
    entry = CatalogEntryRow
    for heads in _heads(session, ids):
        query = _members_of(heads, entry.title, entry.description, entry.unit, entry.group_name, entry.sharing,
                            entry.sharing_raw, entry.frequency, entry.unit_ids, entry.document_sha256)  # fmt: skip
        members: dict[str, list[SummaryMember]] = {}
        for dataset_id, title, description, unit, group, sharing, sharing_raw, frequency, unit_ids, sha in (
            session.execute(query)
        ):
            members.setdefault(dataset_id, []).append(SummaryMember(
                title, description, unit, group, sharing, sharing_raw, list(frequency or []), list(unit_ids or []),
                intern(sha),
            ))  # fmt: skip
        identity = _identity(session, {m.document_id for rows in members.values() for m in rows})
        yield from _summarised(session, heads, members, identity)


def _members_of(heads: list[tuple[str, str, str]], *columns: InstrumentedAttribute[Any]) -> Select[Any]:
    """The members of a chunk of datasets with the entry ``columns`` asked for, by dataset in position order
    (columns, not entities: nothing of the chunk stays in the session's identity map after it)."""
    return (
        select(DatasetMemberRow.dataset_id, *columns)
        .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
        .where(DatasetMemberRow.dataset_id.in_([dataset_id for dataset_id, _, _ in heads]))
        .order_by(DatasetMemberRow.dataset_id, DatasetMemberRow.position)
    )


def _summarised(
    session: Session, heads: list[tuple[str, str, str]], members: dict[str, list[M]], identity: dict[str, str]
) -> Iterator[tuple[DatasetView, list[M]]]:
    """Each dataset of a chunk with its summary, in the chunk's order."""
    from catalog.concepts_store import dataset_concepts  # it imports agencies, which import this module

    concepts = dataset_concepts(session, [dataset_id for dataset_id, _, _ in heads])
    for dataset_id, title, unit in heads:
        rows = members.get(dataset_id, [])
        yield _summary(dataset_id, title, unit, rows, concepts.get(dataset_id, ("", "")), identity), rows


def _summary(dataset_id: str, title: str, unit: str, rows: Sequence[SummaryMember] | Sequence[MemberView],
             concept: tuple[str, str], identity: dict[str, str]) -> DatasetView:  # fmt: skip
    """A dataset's summary from its members, whether read whole (the exports) or for a summary only."""
    return DatasetView(
        id=dataset_id, title=title, unit=unit,
        description=next((m.description for m in rows if m.description), ""),
        sharing=_unique([m.sharing for m in rows]),
        sharing_labels=_unique([m.sharing_raw for m in rows]),
        frequency=_unique([code for m in rows for code in m.frequency]),
        domains=_unique([m.group for m in rows]),
        localities=_unique([_locality(u) for m in rows for u in m.unit_ids]),
        document_ids=_unique([m.document_id for m in rows]),
        # Documents, not files: a plan stored as TXT, PDF and DOCX counts once (issue #12).
        member_count=len(rows), document_count=len({identity.get(m.document_id, m.document_id) for m in rows}),
        concept_id=concept[0], concept_title=concept[1],
    )  # fmt: skip


def _read_chunk(session: Session, heads: list[tuple[str, str, str]]) -> Iterator[tuple[DatasetView, list[MemberView]]]:
    members: dict[str, list[MemberView]] = {}
    entry = CatalogEntryRow
    query = _members_of(heads, entry.key, entry.document_sha256, entry.number, entry.title, entry.description,
                        entry.unit, entry.group_name, entry.sharing, entry.sharing_raw, entry.frequency,
                        entry.frequency_raw, entry.unit_ids, entry.provenance_json)  # fmt: skip
    listed = session.execute(query).all()
    documents, identity = _documents(session, {row[2] for row in listed})
    for (dataset_id, key, sha, number, title, description, unit, group, sharing, sharing_raw, frequency,
         frequency_raw, unit_ids, provenance) in listed:  # fmt: skip
        source, document_title, document_number = documents.get(sha, ("", "", ""))
        # One string a document, not one a row: a document's id is in ~50 datasets' summaries, which the API's
        # catalog view holds (56 of its 212 MiB at 10,000 replicated documents were these copies).
        sha = intern(sha)
        members.setdefault(dataset_id, []).append(
            MemberView(
                key=key, document_id=sha, document=source, document_title=document_title,
                document_number=document_number, number=number, title=title, description=description,
                unit=unit, group=group, sharing=sharing, sharing_raw=sharing_raw, frequency=list(frequency or []),
                frequency_raw=frequency_raw, unit_ids=list(unit_ids or []),
                provenance=Provenance.model_validate_json(provenance),
            )
        )  # fmt: skip
    yield from _summarised(session, heads, members, identity)


def _documents(session: Session, shas: set[str]) -> tuple[dict[str, tuple[str, str, str]], dict[str, str]]:
    """sha256 → (source, title, number), and sha256 → the document it shows (its renderings share it), each
    read once a chunk rather than once a member. The identity key is read by its own covering index
    (0019_document_identity_lookup): on SQLite it is stored after the document's JSON, and reading it from the
    row walked the JSON's overflow pages, 60 µs more a lookup (docs/benchmarks.md, "Session 22")."""
    documents: dict[str, tuple[str, str, str]] = {}
    for part in chunked(sorted(shas), CHUNK_DATASETS):
        found = select(DocumentRow.sha256, DocumentRow.source, DocumentRow.title, DocumentRow.number)
        documents.update((sha, (source, title, number)) for sha, source, title, number in
                         session.execute(found.where(DocumentRow.sha256.in_(part))))  # fmt: skip
    return documents, _identity(session, shas)


def _identity(session: Session, shas: set[str]) -> dict[str, str]:
    """sha256 → the document it shows, by the covering index (see ``_documents``)."""
    identity: dict[str, str] = {}
    for part in chunked(sorted(shas), CHUNK_DATASETS):
        identity.update((sha, key) for sha, key in session.execute(_identity_keys(session), {"shas": part}) if key)
    # Not matched yet (or a store not reconciled since 0010_flagids): the file is its own document.
    return identity


# SQLite's planner takes the primary key's index for ``sha256 IN (...)`` (one row a key) and reads the row, so
# it is told which index answers alone; other databases choose well (and keep a long JSON out of the row).
_KEYS_SQLITE = text(
    "SELECT sha256, identity_key FROM documents INDEXED BY ix_documents_identity_lookup WHERE sha256 IN :shas"
).bindparams(bindparam("shas", expanding=True))
_KEYS = select(DocumentRow.sha256, DocumentRow.identity_key).where(
    DocumentRow.sha256.in_(bindparam("shas", expanding=True))
)


def _identity_keys(session: Session) -> Executable:
    return _KEYS_SQLITE if session.get_bind().dialect.name == "sqlite" else _KEYS


def datasets_of_entries(session: Session, keys: Sequence[str]) -> dict[str, str]:
    """entry key → its dataset's id, for the keys that are members of one (indexed: the member's primary key)."""
    found: dict[str, str] = {}
    for part in chunked(sorted(set(keys)), CHUNK_DATASETS):
        query = select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id).where(
            DatasetMemberRow.entry_key.in_(part)
        )
        found.update((key, dataset_id) for key, dataset_id in session.execute(query))
    return found


def detail(view: DatasetView, members: list[MemberView]) -> DatasetDetail:
    return DatasetDetail(**view.model_dump(), members=members)


class StoredCatalog(Sequence[DatasetDetail]):
    """The export records of the catalog, read from one store snapshot as they are iterated, never all held:
    each pass streams ``read_datasets`` (a format that reads the catalog twice reads the store twice), a slice
    reads its datasets only. Valid while ``session`` is open."""

    def __init__(self, session: Session) -> None:
        self._session = session
        order = select(DatasetRow.id).order_by(DatasetRow.title, DatasetRow.id)
        self._ids: list[str] = list(session.scalars(order))

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[DatasetDetail]:
        return (detail(view, members) for view, members in read_datasets(self._session))

    @overload
    def __getitem__(self, index: int) -> DatasetDetail: ...

    @overload
    def __getitem__(self, index: slice) -> list[DatasetDetail]: ...

    def __getitem__(self, index: int | slice) -> DatasetDetail | list[DatasetDetail]:
        if isinstance(index, slice):
            wanted = self._ids[index]
            found = {view.id: detail(view, members) for view, members in read_datasets(self._session, wanted)}
            return [found[dataset_id] for dataset_id in wanted if dataset_id in found]  # the slice's order
        view, members = next(read_datasets(self._session, [self._ids[index]]))
        return detail(view, members)


def export_datasets(store: CatalogStore) -> list[DatasetDetail]:
    """The export records of the catalog as stored now, in one read snapshot."""
    with store.snapshot() as session:
        return [detail(view, members) for view, members in read_datasets(session)]


def catalog_dates(store: CatalogStore) -> tuple[datetime | None, datetime | None]:
    """(issued, modified) of the catalog: its first and its last reconciliation, None before any."""
    with store.snapshot() as session:
        first, last = session.execute(
            select(func.min(ReconcileRunRow.created_at), func.max(ReconcileRunRow.created_at))
        ).one()
    return first, last
