"""Documents gain ``identity_key``: the document a file shows, so flags and counts follow the document.

Flag ids were derived from the file's content hash, so a finding changed id when another rendering
of its plan took over; they now derive from this key (matching.flags.identity_key, recorded when
the file is first matched). Existing rows get "" and are keyed at the next reconciliation
(catalog/incremental_identity.backfill); their stored flags keep their ids until recomputed, and a
dismissal follows its finding to the new id (catalog/anchoring.py).

Revision ID: 0010_flagids
Revises: 0009_flag_order
Create Date: 2026-12-05 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_flagids"
down_revision: str | None = "0009_flag_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not a batch: on SQLite that copies the table, and rows of other tables refer to documents.
    op.add_column("documents", sa.Column("identity_key", sa.String(length=64), server_default="", nullable=False))
    op.create_index(op.f("ix_documents_identity_key"), "documents", ["identity_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_identity_key"), table_name="documents")
    op.drop_column("documents", "identity_key")  # SQLite ≥ 3.35 drops a column in place
