"""What the workspace pages show, assembled from the store and the in-memory catalog view.

The review queue puts the most consequential item first: a link decides whether two datasets (and
every document that lists them) become one, so its weight is the number of documents on both sides;
a flag's weight is its kind's (a unit conflict misroutes a dataset, a numbering gap rarely does)
plus its evidence. Among equals, the link whose score is closest to the threshold comes first: that
is where the machine was least sure. A link is uncertain when its score lies in the calibration
plateau around the threshold, or when it was accepted although part of its evidence speaks against it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from api.catalog_view import DatasetView, MemberView
from api.state import ServiceState
from catalog.reports.model import flag_label, where
from extract.model import CatalogEntry, Document, SourceFormat, Table
from matching.model import Decision, Flag, Link
from matching.reconcile import THRESHOLDS_FILE

# Without a calibrated plateau: a rejected link this close under the threshold, or an accepted one
# this close above it, is worth a look.
UNCERTAIN_BELOW = 0.25
UNCERTAIN_ABOVE = 0.10
# matching.compare's reasons that speak against a link ("khác loại đơn vị: …", "khác tỉnh: …"): an
# accepted link carrying one was kept by the other evidence, which is for a reviewer to weigh.
CONFLICT_PREFIX = "khác "
FLAG_WEIGHT = {"unit_conflict": 3.0, "duplicate_entry": 2.5, "citation_conflict": 2.0, "period_after_parent": 2.0,
               "missing_metadata": 1.5, "missing_field": 1.0, "numbering_gap": 1.0}  # fmt: skip


@dataclass(frozen=True)
class Side:
    key: str
    member: MemberView | None
    dataset: DatasetView | None
    where: str
    units_by_locality: list[tuple[str, list[str]]]  # at the concept level: which localities list it, under which units


@dataclass(frozen=True)
class QueueItem:
    id: str  # "link:<left>|<right>" or "flag:<id>"
    kind: str  # "link" | "flag"
    weight: float
    link: Link | None = None
    left: Side | None = None
    right: Side | None = None
    flag: Flag | None = None
    flag_label: str = ""
    reasons: list[str] = field(default_factory=list)


class _Members:
    """entry key → (the member, its dataset's summary), read from the store when first asked for
    (``CatalogView.members_of``): a page names a few rows, and the catalog's rows are not held in memory."""

    def __init__(self, state: ServiceState) -> None:
        self._catalog = state.catalog
        self._found: dict[str, tuple[MemberView, DatasetView]] = {}
        self._datasets: dict[str, list[MemberView]] = {}  # every member of the datasets read so far
        self._asked: set[str] = set()

    def load(self, keys: Iterable[str]) -> _Members:
        missing = [key for key in dict.fromkeys(keys) if key not in self._asked]
        if missing:
            self._asked.update(missing)
            found, datasets = self._catalog.members_of(missing)
            self._found.update(found)
            self._datasets.update(datasets)
        return self

    def of_dataset(self, dataset_id: str) -> list[MemberView] | None:
        """The members of a dataset already read (None: not read here)."""
        return self._datasets.get(dataset_id)

    def get(self, key: str) -> tuple[MemberView, DatasetView] | None:
        self.load([key])
        return self._found.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> tuple[MemberView, DatasetView]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


def _members(state: ServiceState, keys: Iterable[str] = ()) -> _Members:
    return _Members(state).load(keys)


def units_by_locality(
    state: ServiceState, dataset_id: str, members: list[MemberView] | None = None
) -> list[tuple[str, list[str]]]:
    """Which localities list the dataset, under which units (``members``: the dataset's, when already read)."""
    if members is None:
        found = state.catalog.detail(dataset_id)
        if found is None:
            return []
        members = found.members
    grouped: dict[str, list[str]] = {}
    for member in members:
        localities = [u.split("@", 1)[1] for u in member.unit_ids if "@" in u] or [""]
        for locality in localities:
            units = grouped.setdefault(locality or "(không rõ địa bàn)", [])
            if member.unit and member.unit not in units:
                units.append(member.unit)
    return sorted(grouped.items())


def _side(
    state: ServiceState, key: str, members: _Members, localities: dict[str, list[tuple[str, list[str]]]] | None = None
) -> Side:
    member, dataset = members.get(key) or (None, None)
    grouped: list[tuple[str, list[str]]] = []
    if dataset is not None:
        memo = {} if localities is None else localities
        if dataset.id not in memo:
            memo[dataset.id] = units_by_locality(state, dataset.id, members.of_dataset(dataset.id))
        grouped = memo[dataset.id]
    return Side(key=key, member=member, dataset=dataset, where=where(member.provenance) if member else "—",
                units_by_locality=grouped)  # fmt: skip


def uncertain_band(threshold: float) -> tuple[float, float]:
    """Scores the machine cannot settle: the calibration plateau (every threshold in it scored the same
    best F1 on the gold set, so the gold cannot tell a link there apart), widened to the threshold's
    neighbourhood."""
    low, high = threshold - UNCERTAIN_BELOW, threshold + UNCERTAIN_ABOVE
    try:
        plateau = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8")).get("plateau") or []
        if len(plateau) == 2:
            low, high = min(low, float(plateau[0])), max(high, float(plateau[1]) + 1e-9)
    except (OSError, ValueError, TypeError):
        pass
    return low, high


def review_queue(state: ServiceState) -> list[QueueItem]:
    last = state.store.last_reconciliation()
    threshold = last.threshold if last else 0.77
    low, high = uncertain_band(threshold)
    uncertain = [
        link for link in state.store.machine_links(low, high, accepted_too=True)
        if low <= link.score <= high or (
            link.accepted and any(reason.startswith(CONFLICT_PREFIX) for reason in link.reasons))
    ]  # fmt: skip
    members = _members(state, [key for link in uncertain for key in (link.left, link.right)])
    localities: dict[str, list[tuple[str, list[str]]]] = {}
    items: list[QueueItem] = []
    for link in uncertain:
        left, right = _side(state, link.left, members, localities), _side(state, link.right, members, localities)
        documents = sum(side.dataset.document_count for side in (left, right) if side.dataset)
        closeness = 1.0 - min(1.0, abs(link.score - threshold))
        items.append(QueueItem(id=f"link:{link.left}|{link.right}", kind="link", weight=documents + closeness,
                               link=link, left=left, right=right, reasons=list(link.reasons)))  # fmt: skip
    for flag in state.store.flags():
        if flag.dismissed:
            continue
        weight = FLAG_WEIGHT.get(flag.kind.value, 1.0) + min(2.0, len(flag.evidence) / 5)
        items.append(QueueItem(id=f"flag:{flag.id}", kind="flag", weight=weight, flag=flag,
                               flag_label=flag_label(flag.kind.value), reasons=[flag.message]))  # fmt: skip
    items.sort(key=lambda item: -item.weight)
    return items


def entry_of(document: Document, table: int, row: int) -> CatalogEntry | None:
    return next((e for e in document.catalog if e.table == table and e.row == row), None)


def entry_by_key(document: Document, key: str) -> CatalogEntry | None:
    _, table, row = (key.rsplit(":", 2) + ["", ""])[:3]
    if not (table.isdigit() and row.isdigit()):
        return None
    return entry_of(document, int(table), int(row))


def table_rows_of(document: Document, entry: CatalogEntry) -> tuple[Table | None, list[list[str]]]:
    """For a DOCX/text row: its table and the cells of the row (with continuation rows up to the next entry)."""
    table = next((t for t in document.tables if t.index == entry.table), None)
    if table is None:
        return None, []
    following = sorted(e.row for e in document.catalog if e.table == entry.table and e.row > entry.row)
    stop = following[0] if following else entry.row + 1
    rows = [[c.text for c in r.cells] for r in table.rows if entry.row <= r.index < stop]
    return table, rows


def is_paged(document: Document) -> bool:
    return document.format in (SourceFormat.PDF, SourceFormat.IMAGE)


def describer(state: ServiceState, decisions: Iterable[Decision | None]) -> Callable[[Decision | None], str]:
    """Says what each of ``decisions`` was about, in the words a reviewer recognises (titles, not keys). Reads
    the flags those decisions dismissed, by id, not every flag (47,000 at 10,000 documents)."""
    members = _members(state)
    decisions = list(decisions)  # read twice: the datasets and the flags they name
    named = [i for d in decisions for i in (*getattr(d, "dataset_ids", ()), getattr(d, "dataset_id", "")) if i]
    summaries = state.catalog.summaries(named)
    flags = {flag.id: flag for flag in state.store.flags_by_id([d.flag_id for d in decisions
                                                                 if d is not None and d.kind == "dismiss_flag"])}

    def row(key: str) -> str:
        found = members.get(key)
        return f"«{found[0].title}» ({found[0].document})" if found else key

    def dataset(dataset_id: str) -> str:
        found = summaries.get(dataset_id)
        return f"«{found.title}»" if found else dataset_id

    def describe(decision: Decision | None) -> str:
        if decision is None:
            return ""
        if decision.kind == "confirm_link" or decision.kind == "reject_link":
            return f"{row(decision.left)} ↔ {row(decision.right)}"
        if decision.kind == "merge_datasets":
            return " + ".join(dataset(i) for i in decision.dataset_ids)
        if decision.kind == "split_dataset":
            return f"{dataset(decision.dataset_id)}: tách {len(decision.members)} dòng"
        if decision.kind == "set_canonical":
            return f"{dataset(decision.dataset_id)} → {' / '.join(v for v in (decision.title, decision.unit) if v)}"
        if decision.kind == "undo":
            return f"quyết định #{decision.decision_id}"
        flag = flags.get(decision.flag_id)
        return flag.message.split(" / ")[0] if flag else decision.flag_id

    return describe


def name_rows(state: ServiceState, text: str, keys: list[str]) -> str:
    """``text`` with entry keys (what the API's messages name) replaced by the rows' titles and documents."""
    members = _members(state, keys)
    for key in keys:
        found = members.get(key)
        if key and found:
            text = text.replace(key, f"«{found[0].title}» ({found[0].document})")
    return text
