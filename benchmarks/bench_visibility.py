"""How long after its job succeeds an upload shows in the catalog, with Celery workers (issue 13: ≤ 10 s).

    .venv/bin/python benchmarks/bench_visibility.py [--uploads 5] [--burst 5] [--preload 2] [--json out/x.json]
    .venv/bin/python benchmarks/bench_visibility.py --local --database sqlite:////tmp/fix/copy.db

Two ``danhmuc worker --concurrency 1`` processes behind Redis and one ``danhmuc serve`` process (with
``--local``, the server alone with its own worker process), on a fresh PostgreSQL database (with
``--database``, a copy of an existing store, such as the 10,000 documents of ``replicate_store``), all with
the deployment defaults (reconciliation debounced ``DANHMUC_RECONCILE_DEBOUNCE_SECONDS`` = 2 s, run by a
worker). A fresh store is first filled with the typed corpus renderings ``--preload`` times over (distinct
bytes) and reconciled. Then uploads of
distinct variants of a corpus plan (a note appended) go through the API as jobs (202), one at a time and then
``--burst`` at once; for each, the wait runs from the job's end (its row's ``updated_at``, the
moment the worker recorded success) to the first moment its entries have datasets and
``GET /v1/catalog/{id}`` of one of them lists the document and a search of the catalog by that dataset's title
(``GET /v1/catalog?q=``: the server's in-memory catalog view, what a reviewer browses) lists the document in
that dataset (polled every 50 ms). That wait is the
debounce, the queued reconciliation task reaching a worker, the reconciliation, and the web
server's recheck of the catalog.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.cluster.ingest import ingest_through_celery
from api.cluster.local import running_workers
from api.keys import Role, create_key
from api.settings import Settings
from catalog.models import DocumentRow
from catalog.store import CatalogStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_celery import build_archive, fresh_database  # noqa: E402
from live_server import running_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# a plan whose text has a catalog table (some corpus plans keep theirs only in the DOCX/PDF renderings)
PLAN = ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026.txt"
POLL = 0.05
GIVE_UP_SECONDS = 300.0


def _variant(index: int) -> tuple[str, bytes]:
    source = PLAN
    extra = f"\n\nGhi chú: bản tải lên đo thời gian số {index} ({uuid.uuid4().hex[:8]}).\n"
    return f"{source.stem}_tai_len_{index}.txt", source.read_bytes() + extra.encode()


def _visible(client: httpx.Client, sha256: str) -> bool:
    """Its entries have datasets, one of them lists it (read from the store), and the catalog a reviewer browses
    and searches (the server's in-memory view, ``GET /v1/catalog?q=``) lists the document in that dataset."""
    entries = client.get(f"/v1/documents/{sha256}/catalog").json()
    if not entries or not all(entry["dataset_id"] for entry in entries):
        return False
    dataset_id = entries[0]["dataset_id"]
    dataset = client.get(f"/v1/catalog/{dataset_id}")
    if dataset.status_code != 200 or sha256 not in dataset.text:
        return False
    listed = client.get("/v1/catalog", params={"q": dataset.json()["title"][:200], "limit": 200})
    return listed.status_code == 200 and any(
        item["id"] == dataset_id and sha256 in item["document_ids"] for item in listed.json()["items"]
    )


def upload_and_wait(client: httpx.Client, index: int) -> dict[str, float]:
    """One upload: seconds from its job's success to the catalog showing it, and the job's own seconds."""
    name, data = _variant(index)
    answer = client.post("/v1/documents", files={"file": (name, data, "text/plain")})
    answer.raise_for_status()
    job_id = answer.json()["id"]
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"upload {name}: its job did not end in {GIVE_UP_SECONDS} s: {job}")
        time.sleep(POLL)
    if job["status"] != "succeeded":
        raise RuntimeError(f"upload {name} failed: {job['error_message']}")
    success_seen = time.time()  # the client's own clock, within one poll of the success (a check on updated_at)
    while not _visible(client, job["document_id"]):
        if time.monotonic() > deadline:
            entries = client.get(f"/v1/documents/{job['document_id']}/catalog").text[:500]
            raise RuntimeError(f"upload {name} not in the catalog after {GIVE_UP_SECONDS} s: {entries}")
        time.sleep(POLL)
    seen = time.time()
    succeeded = datetime.fromisoformat(job["updated_at"]).timestamp()
    created = datetime.fromisoformat(job["created_at"]).timestamp()
    return {"after_success": seen - succeeded, "after_seen": seen - success_seen, "job": succeeded - created}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=5, help="uploads one at a time")
    parser.add_argument("--burst", type=int, default=5, help="uploads at once, after those")
    parser.add_argument("--preload", type=int, default=2, help="copies of the typed corpus stored first")
    parser.add_argument("--broker", default=os.environ.get("DANHMUC_BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--database", default="", help="an existing store to upload into (a copy: it is written "
                        "to), instead of a fresh PostgreSQL database preloaded with the corpus")  # fmt: skip
    parser.add_argument("--local", action="store_true", help="no broker: the server's own worker process "
                        "extracts and reconciles, as `danhmuc serve` does with none configured")  # fmt: skip
    arguments = parser.parse_args()
    queue = f"danhmuc-bench-{uuid.uuid4().hex[:8]}"  # the benchmark's own queue on a shared Redis
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="danhmuc_bench_visibility_") as folder, ExitStack() as stack:
        root = Path(folder)
        url = arguments.database or stack.enter_context(fresh_database("vis"))
        broker = {} if arguments.local else {"broker_url": arguments.broker, "task_queue": queue}
        if not arguments.local:
            stack.enter_context(running_workers(2, root / "workers", database_url=url, broker_url=arguments.broker,
                                                concurrency=1, task_queue=queue))  # fmt: skip
        if not arguments.database and arguments.preload and build_archive(root / "archive", arguments.preload):
            settings = Settings.from_env(database_url=url, broker_url=arguments.broker, task_queue=queue)
            ingest_through_celery(settings, root / "archive", reconcile=True)
        with CatalogStore(url) as store:
            key = create_key(store.engine, "Đo thời gian hiển thị", Role.UPLOADER)
            with Session(store.engine) as session:
                documents = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
        (root / "server").mkdir()
        with running_server(url, root / "server", sync_upload_bytes="0", startup_seconds=300, **broker) as base:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
                started = time.monotonic()
                client.get("/v1/catalog", params={"limit": 1}).raise_for_status()  # the view built once, first
                first_view = time.monotonic() - started
                one_by_one = [upload_and_wait(client, index) for index in range(arguments.uploads)]
                with ThreadPoolExecutor(arguments.burst) as pool:
                    indexes = range(arguments.uploads, arguments.uploads + arguments.burst)
                    burst = list(pool.map(lambda index: upload_and_wait(client, index), indexes))
    load_after = os.getloadavg()[0]
    print(
        f"store: {documents} documents before; {'local worker' if arguments.local else '2 Celery workers'}; "
        f"first catalog view {first_view:.1f} s; load average {load_before:.1f} → {load_after:.1f} "
        f"on {os.cpu_count()} cores"
    )
    result: dict[str, object] = {"preloaded": documents, "load": [load_before, load_after], "first_view": first_view,
                                 "local": arguments.local}  # fmt: skip
    for label, runs in (("one at a time", one_by_one), (f"{arguments.burst} at once", burst)):
        waits = sorted(run["after_success"] for run in runs)
        seen = sorted(run["after_seen"] for run in runs)
        jobs = [run["job"] for run in runs]
        print(
            f"{label:<14} uploads {len(runs):>2}  visible after success: median {statistics.median(waits):.2f} s, "
            f"max {waits[-1]:.2f} s; after the client saw it: median {statistics.median(seen):.2f} s, "
            f"max {seen[-1]:.2f} s  (job itself: median {statistics.median(jobs):.2f} s)"
        )
        result[label] = {"after_success": waits, "after_seen": seen, "job": jobs}
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
