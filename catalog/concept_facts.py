"""Facts of a dataset concept: harmonised title, publishers, localities, coverage and unit conflicts.

A *dataset* belongs to one publisher; a *concept* ("Dữ liệu hộ nghèo") groups the datasets of the
same kind kept by publishers of several localities (matching/concepts.py). What a province
harmonising its communes' plans, or a ministry building a national list, reviews lives here:

- the harmonised title: the title most of the concept's datasets carry;
- publishers: the agencies (canonical unit + locality, ``exports/agencies.py``) of the members;
- coverage: among the localities whose plans are in the store, at the level of a locality that lists
  the concept (and in the same province when both name it), which list it and which do not;
- unit conflicts: at one level (communes, provinces), the concept is managed by different kinds of
  unit in different localities ("Phòng Kinh tế" in one commune, "Phòng Văn hóa - Xã hội" in another).

A member's locality is the locality of the plan that lists it (its issuer, else its title), not of
the unit it names: a commune's plan naming "Sở Y tế" still says what the commune lists. When the
issuer does not give it, the member's unit locality stands in. Every fact carries a reason in
Vietnamese then English, and names the datasets and documents it rests on.

The records are computed from ``MemberFact`` rows, the same way for the store's counts
(``concepts_store.py``), the API and the reports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field

from catalog.exports.agencies import agency


# Not frozen: built for every row of the catalog (half a million at 10,000 documents), where a frozen
# dataclass sets each field through object.__setattr__ (twice the cost); nothing changes them.
@dataclass(slots=True)
class MemberFact:
    """One catalog row of a concept, with what its facts need."""

    entry_key: str
    concept_id: str
    dataset_id: str
    dataset_title: str
    dataset_unit: str
    unit_ids: tuple[str, ...]
    document_id: str
    locality: str  # the listing plan's locality ("" when unknown)


@dataclass(frozen=True, slots=True)
class DocumentFact:
    """A document with catalog rows in the last reconciliation: the universe coverage is judged in."""

    id: str
    source: str
    title: str
    number: str
    locality: str
    entry_count: int


class DocumentRef(BaseModel):
    id: str
    source: str
    title: str
    number: str


class Publisher(BaseModel):
    name: str  # agency key: CKAN organisation name, DCAT publisher IRI segment
    title: str  # "Sở Y tế tỉnh Hà Tĩnh"
    unit_id: str
    locality: str
    resolved: bool
    dataset_ids: list[str]


class LocalityListing(BaseModel):
    locality: str
    listed: bool
    dataset_ids: list[str]  # the concept's datasets listed there (empty when not listed)
    documents: list[DocumentRef]  # the plans of that locality in the store
    reason: str


class Coverage(BaseModel):
    """One level (and province, when known) at which the concept is listed somewhere."""

    level: str  # "xã", "tỉnh", … ("" when the locality's level is unknown)
    province: str  # "" when the plans do not name it
    listed: list[LocalityListing]
    not_listed: list[LocalityListing]


class UnitHolder(BaseModel):
    unit_type: str  # the unit registry's key ("phong_kinh_te"), or the name as printed when unresolved
    unit_name: str
    localities: list[str]
    dataset_ids: list[str]


class UnitConflict(BaseModel):
    level: str
    holders: list[UnitHolder]
    reason: str


class ConceptDataset(BaseModel):
    id: str
    title: str
    unit: str
    localities: list[str]
    member_count: int


class ConceptSummary(BaseModel):
    id: str
    title: str  # harmonised title
    title_reason: str
    titles: list[str]  # every distinct dataset title, most common first
    dataset_count: int
    member_count: int
    publisher_count: int
    locality_count: int
    localities: list[str]
    not_listed_count: int  # localities at a listing level whose plans do not list it
    conflict_count: int


class ConceptDetail(ConceptSummary):
    datasets: list[ConceptDataset] = Field(default_factory=list)
    publishers: list[Publisher] = Field(default_factory=list)
    coverage: list[Coverage] = Field(default_factory=list)
    conflicts: list[UnitConflict] = Field(default_factory=list)


# ---------------------------------------------------------------- localities


@lru_cache(maxsize=8192)
def document_locality(issuer: str, title: str) -> str:
    """The plan's locality from its issuer ("UBND xã Đông Cứu" → "xã Đông Cứu"), else from its title."""
    from nlp.localities import locality_of_issuer, parse_locality

    return locality_of_issuer(issuer) or parse_locality(title).text


@lru_cache(maxsize=8192)
def level_and_province(locality: str) -> tuple[str, str]:
    """("xã", "tỉnh Bắc Ninh") for "xã Đông Cứu, tỉnh Bắc Ninh"; ("tỉnh", "") for a province."""
    from nlp.localities import parse_locality

    parsed = parse_locality(locality)
    if parsed.at_rank(1) == (f"{parsed.parts[0][0]} {parsed.parts[0][1]}" if parsed.parts else None):
        return parsed.level, ""  # provinces are compared across the country
    return parsed.level, parsed.at_rank(1) or ""


def member_locality(fact: MemberFact) -> str:
    return fact.locality or units_locality(fact.unit_ids)


def units_locality(unit_ids: Sequence[str]) -> str:
    """The locality a row's units name ("so-y-te@tỉnh Bắc Ninh"), for a plan whose locality is unknown."""
    return next((uid.partition("@")[2] for uid in unit_ids if "@" in uid), "")


# ---------------------------------------------------------------- the facts


def _title(members: Sequence[MemberFact]) -> tuple[str, str, list[str]]:
    datasets = {m.dataset_id: m.dataset_title for m in members}
    by_title = Counter(datasets.values())
    rows = Counter(m.dataset_title for m in members)
    ordered = _titles_in_order(by_title, rows)
    best = ordered[0] if ordered else ""
    share = f"{by_title[best]}/{len(datasets)}" if best else "0/0"
    tied = len(ordered) > 1 and (by_title[ordered[1]], rows[ordered[1]]) == (by_title[best], rows[best])
    if len(by_title) <= 1:
        reason = "Tên chung của mọi tập dữ liệu / the title every dataset carries"
    elif tied:
        reason = (f"Tên của {share} tập dữ liệu; các tên phổ biến ngang nhau, chọn tên ngắn nhất / the title of "
                  f"{share} datasets; equally common titles, the shortest chosen")  # fmt: skip
    else:
        reason = (f"Tên của {share} tập dữ liệu, phổ biến nhất / the title of {share} datasets, "
                  "the most common")  # fmt: skip
    return best, reason, ordered


def _titles_in_order(by_title: Counter[str], rows: Counter[str]) -> list[str]:
    """Most datasets first, then most rows, then the shortest, then alphabetical."""
    return sorted(by_title, key=lambda t: (-by_title[t], -rows[t], len(t), t))


def title_choice(titles: Mapping[str, str], rows: Counter[str]) -> str:
    """The harmonised title from each dataset's title (id -> title) and the rows under each title."""
    ordered = _titles_in_order(Counter(titles.values()), rows)
    return ordered[0] if ordered else ""


def _publishers(members: Sequence[MemberFact]) -> list[Publisher]:
    found: dict[str, Publisher] = {}
    seen: set[tuple[str, str]] = set()  # (publisher, dataset): a list's `in` grew with the datasets
    for member in members:
        for uid in member.unit_ids[:1]:  # the lead unit: co-units of a cell do not publish it
            held = agency(uid)
            publisher = found.get(held.name)
            if publisher is None:  # built once per publisher, not once per member
                publisher = found[held.name] = Publisher.model_construct(
                    name=held.name, title=held.title, unit_id=held.unit_id, locality=held.locality,
                    resolved=held.resolved, dataset_ids=[],
                )  # fmt: skip
            if (held.name, member.dataset_id) not in seen:
                seen.add((held.name, member.dataset_id))
                publisher.dataset_ids.append(member.dataset_id)
    return list(found.values())


class Universe:
    """The catalog's documents grouped once by locality and by (level, province), for every concept.

    A locality's listing of plans is built when a coverage asks for it. ``share_listings`` keeps each locality's
    references and not-listing listing for the next concept (a report builds every concept's coverage); a server,
    which builds one concept's at a time, does not, so that it holds a small record per document, not those too."""

    def __init__(self, documents: Iterable[DocumentFact], *, share_listings: bool = True) -> None:
        self.plans: dict[str, list[DocumentFact]] = defaultdict(list)
        for document in documents:
            if document.locality:
                self.plans[document.locality].append(document)
        self.places: dict[tuple[str, str], list[str]] = defaultdict(list)
        for place in sorted(self.plans):
            self.places[level_and_province(place)].append(place)
        self._not_listing: dict[str, LocalityListing] | None = {} if share_listings else None
        self._refs: dict[str, list[DocumentRef]] | None = {} if share_listings else None

    def localities(self) -> dict[str, str]:
        """sha256 → locality of the documents with one: a concept's rows are read with it (``load_members``)."""
        return {d.id: place for place, plans in self.plans.items() for d in plans}

    def refs(self, place: str) -> list[DocumentRef]:
        """The plans of a locality as a listing names them (built once a locality when listings are shared)."""
        found = None if self._refs is None else self._refs.get(place)
        if found is None:
            found = [
                DocumentRef.model_construct(id=d.id, source=d.source, title=d.title, number=d.number)
                for d in self.plans.get(place, ())
            ]
            if self._refs is not None:
                self._refs[place] = found
        return list(found)

    def not_listing(self, place: str) -> LocalityListing:
        """A locality whose plans do not list the concept: the same for every concept (each concept lists most of
        its level's localities as not listing it), so built once when listings are shared."""
        found = None if self._not_listing is None else self._not_listing.get(place)
        if found is None:
            plans = self.plans[place]
            rows = sum(d.entry_count for d in plans)
            names = ", ".join(d.number or d.source for d in plans)
            found = LocalityListing.model_construct(
                locality=place, listed=False, dataset_ids=[], documents=self.refs(place),
                reason=f"Văn bản của {place} ({names}) có {rows} dòng danh mục, không dòng nào thuộc khái "
                       f"niệm này / the plans of {place} ({names}) list {rows} rows, none of this concept",
            )  # fmt: skip
            if self._not_listing is not None:
                self._not_listing[place] = found
        return found


def _listed_places(members: Sequence[MemberFact]) -> tuple[dict[str, list[str]], dict[tuple[str, str], set[str]]]:
    """place → the concept's datasets listed there (in order of first row); (level, province) → those places."""
    listed: dict[str, list[str]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()  # (place, dataset)
    for member in members:
        place = member_locality(member)
        if place and (place, member.dataset_id) not in seen:
            seen.add((place, member.dataset_id))
            listed[place].append(member.dataset_id)
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for place in listed:
        groups[level_and_province(place)].add(place)
    return listed, groups


def _not_listed_count(members: Sequence[MemberFact], universe: Universe) -> int:
    """How many localities ``_coverage`` lists as not listing the concept, without building the listings."""
    _, groups = _listed_places(members)
    return sum(len(set(universe.places.get(group, ())) - listed) for group, listed in groups.items())


def _coverage(members: Sequence[MemberFact], universe: Universe) -> list[Coverage]:
    listed, groups = _listed_places(members)
    found: list[Coverage] = []
    for group in sorted(groups):
        yes, no = [], []
        for place in sorted(groups[group] | set(universe.places.get(group, ()))):
            if place in listed:
                count = len(listed[place])
                yes.append(LocalityListing.model_construct(
                    locality=place, listed=True, dataset_ids=listed[place], documents=universe.refs(place),
                    reason=f"{place} liệt kê {count} tập dữ liệu thuộc khái niệm này / "
                           f"{place} lists {count} dataset(s) of this concept",
                ))  # fmt: skip
            else:
                no.append(universe.not_listing(place))
        found.append(Coverage.model_construct(level=group[0], province=group[1], listed=yes, not_listed=no))
    return found


def _conflicts(members: Sequence[MemberFact]) -> list[UnitConflict]:
    by_level: dict[str, dict[str, UnitHolder]] = defaultdict(dict)
    # (level, unit type, place) and (level, unit type, dataset) already listed: a list's `in` grew with them
    seen_places: set[tuple[str, str, str]] = set()
    seen_datasets: set[tuple[str, str, str]] = set()
    for member in members:
        if not member.unit_ids:
            continue
        lead = agency(member.unit_ids[0])
        place = member_locality(member) or lead.locality
        level = level_and_province(place)[0] if place else ""
        unit_type = member.unit_ids[0].partition("@")[0] if lead.resolved else lead.unit_name
        holders = by_level[level]
        holder = holders.get(unit_type)
        if holder is None:
            holder = holders[unit_type] = UnitHolder.model_construct(
                unit_type=unit_type, unit_name=lead.unit_name, localities=[], dataset_ids=[]
            )
        if place and (level, unit_type, place) not in seen_places:
            seen_places.add((level, unit_type, place))
            holder.localities.append(place)
        if (level, unit_type, member.dataset_id) not in seen_datasets:
            seen_datasets.add((level, unit_type, member.dataset_id))
            holder.dataset_ids.append(member.dataset_id)
    conflicts = []
    for level, holders in sorted(by_level.items()):
        kinds: dict[str, set[str]] = defaultdict(set)  # locality -> the kinds of unit keeping it there
        for unit_type, holder in holders.items():
            for place in holder.localities:
                kinds[place].add(unit_type)
        if len({frozenset(found) for found in kinds.values()}) < 2:
            continue  # every locality keeps it in the same kind(s) of unit: nothing differs between places
        shown = "; ".join(f"{h.unit_name} ({' + '.join(h.localities) or 'không rõ địa bàn'})" for h in holders.values())
        at = f"cấp {level}" if level else "cùng cấp"
        conflicts.append(UnitConflict.model_construct(
            level=level, holders=list(holders.values()),
            reason=f"Cùng khái niệm, {at}, do các loại đơn vị khác nhau quản lý: {shown} / the same concept is "
                   f"managed by different kinds of unit at {level or 'one'} level in different localities",
        ))  # fmt: skip
    return conflicts


def concept_counts(members: Sequence[MemberFact]) -> tuple[str, int, int, int]:
    """(harmonised title, datasets, localities, publishers): what the store keeps per concept, cheaply."""
    title = _title(members)[0]
    datasets = {m.dataset_id for m in members}
    places = {place for m in members if (place := member_locality(m))}
    publishers = {agency(m.unit_ids[0]).name for m in members if m.unit_ids}
    return title, len(datasets), len(places), len(publishers)


def concept_detail(
    concept_id: str, members: Sequence[MemberFact], universe: Universe | Sequence[DocumentFact], *,
    coverage: bool = True,
) -> ConceptDetail:
    """Every fact of one concept from its member rows and the documents of the catalog (records built
    with ``model_construct``: every value here is already of its field's type). Without ``coverage`` the
    listings of each locality are left out and only the count of those not listing it is given (a server's
    list of concepts)."""
    if not isinstance(universe, Universe):
        universe = Universe(universe)
    title, reason, titles = _title(members)
    # Counted in plain dicts, the records built once per dataset: a pydantic attribute set per member
    # and a list's `in` per member were most of a large concept's time.
    firsts: dict[str, MemberFact] = {}
    counts: Counter[str] = Counter()
    places: dict[str, dict[str, None]] = {}  # dataset → its localities, in order of first row
    for member in members:
        dataset_id = member.dataset_id
        if dataset_id not in firsts:
            firsts[dataset_id], places[dataset_id] = member, {}
        counts[dataset_id] += 1
        place = member_locality(member)
        if place:
            places[dataset_id][place] = None
    datasets = {
        dataset_id: ConceptDataset.model_construct(
            id=dataset_id, title=first.dataset_title, unit=first.dataset_unit, localities=list(places[dataset_id]),
            member_count=counts[dataset_id],
        )  # fmt: skip
        for dataset_id, first in firsts.items()
    }
    localities = list(dict.fromkeys(p for d in datasets.values() for p in d.localities))
    publishers = _publishers(members)
    covered = _coverage(members, universe) if coverage else []
    not_listed = sum(len(c.not_listed) for c in covered) if coverage else _not_listed_count(members, universe)
    conflicts = _conflicts(members)
    return ConceptDetail.model_construct(
        id=concept_id, title=title, title_reason=reason, titles=titles, dataset_count=len(datasets),
        member_count=len(members), publisher_count=len(publishers), locality_count=len(localities),
        localities=localities, not_listed_count=not_listed,
        conflict_count=len(conflicts), datasets=list(datasets.values()), publishers=publishers,
        coverage=covered, conflicts=conflicts,
    )  # fmt: skip


def concept_details(members: Iterable[MemberFact], universe: Sequence[DocumentFact]) -> list[ConceptDetail]:
    """Every concept, ordered by harmonised title then id (as the catalog orders datasets)."""
    grouped: dict[str, list[MemberFact]] = defaultdict(list)
    for member in members:
        grouped[member.concept_id].append(member)
    shared = Universe(universe)
    found = [concept_detail(cid, rows, shared) for cid, rows in grouped.items()]
    return sorted(found, key=lambda c: (c.title, c.id))


def summary(detail: ConceptDetail) -> ConceptSummary:
    return ConceptSummary.model_validate(detail.model_dump(include=set(ConceptSummary.model_fields)))
