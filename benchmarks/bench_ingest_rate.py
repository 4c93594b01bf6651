"""Typed documents per second through `danhmuc ingest` with 1 and 2 local workers, CPU-s per process.

    nice -n 10 .venv/bin/python -m benchmarks.bench_ingest_rate [--size 200] [--workers 1 2]
        [--against /path/to/other/checkout] [--reconcile] [--json out/ingest-rate.json]

The archive is the scale benchmark's (``benchmarks/scale_archive.py``, seed 13: variants of the corpus
seeds with realistic variation, DOCX / TXT / text PDF) without its scans: the issue's figure is typed
documents. Each measurement is the real command (``danhmuc ingest DIR --workers N --no-reconcile``)
in a child process with a fresh SQLite store and data folder. The child reports its own CPU seconds
(``RUSAGE_SELF``: the parent, which hashes, plans and writes) and its pool's (``RUSAGE_CHILDREN``:
the workers, joined before the command returns), so the figures hold on a shared machine where wall
time follows the load of the moment; each worker's share is sampled with psutil. "On two free cores"
is documents / max(parent + workers CPU over 2 cores, the busiest process's CPU): what the same work
would take with nothing else running. ``--against`` measures another checkout in the same run
(alternating, so both see the same load), and the canonical dump of every store
(``benchmarks/kill_campaign.canonical_dump``) is compared: the stored result must be identical.
With ``--reconcile`` the pool's figure also holds the reconciling process that runs beside the writer
(``catalog/ingest_reconciler.py``; the largest of the per-process figures), and "on two free cores"
assumes the work overlaps perfectly: docs/benchmarks.md estimates it with the reconciliation's pauses.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the child: the real command, then its own and its joined pool's CPU seconds.
CHILD = """
import json, resource, sys
from danhmuc.cli import app
code = 0
try:
    app(sys.argv[2:], prog_name="danhmuc")
except SystemExit as stop:
    code = stop.code or 0
me, pool = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "parent_cpu": me.ru_utime + me.ru_stime,
               "workers_cpu": pool.ru_utime + pool.ru_stime}, out)
"""


def typed_archive(out: Path, size: int, seed: int) -> int:
    """The scale archive of ``size`` documents, scans left out, hard-linked under ``out``."""
    from benchmarks.scale_archive import archive_folder

    full = out.parent / f"{out.name}-full"
    made = archive_folder(full, size, seed=seed)
    count = 0
    for item in made:
        if item.variant.kind == "scan":
            continue
        source = next(full.rglob(item.path.name))
        target = out / source.relative_to(full)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source, target)
        count += 1
    return count


def _sample(pid: int, seen: dict[int, float], stop: threading.Event) -> None:
    import psutil

    parent = psutil.Process(pid)
    while not stop.wait(0.1):
        try:
            for child in parent.children(recursive=True):
                try:
                    times = child.cpu_times()
                    seen[child.pid] = times.user + times.system
                except psutil.Error:
                    pass
        except psutil.Error:
            return


def measure(checkout: Path, archive: Path, workers: int, work: Path, reconcile: bool) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work}/store.db"
    figures = work / "figures.json"
    command = [sys.executable, "-c", CHILD, str(figures), "ingest", str(archive), "--workers", str(workers),
               "--database", url, "--errors", str(work / "errors.csv")]  # fmt: skip
    if not reconcile:
        command.append("--no-reconcile")
    env = {**os.environ, "PYTHONPATH": str(checkout), "DANHMUC_DATA_DIR": str(work / "data")}
    seen: dict[int, float] = {}
    stop = threading.Event()
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sampler = threading.Thread(target=_sample, args=(child.pid, seen, stop), daemon=True)
    sampler.start()
    output, _ = child.communicate()
    wall = time.perf_counter() - started
    stop.set()
    result = json.loads(figures.read_text(encoding="utf-8"))
    if child.returncode or result["code"]:
        raise SystemExit(f"ingest failed ({checkout}, {workers} workers): {output.decode()[-2000:]}")
    documents, digest = _dump(checkout, url)
    parent, pool = float(result["parent_cpu"]), float(result["workers_cpu"])
    busiest = max([parent, *seen.values()])
    free = documents / max((parent + pool) / 2, busiest) if documents else 0.0
    return {
        "checkout": str(checkout), "workers": workers, "documents": documents, "wall_s": round(wall, 2),
        "docs_per_s": round(documents / wall, 2), "parent_cpu_s": round(parent, 2), "workers_cpu_s": round(pool, 2),
        "per_worker_cpu_s": sorted(round(v, 2) for v in seen.values()),
        "parent_cpu_per_doc": round(parent / documents, 4), "workers_cpu_per_doc": round(pool / documents, 4),
        "cpu_per_doc": round((parent + pool) / documents, 4), "docs_per_s_two_free_cores": round(free, 1),
        "dump_sha256": digest,
    }  # fmt: skip


def _dump(checkout: Path, url: str) -> tuple[int, str]:
    """Documents stored and the canonical dump's digest, computed with that checkout's code."""
    script = (
        "import hashlib, json, sys\n"
        "from benchmarks.kill_campaign import canonical_dump\n"
        "from catalog.store import CatalogStore\n"
        "with CatalogStore(sys.argv[1]) as store:\n"
        "    dump = canonical_dump(store)\n"
        "body = json.dumps(dump, sort_keys=True, default=str).encode()\n"
        "print(len(dump['documents']), hashlib.sha256(body).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{ROOT}"}
    # From the checkout: ``python -c`` puts the working directory first on the path, before PYTHONPATH.
    shown = subprocess.run([sys.executable, "-c", script, url], env=env, cwd=checkout, capture_output=True,
                           text=True, check=True)  # fmt: skip
    count, digest = shown.stdout.split()
    return int(count), digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="scale-archive documents (scans then left out)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--against", type=Path, default=None, help="another checkout, measured in the same run")
    parser.add_argument("--reconcile", action="store_true", help="reconcile too (the figure is then not ingest only)")
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    checkouts = [ROOT] + ([options.against.resolve()] if options.against else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-rate-") as scratch_name:
        scratch = Path(scratch_name)
        count = typed_archive(scratch / "typed", options.size, options.seed)
        print(f"{count} typed files, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
        for workers in options.workers:
            for number, checkout in enumerate(checkouts):
                result = measure(checkout, scratch / "typed", workers, scratch / f"run-{workers}-{number}",
                                 options.reconcile)  # fmt: skip
                print(json.dumps(result), file=sys.stderr)
                results.append(result)
    print(f"load average at the end {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print("| checkout | workers | docs | wall s | docs/s | parent CPU-s/doc | workers CPU-s/doc | "
          "per worker CPU-s | docs/s on 2 free cores |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {Path(str(r['checkout'])).name} | {r['workers']} | {r['documents']} | {r['wall_s']} "
              f"| {r['docs_per_s']} "
              f"| {r['parent_cpu_per_doc']} | {r['workers_cpu_per_doc']} | {r['per_worker_cpu_s']} "
              f"| {r['docs_per_s_two_free_cores']} |")  # fmt: skip
    digests = {str(r["dump_sha256"]) for r in results}
    print(f"canonical dumps: {'identical' if len(digests) == 1 else 'DIFFERENT'} ({len(results)} stores)")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
