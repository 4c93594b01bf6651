"""Each concept's title and counts, from its rows streamed as plain tuples.

A concept's harmonised title and its dataset, member, locality and publisher counts are
``concept_facts.concept_counts`` of its members. Loading every member as an object (JSON decoded,
one record each) cost ~15 CPU-s when 10 documents joined concepts of a 10,000-document archive
(their concepts hold most of its 500,000 rows); grouping in the database was no cheaper (its
sorts cost as much). The rows are streamed as four short strings instead, unit lists decoded once
per distinct list, and counted here: ~1.5 CPU-s for the same rows. ``tests/test_placing.py`` checks
every stored concept against ``concept_counts`` of its members.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from catalog.concept_facts import agency, title_choice, units_locality
from catalog.models import (
    CatalogEntryRow,
    ConceptEntryRow,
    DatasetMemberRow,
    DatasetRow,
)

DATASET, PLACE, PUBLISHER = "d", "l", "p"  # the kinds of concept_values


def row_place(document: str, units: str, localities: Mapping[str, str]) -> str:
    """A row's locality as concept_facts.member_locality gives it: its plan's, else its units'."""
    return localities.get(document, "") or _unit_place(units)


def row_publisher(units: str) -> str:
    """The agency of a row's lead unit ("" when it names none), from the unit ids' stored JSON text."""
    return _publisher(units)


@dataclass
class ConceptCounts:
    """What the store keeps of one concept (catalog.models.ConceptRow and its concept_values), counted
    from its streamed rows."""

    titles: dict[str, str] = field(default_factory=dict)  # dataset id -> its title
    rows: Counter[str] = field(default_factory=Counter)  # dataset title -> member rows
    datasets: Counter[str] = field(default_factory=Counter)  # dataset id -> member rows
    places: Counter[str] = field(default_factory=Counter)  # locality -> member rows
    publishers: Counter[str] = field(default_factory=Counter)  # agency name -> member rows

    def head(self, concept_id: str) -> dict[str, object]:
        return {"key": concept_id, "title": title_choice(self.titles, self.rows), "dataset_count": len(self.titles),
                "member_count": self.datasets.total(), "locality_count": len(self.places),
                "publisher_count": len(self.publishers)}  # fmt: skip

    def values(self, concept_id: str) -> Iterator[dict[str, object]]:
        """Its concept_values rows: what an incremental run updates by the rows that join or leave."""
        for kind, counted in ((DATASET, self.datasets), (PLACE, self.places), (PUBLISHER, self.publishers)):
            for value, count in counted.items():
                yield {"concept_id": concept_id, "kind": kind, "value": value, "count": count}


def concept_counts_of(session: Session, concept_ids: Collection[str] | None,
                      localities: Mapping[str, str]) -> dict[str, ConceptCounts]:  # fmt: skip
    """The counts of the given concepts (all when None) that have rows in a dataset.

    ``localities``: sha256 → the plan's locality (concepts_store.document_localities).
    """
    connection = session.connection()  # Core rows: the ORM's per-row work would cost seconds here
    titles = dict(connection.execute(select(DatasetRow.id, DatasetRow.title)).all())
    found: dict[str, ConceptCounts] = defaultdict(ConceptCounts)
    for chunk in _chunked(concept_ids):
        query = _ROWS if chunk is None else _ROWS.where(ConceptEntryRow.concept_id.in_(chunk))
        for concept, dataset, document, units in connection.execute(query):
            counts = found[concept]
            title = counts.titles.setdefault(dataset, titles[dataset])
            counts.rows[title] += 1
            counts.datasets[dataset] += 1
            place = localities.get(document, "") or _unit_place(units or "")
            if place:
                counts.places[place] += 1
            publisher = _publisher(units or "")
            if publisher:
                counts.publishers[publisher] += 1
    return dict(found)


def _chunked(concept_ids: Collection[str] | None) -> Iterator[Sequence[str] | None]:
    if concept_ids is None:
        yield None
        return
    ids = sorted(concept_ids)
    for start in range(0, len(ids), 2_000):
        yield ids[start : start + 2_000]


@lru_cache(maxsize=65_536)
def _units(text: str) -> tuple[str, ...]:
    value = json.loads(text) if text else None  # the JSON text of catalog_entries.unit_ids
    return tuple(value) if isinstance(value, list) else ()


def _unit_place(units: str) -> str:
    return units_locality(_units(units))


@lru_cache(maxsize=65_536)
def _publisher(units: str) -> str:
    lead = _units(units)[:1]  # the lead unit: co-units of a cell do not publish it
    return agency(lead[0]).name if lead else ""


_ROWS = (
    select(ConceptEntryRow.concept_id, DatasetMemberRow.dataset_id, CatalogEntryRow.document_sha256,
           cast(CatalogEntryRow.unit_ids, String))
    .join(CatalogEntryRow, CatalogEntryRow.key == ConceptEntryRow.entry_key)
    .join(DatasetMemberRow, DatasetMemberRow.entry_key == ConceptEntryRow.entry_key)
)  # fmt: skip
