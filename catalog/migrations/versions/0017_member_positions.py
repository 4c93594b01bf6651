"""dataset_members' index on dataset_id becomes one on (dataset_id, position): a dataset's last position is a seek.

Each row placed into a dataset a run has not written to yet reads the dataset's highest member position
(`LAST_POSITION`, max(position)). With an index on dataset_id alone that read every member of the
dataset, and a dataset grows with the archive (660 members for the largest at 3,000 documents): each
document cost more as the archive grew (docs/benchmarks.md, "Session 11: linear growth, third pass").
The composite index answers max(position) from its last entry and serves every lookup by dataset_id
the old one did (the same leading column), so it replaces it: no index more to write.

Revision ID: 0017_member_positions
Revises: 0016_documents_added_order
Create Date: 2026-12-06 10:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017_member_positions"
down_revision: str | None = "0016_documents_added_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_dataset_members_dataset_position", "dataset_members", ["dataset_id", "position"])
    op.drop_index("ix_dataset_members_dataset_id", table_name="dataset_members")


def downgrade() -> None:
    op.create_index("ix_dataset_members_dataset_id", "dataset_members", ["dataset_id"])
    op.drop_index("ix_dataset_members_dataset_position", table_name="dataset_members")
