"""The export record of the unified catalog: one dataset with its members, read from the store.

The API's catalog (in memory, ``api/catalog_view.py``), ``GET /v1/export`` and ``danhmuc export``
all read datasets through ``read_datasets``, so a dataset shows the same values whichever way it
is fetched. Every member keeps its source document and provenance (page, table, row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def read_datasets(session: Session) -> Iterator[tuple[DatasetView, list[MemberView]]]:
    """Every dataset of the last reconciliation, ordered by title then id, with its members in order.

    Summary and members come apart so the API's in-memory view can keep the summary's JSON without
    building a second model per dataset.
    """
    from catalog.concepts_store import dataset_concepts  # it imports agencies, which import this module

    documents = {}
    identity: dict[str, str] = {}  # sha256 -> the document it shows (its renderings share it)
    for sha, source, title, number, key in session.execute(
        select(DocumentRow.sha256, DocumentRow.source, DocumentRow.title, DocumentRow.number, DocumentRow.identity_key)
    ):
        documents[sha] = (source, title, number)
        identity[sha] = key or sha  # not matched yet (or a store not reconciled since 0010_flagids): the file
    members: dict[str, list[MemberView]] = {}
    query = (
        select(DatasetMemberRow.dataset_id, CatalogEntryRow)
        .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
        .order_by(DatasetMemberRow.dataset_id, DatasetMemberRow.position)
    )
    for dataset_id, entry in session.execute(query):
        source, title, number = documents.get(entry.document_sha256, ("", "", ""))
        members.setdefault(dataset_id, []).append(
            MemberView(
                key=entry.key, document_id=entry.document_sha256, document=source, document_title=title,
                document_number=number, number=entry.number, title=entry.title,
                description=entry.description, unit=entry.unit, group=entry.group_name,
                sharing=entry.sharing, sharing_raw=entry.sharing_raw, frequency=list(entry.frequency or []),
                frequency_raw=entry.frequency_raw, unit_ids=list(entry.unit_ids or []),
                provenance=Provenance.model_validate_json(entry.provenance_json),
            )
        )  # fmt: skip
    concepts = dataset_concepts(session)
    for head in session.scalars(select(DatasetRow).order_by(DatasetRow.title, DatasetRow.id)):
        rows = members.get(head.id, [])
        concept_id, concept_title = concepts.get(head.id, ("", ""))
        view = DatasetView(
            id=head.id, title=head.title, unit=head.unit,
            description=next((m.description for m in rows if m.description), ""),
            sharing=_unique([m.sharing for m in rows]),
            sharing_labels=_unique([m.sharing_raw for m in rows]),
            frequency=_unique([code for m in rows for code in m.frequency]),
            domains=_unique([m.group for m in rows]),
            localities=_unique([_locality(u) for m in rows for u in m.unit_ids]),
            document_ids=_unique([m.document_id for m in rows]),
            # Documents, not files: a plan stored as TXT, PDF and DOCX counts once (issue #12).
            member_count=len(rows), document_count=len({identity.get(m.document_id, m.document_id) for m in rows}),
            concept_id=concept_id, concept_title=concept_title,
        )  # fmt: skip
        yield view, rows


def detail(view: DatasetView, members: list[MemberView]) -> DatasetDetail:
    return DatasetDetail(**view.model_dump(), members=members)


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
