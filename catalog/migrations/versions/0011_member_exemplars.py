"""Dataset members say whether they are an exemplar, with a partial index on the exemplars of a dataset.

Placing a row reads the exemplars of the datasets its candidates are in. The mark lived only on
``match_entries``, so that read went through every member of each dataset (61 on average in a
1,000-document archive, growing with it) to keep the few exemplars: 17 of 40 CPU-seconds when 10
documents were added to a 10,000-document store. The mark now also sits on the member row (it moves
with it when a decision moves the row), and the index holds only exemplars.

Revision ID: 0011_member_exemplars
Revises: 0010_flagids
Create Date: 2026-12-05 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_member_exemplars"
down_revision: str | None = "0010_flagids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not a batch: on SQLite that copies the table. The index's condition is written as each dialect
    # renders `WHERE exemplar` (SQLite: `exemplar = 1`), or the planner would not use it.
    op.add_column("dataset_members", sa.Column("exemplar", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE dataset_members SET exemplar = TRUE "
        "WHERE entry_key IN (SELECT key FROM match_entries WHERE exemplar)"
    )
    op.create_index("ix_dataset_members_exemplars", "dataset_members", ["dataset_id", "entry_key"],
                    sqlite_where=sa.text("exemplar = 1"), postgresql_where=sa.text("exemplar"))  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_dataset_members_exemplars", table_name="dataset_members")
    with op.batch_alter_table("dataset_members") as batch:
        batch.drop_column("exemplar")
