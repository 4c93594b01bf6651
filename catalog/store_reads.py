"""What a CatalogStore's result holds, read back: datasets, links, flags, assignments, the last run, the ids
of each kind, and the consistency check.

Kept apart from catalog/store.py (documents, reconciliation, decisions) as a mixin, as catalog/store_runs.py
keeps the ingest runs: every method reads through the store's ``snapshot``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from catalog import rows
from catalog.models import (
    CatalogEntryRow,
    DatasetMemberRow,
    DatasetRow,
    DocumentRow,
    FileVersionRow,
    FlagRow,
    LinkRow,
    ReconcileRunRow,
    TaskRow,
)
from catalog.records import ReconcileSummary
from extract.model import Document
from matching.model import Dataset, Flag, Link


class ResultReads:
    """Reads of the stored result; ``snapshot`` is the store's."""

    def snapshot(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def datasets(self) -> list[Dataset]:
        with self.snapshot() as session:
            sources = dict(session.execute(select(DocumentRow.sha256, DocumentRow.source)).all())
            members: dict[str, list[CatalogEntryRow]] = {}
            for member, entry in session.execute(
                select(DatasetMemberRow, CatalogEntryRow)
                .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
                .order_by(DatasetMemberRow.dataset_id, DatasetMemberRow.position)
            ):
                members.setdefault(member.dataset_id, []).append(entry)
            heads = session.scalars(select(DatasetRow).order_by(DatasetRow.title, DatasetRow.id)).all()
            return [
                Dataset(
                    id=head.id,
                    origin=head.origin,
                    title=head.title,
                    unit=head.unit,
                    members=[
                        rows.member_ref(e, sources[e.document_sha256]) for e in members.get(head.id, [])
                    ],
                )  # fmt: skip
                for head in heads
            ]

    def links(self) -> list[Link]:
        with self.snapshot() as session:
            found = session.scalars(select(LinkRow).order_by(LinkRow.score.desc(), LinkRow.id))
            return [rows.link_record(row) for row in found]

    def machine_links(self, low: float, high: float, *, accepted_too: bool = False) -> Iterator[Link]:
        """The links nobody decided whose score is in [low, high] (or, ``accepted_too``, that are accepted), best
        first, streamed from one snapshot a chunk of rows at a time: the review queue keeps what it shows, not
        every link of the catalog (574,230 at 10,000 replicated documents)."""
        band = LinkRow.score.between(low, high)
        wanted = or_(band, LinkRow.accepted.is_(True)) if accepted_too else band
        query = (select(LinkRow).where(LinkRow.decided_by == "auto", wanted)
                 .order_by(LinkRow.score.desc(), LinkRow.id).execution_options(yield_per=2_000))  # fmt: skip
        with self.snapshot() as session:
            for row in session.scalars(query):
                yield rows.link_record(row)

    def flags(self, *, document: str | None = None) -> list[Flag]:
        """Every flag in order, or one document's (an indexed read)."""
        query = select(FlagRow).order_by(FlagRow.position, FlagRow.id)
        if document is not None:
            query = query.where(FlagRow.document_sha256 == document)
        with self.snapshot() as session:
            return [rows.flag_record(row) for row in session.scalars(query)]

    def flags_by_id(self, ids: Sequence[str]) -> list[Flag]:
        """The flags of these ids that exist (indexed by the primary key), in flag order."""
        wanted = sorted(set(ids))
        found: list[FlagRow] = []
        with self.snapshot() as session:
            for start in range(0, len(wanted), 500):
                found += session.scalars(select(FlagRow).where(FlagRow.id.in_(wanted[start : start + 500])))
            return [rows.flag_record(row) for row in sorted(found, key=lambda row: (row.position, row.id))]

    def flag_page(
        self, *, kind: str | None = None, document: str = "", include_dismissed: bool = False,
        limit: int = 50, offset: int = 0,
    ) -> tuple[int, list[Flag]]:  # fmt: skip
        """(total, one page) of the flags matching the filters: indexed, never every flag."""
        conditions = []
        if kind is not None:
            conditions.append(FlagRow.kind == kind)
        if document:
            conditions.append(FlagRow.document_sha256 == document)
        if not include_dismissed:
            conditions.append(FlagRow.dismissed == "")
        with self.snapshot() as session:
            total = session.scalar(select(func.count()).select_from(FlagRow).where(*conditions)) or 0
            found = session.scalars(
                select(FlagRow).where(*conditions).order_by(FlagRow.position, FlagRow.id).limit(limit).offset(offset)
            )  # fmt: skip
            return total, [rows.flag_record(row) for row in found]

    def links_of(self, keys: Sequence[str], *, limit: int = 1_000) -> list[Link]:
        """The stored links touching these entries, best first, at most `limit` (indexed by either end)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[int, LinkRow] = {}
        with self.snapshot() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for column in (LinkRow.left_key, LinkRow.right_key):
                    for row in session.scalars(
                        select(LinkRow).where(column.in_(chunk)).order_by(LinkRow.score.desc()).limit(limit)
                    ):
                        found[row.id] = row
            best = sorted(found.values(), key=lambda row: (-row.score, row.id))[:limit]
            return [rows.link_record(row) for row in best]

    def assignment_of(self, keys: Sequence[str]) -> dict[str, str]:
        """entry key -> dataset id for these entries only."""
        wanted = list(keys)
        found: dict[str, str] = {}
        with self.snapshot() as session:
            for start in range(0, len(wanted), 500):
                found.update(session.execute(
                    select(DatasetMemberRow.entry_key, DatasetMemberRow.dataset_id)
                    .where(DatasetMemberRow.entry_key.in_(wanted[start : start + 500]))
                ).all())  # fmt: skip
        return found

    def last_reconciliation(self) -> ReconcileSummary | None:
        with self.snapshot() as session:
            row = session.scalars(select(ReconcileRunRow).order_by(ReconcileRunRow.id.desc())).first()
            if row is None:
                return None
            return ReconcileSummary.model_validate(row, from_attributes=True)

    def entry_keys(self) -> set[str]:
        with self.snapshot() as session:
            return set(session.scalars(select(CatalogEntryRow.key)))

    def dataset_ids(self) -> set[str]:
        with self.snapshot() as session:
            return set(session.scalars(select(DatasetRow.id)))

    def flag_ids(self) -> set[str]:
        with self.snapshot() as session:
            return set(session.scalars(select(FlagRow.id)))

    # ------------------------------------------------------------ checks

    def check_consistency(self) -> list[str]:
        """Problems that should never exist; empty when the store is sound (used by tests and ops)."""
        problems: list[str] = []
        with self.snapshot() as session:
            for sha, entry_count, task_count, text in session.execute(
                select(
                    DocumentRow.sha256,
                    DocumentRow.entry_count,
                    DocumentRow.task_count,
                    DocumentRow.document_json,
                )
            ):
                document = Document.model_validate_json(text)
                if document.sha256 != sha:
                    problems.append(f"{sha}: JSON carries sha256 {document.sha256}")
                entries = session.scalar(
                    select(func.count())
                    .select_from(CatalogEntryRow)
                    .where(CatalogEntryRow.document_sha256 == sha)
                )
                tasks = session.scalar(
                    select(func.count()).select_from(TaskRow).where(TaskRow.document_sha256 == sha)
                )
                if entries != len(rows.entry_rows(document)) or tasks != task_count:
                    problems.append(
                        f"{sha}: {entries}/{entry_count} entries, {tasks}/{task_count} tasks stored"
                    )
            for path, current in session.execute(
                select(FileVersionRow.path, func.count())
                .where(FileVersionRow.is_current)
                .group_by(FileVersionRow.path)
            ):
                if current != 1:
                    problems.append(f"{path}: {current} current versions")
            orphans = session.scalar(
                select(func.count())
                .select_from(DocumentRow)
                .where(~DocumentRow.sha256.in_(select(FileVersionRow.sha256)))
            )
            if orphans:
                problems.append(f"{orphans} documents without any file version")
            from catalog import incremental_state

            problems += incremental_state.value_problems(session)
        return problems
