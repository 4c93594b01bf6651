"""Incremental matching: the blocking index, counts and per-document facts matching keeps in the store.

New tables hold what comparison needs of a row and of a document (read from its Document once,
when it is first matched), the blocking index over exemplar rows, word counts for specificity, the
dated số hiệu for citation conflicts and the concept of each wording. Datasets gain a reviewer's
canonical title/unit and their concept; flags gain the key they were computed for, so a run
replaces exactly what it recomputed. Existing results are kept; the first reconciliation after
this revision rebuilds them, since nothing is indexed yet.

Revision ID: 0006_incremental
Revises: 0005_blobs
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_incremental"
down_revision: str | None = "0005_blobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("scope_level", sa.String(length=16), nullable=False),
        sa.Column("scope_province", sa.String(length=200), nullable=False),
        sa.Column("number_key", sa.String(length=200), nullable=False),
        sa.Column("parent_key", sa.String(length=200), nullable=False),
        sa.Column("parent_title", sa.Text(), nullable=False),
        sa.Column("title_norm", sa.Text(), nullable=False),
        sa.Column("parent_sha", sa.String(length=64), nullable=False),
        sa.Column("parent_score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["documents.sha256"], name=op.f("fk_match_documents_sha256_documents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_match_documents")),
        sa.UniqueConstraint("seq", name=op.f("uq_match_documents_seq")),
    )
    op.create_index(op.f("ix_match_documents_number_key"), "match_documents", ["number_key"])
    op.create_index(op.f("ix_match_documents_parent_key"), "match_documents", ["parent_key"])
    op.create_index(op.f("ix_match_documents_parent_sha"), "match_documents", ["parent_sha"])
    op.create_table(
        "match_entries",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("unit_types", sa.JSON(), nullable=False),
        sa.Column("unit_label", sa.Text(), nullable=False),
        sa.Column("exemplar", sa.Boolean(), nullable=False),
        sa.Column("concept_rep", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key"], ["catalog_entries.key"], name=op.f("fk_match_entries_key_catalog_entries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_match_entries")),
    )
    op.create_index(op.f("ix_match_entries_document_sha256"), "match_entries", ["document_sha256"])
    op.create_table(
        "match_postings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("entry_key", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_key"], ["catalog_entries.key"], name=op.f("fk_match_postings_entry_key_catalog_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_postings")),
    )
    op.create_index("ix_match_postings_token_scope", "match_postings", ["token", "scope"])
    op.create_index(op.f("ix_match_postings_entry_key"), "match_postings", ["entry_key"])
    op.create_table(
        "match_terms",
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "term", name=op.f("pk_match_terms")),
    )
    op.create_table(
        "match_citations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provenance_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_sha256"], ["documents.sha256"], name=op.f("fk_match_citations_document_sha256_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_citations")),
    )
    op.create_index(op.f("ix_match_citations_document_sha256"), "match_citations", ["document_sha256"])
    op.create_index(op.f("ix_match_citations_key"), "match_citations", ["key"])
    op.create_table(
        "dataset_values",
        sa.Column("dataset_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "kind", "value", name=op.f("pk_dataset_values")),
    )
    op.create_table(
        "concept_wordings",
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("concept_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("wording", name=op.f("pk_concept_wordings")),
    )
    op.create_table(
        "match_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_match_state")),
    )
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("canonical_title", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("canonical_unit", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("concept_id", sa.String(length=32), nullable=False, server_default=""))
        batch.create_index(batch.f("ix_datasets_concept_id"), ["concept_id"])
    with op.batch_alter_table("flags") as batch:
        batch.add_column(sa.Column("scope_key", sa.String(length=200), nullable=False, server_default=""))
        batch.create_index(batch.f("ix_flags_scope_key"), ["scope_key"])


def downgrade() -> None:
    with op.batch_alter_table("flags") as batch:
        batch.drop_index(batch.f("ix_flags_scope_key"))
        batch.drop_column("scope_key")
    with op.batch_alter_table("datasets") as batch:
        batch.drop_index(batch.f("ix_datasets_concept_id"))
        batch.drop_column("concept_id")
        batch.drop_column("canonical_unit")
        batch.drop_column("canonical_title")
    for table in (
        "match_state", "concept_wordings", "dataset_values", "match_citations", "match_terms", "match_postings",
        "match_entries", "match_documents",
    ):  # fmt: skip
        op.drop_table(table)
