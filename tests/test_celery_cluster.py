"""Celery workers with the real parts: Redis as broker, a PostgreSQL database of the test's own, and two
`danhmuc worker` processes with separate working directories (no shared files), started for the module.

Upload through a real server and ingest through the real command; kill -9 a worker mid-document and
check that the document is stored once and the job finishes on the other worker; a parser stuck in C
code is killed at the hard time limit; a job whose broker message was lost is sent again. Skipped,
with the reason, when Redis or PostgreSQL does not answer (.ci/run starts both).

Each run has a broker queue of its own: runs sharing the Redis (other checkouts, CI jobs) would
otherwise take each other's job ids, which their databases do not have.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
from live_server import running_server
from pypdf import PdfReader
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.cluster.local import PROJECT_ROOT, RunningWorker, running_worker, running_workers
from api.keys import Role, create_key
from catalog.models import BlobRow, DocumentRow, FileVersionRow, JobRow
from catalog.store import CatalogStore
from catalog.testing import postgres_test_url, postgres_unreachable_reason

pytestmark = pytest.mark.slow

CORPUS = PROJECT_ROOT / "corpus" / "docs"
BROKER = os.environ.get("DANHMUC_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")
QUEUE = f"danhmuc-test-{uuid.uuid4().hex[:8]}"
REDELIVERY_SECONDS = 20  # a vanished worker's task is restored this long after it was taken
RESEND_SECONDS = 10  # a job queued this long without a worker taking it lost its message (sweeps every 2 s)


def _redis_unreachable_reason(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis unreachable at {url}: {error}"
    return None


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of this module's own (CREATE DATABASE, as createdb does), dropped afterwards."""
    if reason := postgres_unreachable_reason() or _redis_unreachable_reason(BROKER):
        pytest.skip(reason)
    name = f"danhmuc_celery_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_test_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_test_url()).set(database=name).render_as_string(hide_password=False)
    with CatalogStore(url):
        pass  # schema at head before the workers start
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        import redis

        queues = (QUEUE, f"{QUEUE}-stall")  # what this run left queued and its bindings, nothing else
        redis.Redis.from_url(BROKER).delete(*queues, *(f"_kombu.binding.{queue}" for queue in queues))


@pytest.fixture(scope="module")
def workers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RunningWorker]]:
    root = tmp_path_factory.mktemp("workers")
    with running_workers(2, root, database_url=database_url, broker_url=BROKER, concurrency=1, task_queue=QUEUE,
                         processing_timeout="120", task_redelivery_seconds=str(REDELIVERY_SECONDS),
                         task_resend_seconds=str(RESEND_SECONDS),
                         reconcile_debounce_seconds="0.5") as started:  # fmt: skip
        yield started


def _env(database_url: str, folder: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": database_url, "DANHMUC_BROKER_URL": BROKER,
            "DANHMUC_TASK_QUEUE": QUEUE, "DANHMUC_DATA_DIR": str(folder / "data")}  # fmt: skip


def _ingest(database_url: str, archive: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "danhmuc.cli", "ingest", str(archive), "--errors", str(folder / "errors.csv")],
        env=_env(database_url, folder), cwd=folder, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_ingest_goes_through_both_workers_with_per_file_errors_and_resumes(
    database_url: str, workers: list[RunningWorker], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for source in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.docx")):
        (archive / source.name).write_bytes(source.read_bytes())
    (archive / "copy_of_bac_ninh.txt").write_bytes((CORPUS / "bac_ninh_ke_hoach_2026.txt").read_bytes())
    (archive / "broken.docx").write_bytes(b"PK\x03\x04 this is not a whole DOCX package")
    extractable = len(list(CORPUS.glob("*.txt"))) + len(list(CORPUS.glob("*.docx")))

    first = _ingest(database_url, archive, tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "duplicate 1" in first.stdout and "failed 1" in first.stdout, first.stdout
    assert f"ingested {extractable}" in first.stdout, first.stdout
    assert "Hợp nhất / reconciled" in first.stdout  # reconciled by a worker, waited for by the command
    errors = (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")
    assert "broken.docx" in errors and "failed" in errors
    assert "Nạp / ingest" in first.stderr  # the progress bar, as without Celery

    with CatalogStore(database_url) as store, Session(store.engine) as session:
        stored = {sha for (sha,) in session.execute(select(DocumentRow.sha256))}
        assert len(stored) >= extractable
        # the bytes travelled through the database: every stored document's original is in the blob table
        blobs = {sha for (sha,) in session.execute(select(BlobRow.sha256))}
        assert stored <= blobs
        reconcile = session.scalars(select(JobRow).where(JobRow.kind == "reconcile")).all()
        assert reconcile and all(job.status == "succeeded" for job in reconcile)
        assert any(job.lease_owner.startswith(("w1@", "w2@")) for job in reconcile)
    for worker in workers:  # both workers took files (prefetch 1: neither holds what it does not run)
        assert "danhmuc.extract" in worker.log and "'stored'" in worker.log, worker.log[-2000:]
        assert not list((worker.folder / "data").glob("**/blobs/*")), "a worker kept a local copy"

    again = _ingest(database_url, archive, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    # only the broken file is tried again (as without Celery: a failure stores nothing)
    assert "extracted 1 " in again.stdout and f"failed 1, unchanged {extractable + 1}" in again.stdout, again.stdout


def _wait_for(condition: str, probe: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {condition}")


def _job(database_url: str, job_id: str) -> JobRow:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            row = session.get(JobRow, job_id)
            assert row is not None
            session.expunge(row)
            return row
    finally:
        engine.dispose()


def _api_key(database_url: str) -> str:
    with CatalogStore(database_url) as store:
        return create_key(store.engine, "Kiểm thử Celery", Role.REVIEWER)


def test_an_upload_is_a_celery_task_and_shows_in_the_catalog(
    database_url: str, workers: list[RunningWorker], tmp_path: Path
) -> None:
    key = _api_key(database_url)
    text_bytes = (CORPUS / "son_hai_ke_hoach_2026.txt").read_bytes() + "\n\nGhi chú: bản tải lên kiểm thử.\n".encode()
    (tmp_path / "server").mkdir()
    with running_server(database_url, tmp_path / "server", broker_url=BROKER, task_queue=QUEUE) as base:
        headers = {"Authorization": f"Bearer {key}"}
        answer = httpx.post(f"{base}/v1/documents", headers=headers, timeout=60,
                            files={"file": ("son_hai_upload.txt", text_bytes, "text/plain")})  # fmt: skip
        assert answer.status_code in (201, 202), answer.text
        job_id = answer.headers.get("X-Job-Id") or answer.json()["id"]
        _wait_for("the upload job", lambda: _job(database_url, job_id).status in ("succeeded", "failed"), 120)
        job = _job(database_url, job_id)
        assert job.status == "succeeded", job.error_message
        assert job.lease_owner.startswith(("w1@", "w2@"))  # a worker ran it, not the server
        done_at = time.monotonic()

        def visible() -> bool:
            entries = httpx.get(f"{base}/v1/documents/{job.sha256}/catalog", headers=headers, timeout=10).json()
            if not entries or not all(entry["dataset_id"] for entry in entries):
                return False
            dataset = httpx.get(f"{base}/v1/catalog/{entries[0]['dataset_id']}", headers=headers, timeout=10)
            return dataset.status_code == 200 and job.sha256 in dataset.text

        _wait_for("the upload in the catalog", visible, 60)
        waited = time.monotonic() - done_at  # debounce, reconciliation in a worker, the view's recheck
        assert waited < 30, f"the upload showed in the catalog {waited:.1f} s after its job succeeded"
        original = httpx.get(f"{base}/v1/documents/{job.sha256}/file", headers=headers, timeout=10)
        assert original.status_code == 200 and original.content == text_bytes  # served from the blob table
    assert not (tmp_path / "server" / "blobs").exists() or not any((tmp_path / "server" / "blobs").iterdir())
    with Session(create_engine(database_url)) as session:
        reconciles = session.scalars(select(JobRow).where(JobRow.kind == "reconcile")
                                     .order_by(JobRow.created_at.desc())).all()  # fmt: skip
        assert reconciles[0].status == "succeeded" and reconciles[0].lease_owner.startswith(("w1@", "w2@"))


def _long_pdf(target: Path) -> bytes:
    """A typed PDF of a few dozen pages (the corpus plans one after another): seconds of extraction."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        for source in sorted(CORPUS.glob("*_ke_hoach_2026.pdf")):
            writer.append(str(source))
    writer.add_metadata({"/Title": f"Kế hoạch tổng hợp {uuid.uuid4().hex[:6]}"})
    with target.open("wb") as out:
        writer.write(out)
    return target.read_bytes()


def test_a_worker_killed_mid_document_loses_nothing(
    database_url: str, workers: list[RunningWorker], tmp_path: Path
) -> None:
    key = _api_key(database_url)
    data = _long_pdf(tmp_path / "tong_hop.pdf")
    (tmp_path / "server").mkdir()
    with running_server(database_url, tmp_path / "server", broker_url=BROKER, task_queue=QUEUE,
                        sync_upload_bytes="0") as base:  # fmt: skip
        answer = httpx.post(f"{base}/v1/documents", headers={"Authorization": f"Bearer {key}"}, timeout=60,
                            files={"file": ("tong_hop.pdf", data, "application/pdf")})  # fmt: skip
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        _wait_for("extraction to start", lambda: _job(database_url, job_id).stage == "extracting", 120)
        holder = _job(database_url, job_id).lease_owner
        victim = next(worker for worker in workers if holder.startswith(worker.name + "@"))
        victim.kill()  # the worker and its extraction process, mid-document, as a lost host
        assert _job(database_url, job_id).status == "running"
        survivor = next(worker for worker in workers if worker is not victim)
        _wait_for("the job to finish on the other worker",
                  lambda: _job(database_url, job_id).status in ("succeeded", "failed"), 300)  # fmt: skip
    job = _job(database_url, job_id)
    assert job.status == "succeeded", job.error_message
    assert job.lease_owner.startswith(survivor.name + "@") and job.attempts == 2
    pages = len(PdfReader(tmp_path / "tong_hop.pdf").pages)  # the survivor counted them again from 0
    assert (job.pages_done, job.pages_total) == (pages, pages)
    with Session(create_engine(database_url)) as session:
        same = select(func.count()).select_from(DocumentRow).where(DocumentRow.sha256 == job.sha256)
        assert session.scalar(same) == 1
        versions = session.scalars(select(FileVersionRow).where(FileVersionRow.path == job.path)).all()
        assert len(versions) == 1 and versions[0].is_current


@contextmanager
def _started_alongside(started: AbstractContextManager[str]) -> Iterator[Future[str]]:
    """Enter ``started`` in a thread, so that what the test starts next starts at the same time."""
    with ThreadPoolExecutor(1) as pool:
        entering = pool.submit(started.__enter__)
        try:
            yield entering
        finally:
            if entering.exception() is None:
                started.__exit__(None, None, None)


def test_a_parser_stuck_in_c_code_is_killed_at_the_hard_time_limit_and_the_worker_goes_on(
    database_url: str, tmp_path: Path
) -> None:
    """A worker of its own queue with a 3 s limit; the file named ``…stall-in-c…`` sleeps in libc with the
    soft limit's signal blocked (api/cluster/faults.py), so only the hard limit (3 s later) ends it."""
    queue, limit = f"{QUEUE}-stall", 3
    key = _api_key(database_url)
    headers = {"Authorization": f"Bearer {key}"}
    (tmp_path / "server").mkdir()
    with (
        _started_alongside(running_server(database_url, tmp_path / "server", broker_url=BROKER, task_queue=queue,
                                          sync_upload_bytes="0")) as server,
        running_worker("w3", tmp_path / "w3", database_url=database_url, broker_url=BROKER, task_queue=queue,
                       processing_timeout=str(limit), test_stall_in_c="stall-in-c",
                       test_swallow_limit="swallow-limit",
                       reconcile_after_ingest="0") as worker,  # no reconciliation left queued on this queue
    ):  # fmt: skip
        base = server.result()
        stuck = (CORPUS / "bac_ninh_ke_hoach_2026.txt").read_bytes() + b"\n\nstall\n"
        answer = httpx.post(f"{base}/v1/documents", headers=headers, timeout=60,
                            files={"file": ("bien_ban_stall-in-c.txt", stuck, "text/plain")})  # fmt: skip
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        _wait_for("the stuck job to start", lambda: _job(database_url, job_id).stage == "extracting", 60)
        started = time.monotonic()
        _wait_for("the stuck job to end", lambda: _job(database_url, job_id).status != "running", 60)
        stopped_after = time.monotonic() - started
        job = _job(database_url, job_id)
        assert job.status == "failed" and job.error_code == "processing_timeout", (job.status, job.error_code)
        assert "bien_ban_stall-in-c.txt" in job.error_message and f"({limit} giây)" in job.error_message
        assert job.attempts == 1  # failed, not handed to the queue again to hang another process
        assert stopped_after >= limit, stopped_after  # the soft limit could not stop it: the hard one did
        assert "killed at the hard time limit" in worker.log and "Hard time limit" in worker.log

        # a reader that catches the soft limit's exception and goes on: failed all the same, nothing stored
        swallowing = (CORPUS / "bac_ninh_ke_hoach_2026.txt").read_bytes() + b"\n\nswallow\n"
        answer = httpx.post(f"{base}/v1/documents", headers=headers, timeout=60,
                            files={"file": ("bao_cao_swallow-limit.txt", swallowing, "text/plain")})  # fmt: skip
        swallowed_id = answer.json()["id"]
        _wait_for("the swallowing job", lambda: _job(database_url, swallowed_id).status in ("succeeded", "failed"), 60)
        swallowed = _job(database_url, swallowed_id)
        assert swallowed.status == "failed" and swallowed.error_code == "processing_timeout", swallowed.error_message
        assert "bao_cao_swallow-limit.txt" in swallowed.error_message

        # the worker replaced the killed process and takes the next file (a short one: well within the limit)
        fine = "Kế hoạch số 12/KH-UBND ngày 05/01/2026 về chuyển đổi số, sau khi treo.\n".encode()
        answer = httpx.post(f"{base}/v1/documents", headers=headers, timeout=60,
                            files={"file": ("son_hai_sau.txt", fine, "text/plain")})  # fmt: skip
        next_id = answer.json()["id"]
        _wait_for("the next job", lambda: _job(database_url, next_id).status in ("succeeded", "failed"), 120)
        after = _job(database_url, next_id)
        assert after.status == "succeeded" and after.lease_owner.startswith("w3@"), after.error_message
    with Session(create_engine(database_url)) as session:
        stored = select(func.count()).select_from(DocumentRow)
        assert not session.scalar(stored.where(DocumentRow.sha256.in_([job.sha256, swallowed.sha256])))


def _publisher(database_url: str) -> None:
    """This test process sends tasks as a server would (the module's queue and broker)."""
    from api.cluster.app import configure
    from api.settings import Settings

    configure(Settings.from_env(database_url=database_url, broker_url=BROKER, task_queue=QUEUE))


def test_a_job_whose_broker_message_was_lost_is_sent_again_once_and_stored_once(
    database_url: str, workers: list[RunningWorker]
) -> None:
    """A job row committed whose message never reached Redis (flushed, restarted): a worker's sweeper sends it
    again once; the lost message turning up afterwards stores nothing more."""
    from datetime import UTC, datetime, timedelta

    from api.cluster import jobrows
    from api.cluster.tasks import publish_extract
    from catalog.blob_table import DatabaseBlobStore

    data = (CORPUS / "bac_ninh_ke_hoach_2026.txt").read_bytes() + f"\n\nmất tin {uuid.uuid4().hex}\n".encode()
    sha256 = hashlib.sha256(data).hexdigest()
    queued_at = datetime.now(UTC) - timedelta(seconds=RESEND_SECONDS + 1)  # queued, then the broker lost it
    with CatalogStore(database_url) as store, Session(store.engine) as session, session.begin():
        DatabaseBlobStore(store.engine).put(sha256, data, session=session)
        row = jobrows.new_job(session, kind="ingest", filename="mat_tin.txt", path="api/mat_tin.txt",
                              sha256=sha256, size_bytes=len(data), owner="cli")  # fmt: skip
        row.created_at = row.updated_at = queued_at
        job_id = row.id
    _wait_for("the lost job to be sent again and done",
              lambda: _job(database_url, job_id).status in ("succeeded", "failed"), 60)  # fmt: skip
    job = _job(database_url, job_id)
    assert job.status == "succeeded" and job.attempts == 1, job.error_message
    resent = [line for worker in workers for line in worker.log.splitlines() if f"re-sent job {job_id}" in line]
    assert len(resent) == 1, resent  # two workers sweep; one sent it

    _publisher(database_url)
    done_before = sum(worker.log.count("'done'") for worker in workers)
    publish_extract(job_id, reconcile_after=False)  # the lost message turns up after all
    _wait_for("the late message", lambda: sum(worker.log.count("'done'") for worker in workers) > done_before, 60)
    job = _job(database_url, job_id)
    assert job.status == "succeeded" and job.attempts == 1
    with Session(create_engine(database_url)) as session:
        same = select(func.count()).select_from(DocumentRow).where(DocumentRow.sha256 == sha256)
        assert session.scalar(same) == 1
