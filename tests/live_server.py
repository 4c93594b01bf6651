"""Start the real service (uvicorn in a subprocess on a free loopback port) for tests and benchmarks.

It lives under tests/, not in the api package: it needs httpx, a test dependency the service does not use.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

from api.catalog_view import fold
from catalog.store import CatalogStore
from extract.model import CatalogEntry, CatalogNorm, Document, Metadata, Provenance, SourceFormat, UnitMention
from matching.model import Dataset, MemberRef, Reconciliation, dataset_id_for, entry_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # tests/ sits in the project root
SERVER_CODE = """
from api.serve import run
from api.settings import Settings
run(Settings.from_env(), log_level="warning")
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    database_url: str, data_dir: Path, *, startup_seconds: float = 60.0, **settings: str
) -> Iterator[str]:
    """Yield the base URL of a live server; ``settings`` are DANHMUC_* variables without the prefix.

    One server process unless ``workers`` says otherwise, so a test reads its own writes at once.
    """
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DANHMUC_HOST": "127.0.0.1",
        "DANHMUC_PORT": str(port),
        "DANHMUC_DATA_DIR": str(data_dir),
        "DANHMUC_WORKERS": "1",
        **{f"DANHMUC_{name.upper()}": value for name, value in settings.items()},
    }
    log = (data_dir / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {(data_dir / f'server-{port}.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.1)
        yield base
    finally:
        died = process.poll()  # before the tests were done with it
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    if died is not None:  # the tests failed with refused connections: this says why, at teardown
        tail = (data_dir / f"server-{port}.log").read_text(errors="replace")[-4000:]
        raise RuntimeError(f"the server exited ({died}) while the tests used it: {tail}")


def wait_for_job(client: httpx.Client, job_id: str, *, seconds: float = 120.0) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, object] = client.get(f"/v1/jobs/{job_id}").json()
        if job.get("status") in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


@dataclass(frozen=True, slots=True)
class SyntheticEntry:
    title: str
    unit: str
    group: str = ""
    sharing: str = ""
    sharing_raw: str = ""
    frequency: tuple[str, ...] = ()
    frequency_raw: str = ""
    locality: str = ""


def seed_catalog(store: CatalogStore, entries: Sequence[SyntheticEntry], *, per_document: int = 1000) -> int:
    """Store synthetic documents holding ``entries`` and one dataset per entry, without running matching.

    For tests and benchmarks that need a catalog of a given size quickly; returns the dataset count.
    """
    documents: list[Document] = []
    for start in range(0, len(entries), per_document):
        chunk = entries[start : start + per_document]
        source = f"synthetic-{start // per_document:04d}.txt"
        sha = hashlib.sha256(f"{source}:{len(entries)}:{chunk[0].title}".encode()).hexdigest()
        catalog = [
            CatalogEntry(
                group=e.group, number=str(i + 1), title=e.title, unit=e.unit, sharing_raw=e.sharing_raw,
                frequency_raw=e.frequency_raw, table=1, row=i + 1,
                provenance=Provenance(file=source, table=1, row=i + 1, raw=e.title),
                norm=CatalogNorm(
                    sharing=e.sharing, frequency=list(e.frequency),
                    units=[UnitMention(raw=e.unit, unit_id=f"{fold(e.unit).replace(' ', '_')}@{e.locality}")]
                    if e.locality else [],
                ),
            )
            for i, e in enumerate(chunk)
        ]  # fmt: skip
        documents.append(
            Document(
                source=source, sha256=sha, format=SourceFormat.TEXT, size_bytes=1, page_count=1,
                metadata=Metadata(kind="KẾ HOẠCH", title=f"Kế hoạch tổng hợp {source}", issuer="UBND tỉnh Thử"),
                catalog=catalog,
            )
        )  # fmt: skip
    datasets: list[Dataset] = []
    assignment: dict[str, str] = {}
    for document in documents:
        store.add_document(document)
        for entry in document.catalog:
            key = entry_key(document, entry)
            member = MemberRef(key=key, document=document.source, sha256=document.sha256, number=entry.number,
                               title=entry.title, unit=entry.unit, provenance=entry.provenance)  # fmt: skip
            datasets.append(Dataset(id=dataset_id_for(key), origin=key, title=entry.title, unit=entry.unit,
                                    members=[member]))  # fmt: skip
            assignment[key] = datasets[-1].id
    result = Reconciliation(datasets=datasets, links=[], flags=[], assignment=assignment, threshold=1.0)
    store.save_reconciliation(result, documents=len(documents), decisions=0)
    return len(datasets)


def time_reads(base: str, key: str, paths: Sequence[str], stop: Event, results: Queue[dict[str, list[float]]]) -> None:
    """Read ``paths`` in a closed loop on one keep-alive connection until ``stop``; put each path's latencies.

    Meant to run in a process of its own (``multiprocessing``), so that what the test does meanwhile
    (parsing a large answer, say) cannot hold up the timing of the reads; errors count as ``inf``.
    """
    times: dict[str, list[float]] = {path: [] for path in paths}
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30) as client:
        while not stop.is_set():
            for path in paths:
                started = time.perf_counter()
                try:
                    ok = client.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                times[path].append(time.perf_counter() - started if ok else float("inf"))
            time.sleep(0.01)
    results.put(times)


def catalog_head(tag: str) -> str:
    """The decision's opening and its catalog table's header row, up to the first data row."""
    return (
        "QUYẾT ĐỊNH\n"
        f"BAN HÀNH DANH MỤC CƠ SỞ DỮ LIỆU DÙNG CHUNG TỈNH THỬ {tag}\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n"
        "Điều 1. Ban hành kèm theo Quyết định này Danh mục cơ sở dữ liệu dùng chung.\n"
        "DANH MỤC\nCƠ SỞ DỮ LIỆU DÙNG CHUNG\n"
        "\tTT\n\tTên cơ sở dữ liệu\n\tTên đơn vị quản lý\n\tHình thức chia sẻ dữ liệu\n\n"
    )


def catalog_text(rows: int, tag: str) -> str:
    """A decision whose catalog is a text table of ``rows`` rows (tab-led cells, a blank line after each row).

    Distinct ``tag``s give distinct files and titles; 20,000 rows make 1.8 MB of text and a 26 MB document.
    """
    units = ("Sở Y tế", "Sở Tư pháp", "Sở Tài chính", "Sở Nội vụ")
    head = catalog_head(tag)
    body = "".join(
        f"\t{i}\n\tCSDL {tag} số {i} về hồ sơ loại {i % 97}\n\t{units[i % 4]}\n\tChia sẻ mặc định\n\n"
        for i in range(1, rows + 1)
    )
    return head + body
