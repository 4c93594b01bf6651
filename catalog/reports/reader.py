"""The report's rows read from the store in bounded chunks, inside one read-only snapshot.

Every report (HTML pages, workbook, JSON parts) is written from these iterators, so its memory follows
one chunk of datasets, flags or documents, never the archive: nothing parses a stored Document (the
extraction warnings are cut out of its JSON by the database), and links are read only for the
datasets of the chunk at hand. The orders are those of the former in-memory report, so its content
is unchanged.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import case, distinct, func, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.chunking import chunked
from catalog.concept_facts import ConceptDetail, MemberFact
from catalog.errors import mask_url
from catalog.models import (
    CatalogEntryRow,
    ConceptEntryRow,
    ConceptRow,
    DatasetMemberRow,
    DatasetRow,
    DocumentRow,
    FileVersionRow,
    FlagRow,
    LinkRow,
)
from catalog.records import FileOutcome, IngestRun, OutcomeStatus
from catalog.reports.link_rows import LABELS, LABELS_OF_KEYS, LINK_COLUMNS, LINKS_OF_KEYS, StoredLink
from catalog.reports.member_spool import MemberSpool, member_columns
from catalog.reports.model import DatasetView, LinkView, MemberView, SourceView, Summary, where
from catalog.reports.pages import PAGE_MEMBERS, SourceRef, weighted_starts
from catalog.reports.stored_warnings import one_of, stored_warnings
from catalog.store import CatalogStore
from extract.model import ExtractionWarning, Provenance
from matching.anchoring import AnchoredDecision, AnchorStatus
from matching.model import Decision, Flag, FlagKind

CHUNK = 500  # datasets or documents read per query; also the size of the IN lists
CONCEPT_CHUNK = 50
PROVENANCES = TypeAdapter(list[Provenance])


@dataclass(frozen=True, slots=True)
class ConceptKey:
    id: str
    title: str
    datasets: int
    localities: int


@dataclass(slots=True)
class ConceptStats:
    """The summary's counts of concepts, gathered while the concepts are written."""

    count: int = 0
    shared: int = 0
    with_gaps: int = 0
    with_conflicts: int = 0

    def add(self, concept: ConceptDetail) -> ConceptDetail:
        self.count += 1
        self.shared += concept.dataset_count > 1
        self.with_gaps += bool(concept.not_listed_count)
        self.with_conflicts += bool(concept.conflicts)
        return concept


@dataclass(frozen=True, slots=True)
class FlagKindCount:
    kind: str
    total: int
    open: int


class ReportReader:
    """Reads one consistent snapshot: counts first, then the rows section by section."""

    def __init__(self, store: CatalogStore, session: Session) -> None:
        self.store = store
        self.session = session
        self._sqlite = session.get_bind().dialect.name == "sqlite"
        # Light keys in report order (one small tuple per dataset or document): what pages and
        # cross-references are laid out from before any row is rendered.
        self.dataset_order, self._dataset_sizes = self._dataset_order()
        self._document_counts = {d: documents for d, (_, documents) in zip(self.dataset_order, self._dataset_sizes,
                                                                            strict=True)}  # fmt: skip
        self.paths = self._current_paths()
        self.source_order = self._source_order()
        self.flag_kinds = self._flag_kinds()
        self._decisions: list[Decision] | None = None
        self._anchored_decisions: list[AnchoredDecision] | None = None
        self._link_counts: dict[bool, int] | None = None
        self._names: dict[str, str] | None = None
        self._concept_titles: dict[str, str] | None = None
        self._spool: MemberSpool | None = None
        self._open_by_kind: dict[str, int] = {}
        self.concept_keys = self._concept_keys()

    def _one_of(self, column: InstrumentedAttribute[str], values: Sequence[str]) -> ColumnElement[bool]:
        return one_of(column, values, self._sqlite)

    # ------------------------------------------------------------ light keys and counts

    def _dataset_order(self) -> tuple[list[str], list[tuple[int, int]]]:
        # The documents' identities read once, apart (MATERIALIZED): on SQLite identity_key is stored
        # after the document's JSON, so joining the table walked that JSON's overflow pages once per
        # member (a tenth of the report's time, most of it system time).
        identities = select(DocumentRow.sha256, DocumentRow.identity_key).cte("identities").prefix_with("MATERIALIZED")
        if self._sqlite:
            # Still after the JSON in the table: each column read from its own index (SQLite scans an
            # index that holds the column, and the row id, without the table), the two joined by row id.
            rowid: ColumnElement[int] = literal_column("rowid")
            shas = select(rowid.label("r"), DocumentRow.sha256).cte("document_shas").prefix_with("MATERIALIZED")
            keys = select(rowid.label("r"), DocumentRow.identity_key).cte("document_keys").prefix_with("MATERIALIZED")
            identities = (
                select(shas.c.sha256, keys.c.identity_key).join_from(shas, keys, keys.c.r == shas.c.r)
                .cte("identities").prefix_with("MATERIALIZED")
            )  # fmt: skip
        # The document a member's file shows: renderings of one plan count as one document (issue #12);
        # a file not keyed yet (a store not reconciled since 0010_flagids) counts as itself.
        identity = func.coalesce(func.nullif(identities.c.identity_key, ""), CatalogEntryRow.document_sha256)
        # The members counted by scanning the catalog rows in their stored order, each row's member found
        # by its key (``|| ''``: no index search of the rows by key, so SQLite cannot walk the members by
        # dataset and look each row up at random instead: 3 times the CPU, a third of it system time).
        counts = {dataset_id: (members, documents) for dataset_id, members, documents in self.session.execute(
            select(DatasetMemberRow.dataset_id, func.count(CatalogEntryRow.key), func.count(distinct(identity)))
            .select_from(CatalogEntryRow)
            .join(DatasetMemberRow, DatasetMemberRow.entry_key == CatalogEntryRow.key.concat(""))
            .outerjoin(identities, identities.c.sha256 == CatalogEntryRow.document_sha256)
            .group_by(DatasetMemberRow.dataset_id)
        )}  # fmt: skip
        found = [(dataset_id, title, *counts.get(dataset_id, (0, 0))) for dataset_id, title in self.session.execute(
            select(DatasetRow.id, DatasetRow.title).order_by(DatasetRow.title, DatasetRow.id)
        )]  # fmt: skip
        ordered = sorted(found, key=lambda r: (-r[3], -r[2], r[1].casefold()))
        return [r[0] for r in ordered], [(r[2], r[3]) for r in ordered]

    def _current_paths(self) -> dict[str, list[str]]:
        paths: dict[str, list[str]] = {}
        for path, sha in self.session.execute(
            select(FileVersionRow.path, FileVersionRow.sha256)
            .where(FileVersionRow.is_current)
            .order_by(FileVersionRow.path)
        ):
            paths.setdefault(sha, []).append(path)
        return paths

    def _source_order(self) -> list[SourceRef]:
        found = self.session.execute(
            select(DocumentRow.sha256, DocumentRow.warning_count, DocumentRow.format).order_by(
                DocumentRow.added_at, DocumentRow.sha256
            )
        )
        return [SourceRef(sha, count, self.paths[sha][0], fmt) for sha, count, fmt in found if sha in self.paths]

    def _flag_kinds(self) -> list[FlagKindCount]:
        """Kinds in the HTML's order: most open flags first, ties in order of first appearance."""
        totals: Counter[str] = Counter()
        opened: Counter[str] = Counter()
        for kind, dismissed in self.session.execute(
            select(FlagRow.kind, FlagRow.dismissed).order_by(FlagRow.position, FlagRow.id)
        ).yield_per(5_000):
            totals[kind] += 1
            if not dismissed:
                opened[kind] += 1
        ordered = sorted(totals, key=lambda kind: -opened[kind])
        return [FlagKindCount(kind, totals[kind], opened[kind]) for kind in ordered]

    def _concept_keys(self) -> list[ConceptKey]:
        found = self.session.execute(
            select(ConceptRow.id, ConceptRow.title, ConceptRow.dataset_count, ConceptRow.locality_count)
        )
        return sorted((ConceptKey(*row) for row in found), key=lambda k: (k.title, k.id))

    def summary(self, concepts: ConceptStats) -> Summary:
        runs = self.store.runs()
        last_run = runs[-1] if runs else None
        reconciliation = self.store.last_reconciliation()
        # Counted once: the summary is built twice (the pages' heads first, the counts at the end).
        if self._link_counts is None:
            self._link_counts = dict(
                self.session.execute(select(LinkRow.accepted, func.count()).group_by(LinkRow.accepted)).all()
            )
            self._open_by_kind = self._open_flags_by_kind()
        links, open_by_kind = self._link_counts, dict(self._open_by_kind)
        current = self.source_order
        return Summary(
            generated_at=datetime.now(UTC),
            database=mask_url(self.store.url),
            documents=len(current),
            entries=sum(members for members, _ in self._dataset_sizes),
            datasets=len(self.dataset_order),
            multi_source_datasets=sum(1 for _, documents in self._dataset_sizes if documents > 1),
            links_accepted=links.get(True, 0),
            links_near_miss=links.get(False, 0),
            flags_open=sum(k.open for k in self.flag_kinds),
            flags_dismissed=sum(k.total - k.open for k in self.flag_kinds),
            flags_by_kind=open_by_kind,
            # Orphaned decisions (their rows are gone from the new version) are not applied (catalog/anchoring.py).
            decisions=len(self._anchored()) - len(self.orphaned_decisions()),
            decisions_orphaned=len(self.orphaned_decisions()),
            threshold=reconciliation.threshold if reconciliation else None,
            last_ingest=last_run,
            problem_files=len(self.problem_files(last_run)),
            extraction_warnings=sum(s.warnings for s in current),
            documents_with_warnings=sum(1 for s in current if s.warnings),
            concepts=concepts.count,
            concepts_shared=concepts.shared,
            concepts_with_gaps=concepts.with_gaps,
            concepts_with_conflicts=concepts.with_conflicts,
        )

    def _open_flags_by_kind(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for (kind,) in self.session.execute(
            select(FlagRow.kind).where(FlagRow.dismissed == "").order_by(FlagRow.position, FlagRow.id)
        ).yield_per(5_000):
            counts[kind] += 1
        return dict(counts.most_common())

    def _anchored(self) -> list[AnchoredDecision]:
        if self._anchored_decisions is None:
            self._anchored_decisions = self.store.anchored_decisions()
        return self._anchored_decisions

    def orphaned_decisions(self) -> list[AnchoredDecision]:
        return [a for a in self._anchored() if a.status is AnchorStatus.ORPHANED]

    def decisions(self) -> list[Decision]:
        if self._decisions is None:
            self._decisions = self.store.decisions()
        return self._decisions

    def concepts(self, keys: Sequence[ConceptKey] | None = None) -> Iterator[ConceptDetail]:
        """Each concept with its facts (coverage of every locality, unit conflicts), built one concept at
        a time: all of them at once grow with concepts × localities. In order of harmonised title (the
        JSON report's), or of ``keys``."""
        from catalog.concept_facts import Universe, concept_detail
        from catalog.concepts_store import (  # they import agencies
            document_localities,
            load_members,
            load_universe,
            members_by_title,
        )

        universe = Universe(load_universe(self.session))
        localities = document_localities(self.session)
        if keys is None:  # every concept: their rows streamed in the same order, in one query
            stream = members_by_title(self.session, localities=localities)
            pending = next(stream, None)
            for key in self.concept_keys:
                own: list[MemberFact] = []
                while pending is not None and pending.concept_id == key.id:
                    own.append(pending)
                    pending = next(stream, None)
                yield concept_detail(key.id, own, universe)
            return
        for chunk in chunked(keys, CONCEPT_CHUNK):
            grouped: dict[str, list[MemberFact]] = {}
            for member in load_members(self.session, [k.id for k in chunk], localities=localities):
                grouped.setdefault(member.concept_id, []).append(member)
            for key in chunk:
                yield concept_detail(key.id, grouped.get(key.id, []), universe)

    def shown_concept_keys(self) -> list[ConceptKey]:
        """The concepts the HTML and the workbook list (catalog.reports.concepts_section.shown), from the
        stored counts: a unit conflict needs two localities, so the others are never listed."""
        found = [k for k in self.concept_keys if k.datasets > 1 or k.localities > 1]
        return sorted(found, key=lambda k: (-k.localities, -k.datasets, k.title.casefold(), k.id))

    def problem_files(self, last_run: IngestRun | None = None) -> list[FileOutcome]:
        if last_run is None:
            runs = self.store.runs()
            last_run = runs[-1] if runs else None
        if last_run is None:
            return []
        problems = (OutcomeStatus.FAILED, OutcomeStatus.SKIPPED)
        return [outcome for outcome in self.store.outcomes(last_run.id) if outcome.status in problems]

    # ------------------------------------------------------------ datasets

    @property
    def dataset_members(self) -> list[int]:
        return [members for members, _ in self._dataset_sizes]

    def datasets(self, starts: Sequence[int] | None = None, pages: slice = slice(None)) -> Iterator[DatasetView]:
        """In report order, read a page at a time (``starts``: first positions; by default pages of at
        most CHUNK datasets and PAGE_MEMBERS members, as the HTML catalog and the JSON parts; ``pages``:
        only these pages)."""
        if starts is None:
            starts = weighted_starts(self.dataset_members, CHUNK, PAGE_MEMBERS)
        bounds = [*starts, len(self.dataset_order)]
        chosen = list(zip(bounds, bounds[1:], strict=False))[pages]
        if self._sqlite and chosen:  # every member of these pages read in one pass (member_spool)
            self._spool = MemberSpool(self.session.connection(), self.dataset_order[chosen[0][0] : chosen[-1][1]])
        try:
            for first, end in chosen:
                yield from self._dataset_chunk(self.dataset_order[first:end])
        finally:
            if self._spool is not None:
                self._spool.close()
                self._spool = None

    def _dataset_chunk(self, ids: Sequence[str]) -> list[DatasetView]:
        # Core rows and dataclass views: every value comes typed from the store's columns, and the
        # ORM's per-row work and pydantic's model_construct were most of the report's time.
        connection = self.session.connection()
        heads = {row[0]: row for row in connection.execute(
            select(DatasetRow.id, DatasetRow.title, DatasetRow.unit).where(self._one_of(DatasetRow.id, ids))
        )}  # fmt: skip
        members: dict[str, list[MemberView]] = {}
        dataset_of: dict[str, str] = {}
        label: dict[str, str] = {}
        # The concept of each dataset counted from its members' concepts, read with them: a query of its
        # own joined the members again (a tenth of reading the datasets).
        concept_counts: dict[str, Counter[str]] = {}
        for dataset_id, concept_id, member in self._members(ids):
            members.setdefault(dataset_id, []).append(member)
            dataset_of[member.key] = dataset_id
            label[member.key] = _label(member.document, member.number, member.title)
            if concept_id is not None:
                counts = concept_counts.get(dataset_id)
                if counts is None:
                    counts = concept_counts[dataset_id] = Counter()
                counts[concept_id] += 1
        links = self._links_touching(list(dataset_of))
        label.update(self._labels(sorted({end for link in links for end in (link[1], link[2])} - label.keys())))
        by_dataset: dict[str, list[LinkView]] = {}
        for _, left_key, right_key, score, reasons, accepted, decided_by in links:
            view = LinkView(
                left=left_key, right=right_key, left_label=label.get(left_key, left_key),
                right_label=label.get(right_key, right_key), score=score, reasons=reasons, accepted=accepted,
                decided_by=decided_by,
            )  # fmt: skip
            left, right = dataset_of.get(left_key), dataset_of.get(right_key)
            if left is not None:
                by_dataset.setdefault(left, []).append(view)
            if right is not None and right != left:
                by_dataset.setdefault(right, []).append(view)
        concept_of = self._concepts_of(concept_counts)
        views = []
        for dataset_id in ids:
            _, title, unit = heads[dataset_id]
            own = members.get(dataset_id, [])
            concept_id, concept_title = concept_of.get(dataset_id, ("", ""))
            views.append(
                DatasetView(
                    id=dataset_id,
                    title=title,
                    unit=unit,
                    concept_id=concept_id,
                    concept_title=concept_title,
                    member_count=len(own),
                    document_count=self._document_counts.get(dataset_id, 0),
                    sources=list(dict.fromkeys(m.document for m in own)),
                    members=own,
                    links=by_dataset.get(dataset_id, []),
                )  # fmt: skip
            )
        return views

    def _members(self, ids: Sequence[str]) -> Iterator[tuple[str, str | None, MemberView]]:
        """(dataset id, the row's concept id or None, the member), by dataset and position."""
        found: Iterable[Sequence[Any]]
        if self._spool is not None:
            found = [(dataset_id, *row) for dataset_id in ids for row in self._spool.rows(dataset_id)]
        else:  # a chunk's rows fetched at once (.all()): iterating a Core result costs a driver call per row
            found = self.session.connection().execute(
                select(*member_columns())
                .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
                .outerjoin(ConceptEntryRow, ConceptEntryRow.entry_key == DatasetMemberRow.entry_key)
                .where(self._one_of(DatasetMemberRow.dataset_id, ids))
                .order_by(DatasetMemberRow.dataset_id, DatasetMemberRow.position)
            ).all()  # fmt: skip
        parse = Provenance.model_validate_json
        names = self._document_names()
        for dataset_id, key, sha, number, title, unit, provenance_json, concept_id in found:
            provenance = parse(provenance_json)
            yield dataset_id, concept_id, MemberView(
                key=key, sha256=sha, document=names[sha], number=number, title=title, unit=unit, provenance=provenance,
                where=where(provenance),
            )  # fmt: skip

    def _labels(self, keys: Sequence[str]) -> dict[str, str]:
        """The labels of link ends in other chunks' datasets (no provenance to parse for them)."""
        names = self._document_names()
        connection = self.session.connection()
        if self._sqlite:  # one query, the keys as one JSON text, on the driver's cursor (fast_sql)
            found = LABELS_OF_KEYS.run(connection, {"keys": json.dumps(keys)})
            return {key: _label(names[sha], number, title) for key, sha, number, title in found}
        labels: dict[str, str] = {}
        for chunk in chunked(keys, CHUNK):
            for key, sha, number, title in connection.execute(
                LABELS.where(DatasetMemberRow.entry_key.in_(chunk))
            ).all():
                labels[key] = _label(names[sha], number, title)
        return labels

    def _document_names(self) -> dict[str, str]:
        """sha256 → the document's name, read once: joining the documents for every member row cost
        a lookup in their table each (a third of the members' query on SQLite)."""
        if self._names is None:
            self._names = dict(self.session.connection().execute(select(DocumentRow.sha256, DocumentRow.source)).all())
        return self._names

    def _links_touching(self, keys: list[str]) -> list[StoredLink]:
        """The stored links with an end among these keys, in the report's order: accepted first, then
        by score, as the former report sorted every link."""
        # Reasons as the stored JSON text, parsed once per distinct text (a few thousand for ten
        # times as many links).
        reasons_of: dict[str, tuple[str, ...]] = {}
        connection = self.session.connection()
        if self._sqlite:
            # One query for all the keys (one JSON text), each link once (SQLite's OR of the two index
            # searches), sorted by SQLite, on the driver's cursor (fast_sql): SQLAlchemy's rows, a dict
            # of the links found by either end and a sort by a Python key were half of the parent's
            # links at 10,000 documents (500,000 links). ``accepted`` is stored as 0 or 1.
            found: list[StoredLink] = []
            add = found.append
            for number, left, right, score, reasons, accepted, decided_by in LINKS_OF_KEYS.run(
                connection, {"keys": json.dumps(keys)}
            ):
                parsed = reasons_of.get(reasons)
                if parsed is None:
                    parsed = reasons_of[reasons] = tuple(json.loads(reasons))
                add((number, left, right, score, parsed, accepted == 1, decided_by))
            return found
        by_number: dict[int, StoredLink] = {}
        for chunk in chunked(keys, CHUNK):
            # A link with both ends in the chunk comes from the first query only: the second does not
            # send it again (most links join rows of one dataset); one with ends in two chunks is read
            # twice, built once.
            by_left = LinkRow.left_key.in_(chunk)
            by_right = LinkRow.right_key.in_(chunk) & ~by_left
            for condition in (by_left, by_right):
                for number, left, right, score, reasons, accepted, decided_by in connection.execute(
                    select(*LINK_COLUMNS).where(condition)
                ).all():
                    if number in by_number:
                        continue
                    parsed = reasons_of.get(reasons)
                    if parsed is None:
                        parsed = reasons_of[reasons] = tuple(json.loads(reasons))
                    by_number[number] = (number, left, right, score, parsed, accepted, decided_by)
        return sorted(by_number.values(), key=lambda link: (not link[5], -link[3], link[0]))

    def _concepts_of(self, counts: dict[str, Counter[str]]) -> dict[str, tuple[str, str]]:
        """dataset id → (concept id, harmonised title): the concept most of its rows belong to, the
        greatest id among equals (catalog.concepts_store.dataset_concepts), from its rows' concepts."""
        if self._concept_titles is None:
            self._concept_titles = {key.id: key.title for key in self.concept_keys}
        titles = self._concept_titles
        found: dict[str, tuple[str, str]] = {}
        for dataset_id, of_dataset in counts.items():
            known = [(count, concept_id) for concept_id, count in of_dataset.items() if concept_id in titles]
            if known:
                concept_id = max(known)[1]
                found[dataset_id] = (concept_id, titles[concept_id])
        return found

    # ------------------------------------------------------------ flags

    def flags(self) -> Iterator[Flag]:
        """In stored order (the JSON report)."""
        yield from self._flags(None, FlagRow.position, FlagRow.id)

    def flags_of_kind(self, kind: str) -> Iterator[Flag]:
        """One kind's flags, open ones first (the HTML report)."""
        yield from self._flags(FlagRow.kind == kind, _dismissed_last(), FlagRow.position, FlagRow.id)

    def flags_by_status(self) -> Iterator[Flag]:
        """Open flags first, then by kind (the workbook)."""
        yield from self._flags(None, _dismissed_last(), FlagRow.kind, FlagRow.position, FlagRow.id)

    def _flags(
        self, condition: ColumnElement[bool] | None, *order: ColumnElement[Any] | InstrumentedAttribute[Any]
    ) -> Iterator[Flag]:
        for row in self._flag_rows(condition, *order):
            yield flag_of(row)

    def flag_rows(self) -> Iterator[FlagFields]:
        """Each flag's stored fields in stored order (``flag_of`` makes the Flag): a writer that needs
        the flags in several orders reads them once and keeps these (catalog.reports.files)."""
        yield from self._flag_rows(None, FlagRow.position, FlagRow.id)

    def _flag_rows(
        self, condition: ColumnElement[bool] | None, *order: ColumnElement[Any] | InstrumentedAttribute[Any]
    ) -> Iterator[FlagFields]:
        # Core rows (as catalog.rows.flag_record reads a FlagRow): loading ORM entities cost more than
        # the flags themselves.
        query = select(FlagRow.id, FlagRow.kind, FlagRow.message, FlagRow.evidence, FlagRow.document,
                       FlagRow.document_sha256, FlagRow.provenance_json, FlagRow.dismissed,
                       FlagRow.dismissed_by).order_by(*order)  # fmt: skip
        if condition is not None:
            query = query.where(condition)
        # yield_per: a server-side cursor on PostgreSQL, a lazily stepped statement on SQLite.
        found = self.session.connection().execution_options(yield_per=CHUNK).execute(query)
        for rows in found.partitions():
            for row in rows:
                yield tuple(row)  # type: ignore[misc]

    # ------------------------------------------------------------ documents

    def sources(self) -> Iterator[SourceView]:
        for chunk in chunked(self.source_order, CHUNK):
            shas = [s.sha256 for s in chunk]
            rows = {row.sha256: row for row in self.session.execute(
                select(DocumentRow.sha256, DocumentRow.source, DocumentRow.format, DocumentRow.page_count,
                       DocumentRow.kind, DocumentRow.number, DocumentRow.issuer, DocumentRow.title,
                       DocumentRow.issued, DocumentRow.entry_count, DocumentRow.task_count,
                       DocumentRow.warning_count)
                .where(self._one_of(DocumentRow.sha256, shas))
            )}  # fmt: skip
            warnings = self._warnings([s.sha256 for s in chunk if s.warnings])
            for sha in shas:
                d = rows[sha]
                yield SourceView(
                    sha256=d.sha256, name=d.source, paths=self.paths.get(sha, []), format=d.format,
                    pages=d.page_count, kind=d.kind, number=d.number, issuer=d.issuer, title=d.title,
                    issued=d.issued, entries=d.entry_count, tasks=d.task_count, warnings=d.warning_count,
                    current=True, extraction_warnings=warnings.get(sha, []),
                )  # fmt: skip

    def _warnings(self, shas: Iterable[str]) -> dict[str, list[ExtractionWarning]]:
        return stored_warnings(self.session, shas)


# A flag's stored fields: id, kind, message, evidence, document, sha256, provenance JSON, dismissed, by whom.
FlagFields = tuple[str, str, str, list[str], str, str, str, str, str]


def flag_of(fields: FlagFields) -> Flag:
    id_, kind, message, evidence, document, sha, provenance_json, dismissed, dismissed_by = fields
    return Flag(
        id=id_, kind=FlagKind(kind), message=message, evidence=evidence, document=document, sha256=sha,
        provenance=PROVENANCES.validate_json(provenance_json), dismissed=dismissed, dismissed_by=dismissed_by,
    )  # fmt: skip


def _dismissed_last() -> ColumnElement[int]:
    return case((FlagRow.dismissed == "", 0), else_=1)


def _label(document: str, number: str, title: str) -> str:
    return f"{document} · {number or '—'} {title}"
