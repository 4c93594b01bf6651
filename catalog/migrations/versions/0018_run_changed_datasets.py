"""reconcile_runs gain ``changed_datasets``: the datasets a run wrote, so a catalog view reads only those again.

Each web server process holds a view of the catalog (api/catalog_view.py) and rebuilt all of it after every
saved reconciliation: 51 s at 10,000 documents, for a run that had changed a few hundred datasets. A run now
records the ids of the datasets it refreshed, created or deleted (a JSON list), or NULL when it cannot say
which (a rebuild, the first run, a run after a killed one, concepts rewritten whole): the view then reads
everything again, as before. Runs stored before this revision are NULL, so a view never trusts a record that
was not written.

Revision ID: 0018_run_changed_datasets
Revises: 0017_member_positions
Create Date: 2026-12-07 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_run_changed_datasets"
down_revision: str | None = "0017_member_positions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reconcile_runs", sa.Column("changed_datasets", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reconcile_runs") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("changed_datasets")
