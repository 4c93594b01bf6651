"""`danhmuc report`'s CPU in each of its two processes (catalog/reports/forked.py), and its longest path.

    PYTHONPATH=CHECKOUT python benchmarks/report_split.py sqlite:////path/store.db OUT [--profile PREFIX]

Runs ``write_report_files`` with the checkout on PYTHONPATH (any version that forks through
``catalog.reports.files.in_child``) and prints, from ``getrusage``: the parent's CPU at the fork, when
it starts waiting for the child and when it has the child's result, the child's own CPU, and the
longest path: max(parent when it has the result, parent at the fork + child); and the critical path: the
longest path and what the parent does after the child's result, what the wall time would be on two
free CPUs. ``--profile``: cProfile of each process (CPU time) to PREFIX.parent and PREFIX.child.
On a shared machine wall time follows the load; this split does much less.
"""

from __future__ import annotations

import argparse
import cProfile
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database")
    parser.add_argument("out", type=Path)
    parser.add_argument("--profile", help="write cProfile stats to PROFILE.parent and PROFILE.child")
    args = parser.parse_args(argv)
    import catalog.reports.files as files
    from catalog.store import CatalogStore

    marks: dict[str, float] = {}
    forking = files.in_child
    parent = cProfile.Profile(time.process_time) if args.profile else None

    def in_child(work: Callable[[], Any]) -> Any:
        marks["fork"] = _cpu()

        def measured() -> Any:
            start, child = _cpu(), cProfile.Profile(time.process_time) if args.profile else None
            if parent is not None:
                parent.disable()  # the child's copy of the parent's profiler
            if child is not None:
                child.enable()
            try:
                return work()
            finally:
                if child is not None:
                    child.disable()
                    child.dump_stats(f"{args.profile}.child")
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"child: {_cpu() - start:.1f} CPU-s, peak RSS {peak:.0f} MiB", file=sys.stderr, flush=True)

        part = forking(measured)
        result = part.result

        def timed_result() -> Any:
            marks["wait"] = _cpu()
            value = result()
            marks["result"] = _cpu()
            waited = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child's, counted from the fork
            marks["child"] = waited.ru_utime + waited.ru_stime
            return value

        part.result = timed_result  # type: ignore[method-assign]
        return part

    files.in_child = in_child
    started = time.perf_counter()
    with CatalogStore(args.database) as store:
        if parent is not None:
            parent.enable()
        files.write_report_files(store, args.out)
        if parent is not None:
            parent.disable()
            parent.dump_stats(f"{args.profile}.parent")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if "child" in marks:
        marks["longest path"] = max(marks["result"], marks["fork"] + marks["child"])
        # What the parent does after the child's result (the workbook's package, bao-cao.json) waits for it.
        marks["critical path"] = marks["longest path"] + _cpu() - marks["result"]
    print(f"parent: {_cpu():.1f} CPU-s in all, peak RSS {peak:.0f} MiB, wall {time.perf_counter() - started:.1f} s; "
          + ", ".join(f"{name} {value:.1f}" for name, value in marks.items()), file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
