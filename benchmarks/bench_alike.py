"""One document of N rows whose titles share every word but a number: incremental reconciliation cost.

    .venv/bin/python benchmarks/bench_alike.py 2000 [--work DIR]

The stability test's catalog (`tests/live_server.catalog_text`): "CSDL A số 17 về hồ sơ loại 17", …
Stores the document in a fresh SQLite store, reconciles, prints wall and CPU seconds and the result.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from live_server import catalog_text  # noqa: E402

from catalog.store import CatalogStore  # noqa: E402
from nlp.pipeline import process_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-alike-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "alike.txt"
    source.write_text(catalog_text(args.rows, "A"), encoding="utf-8")
    document = process_file(source)
    with CatalogStore(f"sqlite:///{work}/alike.db") as store:
        store.add_document(document)
        wall, cpu = time.perf_counter(), time.process_time()
        summary = store.reconcile()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{args.rows} alike rows: {wall:.1f} s wall, {cpu:.1f} CPU-s ({1000 * cpu / args.rows:.1f} ms a row); "
          f"{summary.dataset_count} datasets, {summary.link_count} links, {summary.flag_count} flags")  # noqa: T201


if __name__ == "__main__":
    main()
