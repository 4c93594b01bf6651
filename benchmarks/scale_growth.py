"""How the cost of a document grows with the archive, on a real reconciliation (issue 13).

    python benchmarks/scale_growth.py run --database sqlite:////tmp/real10k/s.db --log /tmp/real10k/growth.tsv \\
        --copies 500,1000,2000,3000
    python benchmarks/scale_growth.py slice --source /tmp/real10k/at2000.db --count 100 --profile /tmp/p2000.pstats
    python benchmarks/scale_growth.py fit --log /tmp/real10k/growth.tsv [--window 250]

`run` reconciles a store loaded by scale_store.py (`make`, `load`) and writes, at each transaction,
the documents placed so far, CPU seconds and wall seconds; as it passes each size in `--copies` it
copies the committed store to at<N>.db beside it (SQLite's backup, the run going on). `slice`
places `--count` more documents on a copy of such a store under cProfile (CPU time); `fit` gives
the CPU seconds a document per window of documents and the exponent of their growth.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scale_store import cpu_seconds  # noqa: E402
from catalog import placing, reconcile_run  # noqa: E402
from catalog.incremental_state import RunCounts  # noqa: E402
from catalog.store import CatalogStore  # noqa: E402


def _copy(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)  # the committed state: the run's open transaction is not in it
    dst.close()
    src.close()


def run(database: str, log: Path, copies: list[int]) -> None:
    original = placing.place_pending
    path = database.removeprefix("sqlite:///")
    started, cpu = time.perf_counter(), cpu_seconds()
    last = -1
    with log.open("a", encoding="utf-8", buffering=1) as out:

        def place_pending(matcher: object, session: object, counts: RunCounts, **kw: object) -> bool:
            nonlocal last
            if counts.documents != last:
                last = counts.documents
                out.write(f"{last}\t{cpu_seconds() - cpu:.2f}\t{time.perf_counter() - started:.1f}\n")
            while copies and counts.documents >= copies[0]:
                size = copies.pop(0)
                _copy(path, str(Path(path).with_name(f"at{size}.db")))
                out.write(f"# copy at{size}.db at {counts.documents} documents\n")
            return original(matcher, session, counts, **kw)  # type: ignore[arg-type]

        placing.place_pending = place_pending
        with CatalogStore(database) as store:
            summary = store.reconcile()
        out.write(f"# done: {summary.document_count} documents, {cpu_seconds() - cpu:.1f} CPU-s\n")


def slice_(source: Path, count: int, profile: Path) -> None:
    from matching.reconcile import load_concept_threshold, load_threshold

    work = profile.with_suffix(".db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    _copy(str(source), str(work))
    original = placing.place_pending

    def place_pending(matcher: object, session: object, counts: RunCounts, **kw: object) -> bool:
        return counts.documents < count and original(matcher, session, counts, **kw)  # type: ignore[arg-type]

    placing.place_pending = place_pending
    placing.YIELD_SECONDS = 0
    with CatalogStore(f"sqlite:///{work}") as store:
        state = reconcile_run._Run(load_threshold(), load_concept_threshold())
        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
        started, cpu = time.perf_counter(), cpu_seconds()
        profiler.enable()
        reconcile_run._match_pending(store, state, [])  # placing only: no decisions in these stores
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        profiler.dump_stats(str(profile))
    placed = max(state.counts.documents, 1)
    print(f"{source}: {state.counts.documents} documents in {cpu:.1f} CPU-s ({elapsed:.1f} s wall): "
          f"{cpu / placed:.3f} CPU-s a document")  # fmt: skip


def fit(log: Path, window: int) -> None:
    rows = sorted({tuple(float(v) for v in line.split("\t")) for line in log.open() if not line.startswith("#")})
    points: list[tuple[float, float]] = []
    previous = rows[0]
    for row in rows:
        if row[0] >= previous[0] + window:
            per = (row[1] - previous[1]) / (row[0] - previous[0])
            points.append(((row[0] + previous[0]) / 2, per))
            print(f"{int(previous[0]):6d}-{int(row[0]):6d}: {per:.3f} CPU-s a document "
                  f"({(row[2] - previous[2]) / (row[0] - previous[0]):.2f} s wall)")  # fmt: skip
            previous = row
    print(f"total: {int(rows[-1][0])} documents, {rows[-1][1]:.0f} CPU-s, {rows[-1][2]:.0f} s wall")
    if len(points) < 2:
        return
    xs, ys = [math.log(n) for n, _ in points], [math.log(p) for _, p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    exponent = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    ns, ps = [n for n, _ in points], [p for _, p in points]
    mn, mp = sum(ns) / len(ns), sum(ps) / len(ps)
    slope = sum((n - mn) * (p - mp) for n, p in zip(ns, ps, strict=True)) / sum((n - mn) ** 2 for n in ns)
    print(f"CPU-s a document ~ n^{exponent:.2f} (log-log, {len(points)} windows); "
          f"linear: {mp - slope * mn:.3f} + {slope * 1000:.3f} per 1,000 documents placed")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--database", required=True)
    p_run.add_argument("--log", type=Path, required=True)
    p_run.add_argument("--copies", default="")
    p_slice = sub.add_parser("slice")
    p_slice.add_argument("--source", type=Path, required=True)
    p_slice.add_argument("--count", type=int, default=100)
    p_slice.add_argument("--profile", type=Path, required=True)
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("--log", type=Path, required=True)
    p_fit.add_argument("--window", type=int, default=250)
    args = parser.parse_args()
    if args.command == "run":
        run(args.database, args.log, [int(n) for n in args.copies.split(",") if n])
    elif args.command == "slice":
        slice_(args.source, args.count, args.profile)
    else:
        fit(args.log, args.window)


if __name__ == "__main__":
    main()
