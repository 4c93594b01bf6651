"""Jobs gain ``pages_done`` and ``pages_total``: an upload's progress in pages, as the reader goes.

Both start at 0 (and stay 0 for a file without pages: text, DOCX, DOC); rows made before this
revision read as "pages not known", which is what they were.

Revision ID: 0008_job_pages
Revises: 0007_anchoring (written beside it on another branch; chained after it at the merge)
Create Date: 2026-12-05 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_job_pages"
down_revision: str | None = "0007_anchoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_jobs") as batch:
        batch.add_column(sa.Column("pages_done", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("pages_total", sa.Integer(), nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("api_jobs") as batch:
        batch.drop_column("pages_total")
        batch.drop_column("pages_done")
