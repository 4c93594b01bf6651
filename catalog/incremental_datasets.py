"""The upkeep of datasets that rows joined or left: title, unit, sizes and unit conflicts (catalog.incremental)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, delete, select, update

from catalog.incremental_flags import FlagWriter
from catalog.incremental_state import ENTRIES, HEADS, MEMBERS, MENTRIES, VALUES, RunCounts, Values, _table
from catalog.models import DatasetRow, DatasetValueRow
from nlp.units import unit_types_agree


class DatasetUpkeep:
    """What the Matcher does to the datasets a transaction touched, before it commits."""

    db: Connection
    values: Values
    flags: FlagWriter
    recounted: set[str]

    def finish(self) -> None:
        raise NotImplementedError

    def settle(self, counts: RunCounts) -> None:
        """End of a transaction: the datasets rows joined or left are refreshed, the counters written."""
        self.refresh(counts.touched)
        self.finish()
        counts.settled |= counts.touched
        counts.touched.clear()

    def refresh(self, datasets: Iterable[str]) -> None:
        """Title and unit of the datasets rows joined, from their value counts; their unit conflicts."""
        self.values.flush()
        db = self.db
        for dataset in sorted(set(datasets)):
            head = db.execute(
                select(HEADS.canonical_title, HEADS.canonical_unit, HEADS.member_count).where(HEADS.id == dataset)
            ).first()  # fmt: skip
            if head is None:
                continue
            if head[2] <= 0:
                db.execute(delete(_table(DatasetRow)).where(HEADS.id == dataset))
                db.execute(delete(_table(DatasetValueRow)).where(VALUES.dataset_id == dataset))
                self.flags.unit_conflicts(dataset)
                continue
            found: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
            for kind, value, count, first in db.execute(
                select(VALUES.kind, VALUES.value, VALUES.count, VALUES.first_position)
                .where(VALUES.dataset_id == dataset)
            ):  # fmt: skip
                if count > 0:
                    found[kind].append((value, count, first))
            db.execute(update(_table(DatasetRow)).where(HEADS.id == dataset).values(
                title=head[0] or _most_counted(found["t"]), unit=head[1] or _most_counted(found["u"])))  # fmt: skip
            sets = [frozenset(v.split(",")) for v, _, _ in found["x"]]
            if any(not unit_types_agree(a, b) for a in sets for b in sets if a != b):
                self.flags.unit_conflicts(dataset)
            elif len(sets) > 1 or dataset in self.recounted:
                self.flags.no_unit_conflict(dataset)  # flags of an earlier conflict may have to go

    def recount(self, datasets: Iterable[str]) -> None:
        """Value counts and sizes of datasets whose members moved or left, from their members."""
        self.values.flush()
        db = self.db
        for dataset in sorted(set(datasets)):
            self.recounted.add(dataset)
            db.execute(delete(_table(DatasetValueRow)).where(VALUES.dataset_id == dataset))
            found = db.execute(
                select(ENTRIES.title, ENTRIES.unit, ENTRIES.document_sha256, MEMBERS.position, MENTRIES.unit_types)
                .join(MEMBERS.entry_key.table, MEMBERS.entry_key == ENTRIES.key)
                .join(MENTRIES.key.table, MENTRIES.key == ENTRIES.key)
                .where(MEMBERS.dataset_id == dataset).order_by(MEMBERS.position)
            ).all()  # fmt: skip
            types: dict[str, set[str]] = defaultdict(set)
            for title, unit, document, position, unit_types in found:
                self.values.add(dataset, "t", title, position)
                self.values.add(dataset, "u", unit, position)
                types[document] |= set(unit_types)
            for union in types.values():
                if union:
                    self.values.add(dataset, "x", ",".join(sorted(union)))
            db.execute(update(_table(DatasetRow)).where(HEADS.id == dataset).values(
                member_count=len(found), document_count=len(types)))  # fmt: skip
        self.values.flush()


def _most_counted(values: list[tuple[str, int, int]]) -> str:
    """matching.decisions._most_common over counts: the most frequent non-empty value, first seen on ties."""
    filled = [v for v in values if v[0]]
    return min(filled, key=lambda v: (-v[1], v[2]))[0] if filled else ""
