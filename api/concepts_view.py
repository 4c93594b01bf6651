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
from catalog.concept_facts import ConceptDetail, ConceptSummary, summary
from catalog.concepts_store import read_concepts
from catalog.exports.view import fold
from catalog.models import ReconcileRunRow


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
    detail: ConceptDetail
    summary: ConceptSummary
    titles_folded: str
    titles_lower: str
    localities_folded: str
    units_folded: str


class _Concepts:
    def __init__(self, version: int, details: list[ConceptDetail]) -> None:
        self.version = version
        self.entries = [
            _Entry(
                detail=d, summary=summary(d), titles_folded=fold(" | ".join([d.title, *d.titles])),
                titles_lower=lower_nfc(" | ".join([d.title, *d.titles])),
                localities_folded=fold(" | ".join(d.localities)),
                units_folded=fold(" | ".join([*(p.title for p in d.publishers), *(p.unit_id for p in d.publishers),
                                              *(ds.unit for ds in d.datasets)])),
            )
            for d in details
        ]  # fmt: skip
        self.by_id = {e.detail.id: e.detail for e in self.entries}

    def find(self, query: ConceptQuery) -> list[ConceptSummary]:
        wanted = query.q.strip()
        folded = wanted.isascii()
        needle = (fold(wanted) if folded else lower_nfc(wanted)) if wanted else ""
        place, unit = fold(query.locality.strip()), fold(query.unit.strip())
        return [
            e.summary
            for e in self.entries
            if e.detail.dataset_count >= query.min_datasets
            and (not needle or needle in (e.titles_folded if folded else e.titles_lower))
            and (not place or place in e.localities_folded)
            and (not unit or unit in e.units_folded)
            and (not query.conflicts_only or e.detail.conflicts)
            and (not query.gaps_only or e.detail.not_listed_count > 0)
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
                self._held = _Concepts(stored, read_concepts(session))
            return self._held
