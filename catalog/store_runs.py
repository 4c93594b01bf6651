"""The ingest runs' bookkeeping of a CatalogStore: a run's row, and each file's outcome in it.

Kept apart from catalog/store.py (documents, results, decisions) as a mixin: `danhmuc ingest` and
the job runner write these rows; progress, resumption and the per-file errors are read from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.models import FileOutcomeRow, IngestRunRow
from catalog.records import FileOutcome, IngestRun, OutcomeStatus


def _now() -> datetime:
    return datetime.now(UTC)


class IngestRuns:
    """Ingest runs and file outcomes; `transaction` and `snapshot` are the store's."""

    def transaction(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def snapshot(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def start_run(self, root: str, *, workers: int, total_files: int) -> int:
        with self.transaction() as session:
            row = IngestRunRow(root=root, started_at=_now(), workers=workers, total_files=total_files,
                               status="running")  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def finish_run(self, run_id: int) -> None:
        with self.transaction() as session:
            row = session.get(IngestRunRow, run_id)
            if row is not None:
                row.finished_at, row.status = _now(), "finished"

    def record_outcomes(self, run_id: int | None, outcomes: Sequence[FileOutcome]) -> None:
        """Outcomes that store nothing (skipped, failed, unchanged), in one transaction."""
        with self.transaction() as session:
            for outcome in outcomes:
                self._insert_outcome(session, run_id, outcome)

    @staticmethod
    def _insert_outcome(session: Session, run_id: int | None, outcome: FileOutcome) -> None:
        session.add(
            FileOutcomeRow(
                run_id=run_id, path=outcome.path, status=outcome.status.value, sha256=outcome.sha256,
                code=outcome.code, reason=outcome.reason, seconds=outcome.seconds, at=_now(),
            )
        )  # fmt: skip

    def outcomes(self, run_id: int | None = None) -> list[FileOutcome]:
        with self.snapshot() as session:
            query = select(FileOutcomeRow).order_by(FileOutcomeRow.id)
            if run_id is not None:
                query = query.where(FileOutcomeRow.run_id == run_id)
            return [
                FileOutcome(
                    path=r.path,
                    status=OutcomeStatus(r.status),
                    sha256=r.sha256,
                    code=r.code,
                    reason=r.reason,
                    seconds=r.seconds,
                )  # fmt: skip
                for r in session.scalars(query)
            ]

    def runs(self) -> list[IngestRun]:
        with self.snapshot() as session:
            counts: dict[int, Counter[str]] = {}
            for run_id, status, number in session.execute(
                select(FileOutcomeRow.run_id, FileOutcomeRow.status, func.count()).group_by(
                    FileOutcomeRow.run_id, FileOutcomeRow.status
                )
            ):
                if run_id is not None:
                    counts.setdefault(run_id, Counter())[status] = number
            return [
                IngestRun(
                    id=r.id,
                    root=r.root,
                    started_at=r.started_at,
                    finished_at=r.finished_at,
                    workers=r.workers,
                    total_files=r.total_files,
                    status=r.status,
                    counts=dict(counts.get(r.id, {})),
                )  # fmt: skip
                for r in session.scalars(select(IngestRunRow).order_by(IngestRunRow.id))
            ]
