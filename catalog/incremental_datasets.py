"""The upkeep of datasets that rows joined or left: title, unit, sizes and unit conflicts (catalog.incremental)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import BindParameter, Connection, bindparam, delete, func, select, update

from catalog.incremental_flags import FlagWriter, disputed_sets
from catalog.incremental_state import ENTRIES, HEADS, MEMBERS, MENTRIES, VALUES, RunCounts, Values, _table
from catalog.models import DatasetRow, DatasetValueRow
from nlp.units import unit_types_agree

_IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)
_HEADS_OF = select(HEADS.id, HEADS.canonical_title, HEADS.canonical_unit, HEADS.member_count).where(HEADS.id.in_(_IDS))
# The title and unit most members print (matching.decisions._most_common over the counts): the first
# value on ties, as in primary-key order. Chosen in SQL: a dataset of 2,000 members has hundreds of titles.
_RANKED = (
    select(VALUES.dataset_id, VALUES.kind, VALUES.value, func.row_number().over(
        partition_by=(VALUES.dataset_id, VALUES.kind),
        order_by=(VALUES.count.desc(), VALUES.first_position, VALUES.value)).label("rank"))
    .where(VALUES.dataset_id.in_(_IDS), VALUES.kind.in_(("t", "u")), VALUES.count > 0, VALUES.value != "")
    .subquery()
)  # fmt: skip
_MOST_COUNTED = select(_RANKED.c.dataset_id, _RANKED.c.kind, _RANKED.c.value).where(_RANKED.c.rank == 1)
_UNIT_TYPE_SETS = select(VALUES.dataset_id, VALUES.value, VALUES.count).where(
    VALUES.dataset_id.in_(_IDS), VALUES.kind == "x", VALUES.count > 0
)
_NAME = update(_table(DatasetRow)).where(HEADS.id == bindparam("id_")).values(
    title=bindparam("title_"), unit=bindparam("unit_")
)


class DatasetUpkeep:
    """What the Matcher does to the datasets a transaction touched, before it commits."""

    db: Connection
    values: Values
    flags: FlagWriter
    recounted: set[str]
    # The unit-type sets of the documents whose rows joined each dataset in this transaction (one a
    # document, as end_document counts them), and whether this transaction only placed whole documents
    # of one rendering each (nothing removed, moved or decided): then those sets are all that changed.
    joined_sets: dict[str, Counter[frozenset[str]]]
    only_placed: bool
    open_documents: set[int]

    def finish(self) -> None:
        raise NotImplementedError

    def settle(self, counts: RunCounts) -> None:
        """End of a transaction: the datasets rows joined or left are refreshed, the counters written."""
        self.refresh(counts.touched)
        self.finish()
        counts.settled |= counts.touched
        counts.touched.clear()

    def refresh(self, datasets: Iterable[str]) -> None:
        """Title and unit of the datasets rows joined, from their value counts; their unit conflicts.

        Read and written a few hundred datasets a statement: a document touches ~50 datasets, and
        three statements built for each cost more than the work (docs/benchmarks.md, "Session 7").
        """
        self.values.flush()
        wanted = sorted(set(datasets))
        heads, most, sets = self._read_heads(wanted)
        gone = [d for d in wanted if d in heads and heads[d][2] <= 0]
        named = [{"id_": d, "title_": heads[d][0] or most.get((d, "t"), ""),
                  "unit_": heads[d][1] or most.get((d, "u"), "")}
                 for d in wanted if d in heads and heads[d][2] > 0]  # fmt: skip
        if gone:
            self.db.execute(delete(_table(DatasetRow)).where(HEADS.id.in_(gone)))
            self.db.execute(delete(_table(DatasetValueRow)).where(VALUES.dataset_id.in_(gone)))
        if named:
            self.db.execute(_NAME, named)
        self._unit_flags([d for d in wanted if d in heads], set(gone), sets)

    def _read_heads(
        self, wanted: list[str]
    ) -> tuple[dict[str, tuple[str, str, int]], dict[tuple[str, str], str], dict[str, Counter[frozenset[str]]]]:
        """Each dataset's stored title, unit and size; its most counted title and unit; its unit-type sets."""
        heads: dict[str, tuple[str, str, int]] = {}
        most: dict[tuple[str, str], str] = {}
        sets: dict[str, Counter[frozenset[str]]] = defaultdict(Counter)
        for start in range(0, len(wanted), 500):
            chunk = {"ids": wanted[start : start + 500]}
            heads.update((d, (title, unit, size)) for d, title, unit, size in self.db.execute(_HEADS_OF, chunk))
            most.update(((d, kind), value) for d, kind, value in self.db.execute(_MOST_COUNTED, chunk))
            for dataset, value, count in self.db.execute(_UNIT_TYPE_SETS, chunk):
                sets[dataset][frozenset(value.split(","))] += count
        return heads, most, sets

    def _unit_flags(self, datasets: list[str], removed: set[str], sets: dict[str, Counter[frozenset[str]]]) -> None:
        """The unit-conflict flags of the refreshed datasets (those of a removed one withdrawn)."""
        for dataset in datasets:
            if dataset in removed:
                self.flags.unit_conflicts(dataset)
                continue
            found = sets[dataset]
            if any(not unit_types_agree(a, b) for a in found for b in found if a != b):
                if not self._conflicts_unchanged(dataset, found):
                    self.flags.unit_conflicts(dataset)
            elif len(found) > 1 or dataset in self.recounted:
                self.flags.no_unit_conflict(dataset)  # flags of an earlier conflict may have to go
        self.joined_sets.clear()

    def _conflicts_unchanged(self, dataset: str, counted: Counter[frozenset[str]]) -> bool:
        """Whether `dataset`'s stored unit-conflict flags are already what unit_conflicts would write.

        unit_conflicts reads every member of the dataset, and a disputed dataset holds a share of the
        archive: each document joining it cost more as the archive grew (docs/benchmarks.md, "Session
        9: linear growth"). The flags are a function of the documents involved (those whose unit-type
        set is disputed) and their rows. When this transaction only placed whole new documents, the
        others' rows are as the dataset's last refresh left them and their flags are stored; if the
        disputed sets are the same with and without the newcomers and no newcomer holds one, the
        documents involved are the same, so are their flags. The stored flags are checked to number
        one a document involved (a rendering not primary, or an id another dataset holds, raises
        none: then everything is read, as before).
        """
        if not self.only_placed or self.open_documents or dataset in self.recounted:
            return False
        joined = self.joined_sets.get(dataset, Counter())
        if any(counted[s] < n for s, n in joined.items()):
            return False  # counts not as the documents placed left them: read them all
        before = Counter({s: n - joined[s] for s, n in counted.items() if n > joined[s]})
        disputed = disputed_sets(counted)
        if disputed != disputed_sets(before) or any(s in disputed for s in joined):
            return False
        return self.flags.unit_conflict_count(dataset) == sum(before[s] for s in disputed)

    def recount(self, datasets: Iterable[str]) -> None:
        """Value counts and sizes of datasets whose members moved or left, from their members."""
        self.values.flush()
        self.only_placed = False
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
