"""API benchmark on loopback: catalog reads under 50 concurrent clients, and upload throughput.

    .venv/bin/python benchmarks/bench_api.py [--datasets 10000] [--clients 50] [--requests 20]
                                             [--workers 2] [--include-scans] [--skip-upload]

Reads: the store is seeded directly with synthetic datasets, then every client sends GET
/v1/catalog requests (pages, text search with and without diacritics, filters) one after
another; p50/p99 latency and requests/s are printed (target p99 < 50 ms). Uploads: the corpus
files are posted to a fresh server with ``--workers`` extraction processes and the time until
every job has finished is reported. Everything is bounded and runs on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from api.keys import Role, create_key
from api.testing import SyntheticEntry, running_server, seed_catalog, wait_for_job
from catalog.store import CatalogStore

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "dữ liệu hộ nghèo giáo viên học sinh đất đai hộ tịch doanh nghiệp thuế y tế bệnh viện giao thông "
    "môi trường nước rừng thủy sản lao động việc làm bảo hiểm văn hóa du lịch dân cư công chức"
).split()
UNITS = ("Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ",
         "UBND xã Đông Cứu", "Công an tỉnh")  # fmt: skip
GROUPS = ("Lĩnh vực y tế", "Lĩnh vực giáo dục", "Lĩnh vực tư pháp", "Lĩnh vực tài chính", "Lĩnh vực xã hội")
SHARING = (("open", "Dữ liệu mở"), ("default", "Chia sẻ mặc định"), ("internal", "Nội bộ"))
FREQUENCY = ("ANNUAL", "MONTHLY", "QUARTERLY", "IRREG")
QUERIES: tuple[dict[str, str], ...] = ({}, {"offset": "500"}, {"q": "hộ nghèo"}, {"q": "ho ngheo"}, {"unit": "so y te"},
           {"sharing": "open"}, {"frequency": "ANNUAL", "limit": "20"}, {"domain": "giao duc"})  # fmt: skip


def synthetic(count: int) -> list[SyntheticEntry]:
    rng = random.Random(7)
    entries = []
    for index in range(count):
        sharing, label = rng.choice(SHARING)
        title = f"Cơ sở dữ liệu {' '.join(rng.sample(WORDS, 3))} {index}"
        entries.append(SyntheticEntry(title, rng.choice(UNITS), rng.choice(GROUPS), sharing, label,
                                      (rng.choice(FREQUENCY),), "", "tỉnh Thử"))  # fmt: skip
    return entries


async def _client(base: str, key: str, requests: int, latencies: list[float], seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30) as client:
        for _ in range(requests):
            start = time.perf_counter()
            response = await client.get("/v1/catalog", params=rng.choice(QUERIES))
            latencies.append(time.perf_counter() - start)
            response.raise_for_status()


def bench_reads(datasets: int, clients: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        started = time.perf_counter()
        with CatalogStore(url) as store:
            seeded = seed_catalog(store, synthetic(datasets))
            key = create_key(store.engine, "bench", Role.READER)
        print(f"seeded {seeded} datasets in {time.perf_counter() - started:.1f} s")
        with running_server(url, Path(folder), workers="0") as base:
            httpx.get(f"{base}/v1/catalog", headers={"X-API-Key": key}, timeout=60).raise_for_status()  # warm cache
            latencies: list[float] = []

            async def run_all() -> None:
                await asyncio.gather(*(_client(base, key, requests, latencies, i) for i in range(clients)))

            started = time.perf_counter()
            asyncio.run(run_all())
            elapsed = time.perf_counter() - started
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        print(f"GET /v1/catalog over {seeded} datasets, {clients} concurrent clients, {len(latencies)} requests:")
        print(f"  p50 {p50:.1f} ms  p99 {p99:.1f} ms  {len(latencies) / elapsed:.0f} requests/s  (target p99 < 50 ms)")


def bench_uploads(workers: int, include_scans: bool) -> None:
    files = sorted(p for p in (ROOT / "corpus" / "docs").iterdir() if p.is_file())
    if not include_scans:
        files = [p for p in files if "_scan" not in p.name]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/upload.db"
        with CatalogStore(url) as store:
            key = create_key(store.engine, "bench", Role.UPLOADER)
        with running_server(url, Path(folder), workers=str(workers), reconcile_after_ingest="0") as base:
            with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as client:
                time.sleep(15)  # let the workers finish loading the pipeline before the clock starts
                started = time.perf_counter()
                jobs = [client.post("/v1/documents", files={"file": (p.name, p.read_bytes())}).json()["id"]
                        for p in files]  # fmt: skip
                finished = [wait_for_job(client, job, seconds=1800) for job in jobs]
                elapsed = time.perf_counter() - started
        done = sum(job["status"] == "succeeded" for job in finished)
        megabytes = sum(p.stat().st_size for p in files) / 2**20
        print(f"uploads: {len(files)} corpus files ({megabytes:.1f} MiB), {workers} workers: {elapsed:.1f} s, "
              f"{len(files) / elapsed * 60:.1f} documents/min, {done} succeeded")  # fmt: skip
        for path, job in zip(files, finished, strict=True):
            if job["status"] != "succeeded":
                print(f"  {path.name}: {job['status']} {job['error_code']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--include-scans", action="store_true", help="also upload the scanned PDFs (OCR, slow)")
    parser.add_argument("--skip-upload", action="store_true")
    arguments = parser.parse_args()
    bench_reads(arguments.datasets, arguments.clients, arguments.requests)
    if not arguments.skip_upload:
        bench_uploads(arguments.workers, arguments.include_scans)


if __name__ == "__main__":
    main()
