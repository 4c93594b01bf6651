"""``dataset_summaries``: each dataset as the catalog lists and searches it, written by the reconciliation.

Every web server process held the whole catalog in memory (summaries, search texts, each dataset's JSON and the
documents it lists): 258 MiB at 10,000 replicated documents and 372 MiB at 20,000, about 11 MiB more for every
1,000 documents, so past 1 GiB near 100,000. A run now writes the summaries of the datasets it changed in its own
transaction (catalog/summaries.py); a server reads its search index (texts and filter values) from these rows,
only those written since its version (``written_run``), and a page's JSON by id. ``reconcile_runs.summaries_written``
says a run's summaries were brought up to it: runs saved before this revision say False, and the first reader
brings the summaries up to date (the whole catalog, once).

Revision ID: 0020_dataset_summaries
Revises: 0019_document_identity_lookup
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_dataset_summaries"
down_revision: str | None = "0019_document_identity_lookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = ("title", "unit", "concept_title", "sort_text", "text_lower", "text_folded", "unit_folded", "domain_folded",
         "sharing", "frequency", "localities", "view_json")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "dataset_summaries",
        sa.Column("dataset_id", sa.String(32), primary_key=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.String(32), nullable=False),
        sa.Column("written_run", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in TEXTS),
    )
    op.create_index("ix_dataset_summaries_order", "dataset_summaries", ["title", "dataset_id"])
    op.create_index("ix_dataset_summaries_dictionary_order", "dataset_summaries", ["sort_text", "title", "dataset_id"])
    op.create_index("ix_dataset_summaries_concept_id", "dataset_summaries", ["concept_id"])
    op.create_index("ix_dataset_summaries_written_run", "dataset_summaries", ["written_run"])
    op.add_column(
        "reconcile_runs", sa.Column("summaries_written", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("reconcile_runs") as batch:
        batch.drop_column("summaries_written")
    op.drop_table("dataset_summaries")
