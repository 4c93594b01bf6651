"""kill -9 at any moment loses nothing and leaves no process behind (issue #15), on both stores.

A small version of benchmarks/kill_campaign.py: only the process group leader is killed (its pool
workers must go by themselves), the run is resumed, and the final store must equal a clean run's.
The full campaign (scans, LibreOffice, random moments, the API server) is the benchmark.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.kill_campaign import (
    CORPUS,
    Launch,
    _state,
    canonical_dump,
    cli,
    differences,
    finish,
    fresh_url,
    ingest_args,
    kill_leader,
    marked_processes,
    survivors,
    wait_for,
)
from catalog.blobs import BlobStore
from catalog.store import CatalogStore
from catalog.testing import postgres_unreachable_reason


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Typed corpus documents: plans, a decision, a DOCX, a legacy-encoded text (no OCR: seconds, not minutes)."""
    root = tmp_path_factory.mktemp("archive")
    names = ("bac_ninh_ke_hoach_2026.txt", "dong_cuu_ke_hoach_2026.txt", "ha_tinh_qd_1402_danh_muc_csdl.txt",
             "hung_yen_ke_hoach_du_lieu_mo.docx", "son_hai_ke_hoach_2026.txt",
             "son_hai_ke_hoach_2026_vni.txt")  # fmt: skip
    for name in names:
        shutil.copy(CORPUS / name, root / name)
    return root


def _dump(url: str, work: Path) -> dict[str, object]:
    store = CatalogStore(url)
    try:
        return canonical_dump(store, BlobStore(work / "data" / "blobs"))
    finally:
        store.close()


@pytest.mark.slow
def test_kills_while_storing_and_reconciling_lose_nothing_and_leave_nothing(
    database: str, archive: Path, tmp_path: Path
) -> None:
    rng = random.Random(15)
    with fresh_url(database, tmp_path / "clean") as clean_url:
        finish(cli(ingest_args(archive, tmp_path / "clean"), clean_url, tmp_path / "clean"))
        expected = _dump(clean_url, tmp_path / "clean")
    assert expected["problems"] == [] and expected["missing_originals"] == []
    assert len(expected["documents"]) == len(list(archive.iterdir()))  # type: ignore[arg-type]

    with fresh_url(database, tmp_path / "killed") as url:
        _kill_three_times(database, archive, url, tmp_path / "killed", rng)
        assert differences(expected, _dump(url, tmp_path / "killed")) == []


def _kill_three_times(database: str, archive: Path, url: str, tmp_path: Path, rng: random.Random) -> None:
    """Kill the leader while storing, while reconciling at the end of ingest (when it lands: a fast
    machine may be done first) and in `danhmuc reconcile --rebuild`."""
    kills = []
    # 1. just after the first document's transaction commits: the pool is busy with the next files
    launch = cli(ingest_args(archive, tmp_path), url, tmp_path)
    assert wait_for(lambda: _state(url)[0] >= 1, launch, 120), launch.log.read_text()
    assert len(marked_processes(launch.token)) >= 2  # the leader and its extraction workers
    kills.append(kill_leader(launch, url, "storing", database))
    stored = _state(url)[0]
    assert 1 <= stored < len(list(archive.iterdir()))
    # 2. during the reconciliation that ends the resumed ingest
    launch = cli(ingest_args(archive, tmp_path), url, tmp_path)
    assert wait_for(lambda: _state(url)[1] == "finished", launch, 120), launch.log.read_text()
    time.sleep(rng.uniform(0.2, 1.0))
    kills.append(kill_leader(launch, url, "reconcile-in-ingest", database))
    # 3. `danhmuc reconcile --rebuild` (always work to do, even when kill 2 came too late), at a
    # random point of the time a whole one takes here
    whole = finish(cli(["reconcile", "--rebuild"], url, tmp_path))
    launch = cli(["reconcile", "--rebuild"], url, tmp_path)
    time.sleep(rng.uniform(0.3, 0.9) * whole)
    kills.append(kill_leader(launch, url, "reconcile-command", database))
    assert kills[0] is not None and kills[2] is not None, kills

    landed = [k for k in kills if k is not None]
    assert [k.orphans for k in landed] == [[]] * len(landed), "processes of a killed run survived it"
    finish(cli(ingest_args(archive, tmp_path), url, tmp_path))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed")
def test_killed_server_job_is_rerun_with_nothing_half_stored(tmp_path: Path) -> None:
    """``danhmuc serve`` killed while its extraction process converts a .doc with LibreOffice: after a
    restart (and the dead process's lease, 10 s here) the job runs again and stores the document once.
    SQLite only: the campaign kills the server on PostgreSQL too."""
    from benchmarks.kill_campaign import server_kill

    upload = Path(shutil.copy(CORPUS / "son_hai_ke_hoach_2026.doc", tmp_path / "ke-hoach.doc"))
    with fresh_url("sqlite", tmp_path) as url:
        killed = server_kill(url, tmp_path, upload, random.Random(15), "sqlite", window=0.5, stage="extracting",
                             patience=240)  # fmt: skip
    assert killed.stage == "extracting", killed
    assert len(killed.running) >= 2, killed  # the server and its extraction process at least
    assert killed.orphans == [] and killed.problems == [], killed
    assert (killed.final_status, killed.outcome) == ("succeeded", "ingested"), killed


@pytest.mark.slow
def test_server_killed_while_reconciling_reruns_it_and_ends_as_a_clean_run(tmp_path: Path) -> None:
    """``danhmuc serve`` killed while its worker process reconciles 500 alike rows (seconds of matching):
    restarted, the job is re-run once its lease lapses (or failed, and `danhmuc reconcile` finishes),
    the store equals a clean run's and nothing of the killed server lives on. SQLite only: the
    campaign does this on PostgreSQL too."""
    from benchmarks.kill_campaign import clean_reconcile_run, reconcile_archive, server_reconcile_kill

    archive, upload = reconcile_archive(tmp_path, rows=500)
    expected, _ = clean_reconcile_run(archive, upload, "sqlite", tmp_path / "clean")
    assert expected["problems"] == [] and len(expected["documents"]) == 2  # type: ignore[arg-type]
    with fresh_url("sqlite", tmp_path / "killed") as url:
        killed = server_reconcile_kill(url, tmp_path / "killed", archive, upload, expected, random.Random(15),
                                       "sqlite", window=(0.3, 1.0), patience=120)  # fmt: skip
    assert killed.landed, killed  # the kill hit the running reconciliation, not a finished one
    assert "spawned" in killed.running, killed  # the worker process that was reconciling
    assert killed.orphans == [] and killed.problems == [], killed
    assert killed.final_status in ("succeeded", "failed"), killed
    assert killed.differences == [], killed


def test_survivors_are_found_by_their_marker(tmp_path: Path) -> None:
    """The orphan check itself: a process that escapes its group (setsid) is seen, and then ended."""
    launch: Launch = cli(["--help"], "sqlite://", tmp_path)
    launch.process.wait(timeout=60)
    assert marked_processes(launch.token) == []
    env = {**os.environ, "DANHMUC_KILL_CAMPAIGN": "escapee-" + launch.token}
    escapee = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env, start_new_session=True)
    try:
        # Popen returns when the child's close-on-exec pipe closes, which the kernel does before it lays out
        # the new environment: /proc/PID/environ can read empty for a moment (a CI run failed on it).
        deadline = time.monotonic() + 10
        while not marked_processes("escapee-" + launch.token) and time.monotonic() < deadline:
            time.sleep(0.05)
        found = survivors("escapee-" + launch.token, grace=0.5)
        assert [line.split()[0] for line in found] == [str(escapee.pid)]
        assert escapee.wait(timeout=10) != 0  # killed by the check
    finally:
        escapee.kill()


# A reconciliation killed after its matching transactions committed and before its last one (concepts,
# run row): the next one found nothing pending and skipped that step, so the concept tables and the
# summary `danhmuc report` prints kept the earlier run's (48 of 154 entries in concepts, "4 documents").
KILL_BEFORE_LAST_STEP = """
import os, signal, sys
from catalog.store import CatalogStore
def killed(*_args):
    os.kill(os.getpid(), signal.SIGKILL)
CatalogStore._store_concepts = staticmethod(killed)
with CatalogStore(sys.argv[1]) as store:
    store.reconcile()
"""


@pytest.mark.slow
def test_reconciliation_killed_before_its_last_transaction_is_finished_by_the_next(
    database: str, tmp_path: Path
) -> None:
    from extract import extract_file

    paths = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")[:4]
    documents = [extract_file(p) for p in paths]
    dumps = []
    for name, kill in (("clean", False), ("killed", True)):
        with fresh_url(database, tmp_path / name) as url:
            with CatalogStore(url) as store:
                for document in documents[:2]:
                    store.add_document(document)
                store.reconcile()
                for document in documents[2:]:
                    store.add_document(document)
            if kill:
                env = {**os.environ, "PYTHONPATH": str(CORPUS.parents[1])}
                run = subprocess.run([sys.executable, "-c", KILL_BEFORE_LAST_STEP, url], env=env, timeout=300,
                                     capture_output=True, text=True, check=False)  # fmt: skip
                assert run.returncode == -9, run.stderr
            with CatalogStore(url) as store:
                store.reconcile()
                dumps.append(canonical_dump(store))
    assert differences(dumps[0], dumps[1]) == []
