"""The service's tables (api_keys, api_jobs) join the Alembic history.

Before this revision the API created them itself on start-up (``create_all`` plus ad-hoc ``ALTER
TABLE … ADD COLUMN`` for the job leases), so a store at 0001 may have them already, complete, or
from the first release without ``lease_owner``/``lease_expires_at``, or not at all (a store only the
CLI ever used). This revision therefore looks before it acts: it creates a missing table, adds a
missing column or index, and on PostgreSQL turns a lease timestamp the old ALTER made without a zone
into ``timestamptz``; rows already there are kept as they are.

Revision ID: 0002_api_tables
Revises: 0001_initial
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_api_tables"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _api_keys() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
    ]


def _api_jobs() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=80), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
    ]


# table -> (its columns, its primary key column, its indexed columns)
TABLES: dict[str, tuple[Callable[[], list[sa.Column[object]]], str, tuple[str, ...]]] = {
    "api_keys": (_api_keys, "id", ()),
    "api_jobs": (_api_jobs, "id", ("status", "sha256")),
}


def upgrade() -> None:
    for table, (columns, key, indexed) in TABLES.items():
        if table not in sa.inspect(op.get_bind()).get_table_names():
            op.create_table(table, *columns(), sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{table}")))
        else:
            _complete_columns(table, columns())
        _complete_indexes(table, indexed)


def _complete_columns(table: str, wanted: list[sa.Column[object]]) -> None:
    bind = op.get_bind()
    present = {column["name"]: column["type"] for column in sa.inspect(bind).get_columns(table)}
    retyped = []
    for column in wanted:
        if column.name not in present:
            if not column.nullable:  # existing rows need a value; SQLite wants a constant one
                column.server_default = sa.DefaultClause(_fill(column.type))
            op.add_column(table, column)
        elif isinstance(column.type, sa.DateTime) and (
            present[column.name].compile(bind.dialect) != column.type.compile(bind.dialect)
        ):
            retyped.append(column)
    if retyped:
        # The old ALTER said plain TIMESTAMP. PostgreSQL wrote each instant into it through the
        # session's time zone and the plain cast reads it back through the same zone; SQLite keeps
        # the same text under either name, the table is rebuilt only for the declared type.
        with op.batch_alter_table(table) as batch:
            for column in retyped:
                batch.alter_column(column.name, type_=sa.DateTime(timezone=True), existing_nullable=column.nullable)


def _fill(kind: sa.types.TypeEngine[object]) -> sa.TextClause:
    if isinstance(kind, sa.Boolean):
        return sa.text("false") if op.get_bind().dialect.name == "postgresql" else sa.text("0")
    if isinstance(kind, sa.Integer | sa.Float):
        return sa.text("0")
    if isinstance(kind, sa.DateTime):
        return sa.text("'1970-01-01 00:00:00'")
    return sa.text("''")


def _complete_indexes(table: str, indexed: tuple[str, ...]) -> None:
    present = {tuple(index["column_names"]) for index in sa.inspect(op.get_bind()).get_indexes(table)}
    for name in indexed:
        if (name,) not in present:
            op.create_index(op.f(f"ix_{table}_{name}"), table, [name], unique=False)


def downgrade() -> None:
    # Drops the service's keys and jobs, even when they predate this revision.
    for table, (_columns, _key, indexed) in reversed(TABLES.items()):
        for name in indexed:
            op.drop_index(op.f(f"ix_{table}_{name}"), table_name=table)
        op.drop_table(table)
