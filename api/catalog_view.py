"""A read model of the unified catalog, rebuilt in memory after each reconciliation.

The catalog only changes when a reconciliation is saved (each save adds a reconcile run), so
one tiny query per request tells whether the cached view is still current; filtering 10,000
datasets in memory then costs far less than joining members, entries and documents per request.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.models import CatalogEntryRow, DatasetMemberRow, DatasetRow, DocumentRow, ReconcileRunRow
from catalog.store import CatalogStore
from extract.model import Provenance

# How long a request may be answered from the cached view without asking the database whether a
# newer reconciliation was saved: a review shows up at most this late, and a busy catalog
# endpoint stays off the database.
RECHECK_SECONDS = 1.0


def fold(text: str) -> str:
    """Lowercase without diacritics (đ → d), for searches typed without accents."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", "d")


def lower_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


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
    document_ids: list[str]
    member_count: int
    document_count: int


class DatasetDetail(DatasetView):
    members: list[MemberView] = Field(default_factory=list)


class _Indexed:
    __slots__ = ("view", "members", "text_lower", "text_folded", "unit_folded", "domain_folded")

    def __init__(self, view: DatasetView, members: list[MemberView]) -> None:
        self.view = view
        self.members = members
        titles = " | ".join([view.title, *(m.title for m in members)])
        self.text_lower = lower_nfc(titles)
        self.text_folded = fold(titles)
        self.unit_folded = fold(
            " | ".join([view.unit, *(m.unit for m in members), *(u for m in members for u in m.unit_ids)])
        )
        self.domain_folded = fold(" | ".join(view.domains))


def _unique(values: Sequence[str]) -> list[str]:
    return [value for value in dict.fromkeys(values) if value]


def _locality(unit_id: str) -> str:
    return unit_id.split("@", 1)[1] if "@" in unit_id else ""


class CatalogView:
    def __init__(self, store: CatalogStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._items: list[_Indexed] = []
        self._by_id: dict[str, _Indexed] = {}
        self._checked_at = 0.0

    def _current_version(self, session: Session) -> tuple[int, int]:
        last = session.scalar(select(func.max(ReconcileRunRow.id))) or 0
        return last, 0

    def items(self) -> list[_Indexed]:
        now = time.monotonic()
        if self._version is not None and now - self._checked_at < RECHECK_SECONDS:
            return self._items
        with Session(self.store.engine) as session:
            version = self._current_version(session)
            self._checked_at = now
            if version == self._version:
                return self._items
            with self._lock:
                if version != self._version:
                    self._items = self._build(session)
                    self._by_id = {item.view.id: item for item in self._items}
                    self._version = version
            return self._items

    def invalidate(self) -> None:
        """Ask the database again on the next request (this process just saved a reconciliation)."""
        self._checked_at = 0.0

    def _build(self, session: Session) -> list[_Indexed]:
        documents = {
            sha: (source, title, number)
            for sha, source, title, number in session.execute(
                select(DocumentRow.sha256, DocumentRow.source, DocumentRow.title, DocumentRow.number)
            )
        }
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
        built: list[_Indexed] = []
        for head in session.scalars(select(DatasetRow).order_by(DatasetRow.title, DatasetRow.id)):
            rows = members.get(head.id, [])
            view = DatasetView(
                id=head.id, title=head.title, unit=head.unit,
                description=next((m.description for m in rows if m.description), ""),
                sharing=_unique([m.sharing for m in rows]),
                sharing_labels=_unique([m.sharing_raw for m in rows]),
                frequency=_unique([code for m in rows for code in m.frequency]),
                domains=_unique([m.group for m in rows]),
                localities=_unique([_locality(u) for m in rows for u in m.unit_ids]),
                document_ids=_unique([m.document_id for m in rows]),
                member_count=len(rows), document_count=len({m.document_id for m in rows}),
            )  # fmt: skip
            built.append(_Indexed(view, rows))
        return built

    # ------------------------------------------------------------ queries

    def search(
        self,
        *,
        q: str = "",
        unit: str = "",
        sharing: str = "",
        frequency: str = "",
        domain: str = "",
        document_id: str = "",
    ) -> list[DatasetView]:
        items = self.items()
        if q.strip():
            wanted = q.strip()
            if wanted.isascii():
                folded = fold(wanted)
                items = [i for i in items if folded in i.text_folded]
            else:
                lowered = lower_nfc(wanted)
                items = [i for i in items if lowered in i.text_lower]
        if unit.strip():
            folded_unit = fold(unit.strip())
            items = [i for i in items if folded_unit in i.unit_folded]
        if sharing.strip():
            items = [i for i in items if sharing.strip().lower() in i.view.sharing]
        if frequency.strip():
            code = frequency.strip().upper()
            items = [i for i in items if code in i.view.frequency]
        if domain.strip():
            folded_domain = fold(domain.strip())
            items = [i for i in items if folded_domain in i.domain_folded]
        if document_id:
            items = [i for i in items if document_id in i.view.document_ids]
        return [i.view for i in items]

    def detail(self, dataset_id: str) -> DatasetDetail | None:
        self.items()
        found = self._by_id.get(dataset_id)
        if found is None:
            return None
        return DatasetDetail(**found.view.model_dump(), members=found.members)

    def details(self) -> list[DatasetDetail]:
        return [DatasetDetail(**i.view.model_dump(), members=i.members) for i in self.items()]
