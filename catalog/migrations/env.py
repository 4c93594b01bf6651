"""Alembic environment: run by CatalogStore on open (``upgrade head``) with its own connection.

Can also be driven by the alembic CLI (``alembic -c catalog/migrations/alembic.ini upgrade head``),
in which case the URL comes from DATABASE_URL like everywhere else.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from catalog.db import IMMEDIATE, database_url, make_engine
from catalog.models import Base

config = context.config
target_metadata = Base.metadata
MIGRATION_LOCK_ID = 7_204_118_331  # any constant: serialises concurrent `upgrade head` on PostgreSQL


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate ignores tables it does not own (another application's tables in the same database)."""
    return not (type_ == "table" and reflected and compare_to is None)


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(database_url(config.get_main_option("sqlalchemy.url") or None))
    with engine.connect() as own:
        run_on(own.execution_options(**{IMMEDIATE: True}))
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
