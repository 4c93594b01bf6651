"""Batch ingest: the walk, outcomes per file, re-runs, and resuming after `kill -9`."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from catalog import CatalogStore, OutcomeStatus, ingest_directory, walk_archive
from catalog.records import STORED_STATUSES
from danhmuc.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"
# The seed documents (those with a gold file), as text and as DOCX renderings.
SEEDS = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
TEXTS = [DOCS / f"{stem}.txt" for stem in SEEDS]
DOCXS = [DOCS / f"{stem}.docx" for stem in SEEDS if (DOCS / f"{stem}.docx").exists()]


def _small_archive(root: Path) -> Path:
    """Real documents plus the things archives contain: junk, an empty file, binary noise, a copy."""
    (root / "2026" / "xa").mkdir(parents=True)
    for path in TEXTS[:3]:
        shutil.copy(path, root / "2026" / path.name)
    shutil.copy(DOCXS[0], root / "2026" / "xa" / "ke-hoach.bin")  # a misleading extension: content decides
    shutil.copy(TEXTS[0], root / "2026" / "xa" / "ban-sao.txt")  # same bytes under another name
    (root / "2026" / "rong.txt").write_bytes(b"")
    (root / "2026" / "anh.dat").write_bytes(bytes(range(256)) * 8)
    (root / "Thumbs.db").write_bytes(b"junk")
    (root / "2026" / "~$ke-hoach.docx").write_bytes(b"lock")
    return root


def test_walk_tries_every_file_but_junk_and_explains_what_it_rejects(tmp_path: Path) -> None:
    archive = _small_archive(tmp_path / "archive")
    outside = tmp_path / "outside.txt"
    outside.write_text("bí mật", encoding="utf-8")
    (archive / "2026" / "link-ra-ngoai.txt").symlink_to(outside)
    (archive / "2026" / "link-hong.txt").symlink_to(archive / "missing.txt")
    (archive / "2026" / "lien-ket-trong.txt").symlink_to(archive / "2026" / TEXTS[0].name)
    with (archive / "lon.txt").open("wb") as big:
        big.truncate(3 * 2**20)  # sparse: 3 MiB on paper, nothing on disk
    walked = walk_archive(archive, max_bytes=2 * 2**20)
    tried = {c.relative for c in walked.candidates}
    rejected = {r.relative: r.code for r in walked.rejected}
    assert "Thumbs.db" not in tried | set(rejected) and "2026/~$ke-hoach.docx" not in tried | set(rejected)
    assert {"2026/xa/ke-hoach.bin", "2026/anh.dat", "2026/rong.txt"} <= tried
    assert rejected["2026/link-ra-ngoai.txt"] == "symlink_outside"
    assert rejected["2026/link-hong.txt"] == "unreadable"
    assert rejected["lon.txt"] == "too_large"
    assert "2026/lien-ket-trong.txt" in tried  # a link that stays inside the folder is fine
    assert all(" / " in r.reason for r in walked.rejected)  # Vietnamese / English


def test_ingest_records_every_file_and_a_rerun_changes_nothing(store: CatalogStore, tmp_path: Path) -> None:
    archive = _small_archive(tmp_path / "archive")
    errors = tmp_path / "out" / "ingest-errors.csv"
    report = ingest_directory(store, archive, workers=2, errors_csv=errors)
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert {
        name: by_name[name].status for name in ("rong.txt", "anh.dat", "ban-sao.txt", "ke-hoach.bin")
    } == {
        "rong.txt": OutcomeStatus.FAILED,
        "anh.dat": OutcomeStatus.SKIPPED,
        "ban-sao.txt": OutcomeStatus.DUPLICATE,
        "ke-hoach.bin": OutcomeStatus.INGESTED,
    }
    assert by_name["rong.txt"].code == "empty_file" and by_name["anh.dat"].code == "unsupported_format"
    assert all(by_name[p.name].status is OutcomeStatus.INGESTED for p in TEXTS[:3])
    assert len(store.list_documents()) == 4
    with errors.open(encoding="utf-8-sig") as handle:
        listed = {Path(row["path"]).name: row for row in csv.DictReader(handle)}
    assert set(listed) == {"rong.txt", "anh.dat"} and listed["rong.txt"]["reason"]
    assert report.reconciliation is not None and report.reconciliation.document_count == 4
    assert store.check_consistency() == []

    before = [store.get(s.sha256) for s in store.list_documents()]
    (archive / "2026" / "hong.docx").write_bytes(DOCXS[0].read_bytes()[:3000])  # a truncated DOCX arrives
    again = ingest_directory(store, archive, workers=1, errors_csv=errors)
    assert again.counts[OutcomeStatus.UNCHANGED.value] == 5 and again.extracted == 3  # the three bad ones
    assert {Path(o.path).name: o.status for o in again.outcomes}["hong.docx"] is OutcomeStatus.FAILED
    assert len(store.versions()) == 5
    assert [store.get(s.sha256) for s in store.list_documents()] == before  # bad input harmed nothing

    changed = archive / "2026" / TEXTS[1].name
    changed.write_bytes(TEXTS[2].read_bytes())  # same path, other content: a new version
    third = ingest_directory(store, archive, workers=1, errors_csv=None)
    assert {Path(o.path).name: o.status for o in third.outcomes}[TEXTS[1].name] is OutcomeStatus.NEW_VERSION
    assert [v.version for v in store.versions(changed.as_posix())] == [1, 2]
    assert len(store.current_documents()) == 3 and store.check_consistency() == []


def test_ingested_document_is_exactly_what_the_pipeline_returns(store: CatalogStore, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    shutil.copy(TEXTS[-1], archive / "sub" / "plan.txt")
    ingest_directory(store, archive, workers=1, errors_csv=None, reconcile=False)
    expected = process_file(archive / "sub" / "plan.txt", name="sub/plan.txt")
    assert store.get(expected.sha256) == expected


def test_missing_folder_is_a_clear_error(store: CatalogStore, tmp_path: Path) -> None:
    from catalog import ArchiveNotFoundError

    with pytest.raises(ArchiveNotFoundError):
        ingest_directory(store, tmp_path / "khong-co", errors_csv=None)


# ---------------------------------------------------------------- kill -9 and resume


def _corpus_copy(root: Path) -> list[Path]:
    """Several dozen files: the corpus renderings under other names and folders, most with distinct bytes."""
    files = []
    for copy in range(4):
        folder = root / f"dot-{copy}" / "van-ban"
        folder.mkdir(parents=True)
        for path in TEXTS:
            target = folder / f"{path.stem}-{copy}.txt"
            target.write_bytes(path.read_bytes() + b"\n" * (copy + 1))  # other bytes, same document
            files.append(target)
    (root / "docx").mkdir()
    for path in DOCXS:
        files.append(Path(shutil.copy(path, root / "docx" / path.name)))
    (root / "trung").mkdir()
    for path in TEXTS[:3]:
        files.append(Path(shutil.copy(path, root / "trung" / f"ban-sao-{path.name}")))
    return files


def _cli_command() -> list[str]:
    """`danhmuc ingest` as registered in danhmuc/cli.py; the command function itself if not registered yet."""
    from danhmuc.cli import app

    registered = any(
        (command.name or getattr(command.callback, "__name__", "")) == "ingest"
        for command in app.registered_commands
    )
    if registered:
        return [sys.executable, "-m", "danhmuc.cli", "ingest"]
    code = "import typer; from danhmuc.commands_catalog import ingest; typer.run(ingest)"
    return [sys.executable, "-c", code]


def _committed_documents(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


@pytest.mark.slow
def test_kill_minus_nine_then_rerun_finishes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    files = _corpus_copy(archive)
    database = tmp_path / "catalog.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
    command = [*_cli_command(), str(archive), "--workers", "2", "--errors", str(tmp_path / "errors.csv")]

    log = (tmp_path / "first-run.log").open("wb")  # a file, not a pipe: a full pipe would stall the run
    first = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while _committed_documents(database) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the whole group: the parent and its extraction workers
    first.wait(timeout=30)
    log.close()
    assert first.returncode == -signal.SIGKILL, (tmp_path / "first-run.log").read_text(encoding="utf-8")
    killed_at = _committed_documents(database)
    distinct = {path.read_bytes() for path in files}
    assert 3 <= killed_at < len(distinct), "the kill must land in the middle of the batch"

    second = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, timeout=300, check=False)
    assert second.returncode == 0, second.stderr.decode()

    with CatalogStore(f"sqlite:///{database}") as store:
        assert store.check_consistency() == []
        versions = store.versions()
        assert sorted(v.path for v in versions) == sorted(
            p.as_posix() for p in files
        )  # each file exactly once
        assert all(v.current and v.version == 1 for v in versions)
        assert len(store.list_documents(current_only=False)) == len(distinct)
        stored = Counter(o.path for o in store.outcomes() if o.status in STORED_STATUSES)
        assert stored == Counter(p.as_posix() for p in files)  # stored once, across both runs
        runs = store.runs()
        assert [r.status for r in runs] == ["running", "finished"]  # the killed run never finished
        assert runs[1].counts.get(OutcomeStatus.UNCHANGED.value, 0) >= killed_at
        members = [m.key for d in store.datasets() for m in d.members]
        assert len(members) == len(set(members)) == len(store.entry_keys())


def test_every_stored_document_keeps_its_original_bytes(store: CatalogStore, tmp_path: Path) -> None:
    # The copies are written by a thread beside the writer: all of them are made before ingest returns.
    from catalog.blobs import BlobStore

    archive = _small_archive(tmp_path / "archive")
    blobs = BlobStore(tmp_path / "blobs")
    report = ingest_directory(store, archive, workers=2, reconcile=False, blobs=blobs)
    stored = [o for o in report.outcomes if o.status in STORED_STATUSES]
    assert len(stored) >= 4
    for outcome in stored:
        assert blobs.get(outcome.sha256) == Path(outcome.path).read_bytes()


MEMORY_RELEASE = """
import sys
from extract.safety import MemoryRelease, current_rss_bytes
if not current_rss_bytes():
    sys.exit(3)
release = MemoryRelease(growth=32 * 2**20)
release.start()  # a worker's start
assert release.after_document() is False  # nothing grew: no full collection after a small document
held = [bytes(1000) + bytes([i % 256]) for i in range(60_000)]  # ~64 MiB of small objects, kept
assert release.after_document() is True
assert release.after_document() is False  # the baseline moved to where the process now is
"""


def test_worker_memory_is_released_only_after_the_heap_grew() -> None:
    # In a fresh interpreter, as a worker starts: in the test process the heap keeps free memory from
    # earlier tests, and 64 MiB of new objects may not grow it at all.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", MEMORY_RELEASE], env=env, capture_output=True, text=True,
                         timeout=120, check=False)  # fmt: skip
    if run.returncode == 3:
        pytest.skip("no /proc/self/statm here")
    assert run.returncode == 0, run.stderr
