"""Indexes for the end of a document's placing: its possible children and its số hiệu's dates.

At the end of each document an incremental run looks for the documents that might now take it as
parent (by the parent title they want) and checks whether its dated số hiệu bring a new date. Both
read every document of the archive (a scan of match_documents, every citer of a số hiệu), so the
cost of a document grew with the archive (docs/benchmarks.md, "Session 8: end of document growth").
These indexes make both a few seeks. Replacing a document's or a số hiệu's flags of one kind went
through every flag of that kind (SQLite chose the index on `kind`): two indexes on both columns.

Revision ID: 0014_flag_lookups
Revises: 0013_dataset_values_recount
Create Date: 2026-12-06 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_flag_lookups"
down_revision: str | None = "0013_dataset_values_recount"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Titles are compared and kept by their first 600 characters now (matching.flags.parent_title_text):
    # PostgreSQL would refuse to index a longer one, and fail this revision.
    op.execute("UPDATE match_documents SET parent_title = substr(parent_title, 1, 600) "
               "WHERE length(parent_title) > 600")
    op.create_index("ix_match_documents_parent_title", "match_documents",
                    ["parent_title", "parent_score", "parent_sha"])  # fmt: skip
    op.create_index("ix_match_citations_key_date", "match_citations", ["key", "date", "document_sha256"])
    op.create_index("ix_flags_document_kind", "flags", ["document_sha256", "kind"])
    op.create_index("ix_flags_scope_kind", "flags", ["scope_key", "kind"])


def downgrade() -> None:
    op.drop_index("ix_flags_scope_kind", table_name="flags")
    op.drop_index("ix_flags_document_kind", table_name="flags")
    op.drop_index("ix_match_citations_key_date", table_name="match_citations")
    op.drop_index("ix_match_documents_parent_title", table_name="match_documents")
