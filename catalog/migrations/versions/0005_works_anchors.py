"""Document identity and decision anchoring: the works of the last reconciliation, and how each
decision applied (as recorded, re-anchored to a new version, or orphaned).

Revision ID: 0005_works_anchors
Revises: 0004_concepts
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_works_anchors"
down_revision: str | None = "0004_concepts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "works",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("primary_sha256", sa.String(64), nullable=False),
        sa.Column("work_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_works")),
    )
    op.create_index(op.f("ix_works_primary_sha256"), "works", ["primary_sha256"])
    op.create_table(
        "decision_anchors",
        sa.Column("decision_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("effective", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_decision_anchors")),
    )
    op.create_index(op.f("ix_decision_anchors_status"), "decision_anchors", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_anchors_status"), table_name="decision_anchors")
    op.drop_table("decision_anchors")
    op.drop_index(op.f("ix_works_primary_sha256"), table_name="works")
    op.drop_table("works")
