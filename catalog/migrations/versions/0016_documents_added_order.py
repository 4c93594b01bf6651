"""An index on documents (added_at, sha256, warning_count, format): the report's documents in order.

`danhmuc report` lists the documents in the order they were added (then by sha256) with their
warning count and format. On SQLite ``added_at`` is stored after the document's JSON, so that order
walked every document's overflow pages (0.5 CPU-s at 10,000 documents, before the report's work is
shared between two processes: docs/benchmarks.md, "Session 10: report at 10,000"). The index holds
every column that query reads, so it is read alone, already in order.

Revision ID: 0016_documents_added_order
Revises: 0015_title_norm_index
Create Date: 2026-12-06 07:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016_documents_added_order"
down_revision: str | None = "0015_title_norm_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_documents_added_order", "documents", ["added_at", "sha256", "warning_count", "format"])


def downgrade() -> None:
    op.drop_index("ix_documents_added_order", table_name="documents")
