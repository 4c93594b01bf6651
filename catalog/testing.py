"""Throw-away stores for tests: a fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from catalog.db import make_engine
from catalog.store import CatalogStore

POSTGRES_TEST_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


def postgres_test_url() -> str:
    return os.environ.get("DATABASE_URL_TEST", POSTGRES_TEST_URL)


def postgres_unreachable_reason(url: str | None = None) -> str | None:
    """None when the server answers, else why (tests skip with this visible reason)."""
    url = url or postgres_test_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return f"PostgreSQL unreachable at {url}: {str(error.orig).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextmanager
def postgres_schema_url(url: str | None = None) -> Iterator[str]:
    """A URL whose connections use a brand-new schema; the schema is dropped on exit."""
    url = url or postgres_test_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def temporary_store(backend: str, directory: Path) -> Iterator[CatalogStore]:
    if backend == "sqlite":
        store = CatalogStore(f"sqlite:///{directory / 'store.db'}")
        try:
            yield store
        finally:
            store.close()
        return
    with postgres_schema_url() as url:
        store = CatalogStore(engine=make_engine(url))
        try:
            yield store
        finally:
            store.close()
