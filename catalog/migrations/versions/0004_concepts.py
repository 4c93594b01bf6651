"""Dataset concepts: ``concepts`` (harmonised title and counts), ``concept_entries`` (each row's concept)
and ``document_localities`` (each plan's locality, province included, for concept coverage).

The first two are projections of the last reconciliation, rewritten by every run; the third is
filled for each document the first time a reconciliation sees it. A store upgraded to this
revision has none of them until its next reconciliation.

Revision ID: 0004_concepts
Revises: 0003_job_not_before
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_concepts"
down_revision: str | None = "0003_job_not_before"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "concepts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("dataset_count", sa.Integer(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("locality_count", sa.Integer(), nullable=False),
        sa.Column("publisher_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concepts")),
    )
    op.create_table(
        "concept_entries",
        sa.Column("entry_key", sa.String(length=100), nullable=False),
        sa.Column("concept_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_key"], ["catalog_entries.key"], name=op.f("fk_concept_entries_entry_key_catalog_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["concept_id"], ["concepts.id"], name=op.f("fk_concept_entries_concept_id_concepts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("entry_key", name=op.f("pk_concept_entries")),
    )
    op.create_index(op.f("ix_concept_entries_concept_id"), "concept_entries", ["concept_id"], unique=False)
    op.create_table(
        "document_localities",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("locality", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["documents.sha256"], name=op.f("fk_document_localities_sha256_documents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document_localities")),
    )


def downgrade() -> None:
    op.drop_table("document_localities")
    op.drop_index(op.f("ix_concept_entries_concept_id"), table_name="concept_entries")
    op.drop_table("concept_entries")
    op.drop_table("concepts")
