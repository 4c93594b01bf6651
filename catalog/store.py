"""CatalogStore: documents keyed by content, their versions, the reconciled catalog, decisions; runs in store_runs.

Every write method is one transaction: a document is stored with its entries, tasks, file
version and ingest outcome, or not at all; a reconciliation replaces datasets, members, links
and flags at once. Opening a store brings its schema to the newest revision first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType

from pydantic import TypeAdapter
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from catalog import rows
from catalog.db import IMMEDIATE, database_url, make_engine, session_factory
from catalog.errors import DatabaseUnreachableError, UnknownReferenceError
from catalog.migrate import upgrade_to_head
from catalog.models import (
    CatalogEntryRow,
    DatasetMemberRow,
    DatasetRow,
    DecisionAnchorRow,
    DecisionRow,
    DocumentRow,
    FileVersionRow,
    FlagRow,
    LinkRow,
    ReconcileRunRow,
    TaskRow,
)
from catalog.records import (
    AddResult,
    DocumentSummary,
    FileOutcome,
    FileVersion,
    OutcomeStatus,
    ReconcileSummary,
)
from catalog.rows import PreparedDocument
from catalog.rows import column_values as _columns
from catalog.store_reads import ResultReads
from catalog.store_runs import IngestRuns
from extract.model import Document, ExtractionWarning
from matching.anchoring import AnchoredDecision
from matching.decisions import DecisionRecord, check_decision, decision_records, in_force
from matching.model import Decision, Reconciliation, UndoDecision

DECISION = TypeAdapter[Decision](Decision)
BULK_CHUNK = 2_000


# entry key -> concept id of its dataset: what the concept tables are written from and what callers read.
_MEMBER_CONCEPTS = select(DatasetMemberRow.entry_key, DatasetRow.concept_id).join(
    DatasetRow, DatasetRow.id == DatasetMemberRow.dataset_id
)


def _now() -> datetime:
    return datetime.now(UTC)


class CatalogStore(ResultReads, IngestRuns):
    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = database_url(url) if engine is None else engine.url.render_as_string(hide_password=False)
        self.engine = engine or make_engine(self.url)
        self._sessions = session_factory(self.engine)
        self._write_sessions = session_factory(self.engine.execution_options(**{IMMEDIATE: True}))
        upgrade_to_head(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction. On SQLite it takes the write lock at BEGIN (BEGIN IMMEDIATE): a deferred
        transaction that reads and then writes fails at once with "database is locked" when another
        writer got in between, whatever the busy timeout; an immediate one waits its turn instead."""
        with self._transaction(self._write_sessions) as session:
            yield session

    @contextmanager
    def snapshot(self, *, consistent: bool = False) -> Iterator[Session]:
        """A read-only transaction: a consistent view that never blocks writers (WAL).

        On PostgreSQL a transaction sees each statement's own snapshot (READ COMMITTED) unless
        ``consistent``: then one snapshot for all its statements (REPEATABLE READ, READ ONLY), as a
        report of many queries needs; on SQLite a read transaction is one snapshot already.
        """
        with self._transaction(self._sessions) as session:
            if consistent and self.engine.dialect.name == "postgresql":
                session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            yield session

    @contextmanager
    def _transaction(self, sessions: sessionmaker[Session]) -> Iterator[Session]:
        try:
            with sessions() as session, session.begin():
                yield session
        except OperationalError as error:
            if "could not connect" in str(error) or "unable to open" in str(error):
                raise DatabaseUnreachableError(self.url, str(error.orig).strip().splitlines()[0]) from None
            raise

    # ------------------------------------------------------------ documents and versions

    def add_document(
        self, document: Document | PreparedDocument, *, path: str | None = None, run_id: int | None = None,
        seconds: float = 0.0,
    ) -> AddResult:
        """Store ``document`` as the content of ``path`` (default: its source name), in one transaction.

        ``document`` may come as its rows already (``rows.prepare``, built by the worker that extracted it).
        Same path, same content: a no-op. Same path, new content: a new version superseding the
        last one. Content already stored under another path: only the path is recorded.
        """
        path = path or document.source
        with self.transaction() as session:
            known = session.get(DocumentRow, document.sha256) is not None
            if not known:
                self._insert_document(session, document)
            result = self._record_version(session, path, document.sha256, run_id, fresh=not known)
            if run_id is not None:
                self._insert_outcome(
                    session, run_id, FileOutcome(path=path, status=result.status, sha256=document.sha256,
                                                 seconds=seconds)
                )  # fmt: skip
            return result

    def add_known_content(self, path: str, sha256: str, *, run_id: int | None = None) -> AddResult | None:
        """Record ``path`` as showing already-stored content, without extracting; None if unknown."""
        with self.transaction() as session:
            if session.get(DocumentRow, sha256) is None:
                return None
            result = self._record_version(session, path, sha256, run_id, fresh=False)
            if run_id is not None:
                self._insert_outcome(
                    session, run_id, FileOutcome(path=path, status=result.status, sha256=sha256)
                )
            return result

    def _insert_document(self, session: Session, document: Document | PreparedDocument) -> None:
        prepared = document if isinstance(document, PreparedDocument) else rows.prepare(document)
        self._bulk(session, DocumentRow, [{**prepared.document, "added_at": _now()}])
        # Core bulk inserts: the ORM unit of work costs more than extraction for a large catalog.
        self._bulk(session, CatalogEntryRow, prepared.entries)
        self._bulk(session, TaskRow, prepared.tasks)

    def _record_version(
        self, session: Session, path: str, sha256: str, run_id: int | None, *, fresh: bool
    ) -> AddResult:
        current = session.scalars(
            select(FileVersionRow).where(FileVersionRow.path == path, FileVersionRow.is_current)
        ).first()
        if current is not None and current.sha256 == sha256:
            return AddResult(status=OutcomeStatus.UNCHANGED, sha256=sha256, version=current.version)
        last = (
            session.scalar(select(func.max(FileVersionRow.version)).where(FileVersionRow.path == path)) or 0
        )
        if current is not None:
            current.is_current = False
            session.flush()
        session.add(
            FileVersionRow(
                path=path, sha256=sha256, version=last + 1, supersedes_id=current.id if current else None,
                is_current=True, run_id=run_id, added_at=_now(),
            )
        )  # fmt: skip
        if current is not None:
            status = OutcomeStatus.NEW_VERSION
        else:
            status = OutcomeStatus.INGESTED if fresh else OutcomeStatus.DUPLICATE
        return AddResult(status=status, sha256=sha256, version=last + 1)

    def current_sha256(self, path: str) -> str | None:
        with self.transaction() as session:
            return session.scalar(
                select(FileVersionRow.sha256).where(FileVersionRow.path == path, FileVersionRow.is_current)
            )

    def current_contents(self) -> dict[str, str]:
        """path -> sha256 of every current file version (one query, for batch ingest)."""
        with self.snapshot() as session:
            found = session.execute(
                select(FileVersionRow.path, FileVersionRow.sha256).where(FileVersionRow.is_current)
            )
            return dict(found.all())

    def known_sha256(self) -> set[str]:
        with self.snapshot() as session:
            return set(session.scalars(select(DocumentRow.sha256)))

    def get(self, sha256: str) -> Document | None:
        with self.snapshot() as session:
            found = session.scalar(select(DocumentRow.document_json).where(DocumentRow.sha256 == sha256))
        return Document.model_validate_json(found) if found is not None else None

    def stored_warnings(self, shas: Iterable[str]) -> dict[str, list[ExtractionWarning]]:
        """The extraction warnings of the stored documents among ``shas`` (the others left out), read
        without parsing whole Documents (catalog/reports/stored_warnings.py)."""
        from catalog.reports.stored_warnings import stored_warnings

        with self.snapshot() as session:
            return stored_warnings(session, shas)

    def current_documents(self) -> list[Document]:
        """Documents shown by at least one current file version, in the order they were added."""
        with self.snapshot() as session:
            current = select(FileVersionRow.sha256).where(FileVersionRow.is_current)
            found = session.scalars(
                select(DocumentRow.document_json)
                .where(DocumentRow.sha256.in_(current))
                .order_by(DocumentRow.added_at, DocumentRow.sha256)
            ).all()
        return [Document.model_validate_json(text) for text in found]

    def list_documents(self, *, current_only: bool = True) -> list[DocumentSummary]:
        with self.snapshot() as session:
            paths: dict[str, list[str]] = {}
            for path, sha in session.execute(
                select(FileVersionRow.path, FileVersionRow.sha256)
                .where(FileVersionRow.is_current)
                .order_by(FileVersionRow.path)
            ):
                paths.setdefault(sha, []).append(path)
            found = session.scalars(
                select(DocumentRow).order_by(DocumentRow.added_at, DocumentRow.sha256)
            ).all()
            return [
                DocumentSummary(
                    sha256=row.sha256,
                    source=row.source,
                    format=row.format,
                    size_bytes=row.size_bytes,
                    page_count=row.page_count,
                    kind=row.kind,
                    number=row.number,
                    issuer=row.issuer,
                    title=row.title,
                    issued=row.issued,
                    warning_count=row.warning_count,
                    entry_count=row.entry_count,
                    task_count=row.task_count,
                    added_at=row.added_at,
                    paths=paths.get(row.sha256, []),
                    current=row.sha256 in paths,
                )  # fmt: skip
                for row in found
                if row.sha256 in paths or not current_only
            ]

    def versions(self, path: str | None = None) -> list[FileVersion]:
        with self.snapshot() as session:
            query = select(FileVersionRow).order_by(FileVersionRow.path, FileVersionRow.version)
            if path is not None:
                query = query.where(FileVersionRow.path == path)
            return [
                FileVersion(
                    id=row.id,
                    path=row.path,
                    sha256=row.sha256,
                    version=row.version,
                    supersedes=row.supersedes_id,
                    current=row.is_current,
                    added_at=row.added_at,
                )  # fmt: skip
                for row in session.scalars(query)
            ]

    # ------------------------------------------------------------ reconciliation

    def previous_assignment(self) -> dict[str, str]:
        with self.snapshot() as session:
            found = session.execute(select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id))
            return dict(found.all())

    def previous_concepts(self) -> dict[str, str]:
        from catalog.concepts_store import stored_concepts  # it reads agencies, which import the store

        with self.snapshot() as session:
            return stored_concepts(session)

    def reconcile(self, *, workers: int = 1, rebuild: bool = False, between: Callable[[], None] | None = None,
                  more: Callable[[], bool] | None = None) -> ReconcileSummary:  # fmt: skip
        """Bring the stored result up to date with the current documents and the decisions in force.

        Only what changed is matched (catalog.incremental): documents not matched yet, documents no
        longer current, decisions recorded since the last run. Nothing changed: nothing is done and
        the last run's summary is returned. `rebuild` forgets the result and matches every current
        document again, by content hash (the same result as adding them in one run).
        `workers` is accepted for the callers' sake: incremental matching is one row at a time.
        `between`: done between the placing transactions on SQLite instead of leaving the lock free
        for `placing.YIELD_SECONDS`; `more`: when nothing is left to place, whether it waited for more
        documents, which the run then places (catalog/reconcile_run.py).
        """
        # It imports the matcher, which imports much.
        from catalog.reconcile_run import never_more, reconcile, yield_lock

        reconcile(self, rebuild=rebuild, between=between or yield_lock, more=more or never_more)
        summary = self.last_reconciliation()
        assert summary is not None
        return summary

    @staticmethod
    def _store_concepts(session: Session, settled: set[str] | None) -> bool:
        """The concept tables (catalog.concepts_store) from the datasets' concepts, in the run's last transaction.

        `settled`: the datasets whose title or unit this run refreshed. Only rows whose concept
        or dataset changed are rewritten, and only those rows are counted in or out of the concepts
        they leave or join (catalog/concepts_diff.py); concepts whose datasets were refreshed are
        titled again: ~1 CPU-s when 10 documents join concepts holding 490,000 rows. Rewriting them
        whole (None: a rebuild, the first run, or a run after a killed one) takes ~10 CPU-s at 10,000
        documents inside SQLite's one write lock, longer than an upload may wait. Readers never see a
        half-moved concept. Returns True when any dataset's concept may have changed (written whole), not
        only those of ``settled``.
        """
        from catalog.concepts_store import rewrite_concepts, save_concept_changes

        if settled is None:
            rewrite_concepts(session)
            return True
        ids, recount = sorted(settled), set[str]()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            recount.update(session.scalars(select(DatasetRow.concept_id).where(DatasetRow.id.in_(chunk))))
        return save_concept_changes(session, settled, recount=recount - {""})

    def rebuild(self) -> ReconcileSummary:
        """Match every current document again from an empty result (the full reconciliation)."""
        return self.reconcile(rebuild=True)

    def concept_assignment(self, keys: Sequence[str] | None = None) -> dict[str, str]:
        """entry key -> concept id (the concept level of matching.concepts, kept per dataset)."""
        query = _MEMBER_CONCEPTS
        with self.snapshot() as session:
            if keys is None:
                return dict(session.execute(query).all())
            found: dict[str, str] = {}
            wanted = list(keys)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(session.execute(query.where(DatasetMemberRow.entry_key.in_(chunk))).all())
            return found

    def save_reconciliation(self, result: Reconciliation, *, documents: int, decisions: int) -> None:
        """Replace the stored result with one computed elsewhere (tests and fixtures seed a catalog so).

        The matching index is not filled: the next `reconcile` rebuilds from the documents.
        """
        from catalog.concepts_store import save_concepts
        from catalog.summaries import summarise

        heads, members = rows.dataset_rows(result.datasets)
        flags = list({flag.id: flag for flag in reversed(result.flags)}.values())[::-1]
        with self.transaction() as session:
            known = set(session.scalars(select(CatalogEntryRow.key)))
            from catalog import incremental_state

            incremental_state.clear(session)
            self._bulk(session, DatasetRow, [_columns(r) for r in heads])
            self._bulk(session, DatasetMemberRow, [_columns(r) for r in members if r.entry_key in known])
            links = [rows.link_row(link) for link in result.links if {link.left, link.right} <= known]
            self._bulk(session, LinkRow, [_columns(r) for r in links])
            self._bulk(session, FlagRow, [_columns(rows.flag_row(f, i)) for i, f in enumerate(flags)])
            save_concepts(session, result.concepts)  # after the datasets: a concept's title is theirs
            run = ReconcileRunRow(
                created_at=_now(), threshold=result.threshold, candidate_pairs=result.candidate_pairs,
                document_count=documents, entry_count=len(result.assignment),
                dataset_count=len(heads), link_count=len(links), flag_count=len(flags),
                decision_count=decisions, warnings=list(result.warnings),
            )  # fmt: skip
            session.add(run)
            session.flush()
            summarise(session, run.id)  # every dataset: this run recorded no changes (changed_datasets None)

    @staticmethod
    def _bulk(session: Session, table: type, values: Sequence[dict[str, object]]) -> None:
        for start in range(0, len(values), BULK_CHUNK):
            session.execute(insert(table), list(values[start : start + BULK_CHUNK]))

    # ------------------------------------------------------------ reviewer decisions

    def add_decision(self, decision: Decision) -> int:
        """Store a decision; one contradicting a decision in force (confirm after reject of the same
        pair, or the reverse) or undoing one already undone is refused (matching.decisions)."""
        with self.transaction() as session:
            records = self._decision_records(session)
            if isinstance(decision, UndoDecision) and decision.decision_id not in {r.id for r in records}:
                raise UnknownReferenceError("quyết định", "decision", str(decision.decision_id))
            check_decision(decision, records)
            # A decision that followed its rows to a new version contradicts on the rows it applies to now.
            check_decision(decision, _as_anchored(session, records))
            row = DecisionRow(
                kind=decision.kind, who=decision.who, decided_at=decision.when, reason=decision.reason,
                payload=DECISION.dump_json(decision).decode("utf-8"),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    @staticmethod
    def _decision_records(session: Session) -> list[DecisionRecord]:
        found = session.execute(select(DecisionRow.id, DecisionRow.payload)).all()
        return decision_records([(number, DECISION.validate_json(payload)) for number, payload in found])

    def decision_records(self) -> list[DecisionRecord]:
        """Every stored decision with its id and, when undone, the id of the undo (oldest first)."""
        with self.snapshot() as session:
            return self._decision_records(session)

    def anchored_decisions(self) -> list[AnchoredDecision]:
        """Every decision in force with how it applied at the last reconciliation: applied as recorded,
        re-anchored to the rows of a new version, or orphaned, with the reasons (catalog/anchoring.py)."""
        from catalog.anchoring import anchored_decisions

        with self.snapshot() as session:
            return anchored_decisions(session, self._decision_records(session))

    def decisions(self) -> list[Decision]:
        """The decisions in force (undone ones and the undos left out), in time order, as matching applies them."""
        with self.snapshot() as session:
            records = {r.id: r for r in self._decision_records(session)}
            found = session.scalars(select(DecisionRow.id).order_by(DecisionRow.decided_at, DecisionRow.id))
            return in_force([records[number] for number in found])

def _as_anchored(session: Session, records: Sequence[DecisionRecord]) -> list[DecisionRecord]:
    """The records with each decision in the form it was last applied in (orphaned ones left out)."""
    found = dict(session.execute(
        select(DecisionAnchorRow.decision_id, DecisionAnchorRow.anchored).where(DecisionAnchorRow.status != "orphaned")
    ).all())  # fmt: skip
    return [DecisionRecord(r.id, DECISION.validate_json(found[r.id]), r.undone_by) for r in records if r.id in found]
