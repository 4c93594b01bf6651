"""An index on ``documents (sha256, identity_key)``: a file's identity key read without reading its row.

On SQLite ``identity_key`` (0010_flagids, added in place) is stored after ``document_json``, so reading it from
the row follows the JSON's chain of overflow pages: 74 µs a lookup against 13 µs for the columns before the JSON,
at 151 KB of JSON a document (10,000 replicated documents). The catalog read (catalog/exports/view.py) reads it for
every document of a chunk, and the matcher for every rendering it keys; this index answers both from the index
alone. It is as 0016_documents_added_order is for the report's order.

Revision ID: 0019_document_identity_lookup
Revises: 0018_run_changed_datasets
Create Date: 2026-12-07 19:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019_document_identity_lookup"
down_revision: str | None = "0018_run_changed_datasets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_documents_identity_lookup", "documents", ["sha256", "identity_key"])


def downgrade() -> None:
    op.drop_index("ix_documents_identity_lookup", table_name="documents")
