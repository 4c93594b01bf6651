"""A report's reads see one state of the store: on PostgreSQL a plain transaction sees each statement's
own snapshot (READ COMMITTED), so a report could count flags a reconciliation committed after it read the
datasets; `snapshot(consistent=True)` (what the report opens) holds one snapshot throughout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.models import IngestRunRow
from catalog.store import CatalogStore
from catalog.testing import postgres_unreachable_reason, temporary_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogStore]:
    if request.param == "postgres" and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    with temporary_store(request.param, tmp_path) as opened:
        yield opened


def _runs(session: object) -> int:
    return int(session.scalar(select(func.count()).select_from(IngestRunRow)) or 0)  # type: ignore[attr-defined]


def test_a_consistent_snapshot_does_not_see_what_commits_after_its_first_read(store: CatalogStore) -> None:
    store.start_run("/archive", workers=1, total_files=1)
    with store.snapshot(consistent=True) as session:
        before = _runs(session)
        store.start_run("/archive", workers=1, total_files=1)  # another connection commits meanwhile
        assert _runs(session) == before
    with store.snapshot() as session:
        assert _runs(session) == before + 1
