"""A read model of the unified catalog, rebuilt in memory after each reconciliation: each dataset's summary,
search texts and JSON, not its rows (those are read from the store when a dataset is asked for).

The catalog only changes when a reconciliation is saved (each save adds a reconcile run), so the
run's id is the catalog version: the view is rebuilt when it changes (reading again only the datasets
the runs since the held version say they changed, or whose head differs: 0018_run_changed_datasets;
the whole catalog took 51 s at 10,000 documents), and each version keeps
indexes for the exact-value filters, the searches it answered and the pages it rendered (as the
bytes sent, with their ETag). A catalog read then costs a dictionary lookup, not a join of
members, entries and documents, nor a pydantic round of validation and serialisation.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
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
from catalog.models import CatalogEntryRow, ConceptRow, DatasetRow, ReconcileRunRow
from catalog.store import CatalogStore

log = logging.getLogger("danhmuc.api.catalog")

# How long a request may be answered from the cached view without asking the database whether a
# newer reconciliation was saved by something that does not touch the stamp file (danhmuc ingest):
# such a change shows up this late plus a rebuild, and a busy catalog endpoint stays off the database.
RECHECK_SECONDS = 1.0
SEARCH_CACHE_SIZE = 512  # distinct searches remembered per catalog version
PAGE_CACHE_BYTES = 32 * 2**20  # rendered pages kept per process
TRIGRAM_FROM = 256  # distinct texts above which a text index keeps trigrams


def lower_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


class _Indexed:
    """One dataset of the view: its summary, the texts its searches match, its JSON. Not its members: those are
    read from the store when a dataset is asked for (``CatalogView.detail``), so the view's memory follows the
    number of datasets and their distinct wordings, not every row of every document."""

    __slots__ = ("view", "text_lower", "text_folded", "unit_folded", "domain_folded", "json")

    def __init__(self, view: DatasetView, members: list[MemberView]) -> None:
        self.view = view
        # Each distinct title and unit once: a dataset listed by a thousand communes repeats a few wordings.
        titles = " | ".join(dict.fromkeys([view.title, *(m.title for m in members)]))
        self.text_lower = lower_nfc(titles)
        self.text_folded = fold(titles)
        self.unit_folded = fold(
            " | ".join(
                dict.fromkeys([view.unit, *(m.unit for m in members), *(u for m in members for u in m.unit_ids)])
            )
        )
        self.domain_folded = fold(" | ".join(view.domains))
        self.json = view.model_dump_json().encode()  # a page is these bytes joined: no per-request serialising

    def retitled(self, concept_title: str) -> _Indexed:
        """The same dataset under its concept's new harmonised title (searches do not read it: texts kept)."""
        item = _Indexed.__new__(_Indexed)
        item.view = self.view.model_copy(update={"concept_title": concept_title})
        item.text_lower, item.text_folded = self.text_lower, self.text_folded
        item.unit_folded, item.domain_folded = self.unit_folded, self.domain_folded
        item.json = item.view.model_dump_json().encode()
        return item


# Longest accepted value of each text parameter of GET /v1/catalog: declared on the route, and
# checked by the fast path (api/fast_catalog.py) so both refuse the same requests.
QUERY_TEXT_LIMITS = {"q": 300, "unit": 300, "sharing": 40, "frequency": 40, "domain": 300, "concept": 40}


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

    @classmethod
    def of(cls, *, q: str = "", unit: str = "", sharing: str = "", frequency: str = "", domain: str = "",
           document_id: str = "", concept: str = "") -> CatalogQuery:  # fmt: skip
        wanted = q.strip()
        folded = wanted.isascii()
        return cls(
            q=(fold(wanted) if folded else lower_nfc(wanted)) if wanted else "", q_folded=folded,
            unit=fold(unit.strip()), sharing=sharing.strip().lower(), frequency=frequency.strip().upper(),
            domain=fold(domain.strip()), document_id=document_id.strip(), concept=concept.strip(),
        )  # fmt: skip


class _Snapshot:
    """One catalog version: its datasets in order, lookup indexes, and the searches answered so far."""

    def __init__(self, version: int, items: list[_Indexed]) -> None:
        self.version = version
        self.items = items
        self.by_id = {item.view.id: item for item in items}
        self.by_sharing: dict[str, list[int]] = {}
        self.by_frequency: dict[str, list[int]] = {}
        self.by_document: dict[str, list[int]] = {}
        self.by_concept: dict[str, list[int]] = {}
        for position, item in enumerate(items):
            for value in item.view.sharing:
                self.by_sharing.setdefault(value, []).append(position)
            for code in item.view.frequency:
                self.by_frequency.setdefault(code, []).append(position)
            for document_id in item.view.document_ids:
                self.by_document.setdefault(document_id, []).append(position)
            if item.view.concept_id:
                self.by_concept.setdefault(item.view.concept_id, []).append(position)
        self.titles_folded = _TextIndex([item.text_folded for item in items])
        self.titles_lower = _TextIndex([item.text_lower for item in items])
        self.units_folded = _TextIndex([item.unit_folded for item in items])
        self.domains_folded = _TextIndex([item.domain_folded for item in items])
        self._found: OrderedDict[CatalogQuery, list[int]] = OrderedDict()
        self._pages: OrderedDict[tuple[CatalogQuery, int, int], tuple[str, bytes]] = OrderedDict()
        self._page_bytes = 0
        self._lock = threading.Lock()

    def page(self, query: CatalogQuery, limit: int, offset: int) -> tuple[str, bytes]:
        """One page as the JSON bytes sent and its ETag, rendered once per catalog version."""
        key = (query, limit, offset)
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None:
                self._pages.move_to_end(key)
                return hit
        found = self.find(query)
        items = b",".join(self.items[p].json for p in found[offset : offset + limit])
        body = b'{"total":%d,"limit":%d,"offset":%d,"items":[%b]}' % (len(found), limit, offset, items)
        rendered = (f'"{self.version}-{hashlib.blake2b(body, digest_size=12).hexdigest()}"', body)
        with self._lock:
            if key not in self._pages:
                self._pages[key] = rendered
                self._page_bytes += len(body)
            while self._page_bytes > PAGE_CACHE_BYTES and len(self._pages) > 1:
                self._page_bytes -= len(self._pages.popitem(last=False)[1][1])
        return rendered

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

    def _search(self, query: CatalogQuery) -> list[int]:
        found: list[int] | None = None
        exact = ((self.by_sharing, query.sharing), (self.by_frequency, query.frequency),
                 (self.by_document, query.document_id), (self.by_concept, query.concept))  # fmt: skip
        for index, value in exact:
            if value:
                listed = index.get(value, [])
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
    trigram before the exact ``in`` test.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        groups: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            groups.setdefault(text, []).append(position)
        self.texts = list(groups)
        self.positions = list(groups.values())
        self.grams: dict[str, list[int]] = {}
        if len(self.texts) > TRIGRAM_FROM:
            for number, text in enumerate(self.texts):
                for gram in {text[i : i + 3] for i in range(len(text) - 2)}:
                    self.grams.setdefault(gram, []).append(number)

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
    """How the view held was built: the whole catalog read, or only the datasets changed since the last view
    (``read`` of them, ``retitled`` kept but for their concept's title)."""

    whole: bool
    read: int
    retitled: int = 0


def changed_since(session: Session, version: int, latest: int) -> set[str] | None:
    """The datasets the runs after ``version`` up to ``latest`` changed, None when one of them could not say
    (it recorded none: a rebuild, the first run, a run after a killed one, one stored before 0018)."""
    recorded = session.scalars(
        select(ReconcileRunRow.changed_datasets).where(ReconcileRunRow.id > version, ReconcileRunRow.id <= latest)
    ).all()
    if not recorded or any(ids is None for ids in recorded):
        return None
    return {dataset_id for ids in recorded if ids is not None for dataset_id in ids}


class CatalogView:
    """The catalog read model of one server process.

    Freshness: every request stats a stamp file that any server process touches after saving a
    reconciliation (a microsecond, no database), so writes made by another process show at once;
    writes made outside the service (``danhmuc ingest``) are found by asking the database at most
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
        asking the database (``danhmuc ingest`` writing outside the service, no acknowledgement to
        honour) is built in a thread while the previous view goes on answering, so it does not stall
        every request for the seconds a 10,000-dataset rebuild takes.
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
            # A server process touched the stamp after saving a reconciliation and before its job (or
            # the decision's job) reported success: whoever reads after that acknowledgement must see
            # it, so this waits for the build (concurrent requests wait on the same one) instead of
            # answering from the previous version. The mark is recorded only once the build is held,
            # so a request arriving meanwhile cannot take the old view for the new one.
            fresh = self.refresh()
            self._checked_at, self._stamp_seen = now, mark
            return fresh
        self._checked_at = now  # first, so simultaneous requests do not all ask
        with Session(self.store.engine) as session:
            version = session.scalar(select(func.max(ReconcileRunRow.id))) or 0
        if version != current.version:
            self._refresh_in_background()
        return current

    def current(self) -> bool:
        """Whether ``snapshot()`` can answer from the view held (no stamped rebuild to wait for): one stat."""
        return self._snapshot is not None and self._stamp_mark() == self._stamp_seen

    def refresh(self) -> _Snapshot:
        """Build the view of the latest version now, unless it is the one held."""
        with self._lock:
            # One snapshot for every statement (PostgreSQL too): the version, the runs' records, the heads and
            # the datasets read again agree. A run saved meanwhile is the next version's, read again then.
            with self.store.snapshot(consistent=True) as session:
                version = session.scalar(select(func.max(ReconcileRunRow.id))) or 0
                held = self._snapshot
                if held is None or held.version != version:
                    held = self._snapshot = _Snapshot(version, self._build(session, held, version))
            return held

    def _refresh_in_background(self) -> None:
        with self._rebuild_lock:
            if self._rebuilding:
                return
            self._rebuilding = True

        def run() -> None:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the next request tries again; meanwhile the old view answers
                log.exception("could not rebuild the catalog view")
                self._checked_at = 0.0
            finally:
                self._rebuilding = False

        threading.Thread(target=run, name="danhmuc-catalog-view", daemon=True).start()

    def items(self) -> list[_Indexed]:
        return self.snapshot().items

    def invalidate(self) -> None:
        """This process saved a reconciliation: rebuild now (before its job reports success), tell the others."""
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

    def _build(self, session: Session, held: _Snapshot | None, version: int) -> list[_Indexed]:
        """The datasets of ``version``: those the runs since ``held`` changed read again, the others kept;
        everything read when a run could not say what it changed (or a view is built for the first time)."""
        changed = None if held is None else changed_since(session, held.version, version)
        if held is None or changed is None or len(changed) > len(held.items) // 2:
            self.last_build = BuildStats(whole=True, read=-1)
            return [_Indexed(view, members) for view, members in read_datasets(session)]
        return self._update(session, held, changed)

    def _update(self, session: Session, held: _Snapshot, changed: set[str]) -> list[_Indexed]:
        # Every dataset's head (one indexed scan, a few columns): it orders the view as the store does, and a
        # dataset whose head differs from the view's is read again even if no run said so (a writer that
        # records nothing, ``danhmuc`` of an older version).
        heads = session.execute(
            select(DatasetRow.id, DatasetRow.title, DatasetRow.unit, DatasetRow.member_count)
            .order_by(DatasetRow.title, DatasetRow.id)
        ).all()  # fmt: skip
        titles: dict[str, str] = dict(session.execute(select(ConceptRow.id, ConceptRow.title)).all())
        by_id = held.by_id
        wanted = set(changed)
        for dataset_id, title, unit, count in heads:
            item = by_id.get(dataset_id)
            if item is None or (item.view.title, item.view.unit, item.view.member_count) != (title, unit, count):
                wanted.add(dataset_id)
            elif item.view.concept_id and item.view.concept_id not in titles:  # its concept went: rows moved
                wanted.add(dataset_id)
        fresh = {view.id: _Indexed(view, members) for view, members in read_datasets(session, sorted(wanted))}
        items: list[_Indexed] = []
        retitled = 0
        for dataset_id, *_ in heads:
            item = fresh.get(dataset_id) or by_id.get(dataset_id)
            if item is None:  # not in this snapshot's heads read: cannot happen within one read transaction
                continue
            concept, shown = item.view.concept_id, item.view.concept_title
            if concept and dataset_id not in fresh and titles.get(concept, shown) != shown:
                item = item.retitled(titles[concept])
                retitled += 1
            items.append(item)
        self.last_build = BuildStats(whole=False, read=len(fresh), retitled=retitled)
        return items

    # ------------------------------------------------------------ queries

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
        """entry key → its dataset's summary, for the document's rows that belong to a dataset of this view."""
        by_id = self.snapshot().by_id
        with self.store.snapshot() as session:
            keys = session.scalars(select(CatalogEntryRow.key).where(CatalogEntryRow.document_sha256 == sha256)).all()
            of_entry = datasets_of_entries(session, keys)
        return {key: by_id[dataset].view for key, dataset in of_entry.items() if dataset in by_id}
