"""The concept tables moved by the rows that joined or left each concept, without reading its other rows.

A concept's harmonised title and counts (``concepts_recount.ConceptCounts``) follow from how many of
its rows are in each dataset, come from each locality and are published by each agency. The store
keeps those counts (``concept_values``) and, beside each row's concept, the dataset it was counted
in (``concept_entries.dataset_id``). A run then takes each row that left a concept or changed
dataset out of its old counts and adds each row that joined to its new ones: adding 10 documents to
a 10,000-document archive counts their ~430 rows, not the ~490,000 rows of the concepts they join.

A row's locality (its plan's, recorded once per document) and publisher (its lead unit's agency)
do not change while it is stored, so the row's facts read now are the ones it was counted with.
Counts that would go below zero mean the kept counts were not the rows' (a store written outside
these functions): those concepts are counted again from all their rows. ``tests/test_placing.py``
checks the result against a whole rewrite after new documents, new versions, renames and merges.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import cast

from sqlalchemy import Connection, Select, String, Table, bindparam, delete, insert, or_, select, tuple_, update
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from catalog.chunking import chunked
from catalog.concept_facts import title_choice
from catalog.concepts_recount import DATASET, PLACE, PUBLISHER, row_place, row_publisher
from catalog.models import CatalogEntryRow, ConceptEntryRow, ConceptRow, ConceptValueRow, DatasetMemberRow, DatasetRow

Placed = tuple[str, str]  # (concept id, dataset id) of a row; dataset "" when the row is in none
Key = tuple[str, str, str]  # (concept id, kind, value) of a concept_values row
Localities = Callable[[Collection[str]], Mapping[str, str]]  # sha256s → each one's plan locality

CHUNK = 2_000
TUPLES = 300  # (concept, kind, value) triples per IN list: three parameters each
CONCEPTS = cast(Table, ConceptRow.__table__)
CONCEPT_ENTRIES = cast(Table, ConceptEntryRow.__table__)
VALUES = cast(Table, ConceptValueRow.__table__)
MEMBERS = cast(Table, DatasetMemberRow.__table__)
HEADS = cast(Table, DatasetRow.__table__)
V, E, M, D = VALUES.c, CONCEPT_ENTRIES.c, MEMBERS.c, HEADS.c


# Rows whose dataset or concept differs from where they are counted: seen from the members (rows that
# joined or moved) and from the counted rows (rows that left or moved). Compared by the database: a
# run's refreshed datasets hold ~30,000 rows at 10,000 documents, of which a few hundred changed.
_JOINED = (
    select(M.entry_key, M.dataset_id, D.concept_id, E.concept_id, E.dataset_id)
    .select_from(MEMBERS.join(HEADS, D.id == M.dataset_id).outerjoin(CONCEPT_ENTRIES, E.entry_key == M.entry_key))
    .where(D.concept_id != "", or_(E.entry_key.is_(None), E.concept_id != D.concept_id, E.dataset_id != M.dataset_id))
)  # fmt: skip
_LEFT = (
    select(E.entry_key, E.concept_id, E.dataset_id, M.dataset_id, D.concept_id)
    .select_from(CONCEPT_ENTRIES.outerjoin(MEMBERS, M.entry_key == E.entry_key).outerjoin(HEADS, D.id == M.dataset_id))
    .where(or_(M.entry_key.is_(None), D.concept_id == "", M.dataset_id != E.dataset_id, D.concept_id != E.concept_id))
)  # fmt: skip


def changed_rows(connection: Connection, datasets: Collection[str] | None,
                 keys: Collection[str] = ()) -> tuple[dict[str, Placed], dict[str, Placed]]:  # fmt: skip
    """(before, after) for ``move_rows``: the rows of ``datasets`` (now or when counted) and the rows
    ``keys`` whose concept or dataset changed; every row's when ``datasets`` is None."""
    before: dict[str, Placed] = {}
    after: dict[str, Placed] = {}

    def read(joined: Select[str, str, str, str, str], left: Select[str, str, str, str, str]) -> None:
        for key, dataset, concept, was_concept, was_dataset in connection.execute(joined):
            after[key] = (concept, dataset)
            if was_concept is not None:
                before[key] = (was_concept, was_dataset)
        for key, concept, dataset, now_dataset, now_concept in connection.execute(left):
            before[key] = (concept, dataset)
            if now_concept:
                after[key] = (now_concept, now_dataset)

    if datasets is None:
        read(_JOINED, _LEFT)
    for chunk in chunked(sorted(datasets or ()), CHUNK):
        read(_JOINED.where(M.dataset_id.in_(chunk)), _LEFT.where(E.dataset_id.in_(chunk)))
    for chunk in chunked(sorted(keys), CHUNK):
        read(_JOINED.where(M.entry_key.in_(chunk)), _LEFT.where(E.entry_key.in_(chunk)))
    return before, after


def move_rows(session: Session, before: Mapping[str, Placed], after: Mapping[str, Placed],
              localities: Localities, *, retitle: Collection[str] = ()) -> set[str]:  # fmt: skip
    """Move rows from where they were counted (``before``: entry key → stored concept and dataset) to
    where they are now (``after``; a key absent there left every concept). ``retitle``: concepts whose
    datasets changed title. ``localities``: the plan locality of each of the given documents.

    Returns the concepts whose kept counts did not match their rows: the caller counts them again.
    """
    connection = session.connection()  # Core statements: a few thousand rows, no ORM objects needed
    delta = _delta(connection, before, after, localities)
    for chunk in chunked(sorted(before), CHUNK):
        connection.execute(delete(CONCEPT_ENTRIES).where(CONCEPT_ENTRIES.c.entry_key.in_(chunk)))
    joined = sorted({concept for concept, _ in after.values()})
    present: set[str] = set()
    for chunk in chunked(joined, CHUNK):
        present.update(connection.scalars(select(CONCEPTS.c.id).where(CONCEPTS.c.id.in_(chunk))))
    heads = [{"id": cid, "title": "", "dataset_count": 0, "member_count": 0, "locality_count": 0,
              "publisher_count": 0} for cid in joined if cid not in present]  # fmt: skip
    rows = [{"entry_key": key, "concept_id": concept, "dataset_id": dataset}
            for key, (concept, dataset) in sorted(after.items())]  # fmt: skip
    for table, written in ((CONCEPTS, heads), (CONCEPT_ENTRIES, rows)):
        for start in range(0, len(written), CHUNK):
            connection.execute(insert(table), written[start : start + CHUNK])
    distinct, broken = _apply(connection, delta)
    touched = {concept for concept, _ in (*before.values(), *after.values())} | set(retitle)
    _refresh_heads(connection, sorted(touched - broken), distinct)
    return broken


def _delta(connection: Connection, before: Mapping[str, Placed], after: Mapping[str, Placed],
           localities: Localities) -> Counter[Key]:  # fmt: skip
    """How each concept_values count changes when the rows leave ``before`` and join ``after``."""
    entries: list[tuple[str, str, str]] = []
    query = select(CatalogEntryRow.key, CatalogEntryRow.document_sha256, cast_(CatalogEntryRow.unit_ids, String))
    for chunk in chunked(sorted(before.keys() | after.keys()), CHUNK):
        entries += [(key, document, units or "") for key, document, units
                    in connection.execute(query.where(CatalogEntryRow.key.in_(chunk)))]  # fmt: skip
    places = localities({document for _, document, _ in entries})
    facts = {key: (row_place(document, units, places), row_publisher(units)) for key, document, units in entries}
    delta: Counter[Key] = Counter()
    for sign, placed in ((-1, before), (1, after)):
        for key, (concept, dataset) in placed.items():
            if not dataset:
                continue  # a row in no dataset is in no count (concepts_recount reads members only)
            place, publisher = facts.get(key, ("", ""))
            delta[(concept, DATASET, dataset)] += sign
            if place:
                delta[(concept, PLACE, place)] += sign
            if publisher:
                delta[(concept, PUBLISHER, publisher)] += sign
    return delta


_UPDATE = (update(VALUES).where(V.concept_id == bindparam("c"), V.kind == bindparam("k"), V.value == bindparam("v"))
           .values(count=bindparam("n")))  # fmt: skip
_DELETE = delete(VALUES).where(V.concept_id == bindparam("c"), V.kind == bindparam("k"), V.value == bindparam("v"))


def _apply(connection: Connection, delta: Counter[Key]) -> tuple[Counter[tuple[str, str]], set[str]]:
    """Write ``delta`` to concept_values. Returns how many values each (concept, kind) gained (less
    those it lost), and the concepts a count of which would fall below zero."""
    keys = sorted(key for key, change in delta.items() if change)
    stored: dict[Key, int] = {}
    for start in range(0, len(keys), TUPLES):
        chunk = keys[start : start + TUPLES]
        found = connection.execute(select(V.concept_id, V.kind, V.value, V.count)
                                   .where(tuple_(V.concept_id, V.kind, V.value).in_(chunk)))  # fmt: skip
        stored.update(((concept, kind, value), count) for concept, kind, value, count in found)
    distinct: Counter[tuple[str, str]] = Counter()
    broken: set[str] = set()
    writes: dict[str, list[dict[str, object]]] = defaultdict(list)
    for key in keys:
        old = stored.get(key, 0)
        new = old + delta[key]
        concept, kind, value = key
        if new < 0:
            broken.add(concept)
            continue
        if old == 0:
            writes["insert"].append({"concept_id": concept, "kind": kind, "value": value, "count": new})
        else:
            writes["delete" if new == 0 else "update"].append({"c": concept, "k": kind, "v": value, "n": new})
        distinct[(concept, kind)] += (new > 0) - (old > 0)
    for name, statement in (("delete", _DELETE), ("update", _UPDATE), ("insert", insert(VALUES))):
        for start in range(0, len(writes[name]), CHUNK):
            connection.execute(statement, writes[name][start : start + CHUNK])
    return distinct, broken


def _refresh_heads(connection: Connection, concept_ids: Sequence[str], distinct: Counter[tuple[str, str]]) -> None:
    """Each concept's title, dataset and member counts from its dataset counts (a few hundred rows),
    its locality and publisher counts moved by the values gained or lost; a concept left without a
    counted row is deleted, as a whole recount deletes it."""
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    kept: dict[str, tuple[int, int]] = {}
    query = (select(V.concept_id, V.value, V.count, DatasetRow.title).join(DatasetRow, DatasetRow.id == V.value)
             .where(V.kind == DATASET))  # fmt: skip
    for chunk in chunked(concept_ids, CHUNK):
        for concept, dataset, count, title in connection.execute(query.where(V.concept_id.in_(chunk))):
            titles[concept][dataset] = title
            rows[concept][title] += count
        found = select(CONCEPTS.c.id, CONCEPTS.c.locality_count, CONCEPTS.c.publisher_count)
        kept.update((cid, (places, publishers)) for cid, places, publishers
                    in connection.execute(found.where(CONCEPTS.c.id.in_(chunk))))  # fmt: skip
    heads = []
    for concept in concept_ids:
        if concept not in titles:
            continue
        places, publishers = kept.get(concept, (0, 0))
        heads.append({"key": concept, "title": title_choice(titles[concept], rows[concept]),
                      "dataset_count": len(titles[concept]), "member_count": rows[concept].total(),
                      "locality_count": places + distinct[(concept, PLACE)],
                      "publisher_count": publishers + distinct[(concept, PUBLISHER)]})  # fmt: skip
    statement = update(CONCEPTS).where(CONCEPTS.c.id == bindparam("key"))
    for start in range(0, len(heads), CHUNK):
        connection.execute(statement, heads[start : start + CHUNK])
    delete_concepts(connection, [concept for concept in concept_ids if concept not in titles])


def delete_concepts(connection: Connection, concept_ids: Sequence[str]) -> None:
    """Concepts, their rows and their counts."""
    for chunk in chunked(sorted(concept_ids), CHUNK):
        connection.execute(delete(CONCEPT_ENTRIES).where(CONCEPT_ENTRIES.c.concept_id.in_(chunk)))
        connection.execute(delete(VALUES).where(V.concept_id.in_(chunk)))
        connection.execute(delete(CONCEPTS).where(CONCEPTS.c.id.in_(chunk)))
