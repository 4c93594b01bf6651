"""Bring a database to the newest schema (``alembic upgrade head``), run by the store on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from catalog.db import IMMEDIATE
from catalog.errors import DatabaseUnreachableError, MigrationError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Idempotent: a database already at head costs one small query."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        if current_revision(engine) == head_revision():
            return
    except OperationalError as error:
        raise DatabaseUnreachableError(url, _first_line(error)) from None
    config = alembic_config()
    try:
        with engine.connect() as connection:
            # SQLite: take the write lock at BEGIN so two processes opening a new file do not race.
            config.attributes["connection"] = connection.execution_options(**{IMMEDIATE: True})
            command.upgrade(config, "head")
            connection.commit()
    except (OperationalError, ProgrammingError) as error:
        raise MigrationError(url, _first_line(error)) from None


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__
