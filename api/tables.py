"""The service's own tables (API keys, jobs), on the catalog store's engine but in their own metadata.

They live beside the catalog's tables without touching its Alembic history: ``create_all`` is
idempotent and these tables only ever gain rows, so a plain create on start-up is enough.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, Float, Integer, MetaData, String, Text, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from catalog.models import UtcDateTime


class ApiBase(DeclarativeBase):
    metadata = MetaData()
    type_annotation_map = {datetime: UtcDateTime}


class ApiKeyRow(ApiBase):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public part of the key
    owner: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    revoked: Mapped[bool] = mapped_column(default=False)


class JobRow(ApiBase):
    __tablename__ = "api_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ingest, reconcile
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued, running, succeeded, failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(Text, default="")  # the document's path in the store
    sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")  # the store's outcome status
    error_code: Mapped[str] = mapped_column(String(64), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    # The server process running the job and until when its claim holds; it renews the claim while
    # it works, so a claim that ran out means the process died and the job may be taken over.
    lease_owner: Mapped[str] = mapped_column(String(80), default="")
    lease_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # A queued job is not claimed before this time: reconciliations asked for by uploads wait a moment
    # so that the uploads of a burst join one run instead of each starting another.
    not_before: Mapped[datetime | None] = mapped_column(nullable=True)


# Columns added after the first release: (name, DDL type), added to an existing table on start-up.
ADDED_JOB_COLUMNS = (
    ("lease_owner", "VARCHAR(80) DEFAULT '' NOT NULL"),
    ("lease_expires_at", "TIMESTAMP"),
    ("not_before", "TIMESTAMP"),
)


def create_tables(engine: Engine) -> None:
    """Create missing tables and columns; safe when several server processes start at once."""
    try:
        ApiBase.metadata.create_all(engine)
    except DBAPIError:
        ApiBase.metadata.create_all(engine)  # another process created some of them between check and create
    present = {column["name"] for column in inspect(engine).get_columns(JobRow.__tablename__)}
    for name, ddl in ADDED_JOB_COLUMNS:
        if name in present:
            continue
        try:
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {JobRow.__tablename__} ADD COLUMN {name} {ddl}"))
        except DBAPIError:
            if name not in {column["name"] for column in inspect(engine).get_columns(JobRow.__tablename__)}:
                raise
