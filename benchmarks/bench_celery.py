"""Typed documents per second: 2 local extraction processes against 2 Celery workers, in one run.

    .venv/bin/python benchmarks/bench_celery.py [--copies 10] [--broker redis://127.0.0.1:6379/12] [--json out/x.json]

The archive is every typed corpus rendering (.txt, .docx, text-layer .pdf; no scan, no .doc)
copied ``--copies`` times with distinct bytes (text: trailing newlines, DOCX: a ZIP comment, PDF:
a trailing comment line), so every file is really extracted. Each way ingests the same archive
into a fresh PostgreSQL database of its own (CREATE DATABASE, dropped afterwards), without
reconciliation: the figure is extraction and storing. The machine is shared, so CPU seconds per
document are given too (this process and its pool, or this process and the workers' process
groups; the database server's CPU in neither), with what they mean on two free cores. The Celery
workers (one process each, as ``danhmuc worker --concurrency 1``) are started and warm before the
clock starts, as they are in service; the local pool starts inside the timed call, as
``danhmuc ingest`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.cluster.ingest import ingest_through_celery
from api.cluster.local import running_workers
from api.settings import Settings
from catalog import CatalogStore, ingest_directory
from catalog.ingest import IngestReport
from catalog.testing import postgres_test_url

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"


def typed_sources() -> list[Path]:
    return sorted(
        path for path in DOCS.iterdir()
        if path.suffix in (".txt", ".docx", ".pdf") and not path.stem.endswith("_scan")
    )  # fmt: skip


def build_archive(root: Path, copies: int) -> int:
    """``copies`` of every typed rendering, each with bytes of its own; the number of files."""
    count = 0
    for copy in range(copies):
        folder = root / f"dot-{copy}"
        folder.mkdir(parents=True, exist_ok=True)
        for source in typed_sources():
            target = folder / f"{source.stem}-{copy}{source.suffix}"
            if source.suffix == ".docx":
                shutil.copyfile(source, target)
                with zipfile.ZipFile(target, "a") as package:
                    package.comment = f"ban sao {copy}".encode()
            elif source.suffix == ".pdf":
                target.write_bytes(source.read_bytes() + f"\n%ban-sao-{copy}\n".encode())
            else:
                target.write_bytes(source.read_bytes() + b"\n" * (copy + 1))
            count += 1
    return count


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    name = f"danhmuc_bench_{label}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(postgres_test_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_test_url()).set(database=name).render_as_string(hide_password=False)
    try:
        with CatalogStore(url):
            pass
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _own_cpu() -> float:
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def group_cpu(group: int) -> float:
    """CPU seconds of every live process of a process group, with the children each has reaped."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the name: state ppid pgrp …; utime is field 14 overall
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _figures(report: IngestReport, seconds: float, cpu: float) -> dict[str, float]:
    return {"documents": report.extracted, "seconds": seconds, "per_second": report.extracted / seconds,
            "failed": report.counts.get("failed", 0), "cpu_seconds": cpu,
            "cpu_per_document": cpu / max(1, report.extracted)}  # fmt: skip


def run_local(archive: Path, workers: int) -> dict[str, float]:
    with fresh_database("local") as url, CatalogStore(url) as store:
        cpu, started = _own_cpu(), time.perf_counter()
        report = ingest_directory(store, archive, workers=workers, reconcile=False)
        seconds, cpu = time.perf_counter() - started, _own_cpu() - cpu  # the pool is shut down and reaped
    return _figures(report, seconds, cpu)


def run_celery(archive: Path, workers: int, broker: str, scratch: Path) -> dict[str, float]:
    queue = f"danhmuc-bench-{uuid.uuid4().hex[:8]}"  # the benchmark's own queue: a shared Redis is left alone
    with fresh_database("celery") as url:
        with running_workers(workers, scratch, database_url=url, broker_url=broker, concurrency=1,
                             task_queue=queue) as started:  # fmt: skip
            settings = Settings.from_env(database_url=url, broker_url=broker, task_queue=queue)
            groups = [worker.process.pid for worker in started]  # each worker leads its own process group
            cpu, began = _own_cpu() + sum(map(group_cpu, groups)), time.perf_counter()
            report = ingest_through_celery(settings, archive, reconcile=False)
            seconds = time.perf_counter() - began
            cpu = _own_cpu() + sum(map(group_cpu, groups)) - cpu
    return _figures(report, seconds, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--broker", default=os.environ.get("DANHMUC_BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--json", type=Path, default=None)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="danhmuc_bench_celery_") as folder:
        archive = Path(folder) / "archive"
        files = build_archive(archive, arguments.copies)
        load_before = os.getloadavg()[0]
        local = run_local(archive, arguments.workers)
        celery = run_celery(archive, arguments.workers, arguments.broker, Path(folder) / "workers")
        load_after = os.getloadavg()[0]
    print(
        f"{files} typed files ({len(typed_sources())} renderings × {arguments.copies}), "
        f"load average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"{'way':<28} {'documents':>9} {'failed':>6} {'seconds':>8} {'documents/s':>11} {'CPU-s/doc':>9} "
        f"{'docs/s on 2 free cores':>22}"
    )
    for label, figures in ((f"{arguments.workers} local processes", local),
                           (f"{arguments.workers} Celery workers", celery)):  # fmt: skip
        print(
            f"{label:<28} {figures['documents']:>9.0f} {figures['failed']:>6.0f} {figures['seconds']:>8.1f} "
            f"{figures['per_second']:>11.2f} {figures['cpu_per_document']:>9.3f} "
            f"{2 / figures['cpu_per_document']:>22.1f}"
        )
    print(f"Celery / local: ×{celery['per_second'] / local['per_second']:.2f}")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps({"files": files, "local": local, "celery": celery}, indent=2))


if __name__ == "__main__":
    main()
