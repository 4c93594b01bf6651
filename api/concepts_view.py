"""The dataset concepts of the current catalog version, held in memory like the catalog view.

Concepts change only when a reconciliation is saved, so they are read (with their coverage and
conflicts, ``catalog/concept_facts.py``) once per catalog version: the version the catalog view
holds, which already knows when another process saved a newer one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select

from api.catalog_view import CatalogView, lower_nfc
from catalog.concept_facts import ConceptDetail, ConceptSummary, MemberFact, Universe, concept_detail, summary
from catalog.concepts_store import load_members, load_universe, members_by_title
from catalog.exports.view import fold
from catalog.models import ReconcileRunRow
from catalog.store import CatalogStore


@dataclass(frozen=True, slots=True)
class ConceptQuery:
    q: str = ""  # title words, with or without diacritics
    locality: str = ""
    unit: str = ""
    min_datasets: int = 1
    conflicts_only: bool = False
    gaps_only: bool = False  # only concepts some comparable locality does not list


@dataclass(frozen=True, slots=True)
class _Entry:
    summary: ConceptSummary
    titles_folded: str
    titles_lower: str
    localities_folded: str
    units_folded: str

    @classmethod
    def of(cls, d: ConceptDetail) -> _Entry:
        titles = " | ".join([d.title, *d.titles])
        units = [*(p.title for p in d.publishers), *(p.unit_id for p in d.publishers), *(ds.unit for ds in d.datasets)]
        return cls(summary=summary(d), titles_folded=fold(titles), titles_lower=lower_nfc(titles),
                   localities_folded=fold(" | ".join(d.localities)),
                   units_folded=fold(" | ".join(dict.fromkeys(units))))  # fmt: skip


class _Concepts:
    """One catalog version's concepts: each one's summary and search texts, not its facts (its datasets, coverage
    and conflicts grow with the archive: 0.5 GiB held at 10,000 replicated documents). They are computed from the
    rows streamed in concept order, one concept at a time; a concept asked for is read again from the store.

    Of each document only a small record is kept (the plans a coverage names for each locality); the listings
    built from them and the documents' localities are not (together 2.3 MiB per 1,000 documents before)."""

    def __init__(self, version: int, store: CatalogStore) -> None:
        self.version = version
        self._store = store
        entries: list[_Entry] = []
        with store.snapshot() as session:
            self._universe = Universe(load_universe(session), share_listings=False)
            localities = self._universe.localities()  # sha256 → locality, while the rows stream
            own: list[MemberFact] = []
            for member in members_by_title(session, localities=localities):
                if own and member.concept_id != own[0].concept_id:
                    entries.append(_Entry.of(concept_detail(own[0].concept_id, own, self._universe, coverage=False)))
                    own = []
                own.append(member)
            if own:
                entries.append(_Entry.of(concept_detail(own[0].concept_id, own, self._universe, coverage=False)))
        entries.sort(key=lambda e: (e.summary.title, e.summary.id))  # as concept_details orders them
        self.entries = entries
        self.ids = frozenset(e.summary.id for e in entries)

    def detail(self, concept_id: str) -> ConceptDetail | None:
        """One concept with its facts, read from the store (its rows by the concept's index)."""
        if concept_id not in self.ids:
            return None
        with self._store.snapshot() as session:
            # The documents' localities as this version's universe has them (2 ms at 10,000 documents), as the
            # summaries were computed with.
            rows = load_members(session, [concept_id], localities=self._universe.localities())
        return concept_detail(concept_id, rows, self._universe) if rows else None

    def find(self, query: ConceptQuery) -> list[ConceptSummary]:
        wanted = query.q.strip()
        folded = wanted.isascii()
        needle = (fold(wanted) if folded else lower_nfc(wanted)) if wanted else ""
        place, unit = fold(query.locality.strip()), fold(query.unit.strip())
        return [
            e.summary
            for e in self.entries
            if e.summary.dataset_count >= query.min_datasets
            and (not needle or needle in (e.titles_folded if folded else e.titles_lower))
            and (not place or place in e.localities_folded)
            and (not unit or unit in e.units_folded)
            and (not query.conflicts_only or e.summary.conflict_count > 0)
            and (not query.gaps_only or e.summary.not_listed_count > 0)
        ]


class ConceptsView:
    def __init__(self, catalog: CatalogView) -> None:
        self.catalog = catalog
        self._held: _Concepts | None = None
        self._lock = threading.Lock()

    def current(self) -> _Concepts:
        """The concepts of the catalog version the catalog view answers with (read once per version)."""
        version = self.catalog.snapshot().version
        held = self._held
        if held is not None and held.version >= version:
            return held
        with self._lock:
            held = self._held
            if held is not None and held.version >= version:
                return held
            with self.catalog.store.snapshot() as session:
                stored = session.scalar(select(func.max(ReconcileRunRow.id))) or 0
            self._held = _Concepts(stored, self.catalog.store)
            return self._held
