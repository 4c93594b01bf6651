"""API benchmark on loopback: catalog reads under 50 concurrent clients, and upload throughput.

    .venv/bin/python benchmarks/bench_api.py [--datasets 10000] [--clients 50] [--requests 200]
                                             [--workers 2] [--extractors 2] [--include-scans] [--skip-upload]
    .venv/bin/python benchmarks/bench_api.py --mixed [--uploaders 10] [--seconds 60]

Reads: the store is seeded directly with synthetic datasets and served by ``--workers`` server
processes; every client is a closed loop on one keep-alive connection (the next request leaves
when the answer is in), each request drawn at random from browsing pages, title searches typed
with and without diacritics, and filters alone or on top of a search, so most URLs are distinct.
p50/p99 latency, requests/s and the CPU used by this client and by the server are printed
(target p99 < 50 ms). The client speaks HTTP/1.1 on bare asyncio streams because it shares the
cores with the server: a heavier client would slow the server it measures. Uploads: the corpus
files are posted to a fresh server with ``--extractors`` extraction processes and the time until
every job has finished is reported. Everything is bounded (``--seconds``) and on 127.0.0.1 only.

Mixed (``--mixed``): the same readers, first alone and then beside ``--uploaders`` clients that
each upload generated 20-row decisions in a closed loop (every upload reconciles), on one server:
read p50/p99 of both phases, uploads stored, and how many reconciliations ran for them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from api.catalog_view import fold
from api.keys import Role, create_key
from catalog.store import CatalogStore

# The live-server helper is test scaffolding (it needs httpx), so it lives in tests/, not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from live_server import SyntheticEntry, catalog_text, running_server, seed_catalog, wait_for_job  # noqa: E402

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
SHORT_WORDS = tuple(w for w in WORDS if len(w) > 2)


def random_query(rng: random.Random, total: int) -> dict[str, str]:
    """One realistic catalog request: mostly browsing pages and searching, sometimes filtering, often combined."""
    params: dict[str, str] = {}
    limit = rng.choice((20, 50, 50, 100))
    if rng.random() < 0.8:
        params["limit"] = str(limit)
    roll = rng.random()
    if roll < 0.35:  # browse: a page somewhere in the whole catalog
        params["offset"] = str(rng.randrange(0, max(1, total // limit)) * limit)
    elif roll < 0.7:  # title search, typed with or without diacritics, one or two words
        words = " ".join(rng.sample(SHORT_WORDS, rng.choice((1, 1, 2))))
        params["q"] = words if rng.random() < 0.5 else fold(words)
        if rng.random() < 0.3:
            params["offset"] = str(limit * rng.randrange(0, 3))
    if rng.random() < 0.4:  # a filter, alone or on top of a search
        name, value = rng.choice(
            (("unit", fold(rng.choice(UNITS))), ("unit", rng.choice(UNITS)),
             ("sharing", rng.choice(SHARING)[0]), ("frequency", rng.choice(FREQUENCY).lower()),
             ("domain", fold(rng.choice(GROUPS)).split()[-1]), ("domain", rng.choice(GROUPS)))
        )  # fmt: skip
        params[name] = value
    return params


def synthetic(count: int) -> list[SyntheticEntry]:
    rng = random.Random(7)
    entries = []
    for index in range(count):
        sharing, label = rng.choice(SHARING)
        title = f"Cơ sở dữ liệu {' '.join(rng.sample(WORDS, 3))} {index}"
        entries.append(SyntheticEntry(title, rng.choice(UNITS), rng.choice(GROUPS), sharing, label,
                                      (rng.choice(FREQUENCY),), "", "tỉnh Thử"))  # fmt: skip
    return entries


class Connection:
    """A bare HTTP/1.1 keep-alive connection: the client must cost little CPU, the server shares these cores."""

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nX-API-Key: {key}\r\nAccept-Encoding: identity\r\n\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(b"GET " + target.encode() + b" HTTP/1.1\r\n" + self.head)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:] if line)}
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n"))[:-2], 16):
                parts.append((await self.reader.readexactly(size + 2))[:-2])
            await self.reader.readuntil(b"\r\n")
            body = b"".join(parts)
        else:
            body = await self.reader.readexactly(int(fields.get(b"content-length", b"0")))
        if fields.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _client(
    base: str, key: str, targets: list[str], latencies: list[float], failures: list[str], stop_at: float
) -> None:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = Connection(host, int(port), key)
    try:
        for target in targets:  # closed loop: the next request leaves when the answer is in
            if time.monotonic() > stop_at:
                break
            start = time.perf_counter()
            status, body = await connection.get(target)
            latencies.append(time.perf_counter() - start)
            if status != 200 or not body.startswith(b"{"):
                failures.append(f"{status} {target}")
    finally:
        await connection.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that still run (the server's worker processes)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            pids += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    for each in pids:
        try:
            with open(f"/proc/{each}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _server_pid(port: str) -> int | None:
    """The server process started for this run: our child whose environment names the port."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == me and f"DANHMUC_PORT={port}".encode() in (entry / "environ").read_bytes():
                return int(entry.name)
        except (OSError, ValueError, IndexError):
            continue
    return None


def bench_reads(datasets: int, clients: int, requests: int, server_workers: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        started = time.perf_counter()
        with CatalogStore(url) as store:
            seeded = seed_catalog(store, synthetic(datasets))
            # One key per client, as 50 reviewers would have: the per-key rate limit then applies as in use.
            client_keys = [create_key(store.engine, f"bench {i}", Role.READER) for i in range(clients)]
            key = client_keys[0]
        print(f"seeded {seeded} datasets in {time.perf_counter() - started:.1f} s")
        with running_server(url, Path(folder), extractors="0", workers=str(server_workers)) as base:
            for _ in range(server_workers * 2):  # every server process builds its view before the clock starts
                httpx.get(f"{base}/v1/catalog", headers={"X-API-Key": key}, timeout=120).raise_for_status()
            plans = [
                [f"/v1/catalog?{urlencode(random_query(rng, seeded))}" for _ in range(requests)]
                for rng in (random.Random(1000 + i) for i in range(clients))
            ]
            distinct = len({target for plan in plans for target in plan})
            latencies: list[float] = []
            failures: list[str] = []

            async def run_all() -> None:
                stop_at = time.monotonic() + seconds
                pairs = zip(client_keys, plans, strict=True)
                await asyncio.gather(*(_client(base, k, plan, latencies, failures, stop_at) for k, plan in pairs))

            pid = _server_pid(base.rsplit(":", 1)[1])
            server_before = _cpu_seconds(pid) if pid else 0.0
            client_before = time.process_time()
            started = time.perf_counter()
            asyncio.run(run_all())
            elapsed = time.perf_counter() - started
            client_cpu = time.process_time() - client_before
            server_cpu = (_cpu_seconds(pid) - server_before) if pid else float("nan")
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        cores = os.cpu_count() or 1
        print(f"GET /v1/catalog over {seeded} datasets, {clients} concurrent clients, {len(latencies)} requests "
              f"({distinct} distinct URLs), {server_workers} server processes, {elapsed:.1f} s:")  # fmt: skip
        print(f"  p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {latencies[-1] * 1000:.1f} ms  "
              f"{len(latencies) / elapsed:.0f} requests/s  (target p99 < 50 ms)")  # fmt: skip
        print(f"  CPU: client {client_cpu:.1f} s ({client_cpu / elapsed / cores:.0%} of {cores} cores), "
              f"server {server_cpu:.1f} s ({server_cpu / elapsed / cores:.0%})")  # fmt: skip
        if failures:
            print(f"  {len(failures)} failed requests, e.g. {failures[:3]}")


async def _uploader(base: str, key: str, index: int, stop_at: float, stored: list[str], failures: list[str],
                    waits: list[float]) -> None:  # fmt: skip
    """Upload distinct 20-row decisions one after another (each answered 201 when stored, else 202)."""
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=120) as client:
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            text = catalog_text(20, f"U{index:02d}N{number:04d}").encode()
            started = time.monotonic()
            try:
                answer = await client.post("/v1/documents", files={"file": (f"u{index}-{number}.txt", text)})
            except httpx.HTTPError as error:  # a stalled server is a figure, not a crash of the benchmark
                failures.append(f"upload {type(error).__name__}")
                continue
            waits.append(time.monotonic() - started)
            if answer.status_code in (201, 202):
                stored.append(answer.headers.get("x-job-id") or answer.json()["id"])
            else:
                failures.append(f"upload {answer.status_code}")


def _read_phase(base: str, keys: list[str], seeded: int, seconds: float, upload_key: str, uploaders: int,
                seed: int) -> tuple[list[float], list[str], list[str], list[float]]:  # fmt: skip
    plans = [[f"/v1/catalog?{urlencode(random_query(rng, seeded))}" for _ in range(2000)] * 10
             for rng in (random.Random(seed + i) for i in range(len(keys)))]  # fmt: skip
    latencies: list[float] = []
    failures: list[str] = []
    uploads: list[str] = []
    waits: list[float] = []

    async def run_all() -> None:
        stop_at = time.monotonic() + seconds
        readers = [_client(base, k, plan, latencies, failures, stop_at) for k, plan in zip(keys, plans, strict=True)]
        writers = [_uploader(base, upload_key, i, stop_at, uploads, failures, waits) for i in range(uploaders)]
        await asyncio.gather(*readers, *writers)

    asyncio.run(run_all())
    return sorted(latencies), failures, uploads, sorted(waits)


def _reconciliations(client: httpx.Client) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for offset in range(0, 100_000, 100):
        page = client.get("/v1/jobs", params={"limit": 100, "offset": offset}).json()
        found += [job for job in page if job["kind"] == "reconcile"]
        if len(page) < 100:
            return found
    return found


def bench_mixed(datasets: int, clients: int, uploaders: int, server_workers: int, extractors: int,
                seconds: float) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/mixed.db"
        with CatalogStore(url) as store:
            seeded = seed_catalog(store, synthetic(datasets))
            keys = [create_key(store.engine, f"bench {i}", Role.READER) for i in range(clients)]
            upload_key = create_key(store.engine, "bench uploader", Role.UPLOADER)
        # No rate limit: a 429 is answered in microseconds and would flatter the latencies.
        with running_server(url, Path(folder), extractors=str(extractors), workers=str(server_workers),
                            rate_limit="0") as base:  # fmt: skip
            for _ in range(server_workers * 2):
                httpx.get(f"{base}/v1/catalog", headers={"X-API-Key": keys[0]}, timeout=120).raise_for_status()
            time.sleep(15)  # the worker processes load the pipeline before the clock starts
            for name, count in (("reads alone", 0), (f"beside {uploaders} uploaders", uploaders)):
                latencies, failures, uploads, waits = _read_phase(base, keys, seeded, seconds, upload_key, count,
                                                                  1000)  # fmt: skip
                p50 = statistics.median(latencies) * 1000
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
                print(f"{name}: {len(latencies)} reads in {seconds:.0f} s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                      f"max {latencies[-1] * 1000:.0f} ms; {len(uploads)} uploads; {len(failures)} failures "
                      f"{failures[:3]}")  # fmt: skip
                if waits:
                    print(f"  upload answered in p50 {statistics.median(waits) * 1000:.0f} ms, "
                          f"p99 {waits[min(len(waits) - 1, int(len(waits) * 0.99))] * 1000:.0f} ms, "
                          f"max {waits[-1] * 1000:.0f} ms")  # fmt: skip
            with httpx.Client(base_url=base, headers={"X-API-Key": upload_key}, timeout=120) as client:
                finished = [wait_for_job(client, job, seconds=600) for job in uploads]
                deadline = time.monotonic() + 600
                while True:
                    runs = _reconciliations(client)
                    if all(job["status"] in ("succeeded", "failed") for job in runs) or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)
                total = client.get("/v1/catalog", params={"limit": 1}, headers={"X-API-Key": keys[0]}).json()["total"]
            done = sum(job["status"] == "succeeded" for job in finished)
            print(f"  {done}/{len(finished)} upload jobs succeeded; {len(runs)} reconciliations "
                  f"({sum(job['status'] == 'succeeded' for job in runs)} succeeded); catalog {total} datasets "
                  f"(seeded {seeded} + {done} × 20 rows)")  # fmt: skip


def bench_uploads(workers: int, include_scans: bool) -> None:
    files = sorted(p for p in (ROOT / "corpus" / "docs").iterdir() if p.is_file())
    if not include_scans:
        files = [p for p in files if "_scan" not in p.name]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/upload.db"
        with CatalogStore(url) as store:
            key = create_key(store.engine, "bench", Role.UPLOADER)
        with running_server(url, Path(folder), extractors=str(workers), reconcile_after_ingest="0",
                            sync_upload_bytes="0") as base:  # all queued at once: measures the job throughput
            with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as client:
                time.sleep(15)  # let the workers finish loading the pipeline before the clock starts
                started = time.perf_counter()
                jobs = [client.post("/v1/documents", files={"file": (p.name, p.read_bytes())}).json()["id"]
                        for p in files]  # fmt: skip
                finished = [wait_for_job(client, job, seconds=1800) for job in jobs]
                elapsed = time.perf_counter() - started
        done = sum(job["status"] == "succeeded" for job in finished)
        megabytes = sum(p.stat().st_size for p in files) / 2**20
        print(f"uploads: {len(files)} corpus files ({megabytes:.1f} MiB), {workers} extractors: {elapsed:.1f} s, "
              f"{len(files) / elapsed * 60:.1f} documents/min, {done} succeeded")  # fmt: skip
        for path, job in zip(files, finished, strict=True):
            if job["status"] != "succeeded":
                print(f"  {path.name}: {job['status']} {job['error_code']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="requests per client")
    parser.add_argument("--seconds", type=float, help="stop the read run after this long (120 s; mixed: 60 s a phase)")
    parser.add_argument("--workers", type=int, default=2, help="HTTP server processes")
    parser.add_argument("--extractors", type=int, default=2, help="extraction processes for the upload run")
    parser.add_argument("--include-scans", action="store_true", help="also upload the scanned PDFs (OCR, slow)")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--mixed", action="store_true", help="reads alone, then beside uploaders")
    parser.add_argument("--uploaders", type=int, default=10, help="uploading clients in the mixed run")
    arguments = parser.parse_args()
    if arguments.mixed:
        bench_mixed(arguments.datasets, arguments.clients, arguments.uploaders, arguments.workers,
                    arguments.extractors, arguments.seconds or 60.0)  # fmt: skip
        return
    seconds = arguments.seconds or 120.0
    bench_reads(arguments.datasets, arguments.clients, arguments.requests, arguments.workers, seconds)
    if not arguments.skip_upload:
        bench_uploads(arguments.extractors, arguments.include_scans)


if __name__ == "__main__":
    main()
