"""The catalog as one server process answers it: a compact in-memory index of the stored dataset summaries
(catalog/summaries.py) per catalog version, for searches, filters and order; each page's JSON read by id.

The catalog only changes when a reconciliation is saved (each save adds a reconcile run, and writes the
summaries of the datasets it changed in the same transaction), so the run's id is the catalog version and the
ETag of a page. A new version reads only the summaries written after the held one (``written_run``) and one
index scan for the order. What the process keeps of a dataset is its search texts and filter values: not its
JSON nor its documents (a dataset listed by every commune names thousands), which made the view held before
0020_dataset_summaries grow ~11 MiB for each 1,000 documents. Searches stay in memory because the database scans
every summary for a substring (10–18 ms a search at 10,000 datasets, against microseconds here: issue 7's p99).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.exports.view import (
    DatasetDetail,
    DatasetView,
    MemberView,
    StoredCatalog,
    datasets_of_entries,
    detail,
    export_datasets,
    fold,
    read_datasets,
)
from catalog.incremental_state import lock
from catalog.models import CatalogEntryRow
from catalog.store import CatalogStore
from catalog.summaries import (
    Searchable,
    SummaryUpdate,
    bring_up_to_date,
    catalog_order,
    datasets_of_document,
    headings,
    listed_json,
    lower_nfc,
    searchable,
    summaries_of,
    summaries_version,
    summary_json,
)

__all__ = ["QUERY_TEXT_LIMITS", "CatalogQuery", "CatalogView", "DatasetDetail", "DatasetView", "MemberView", "fold",
           "lower_nfc"]  # fmt: skip

log = logging.getLogger("danhmuc.api.catalog")

# How long a request may be answered from the version held without asking the database whether a newer
# reconciliation was saved by something that does not touch the stamp file (danhmuc ingest, a worker):
# such a change shows up this late plus an update, and a busy catalog endpoint stays off the database.
RECHECK_SECONDS = 1.0
SEARCH_CACHE_SIZE = 512  # distinct searches remembered per catalog version
PAGE_CACHE_BYTES = 32 * 2**20  # rendered pages kept per process
SUMMARY_CACHE_BYTES = 32 * 2**20  # datasets' JSON kept per process, the most recently shown
CHUNK_READ = 500  # summaries read ahead at a time
TRIGRAM_FROM = 256  # distinct texts above which a text index keeps trigrams

# Longest accepted value of each text parameter of GET /v1/catalog: declared on the route, and
# checked by the fast path (api/fast_catalog.py) so both refuse the same requests.
QUERY_TEXT_LIMITS = {"q": 300, "unit": 300, "sharing": 40, "frequency": 40, "domain": 300, "concept": 40,
                     "document_id": 64}  # fmt: skip

Page = tuple[str, bytes]  # (ETag, the JSON body sent)


@dataclass(frozen=True, slots=True)
class CatalogQuery:
    """A catalog search, normalised the way it is matched, so equal searches share one cache entry."""

    q: str = ""
    q_folded: bool = True  # typed without diacritics: matched against folded titles
    unit: str = ""
    sharing: str = ""
    frequency: str = ""
    domain: str = ""
    document_id: str = ""
    concept: str = ""  # a concept id: its datasets
    locality: str = ""  # a locality (the part of a unit id after "@"): the web list's filter

    @classmethod
    def of(cls, *, q: str = "", unit: str = "", sharing: str = "", frequency: str = "", domain: str = "",
           document_id: str = "", concept: str = "", locality: str = "") -> CatalogQuery:  # fmt: skip
        wanted = q.strip()
        folded = wanted.isascii()
        return cls(
            q=(fold(wanted) if folded else lower_nfc(wanted)) if wanted else "", q_folded=folded,
            unit=fold(unit.strip()), sharing=sharing.strip().lower(), frequency=frequency.strip().upper(),
            domain=fold(domain.strip()), document_id=document_id.strip(), concept=concept.strip(),
            locality=locality.strip(),
        )  # fmt: skip


class _SummaryCache:
    """The JSON of the datasets shown most recently, up to ``SUMMARY_CACHE_BYTES``: a page of datasets already shown
    costs no database read. Entries are of the version held; reaching a new version evicts the datasets whose
    summaries were written again, and a JSON read at another version than the one held is not kept (a slow
    request must not put back what an update evicted)."""

    def __init__(self, limit: int = SUMMARY_CACHE_BYTES) -> None:
        self.limit = limit
        self.version = -1
        self._held: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, ids: Iterable[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            for dataset_id in ids:
                text = self._held.get(dataset_id)
                if text is not None:
                    self._held.move_to_end(dataset_id)
                    found[dataset_id] = text
        return found

    def put(self, version: int, read: dict[str, bytes]) -> None:
        with self._lock:
            if version != self.version:
                return
            for dataset_id, text in read.items():
                previous = self._held.pop(dataset_id, None)
                self._bytes += len(text) - (len(previous) if previous is not None else 0)
                self._held[dataset_id] = text
            while self._bytes > self.limit and self._held:
                self._bytes -= len(self._held.popitem(last=False)[1])

    def full(self) -> bool:
        return self._bytes >= self.limit

    def advance(self, version: int, written: Iterable[str] | None) -> None:
        """The version held is now ``version``: forget the summaries written since (all of them when None)."""
        with self._lock:
            if written is None:
                self._held.clear()
                self._bytes = 0
            else:
                for dataset_id in written:
                    text = self._held.pop(dataset_id, None)
                    if text is not None:
                        self._bytes -= len(text)
            self.version = version


class _Snapshot:
    """One catalog version: its datasets' searchable parts in catalog order, lookup indexes, the searches
    answered and the pages rendered so far."""

    def __init__(self, store: CatalogStore, version: int, items: list[Searchable], shown: _SummaryCache) -> None:
        self.store = store
        self.shown = shown
        self.version = version
        self.items = items
        self.position = {item.dataset_id: position for position, item in enumerate(items)}
        self.by_sharing: dict[str, list[int]] = {}
        self.by_frequency: dict[str, list[int]] = {}
        self.by_concept: dict[str, list[int]] = {}
        self.by_locality: dict[str, list[int]] = {}
        for position, item in enumerate(items):
            for value in item.sharing:
                self.by_sharing.setdefault(value, []).append(position)
            for code in item.frequency:
                self.by_frequency.setdefault(code, []).append(position)
            for place in item.localities:
                self.by_locality.setdefault(place, []).append(position)
            if item.concept_id:
                self.by_concept.setdefault(item.concept_id, []).append(position)
        self.titles_folded = _TextIndex([item.text_folded for item in items])
        self.titles_lower = _TextIndex([item.text_lower for item in items])
        self.units_folded = _TextIndex([item.unit_folded for item in items])
        self.domains_folded = _TextIndex([item.domain_folded for item in items])
        self._dictionary: array[int] | None = None  # each position's rank in dictionary order, once asked
        self._found: OrderedDict[CatalogQuery, list[int]] = OrderedDict()
        self._pages: OrderedDict[tuple[CatalogQuery, int, int], Page] = OrderedDict()
        self._page_bytes = 0
        self._lock = threading.Lock()

    def cached(self, query: CatalogQuery, limit: int, offset: int) -> Page | None:
        key = (query, limit, offset)
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None:
                self._pages.move_to_end(key)
            return hit

    def page(self, query: CatalogQuery, limit: int, offset: int) -> Page:
        """One page as the JSON bytes sent and its ETag, rendered once per catalog version."""
        hit = self.cached(query, limit, offset)
        if hit is not None:
            return hit
        found = self.find(query)
        shown = [self.items[p].dataset_id for p in found[offset : offset + limit]]
        texts = self.shown.get(shown)
        version = self.version
        missing = [dataset_id for dataset_id in shown if dataset_id not in texts]
        if missing:
            with self.store.snapshot(consistent=True) as session:
                version, _ = summaries_version(session)
                read = {key: text.encode() for key, text in summary_json(session, missing).items()}
            self.shown.put(version, read)
            texts.update(read)
        items = b",".join(texts[dataset_id] for dataset_id in shown if dataset_id in texts)
        body = b'{"total":%d,"limit":%d,"offset":%d,"items":[%b]}' % (len(found), limit, offset, items)
        rendered = (f'"{self.version}-{hashlib.blake2b(body, digest_size=12).hexdigest()}"', body)
        if version != self.version:  # a run saved meanwhile: a page of two versions is sent, never kept
            return rendered
        key = (query, limit, offset)
        with self._lock:
            if key not in self._pages:
                self._pages[key] = rendered
                self._page_bytes += len(body)
            while self._page_bytes > PAGE_CACHE_BYTES and len(self._pages) > 1:
                self._page_bytes -= len(self._pages.popitem(last=False)[1][1])
        return rendered

    def listed(self, query: CatalogQuery, limit: int, offset: int) -> tuple[int, list[DatasetView]]:
        """(how many match, the summaries of a page) in Vietnamese dictionary order: the web list."""
        if self._dictionary is None:
            with self.store.snapshot() as session:
                ordered = catalog_order(session, dictionary=True)
            ranks = array("I", bytes(4 * len(self.items)))
            for rank, dataset_id in enumerate(ordered):
                position = self.position.get(dataset_id)
                if position is not None:
                    ranks[position] = rank
            self._dictionary = ranks
        ranks = self._dictionary
        found = sorted(self.find(query), key=ranks.__getitem__)
        shown = [self.items[p].dataset_id for p in found[offset : offset + limit]]
        with self.store.snapshot() as session:
            views = summaries_of(session, shown)
        return len(found), [views[dataset_id] for dataset_id in shown if dataset_id in views]

    def localities(self) -> list[str]:
        return list(self.by_locality)

    def find(self, query: CatalogQuery) -> list[int]:
        """Positions of the matching datasets, in catalog order; remembered so paging a search is cheap."""
        with self._lock:
            hit = self._found.get(query)
            if hit is not None:
                self._found.move_to_end(query)
                return hit
        found = self._search(query)
        with self._lock:
            self._found[query] = found
            while len(self._found) > SEARCH_CACHE_SIZE:
                self._found.popitem(last=False)
        return found

    def _of_document(self, sha256: str) -> list[int]:
        with self.store.snapshot() as session:
            ids = datasets_of_document(session, sha256)
        return sorted(self.position[i] for i in ids if i in self.position)

    def _search(self, query: CatalogQuery) -> list[int]:
        found: list[int] | None = None
        exact = ((self.by_sharing, query.sharing), (self.by_frequency, query.frequency),
                 (self.by_concept, query.concept), (self.by_locality, query.locality))  # fmt: skip
        for index, value in exact:
            if value:
                listed = index.get(value, [])
                found = listed if found is None else _intersect(found, listed)
        if query.document_id:
            listed = self._of_document(query.document_id)
            found = listed if found is None else _intersect(found, listed)
        items = self.items
        texts = ((self.titles_folded if query.q_folded else self.titles_lower, "text_folded" if query.q_folded
                  else "text_lower", query.q), (self.units_folded, "unit_folded", query.unit),
                 (self.domains_folded, "domain_folded", query.domain))  # fmt: skip
        for haystack, field, needle in texts:
            if not needle:
                continue
            if found is not None and len(found) * 8 < len(items):  # few left: look at each one
                found = [p for p in found if needle in getattr(items[p], field)]
            else:  # many left: one scan of the joined text beats a check per dataset
                hits = haystack.containing(needle)
                found = hits if found is None else _intersect(found, hits)
        return list(range(len(items))) if found is None else found


def _intersect(left: list[int], right: list[int]) -> list[int]:
    small, large = (left, right) if len(left) <= len(right) else (right, left)
    kept = set(small)
    return [position for position in large if position in kept]  # in catalog order


class _TextIndex:
    """Substring search over one text per dataset, without testing all 10,000 texts each time.

    Equal texts are tested once (units and domains repeat across thousands of datasets), and where
    there are many distinct texts a trigram index narrows them to those holding the needle's rarest
    trigram before the exact ``in`` test. Postings are arrays of 4-byte numbers, not lists of objects.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        groups: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            groups.setdefault(text, []).append(position)
        self.texts = list(groups)
        self.positions = list(groups.values())
        self.grams: dict[str, array[int]] = {}
        if len(self.texts) > TRIGRAM_FROM:
            for number, text in enumerate(self.texts):
                for gram in {text[i : i + 3] for i in range(len(text) - 2)}:
                    posting = self.grams.get(gram)
                    if posting is None:
                        posting = self.grams[gram] = array("I")
                    posting.append(number)

    def containing(self, needle: str) -> list[int]:
        candidates: Sequence[int] = range(len(self.texts))
        if self.grams and len(needle) >= 3:
            postings = [self.grams.get(needle[i : i + 3]) for i in range(len(needle) - 2)]
            if any(posting is None for posting in postings):
                return []
            candidates = min((p for p in postings if p is not None), key=len)
        texts = self.texts
        hits = [number for number in candidates if needle in texts[number]]
        if len(hits) == 1:
            return self.positions[hits[0]]
        return sorted(position for number in hits for position in self.positions[number])


@dataclass(frozen=True, slots=True)
class BuildStats:
    """How the index held was built: the whole catalog read, or only the summaries written since the last version
    (``read`` of them)."""

    whole: bool
    read: int


class CatalogView:
    """The catalog read model of one server process.

    Freshness: every request stats a stamp file that any server process touches after saving a
    reconciliation (a microsecond, no database), so writes made by another process show at once;
    writes made outside the service (``danhmuc ingest``, a worker) are found by asking the database at most
    every ``RECHECK_SECONDS``.
    """

    def __init__(self, store: CatalogStore, stamp: Path | None = None) -> None:
        self.store = store
        self.stamp = stamp
        self._lock = threading.Lock()  # one build at a time
        self._rebuild_lock = threading.Lock()
        self._rebuilding = False
        self._snapshot: _Snapshot | None = None
        self._checked_at = 0.0
        self._stamp_seen: tuple[int, int] | None = None
        self.last_build = BuildStats(whole=True, read=-1)
        self.last_update: SummaryUpdate | None = None  # the summaries this process brought up to date, if any
        self._shown = _SummaryCache()

    def _stamp_mark(self) -> tuple[int, int] | None:
        if self.stamp is None:
            return None
        try:
            found = self.stamp.stat()
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns  # replaced, never rewritten: a new inode at each change

    def snapshot(self) -> _Snapshot:
        """The current view.

        A change announced by the stamp file (any server process saving a reconciliation) is waited
        for, so reads after an acknowledged job or decision are consistent. A change found only by
        asking the database (a worker or ``danhmuc ingest`` writing outside the service, no acknowledgement
        to honour) is read in a thread while the previous version goes on answering.
        """
        now = time.monotonic()
        mark = self._stamp_mark()
        fresh_enough = now - self._checked_at < RECHECK_SECONDS and mark == self._stamp_seen
        # The view is read after the mark is compared: a build sets the view before it records the mark,
        # so a request that sees the new mark recorded also sees the new view.
        current = self._snapshot
        if current is not None and fresh_enough:
            return current
        if current is None or mark != self._stamp_seen:
            fresh = self.refresh()
            self._checked_at, self._stamp_seen = now, mark
            return fresh
        self._checked_at = now  # first, so simultaneous requests do not all ask
        with self.store.snapshot() as session:
            version, written = summaries_version(session)
        if version != current.version or not written:
            self._refresh_in_background()
        return current

    def current(self) -> bool:
        """Whether ``snapshot()`` can answer from the view held (no stamped update to wait for): one stat."""
        return self._snapshot is not None and self._stamp_mark() == self._stamp_seen

    def refresh(self) -> _Snapshot:
        """Hold the index of the latest version now, unless it is the one held (bringing the summaries up to it
        first if an older writer saved it)."""
        with self._lock:
            with self.store.snapshot() as session:
                _, written = summaries_version(session)
            if not written:
                with self.store.transaction() as session:
                    lock(session)  # as a reconciliation: the summaries are written by one writer at a time
                    self.last_update = bring_up_to_date(session) or self.last_update
                    log.info("catalog summaries brought up to date: %s", self.last_update)
            # One snapshot for every statement (PostgreSQL too): the version, the order and the summaries agree.
            with self.store.snapshot(consistent=True) as session:
                version, _ = summaries_version(session)
                held = self._snapshot
                if held is None or held.version != version:
                    items, rewritten = self._build(session, held)
                    self._shown.advance(version, rewritten)
                    self._fill(session, version, rewritten)
                    held = self._snapshot = _Snapshot(self.store, version, items, self._shown)
            return held

    def _fill(self, session: Session, version: int, rewritten: set[str] | None) -> None:
        """Read ahead the JSON a reader is about to ask for: the summaries written again (an upload's datasets are
        looked at first), or on a whole build the catalog's first pages, until the cache is full."""
        read: dict[str, bytes] = {}
        for dataset_id, text in listed_json(session, None if rewritten is None else sorted(rewritten)):
            read[dataset_id] = text.encode()
            if len(read) >= CHUNK_READ:
                self._shown.put(version, read)
                read = {}
                if self._shown.full():
                    return
        self._shown.put(version, read)

    def _refresh_in_background(self) -> None:
        with self._rebuild_lock:
            if self._rebuilding:
                return
            self._rebuilding = True

        def run() -> None:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the next request tries again; meanwhile the old view answers
                log.exception("could not update the catalog view")
                self._checked_at = 0.0
            finally:
                self._rebuilding = False

        threading.Thread(target=run, name="danhmuc-catalog-view", daemon=True).start()

    def invalidate(self) -> None:
        """This process saved a reconciliation: update now (before its job reports success), tell the others."""
        self.refresh()
        if self.stamp is None:
            return
        try:
            self.stamp.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.stamp.with_name(f".{self.stamp.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_text(str(self._snapshot.version if self._snapshot else 0), encoding="ascii")
            os.replace(temporary, self.stamp)
        except OSError:
            log.warning("could not touch %s; other server processes notice within %s s", self.stamp, RECHECK_SECONDS)

    def _build(self, session: Session, held: _Snapshot | None) -> tuple[list[Searchable], set[str] | None]:
        """The searchable part of every dataset in catalog order: the summaries written after the held version
        read again, the others kept (all read when none is held, or when most were written again); and the ids
        of those read again (None: all)."""
        order = catalog_order(session)  # one index scan: the order, and which datasets went
        fresh = {} if held is None else {i.dataset_id: i for i in searchable(session, after_run=held.version)}
        if held is None or len(fresh) > len(order) // 2:
            self.last_build = BuildStats(whole=True, read=len(order))
            everything = {item.dataset_id: item for item in searchable(session)}
            return [everything[dataset_id] for dataset_id in order if dataset_id in everything], None
        kept = held.items
        items: list[Searchable] = []
        for dataset_id in order:
            item = fresh.get(dataset_id)
            if item is None:
                position = held.position.get(dataset_id)
                if position is None:  # cannot happen: a summary not written after the held version was held
                    continue
                item = kept[position]
            items.append(item)
        self.last_build = BuildStats(whole=False, read=len(fresh))
        # Deleted datasets need no eviction: no page lists them again.
        return items, set(fresh)

    # ------------------------------------------------------------ queries

    def summaries(self, ids: Iterable[str]) -> dict[str, DatasetView]:
        """dataset id → its summary as listed, for those of ``ids`` that are datasets."""
        with self.store.snapshot() as session:
            return summaries_of(session, list(ids))

    @contextmanager
    def headings(self) -> Iterator[Iterator[tuple[str, str, str]]]:
        """(id, title, unit) of every dataset in catalog order, streamed from one store snapshot."""
        with self.store.snapshot() as session:
            yield headings(session)

    def detail(self, dataset_id: str) -> DatasetDetail | None:
        """One dataset with its members, as stored now: indexed reads of that dataset only."""
        with self.store.snapshot() as session:
            found = next(read_datasets(session, [dataset_id]), None)
        return None if found is None else detail(*found)

    @contextmanager
    def stored(self) -> Iterator[StoredCatalog]:
        """The export records as stored now, streamed from one store snapshot (for the exports: never all held)."""
        with self.store.snapshot() as session:
            yield StoredCatalog(session)

    def details(self) -> list[DatasetDetail]:
        """Every dataset with its members (the export records, all held: the exports stream ``stored()``)."""
        return export_datasets(self.store)

    def members_of(
        self, keys: Iterable[str]
    ) -> tuple[dict[str, tuple[MemberView, DatasetView]], dict[str, list[MemberView]]]:
        """For the keys that belong to a dataset: entry key → (the member, its dataset's summary), and each of
        those datasets' members. The datasets of those keys are read from the store, nothing else."""
        wanted = set(keys)
        if not wanted:
            return {}, {}
        found: dict[str, tuple[MemberView, DatasetView]] = {}
        groups: dict[str, list[MemberView]] = {}
        with self.store.snapshot() as session:
            datasets = sorted(set(datasets_of_entries(session, sorted(wanted)).values()))
            for view, members in read_datasets(session, datasets):
                groups[view.id] = members
                found.update((member.key, (member, view)) for member in members if member.key in wanted)
        return found, groups

    def datasets_of_document(self, sha256: str) -> dict[str, DatasetView]:
        """entry key → its dataset's summary, for the document's rows that belong to a dataset."""
        with self.store.snapshot() as session:
            keys = session.scalars(select(CatalogEntryRow.key).where(CatalogEntryRow.document_sha256 == sha256)).all()
            of_entry = datasets_of_entries(session, keys)
            summaries = summaries_of(session, sorted(set(of_entry.values())))
        return {key: summaries[dataset] for key, dataset in of_entry.items() if dataset in summaries}
