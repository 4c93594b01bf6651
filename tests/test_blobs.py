"""The originals' folder store: a write killed half-way leaves no file under a real hash, and its
temporary is swept when the store opens again, once it is old enough not to be another writer's."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from catalog.blobs import STALE_TEMPORARY_SECONDS, TEMPORARY_PREFIX, BlobStore


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_write_that_fails_leaves_neither_the_file_nor_its_temporary(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    sha = _sha(b"abc")
    with pytest.raises(RuntimeError), blobs._writing(sha) as out:
        out.write(b"ab")
        raise RuntimeError("killed mid-write")
    assert not blobs.has(sha)
    assert not list(tmp_path.glob(f"*/{TEMPORARY_PREFIX}*"))


def test_old_temporaries_are_swept_when_the_store_opens_and_young_ones_kept(tmp_path: Path) -> None:
    data = b"original bytes"
    BlobStore(tmp_path).put(_sha(data), data)
    folder = tmp_path / _sha(data)[:2]
    old = folder / f"{TEMPORARY_PREFIX}killed"
    young = folder / f"{TEMPORARY_PREFIX}writing"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    past = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(old, (past, past))

    reopened = BlobStore(tmp_path)  # as a restarted service opens it

    assert not old.exists()
    assert young.exists()  # may be another process's write in progress
    assert reopened.get(_sha(data)) == data
    assert reopened.sweep_stale(older_than=0) == 1
    assert not young.exists()
