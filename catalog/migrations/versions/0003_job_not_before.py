"""Jobs gain ``not_before``: a queued reconciliation is claimed only once its debounce delay is over.

Revision ID: 0003_job_not_before
Revises: 0002_api_tables
Create Date: 2026-12-05 11:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_job_not_before"
down_revision: str | None = "0002_api_tables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("api_jobs")}
    if "not_before" not in columns:  # looked for, as 0002 does: a store may have met an early build of it
        with op.batch_alter_table("api_jobs") as batch:
            batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_jobs") as batch:
        batch.drop_column("not_before")
