"""Engine and sessions for the catalog store: SQLite file by default, PostgreSQL through DATABASE_URL.

SQLite runs in WAL mode with a busy timeout, so readers (the API, a report) never block the one
writer (batch ingest), and with foreign keys on, which SQLite leaves off unless asked. pysqlite
is put in autocommit mode and every transaction is opened with an explicit BEGIN: otherwise DDL
would run outside any transaction and a killed migration could leave half a schema.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import DatabaseUrlError
from catalog.settings import catalog_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
IMMEDIATE = "catalog_sqlite_immediate"  # execution option: take SQLite's write lock at BEGIN


def database_url(explicit: str | None = None) -> str:
    return explicit or catalog_settings().database_url


def make_engine(url: str, **options: Any) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUrlError(url, str(error)) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, **options)
        return create_engine(url, pool_pre_ping=True, future=True, **options)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise DatabaseUrlError(url, str(error)) from None


def _sqlite_engine(url: str, **options: Any) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module docstring
        cursor = dbapi_connection.cursor()
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def maintenance_warning(engine: Engine) -> str | None:
    """Why a PostgreSQL store will slow down as it grows, when it will: autovacuum off. Its statistics then stay
    those of the empty tables and no page is marked all-visible: at 10,000 documents an add-10 reconciliation took
    12–15 s instead of 8.4–9.7, and ``GET /v1/catalog/{id}`` p99 133 ms instead of 57 (docs/benchmarks.md,
    session 24)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        if str(connection.execute(text("SHOW autovacuum")).scalar_one()).lower() != "off":
            return None
    return ("PostgreSQL đang tắt autovacuum: hãy bật lại, hoặc chạy VACUUM ANALYZE sau mỗi đợt nạp lớn / "
            "PostgreSQL runs with autovacuum off: turn it on, or run VACUUM ANALYZE after every large load")
