"""An index on match_documents.title_norm: a new document's other renderings are found by it.

Each new document looks for the matched files showing the same document: by its số hiệu (indexed)
or by its normalised title (`incremental_identity.renderings`). The two were asked in one statement
with OR, which SQLite answered by scanning every matched document, so each new document cost more as
the archive grew (docs/benchmarks.md, "Session 9: linear growth"). Now they are two seeks. PostgreSQL
takes a hash index: a title may be longer than a B-tree entry allows, and only equality is asked.

Revision ID: 0015_title_norm_index
Revises: 0014_flag_lookups
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_title_norm_index"
down_revision: str | None = "0014_flag_lookups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_match_documents_title_norm", "match_documents", ["title_norm"], postgresql_using="hash")


def downgrade() -> None:
    op.drop_index("ix_match_documents_title_norm", table_name="match_documents")
