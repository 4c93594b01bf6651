"""Decision anchoring: how each reviewer decision in force applies after files get new versions.

One row per decision (catalog/anchoring.py): the decision with the rows, datasets or flag it follows
now, why it was re-anchored, why it is orphaned (if it is) and what its datasets and flag were made
of. Existing decisions get their row at the next reconciliation.

Revision ID: 0007_anchoring
Revises: 0006_incremental
Create Date: 2026-12-05 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_anchoring"
down_revision: str | None = "0006_incremental"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decision_anchors",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("anchored", sa.Text(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("witnesses", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_anchors_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_decision_anchors")),
    )
    op.create_index(op.f("ix_decision_anchors_status"), "decision_anchors", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_anchors_status"), table_name="decision_anchors")
    op.drop_table("decision_anchors")
