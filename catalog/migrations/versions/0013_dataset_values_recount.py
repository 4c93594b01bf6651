"""A store whose dataset value counts were doubled by a rebuild is rebuilt at its next run.

Until this revision a rebuild (``danhmuc reconcile --rebuild``, or the rebuild an undone decision
causes) deleted every dataset but kept its title, unit and unit-type counts (``dataset_values``);
the rebuilt datasets take the same ids, so their counts were added to the old ones. A title or unit
tie was then decided by the old run's first positions, and a unit-type set of the old result could
still raise a unit conflict. The counts cannot be repaired here (the unit-type sets come from the
Documents), so a store where any dataset's counts do not add up to its members forgets its matching
index: its next run rebuilds the result from the documents (catalog.incremental_state.clear, which
now deletes the counts too), with the same dataset ids. A store whose counts add up is left alone.

Revision ID: 0013_dataset_values_recount
Revises: 0012_concept_aggregates
Create Date: 2026-12-06 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_dataset_values_recount"
down_revision: str | None = "0012_concept_aggregates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MISCOUNTED = """
    EXISTS (SELECT 1 FROM datasets d WHERE d.member_count != (
        SELECT COALESCE(SUM(v.count), 0) FROM dataset_values v WHERE v.dataset_id = d.id AND v.kind = 't'))
    OR EXISTS (SELECT 1 FROM dataset_values v WHERE v.dataset_id NOT IN (SELECT id FROM datasets))
"""


def upgrade() -> None:
    # Without match_documents the result is "unindexed" (incremental_state.unindexed_result): rebuilt.
    op.execute(f"DELETE FROM match_documents WHERE {_MISCOUNTED}")  # noqa: S608 - constant text


def downgrade() -> None:
    pass  # nothing to undo: a rebuilt result is a result of 0012 too
