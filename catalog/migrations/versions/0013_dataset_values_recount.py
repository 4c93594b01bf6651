"""A store whose dataset value counts were doubled by a rebuild counts them again at its next run.

Until this revision a rebuild (``danhmuc reconcile --rebuild``, or the rebuild an undone decision
causes) deleted every dataset but kept its title, unit and unit-type counts (``dataset_values``);
the rebuilt datasets take the same ids, so their counts were added to the old ones. A title or unit
tie was then decided by the old run's first positions, and a unit-type set of the old result could
still raise a unit conflict. The counts need each member's unit types, so they are not made here:
a store where any dataset's counts do not add up to its members owes its next run a count of every
dataset from its members (match_state ``values_owed``, catalog/reconcile_run.py step 1), and that
run's last step (``run_owed``), which settles titles, units, unit conflicts and concepts. A store
whose counts add up is left alone.

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
# A result stored without the matching index is rebuilt by its next run anyway (and has no counts).
_INDEXED = "EXISTS (SELECT 1 FROM match_documents)"


def upgrade() -> None:
    for name in ("values_owed", "run_owed"):
        op.execute(f"DELETE FROM match_state WHERE name = '{name}' AND ({_MISCOUNTED}) AND {_INDEXED}")  # noqa: S608
        op.execute(f"INSERT INTO match_state (name, value) SELECT '{name}', 1 WHERE ({_MISCOUNTED}) AND {_INDEXED}")  # noqa: S608
    # Counts of datasets a rebuild did not make again are never read; the count above has seen them.
    op.execute("DELETE FROM dataset_values WHERE dataset_id NOT IN (SELECT id FROM datasets)")


def downgrade() -> None:
    op.execute("DELETE FROM match_state WHERE name = 'values_owed'")
