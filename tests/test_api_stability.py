"""The server stays responsive while its worker process extracts, stores and reconciles (issue #15).

A real server (one uvicorn process, so there is no second process to answer while the first is
busy) is read continuously while it takes a generated 20,000-row catalog (1.8 MB of text, 26 MB
of document JSON) and reconciles it: the worker process parses, validates and stores the
document and runs matching, the server only learns a summary, so reads keep their latency.
Uploads in a burst share reconciliations instead of each starting one. SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from pathlib import Path

import httpx
import pytest
from live_server import catalog_text, running_server, time_reads, wait_for_job

from api.keys import Role, create_key
from catalog.store import CatalogStore

READ_P99_LIMIT = 0.200  # seconds
READ_MAX_LIMIT = 1.0
PATHS = ("/health", "/v1/catalog?limit=20")


@pytest.fixture
def database_url(store_url: str) -> str:
    return store_url  # a fresh database on each backend (conftest.py)


def _key(url: str, role: Role) -> str:
    with CatalogStore(url) as store:
        return create_key(store.engine, f"Cán bộ {role.value}", role)


def _reconcile_jobs(client: httpx.Client) -> list[dict[str, object]]:
    return [job for job in client.get("/v1/jobs", params={"limit": 200}).json() if job["kind"] == "reconcile"]


def _wait_for_reconciliations(client: httpx.Client, seconds: float = 300.0) -> list[dict[str, object]]:
    """Every reconciliation job, once none is queued or running (a queued one may wait for its debounce)."""
    deadline = time.monotonic() + seconds
    while True:
        jobs = _reconcile_jobs(client)
        if (jobs and all(job["status"] in ("succeeded", "failed") for job in jobs)) or time.monotonic() > deadline:
            return jobs
        time.sleep(0.2)


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


@pytest.mark.slow
def test_reads_stay_fast_while_a_large_document_is_stored_and_reconciled(database_url: str, tmp_path: Path) -> None:
    # 19,000 rows (just under DANHMUC_MAX_TABLE_ROWS) took the old batch path ~2 min; the incremental path
    # now keys each row by its uncommon words (as matching.blocking does), ~6 ms a row on this machine. 1,500
    # rows keep the store-and-reconcile phase 20-40 s long, hundreds of reads of each path (50 are asked), and
    # a stall like the old one (2-4 s while the server parsed and stored 3,000 rows) still far over the limit;
    # 3,000 cost two CI minutes between the two databases.
    rows = 1_500
    data = catalog_text(rows, "A").encode()
    assert len(data) < 2 * 2**20, "small enough for the direct (201) path: the server waits on it too"
    uploader, reader_key = _key(database_url, Role.UPLOADER), _key(database_url, Role.READER)
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    with running_server(database_url, tmp_path, extractors="1", workers="1", sync_upload_seconds="120") as base:
        # The reads are timed in a process of their own: parsing the 26 MB answer here must not delay them.
        reader = context.Process(target=time_reads, args=(base, reader_key, PATHS, stop, results), daemon=True)
        reader.start()
        try:
            with httpx.Client(base_url=base, headers={"X-API-Key": uploader}, timeout=300) as client:
                answer = client.post("/v1/documents", files={"file": ("danh_muc_lon.txt", data)})
                assert answer.status_code == 201, answer.text[:500]
                job = wait_for_job(client, answer.headers["x-job-id"])
                assert job["status"] == "succeeded" and job["outcome"] == "ingested"
                reconciliations = _wait_for_reconciliations(client)
                assert [job["status"] for job in reconciliations] == ["succeeded"]
                total = client.get("/v1/catalog", params={"limit": 1}).json()["total"]
                assert total >= rows // 2, "the reconciled catalog is served"
        finally:
            stop.set()
            times: dict[str, list[float]] = results.get(timeout=60)
            reader.join(timeout=30)
    assert len(answer.json()["catalog"]) == rows, "the 201 answer is the stored document"
    for path, taken in times.items():
        assert len(taken) >= 50, f"{path}: only {len(taken)} answers while the work ran"
        assert float("inf") not in taken, f"{path}: a read failed or was refused"
        assert _p99(taken) < READ_P99_LIMIT, f"{path}: p99 {_p99(taken) * 1000:.0f} ms over {len(taken)}"
        # The stall itself: when the server parsed and stored the document, reads waited 2-4 s (p99 still
        # passed, the stall being a few seconds of a two-minute run); now the slowest is ~0.3 s.
        assert max(taken) < READ_MAX_LIMIT, f"{path}: a read waited {max(taken):.1f} s"


@pytest.mark.slow
def test_a_burst_of_uploads_shares_reconciliations(database_url: str, tmp_path: Path) -> None:
    uploader = _key(database_url, Role.UPLOADER)
    with running_server(database_url, tmp_path, extractors="2", sync_upload_bytes="0") as base:
        with httpx.Client(base_url=base, headers={"X-API-Key": uploader}, timeout=120) as client:
            jobs = []
            for index in range(20):
                text = catalog_text(3, f"K{index:02d}").encode()
                answer = client.post("/v1/documents", files={"file": (f"k{index:02d}.txt", text)})
                assert answer.status_code == 202, answer.text
                jobs.append(str(answer.json()["id"]))
                time.sleep(0.25)  # uploads 4 a second: with no debounce this made 17 runs
            finished = [wait_for_job(client, job_id) for job_id in jobs]
            assert [job["status"] for job in finished] == ["succeeded"] * 20
            reconciliations = _wait_for_reconciliations(client)
            assert all(job["status"] == "succeeded" for job in reconciliations)
            assert 1 <= len(reconciliations) <= 3, f"{len(reconciliations)} reconciliations for 20 uploads"
            for job in finished:
                entries = client.get(f"/v1/documents/{job['document_id']}/catalog").json()
                assert len(entries) == 3 and all(entry["dataset_id"] for entry in entries), job["filename"]
