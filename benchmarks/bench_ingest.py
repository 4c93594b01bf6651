"""Batch-ingest throughput: ~60 corpus copies with 1 and 2 extraction workers, and the speed-up.

    .venv/bin/python benchmarks/bench_ingest.py [--copies 12] [--workers 1 2] [--json out/bench-ingest.json]

Every copy has distinct bytes (text: trailing newlines; DOCX: an extra ZIP member), so every
file is really extracted and stored — nothing is short-cut as already known. Each worker count
ingests into a fresh SQLite store; reconciliation is timed separately.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path

from catalog import CatalogStore, ingest_directory

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"


def build_archive(root: Path, copies: int) -> int:
    seeds = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
    count = 0
    for copy in range(copies):
        folder = root / f"nam-{2020 + copy % 6}" / f"dot-{copy}"
        folder.mkdir(parents=True, exist_ok=True)
        for stem in seeds:
            text = DOCS / f"{stem}.txt"
            (folder / f"{stem}-{copy}.txt").write_bytes(text.read_bytes() + b"\n" * (copy + 1))
            count += 1
            docx = DOCS / f"{stem}.docx"
            if docx.exists() and copy % 2 == 0:  # half as many DOCX: they are slower than text
                target = folder / f"{stem}-{copy}.docx"
                with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w") as out:
                    for item in source.infolist():
                        out.writestr(item, source.read(item.filename))
                    out.writestr("customXml/bench.txt", f"copy {copy}")
                count += 1
    return count


def run(archive: Path, workers: int, scratch: Path) -> dict[str, float]:
    database = scratch / f"bench-{workers}.db"
    with CatalogStore(f"sqlite:///{database}") as store:
        started = time.perf_counter()
        report = ingest_directory(store, archive, workers=workers, errors_csv=None, reconcile=False)
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        store.reconcile(workers=workers)
        reconcile_seconds = time.perf_counter() - started
        failed = report.counts.get("failed", 0)
    return {
        "workers": workers,
        "files": report.extracted,
        "failed": failed,
        "ingest_seconds": round(ingest_seconds, 2),
        "files_per_second": round(report.extracted / ingest_seconds, 2),
        "reconcile_seconds": round(reconcile_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of each seed (5 text + DOCX each)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch_name:
        scratch = Path(scratch_name)
        files = build_archive(scratch / "archive", options.copies)
        print(f"{files} files, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        results = [run(scratch / "archive", workers, scratch) for workers in options.workers]
    base = results[0]["files_per_second"]
    for result in results:
        result["speedup"] = round(result["files_per_second"] / base, 2) if base else 0.0
        print(
            f"workers={result['workers']}: {result['files']} files in {result['ingest_seconds']} s → "
            f"{result['files_per_second']} files/s (×{result['speedup']}), "
            f"reconcile {result['reconcile_seconds']} s"
        )
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
