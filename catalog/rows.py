"""Projections between typed records (Document, matching results) and store rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import TypeAdapter

from catalog.models import (
    CatalogEntryRow,
    DatasetMemberRow,
    DatasetRow,
    DocumentRow,
    FlagRow,
    LinkRow,
    TaskRow,
)
from extract.model import CatalogEntry, Document, Provenance, Task, UnitMention
from matching.model import Dataset, Flag, FlagKind, Link, MemberRef, entry_key

_PROVENANCES = TypeAdapter(list[Provenance])


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A Document as the column values of the rows that store it (``CatalogStore.add_document``).

    Built where the document was extracted (a pool worker), so the one writer process neither
    validates the Document's JSON again nor builds a mapped object per catalog row: it only inserts.
    ``document["added_at"]`` is replaced by the time of storing.
    """

    sha256: str
    source: str
    document: dict[str, object]
    entries: list[dict[str, object]]
    tasks: list[dict[str, object]]


def prepare(document: Document, document_json: str | None = None) -> PreparedDocument:
    """``document_json``: ``document.model_dump_json()`` when the caller already has it."""
    head = column_values(document_row(document, datetime.now(UTC), document_json))
    return PreparedDocument(
        sha256=document.sha256,
        source=document.source,
        document=head,
        entries=[column_values(r) for r in entry_rows(document)],
        tasks=[column_values(r) for r in task_rows(document)],
    )


def column_values(row: object) -> dict[str, object]:
    """Every column of an unsaved row, for a Core bulk insert (autoincrement ids left to the database).

    Every dict carries the same keys: executemany takes its parameter names from the first row.
    """
    table = row.__table__  # type: ignore[attr-defined]
    values = {c.key: _storable(getattr(row, c.key)) for c in table.columns}
    return {k: v for k, v in values.items() if not (v is None and table.columns[k].autoincrement is True)}


def _storable(value: object) -> object:
    # PostgreSQL text cannot hold NUL characters (PDF text layers sometimes carry them). Only the
    # queryable projections lose them: the Document JSON escapes them and keeps the exact text.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def document_row(document: Document, now: datetime, document_json: str | None = None) -> DocumentRow:
    meta = document.metadata
    return DocumentRow(
        sha256=document.sha256,
        source=document.source,
        format=document.format.value,
        size_bytes=document.size_bytes,
        page_count=document.page_count,
        schema_version=document.schema_version,
        kind=meta.kind,
        number=meta.number,
        issuer=meta.issuer,
        title=meta.title,
        issued=meta.date,
        warning_count=len(document.warnings),
        entry_count=len(document.catalog),
        task_count=len(document.tasks),
        document_json=document.model_dump_json() if document_json is None else document_json,
        added_at=now,
    )


def _unit_ids(units: list[UnitMention]) -> list[str]:
    return [unit.unit_id or unit.unit_type or unit.raw for unit in units]


def entry_rows(document: Document) -> list[CatalogEntryRow]:
    rows: dict[str, CatalogEntryRow] = {}
    for position, entry in enumerate(document.catalog):
        key = entry_key(document, entry)
        if key in rows:  # two entries claiming one table row: keep the first, as matching does
            continue
        rows[key] = _entry_row(document, entry, key, position)
    return list(rows.values())


def _entry_row(document: Document, entry: CatalogEntry, key: str, position: int) -> CatalogEntryRow:
    norm = entry.norm
    return CatalogEntryRow(
        key=key,
        document_sha256=document.sha256,
        position=position,
        table_index=entry.table,
        row_index=entry.row,
        group_name=entry.group,
        number=entry.number,
        title=entry.title,
        description=entry.description,
        unit=entry.unit,
        sharing_raw=entry.sharing_raw,
        frequency_raw=entry.frequency_raw,
        note=entry.note,
        sharing=norm.sharing if norm else "",
        frequency=list(norm.frequency) if norm else [],
        unit_ids=_unit_ids(norm.units) if norm else [],
        title_key=norm.title_key if norm else "",
        page=entry.provenance.page,
        provenance_json=entry.provenance.model_dump_json(),
    )


def task_rows(document: Document) -> list[TaskRow]:
    return [_task_row(document, task, position) for position, task in enumerate(document.tasks)]


def _task_row(document: Document, task: Task, position: int) -> TaskRow:
    norm = task.norm
    period = norm.period if norm else None
    return TaskRow(
        document_sha256=document.sha256,
        position=position,
        ref=task.ref,
        heading=task.heading,
        content=task.content,
        time_raw=task.time_raw,
        lead_raw=task.lead_raw,
        partner_raw=task.partner_raw,
        period_start=period.start if period else "",
        period_end=period.end if period else "",
        quarters=list(period.quarters) if period else [],
        lead_unit_ids=_unit_ids(norm.lead) if norm else [],
        partner_unit_ids=_unit_ids(norm.partners) if norm else [],
        page=task.provenance.page,
    )


def dataset_rows(datasets: list[Dataset]) -> tuple[list[DatasetRow], list[DatasetMemberRow]]:
    heads: list[DatasetRow] = []
    members: list[DatasetMemberRow] = []
    seen: set[str] = set()
    for dataset in datasets:
        fresh = [m for m in dataset.members if m.key not in seen]
        seen.update(m.key for m in fresh)
        heads.append(
            DatasetRow(
                id=dataset.id,
                origin=dataset.origin,
                title=dataset.title,
                unit=dataset.unit,
                member_count=len(fresh),
                document_count=len({m.sha256 for m in fresh}),
            )
        )
        members += [
            DatasetMemberRow(entry_key=m.key, dataset_id=dataset.id, position=i) for i, m in enumerate(fresh)
        ]
    return heads, members


def member_ref(entry: CatalogEntryRow, source: str) -> MemberRef:
    return MemberRef(
        key=entry.key,
        document=source,
        sha256=entry.document_sha256,
        number=entry.number,
        title=entry.title,
        unit=entry.unit,
        provenance=Provenance.model_validate_json(entry.provenance_json),
    )


def link_row(link: Link) -> LinkRow:
    return LinkRow(
        left_key=link.left,
        right_key=link.right,
        score=link.score,
        reasons=list(link.reasons),
        accepted=link.accepted,
        decided_by=link.decided_by,
    )


def link_record(row: LinkRow) -> Link:
    return Link(
        left=row.left_key,
        right=row.right_key,
        score=row.score,
        reasons=list(row.reasons),
        accepted=row.accepted,
        decided_by=row.decided_by,
    )


def flag_row(flag: Flag, position: int) -> FlagRow:
    return FlagRow(
        id=flag.id,
        position=position,
        kind=flag.kind.value,
        message=flag.message,
        evidence=list(flag.evidence),
        document_sha256=flag.sha256,
        document=flag.document,
        provenance_json=json.dumps([p.model_dump(mode="json") for p in flag.provenance], ensure_ascii=False),
        dismissed=flag.dismissed,
        dismissed_by=flag.dismissed_by,
    )


def flag_record(row: FlagRow) -> Flag:
    return Flag(
        id=row.id,
        kind=FlagKind(row.kind),
        message=row.message,
        evidence=list(row.evidence),
        document=row.document,
        sha256=row.document_sha256,
        provenance=_PROVENANCES.validate_json(row.provenance_json),
        dismissed=row.dismissed,
        dismissed_by=row.dismissed_by,
    )
