"""Original document bytes, kept by content hash beside the store (which keeps the model, not the file).

Both ways in keep them: an API upload, and ``danhmuc ingest`` (which copies each archive file it
stores), so ``GET /v1/documents/{id}/file`` answers whichever way a document came, even after the
archive folder moved. Written to a temporary name and renamed into place, so a crash never leaves
a half file under a real hash, and the same content arriving twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from catalog.settings import catalog_settings

CHUNK = 1 << 20
TEMPORARY_PREFIX = ".upload-"
# A write of one original takes seconds; a temporary file this old was left by a process killed mid-write.
STALE_TEMPORARY_SECONDS = 3600.0


def default_blob_root() -> Path:
    """``$DANHMUC_DATA_DIR/blobs`` (default ./danhmuc-data/blobs): the service's data folder, shared with the CLI."""
    return catalog_settings().data_dir / "blobs"


class Blobs(Protocol):
    """Where originals are kept: this folder store, or the database's table (catalog.blob_table) with Celery."""

    def has(self, sha256: str) -> bool: ...

    def put(self, sha256: str, data: bytes) -> object: ...

    def put_file(self, sha256: str, source: Path) -> bool: ...

    def get(self, sha256: str) -> bytes | None: ...


def _is_hash(sha256: str) -> bool:
    return len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep_stale()

    def sweep_stale(self, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
        """Remove temporary files left by a writer killed mid-write (``kill -9``); returns how many.

        Only files past ``older_than`` seconds: a younger one may be another process's write in progress.
        """
        cutoff = time.time() - older_than
        removed = 0
        for temporary in self.root.glob(f"*/{TEMPORARY_PREFIX}*"):
            try:
                if temporary.stat().st_mtime < cutoff:
                    temporary.unlink()
                    removed += 1
            except OSError:
                continue  # renamed into place or removed by its writer meanwhile
        return removed

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return _is_hash(sha256) and self.path(sha256).is_file()

    @contextmanager
    def _writing(self, sha256: str) -> Iterator[BinaryIO]:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
        try:
            with os.fdopen(handle, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def put(self, sha256: str, data: bytes) -> Path:
        target = self.path(sha256)
        if target.exists() and target.stat().st_size == len(data):
            return target
        with self._writing(sha256) as out:
            out.write(data)
        return target

    def put_file(self, sha256: str, source: Path) -> bool:
        """Copy ``source`` in if it still has the content ``sha256``; False (nothing kept) when it changed."""
        if not _is_hash(sha256):
            return False
        if self.has(sha256):
            return True
        digest = hashlib.sha256()
        try:
            with source.open("rb") as reader, self._writing(sha256) as out:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                if digest.hexdigest() != sha256:
                    raise _Changed()
        except (_Changed, OSError):
            return False  # the file changed or vanished since it was hashed: keep nothing under a wrong name
        return True

    def get(self, sha256: str) -> bytes | None:
        if not _is_hash(sha256):
            return None  # never build a path from anything but a hash
        target = self.path(sha256)
        return target.read_bytes() if target.is_file() else None


def read_if_unchanged(source: Path, sha256: str) -> bytes | None:
    """The bytes at ``source`` if they still hash to ``sha256`` (the file may have been edited or removed)."""
    try:
        data = source.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


class _Changed(Exception):
    pass

