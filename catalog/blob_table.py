"""Original document bytes kept in the store's own database (the ``blobs`` table).

The folder store (:mod:`catalog.blobs`) serves one host; Celery workers on several hosts share
nothing but the broker and the database, so an upload reaches the worker that extracts it, and
``GET /v1/documents/{id}/file`` answers on any web server, through this table. A PostgreSQL
``bytea`` takes a 50 MiB upload comfortably; no object store to run, back up and secure beside
the database that already holds everything else. Writes are idempotent by content hash: the same
bytes written twice, by two workers or a redelivered task, are stored once.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.blobs import _is_hash
from catalog.models import BlobRow


class DatabaseBlobStore:
    """The same calls as :class:`catalog.blobs.BlobStore`, without a local path."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def has(self, sha256: str) -> bool:
        if not _is_hash(sha256):
            return False
        with Session(self.engine) as session:
            return session.scalar(select(BlobRow.sha256).where(BlobRow.sha256 == sha256)) is not None

    def put(self, sha256: str, data: bytes, *, session: Session | None = None) -> None:
        """Keep ``data`` under ``sha256``; inside ``session`` when given (the caller's transaction)."""
        if session is not None:
            if session.get(BlobRow, sha256) is None:
                session.add(BlobRow(sha256=sha256, size_bytes=len(data), data=data, created_at=datetime.now(UTC)))
            return
        if self.has(sha256):
            return
        try:
            with Session(self.engine) as own, own.begin():
                own.add(BlobRow(sha256=sha256, size_bytes=len(data), data=data, created_at=datetime.now(UTC)))
        except IntegrityError:
            pass  # another writer stored the same bytes a moment ago: they are the same bytes

    def put_file(self, sha256: str, source: Path) -> bool:
        """Copy ``source`` in if it still has the content ``sha256``; False (nothing kept) when it changed."""
        if not _is_hash(sha256):
            return False
        if self.has(sha256):
            return True
        try:
            data = source.read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != sha256:
            return False
        self.put(sha256, data)
        return True

    def get(self, sha256: str) -> bytes | None:
        if not _is_hash(sha256):
            return None
        with Session(self.engine) as session:
            found: bytes | None = session.scalar(select(BlobRow.data).where(BlobRow.sha256 == sha256))
        return bytes(found) if found is not None else None
