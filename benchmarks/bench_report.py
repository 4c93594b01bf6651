"""`danhmuc report` from several checkouts on the same store, side by side: time, CPU, peak RSS, files.

    .venv/bin/python -m benchmarks.bench_report --database sqlite:////tmp/report-store/s1000.db \\
        --checkout before=/work/main --checkout after=. --out /tmp/report-runs

Each checkout's own code writes the report (``python -m danhmuc.cli report`` with that checkout first on
PYTHONPATH) into ``OUT/<label>``; the runs alternate between checkouts (``--repeat``), so a change in
the machine's load touches both. Peak RSS is the kernel's figure for the process (GNU time's %M),
the same as ``/usr/bin/time -v``. The load average before and after is printed: on a shared machine
wall time says little without it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    cpu: float
    peak_mib: float
    files: int
    total_mib: float
    largest_mib: float
    returncode: int


def run_report(label: str, checkout: Path, database: str, out: Path, timeout: int) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        # GNU time waits for `timeout`, which waits for Python: %M is the largest of them (the kernel's max).
        command = [TIME, "-f", "%e %U %S %M", "-o", timing.name, "timeout", str(timeout), sys.executable, "-m",
                   "danhmuc.cli", "report", "--database", database, "--out", str(out)]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        wall, user, system, peak_kib = timing.read().split()[-4:]
    sizes = [p.stat().st_size for p in out.rglob("*") if p.is_file()] or [0]
    return Run(label, float(wall), float(user) + float(system), int(peak_kib) / 1024, len(sizes),
               sum(sizes) / 2**20, max(sizes) / 2**20, done.returncode)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--database", required=True)
    parser.add_argument("--checkout", action="append", required=True, help="LABEL=PATH")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per run (exit status 124 when stopped)")
    args = parser.parse_args(argv)
    checkouts = [(label, Path(path).resolve()) for label, path in (c.split("=", 1) for c in args.checkout)]
    load_before = os.getloadavg()
    runs = [
        run_report(label, checkout, args.database, args.out / label, args.timeout)
        for _ in range(args.repeat)
        for label, checkout in checkouts
    ]
    load_after = os.getloadavg()
    print(f"database {args.database}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    print("| code | wall | CPU | peak RSS | files | total | largest file |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        failed = {0: "", 124: " (stopped at the timeout)"}.get(run.returncode, f" (failed {run.returncode})")
        print(f"| {run.label}{failed} | {run.seconds:.1f} s | {run.cpu:.1f} s | {run.peak_mib:.0f} MiB | {run.files} "
              f"| {run.total_mib:.1f} MiB | {run.largest_mib:.1f} MiB |")  # fmt: skip
    return 0 if all(run.returncode == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
