"""Scale benchmark (issue 13): ingest, reconcile, report, add 10 documents and API reads against archive size.

    nice -n 10 .venv/bin/python -m benchmarks.bench_scale all --sizes 250,1000 [--json out/bench-scale.json]
    nice -n 10 .venv/bin/python -m benchmarks.bench_scale all --mode store --sizes 1000,10000,100000
    .venv/bin/python -m benchmarks.bench_scale STEP ...      STEP: ingest | reconcile | report | reingest
                                                              | add10 | api | celery | all
    .venv/bin/python -m benchmarks.bench_scale table --json out/bench-scale.json   (print a run's tables again)
    .venv/bin/python -m benchmarks.scale_archive --size 1000 --out DIR   (just write the archive)

``--mode archive`` (default): a generated archive of typed files (``benchmarks/scale_archive.py``:
variants of the corpus seeds, 45 % DOCX, 30 % TXT, 20 % text PDF, 5 % scans) is really ingested with
``danhmuc ingest --workers N --no-reconcile``, once per ``--workers`` value, each into a fresh SQLite
store. ``--mode store``: the store is filled by the simulator (``benchmarks/scale_simulate.py``,
Documents varied at record level, no extraction) — the figures are then store and matching level
only, and the table says so. Then, on the store of the last ``--workers`` value: one full reconciliation
(``CatalogStore.reconcile``), ``danhmuc report --no-reconcile`` and ``danhmuc report`` (which
reconciles), ``danhmuc ingest`` of the unchanged archive again (archive mode), ``danhmuc ingest`` of
10 new generated documents (reconciliation included) and the API reads (``GET /v1/catalog/{id}``
and ``GET /v1/flags``, p50/p99, one server process, one client). A step implies the store it needs
(``add10`` alone still builds and reconciles the store; those steps are measured and shown too).

Every step is a separate process tree measured by ``benchmarks/scale_measure.py``: wall seconds,
each process's peak RSS, the tree's peak. A step whose tree passes ``--limit-gib`` (default 8) or
``--timeout`` seconds is killed and shown as "> 8 GiB" / "> 900 s"; later steps that need its
result are skipped. Reconcile time and peak RSS are fitted against size (log-log least squares) when
two or more sizes reconciled. ``celery`` is a hook for the Celery workers of issue 13 part 2: it
skips with a message while ``celery`` is not installed, no broker is named, or ``danhmuc worker``
does not exist.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.scale_archive import DEFAULT_CACHE, archive_folder
from benchmarks.scale_measure import GIB, Measured, describe_rss, describe_seconds, run_step

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("ingest", "reconcile", "report", "reingest", "add10", "api", "celery")
NEEDS_RECONCILED = {"report", "reingest", "add10", "api"}
ADDED = 10


@dataclass
class Options:
    mode: str
    sizes: list[int]
    workers: list[int]
    steps: set[str]
    work: Path
    cache: Path
    seed: int
    limit_bytes: int
    timeout: float
    api_requests: int
    api_seconds: float
    broker: str
    celery_database: str
    ingest_timeout: float = 0.0  # 0: --timeout
    store: str = ""  # an existing store to measure instead of building one (one size)


@dataclass
class SizeResult:
    size: int
    mode: str
    documents: int = 0
    scans: int = 0
    steps: dict[str, Measured] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)


def _danhmuc() -> list[str]:
    script = Path(sys.executable).with_name("danhmuc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "danhmuc.cli"]


def _supports(command: str, option: str) -> bool:
    """Whether ``danhmuc COMMAND`` still takes ``option`` (reports may stop reconciling, issue 13)."""
    shown = subprocess.run([*_danhmuc(), command, "--help"], capture_output=True, text=True, check=False,
                           env={**os.environ, **_env(), "COLUMNS": "300"})  # fmt: skip
    return option in shown.stdout


def _env() -> dict[str, str]:
    # The checkout being measured, whatever the installed package points at.
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}


def _step(options: Options, result: SizeResult, name: str, command: list[str], timeout: float = 0.0) -> Measured:
    print(f"[{time.strftime('%H:%M:%S')}] {result.mode} {result.size}: {name} …", file=sys.stderr, flush=True)
    timeout = timeout or options.timeout
    measured = run_step(command, limit_bytes=options.limit_bytes, timeout=timeout, env=_env(), cwd=ROOT)
    result.steps[name] = measured
    print(f"    {describe_seconds(measured, timeout, options.limit_bytes)}, peak {describe_rss(measured)}",
          file=sys.stderr, flush=True)  # fmt: skip
    if not measured.ok and not measured.aborted:
        print(measured.output_tail[-1500:], file=sys.stderr)
    return measured


def _count_documents(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("select count(*) from documents")).scalar() or 0)
    finally:
        engine.dispose()


def run_size(options: Options, size: int) -> SizeResult:
    result = SizeResult(size=size, mode=options.mode)
    work = options.work / f"{options.mode}-{size}"
    work.mkdir(parents=True, exist_ok=True)
    steps = options.steps
    base_url = ""
    if options.mode == "archive" and options.store:
        base_url = options.store
        archive = work / "archive"
        made = archive_folder(archive, size, seed=options.seed, cache=options.cache)
        result.documents, result.scans = len(made), sum(item.variant.kind == "scan" for item in made)
    elif options.mode == "archive":
        archive = work / "archive"
        made = archive_folder(archive, size, seed=options.seed, cache=options.cache)
        result.documents = len(made)
        result.scans = sum(item.variant.kind == "scan" for item in made)
        counts = list(dict.fromkeys(options.workers)) if "ingest" in steps else [max(options.workers)]
        no_reconcile = ["--no-reconcile"] if _supports("ingest", "--no-reconcile") else []
        for workers in counts:
            url = f"sqlite:///{work}/ingest-w{workers}.db"
            command = [*_danhmuc(), "ingest", str(archive), "--workers", str(workers), *no_reconcile,
                       "--database", url, "--errors", str(work / f"errors-w{workers}.csv")]  # fmt: skip
            measured = _step(options, result, f"ingest-w{workers}", command, options.ingest_timeout)
            if measured.ok or measured.aborted == "timeout":
                # Cut short by the time limit: the documents stored so far still give the rate.
                stored = _count_documents(url)
                result.extra[f"ingest-w{workers}"] = {
                    "stored": stored, "partial": not measured.ok,
                    "documents_per_second": round(stored / measured.seconds, 3),
                    "documents_per_cpu_second": round(stored / max(measured.cpu_seconds, 1e-9), 3),
                }  # fmt: skip
            if measured.ok:
                base_url = url
            elif workers == counts[-1] and measured.aborted == "timeout":  # the base store: finish it (resumable)
                if _step(options, result, f"ingest-w{workers}-finish", command).ok:
                    base_url = url
    elif options.store:
        base_url = options.store
        result.documents = _count_documents(base_url)
    else:
        url = f"sqlite:///{work}/simulated.db"
        measured = _step(options, result, "simulate", [
            sys.executable, "-m", "benchmarks.scale_simulate", "--size", str(size), "--database", url,
            "--seed", str(options.seed), "--cache", str(options.cache),
        ])  # fmt: skip
        if measured.ok:
            base_url = url
            result.documents = size
    if "celery" in steps:
        celery_step(options, result)
    if not base_url or not steps & ({"reconcile"} | NEEDS_RECONCILED):
        return result
    if "reconcile" in steps or not _reconciled(base_url):  # a later step needs a reconciled store
        measured = _step(options, result, "reconcile", [sys.executable, "-m", "benchmarks.bench_scale", "_reconcile",
                                                         "--database", base_url])  # fmt: skip
        if not measured.ok:
            return result
    result.extra["reconcile"] = _last_reconcile(base_url)
    if "report" in steps:
        out = work / "report"
        _step(
            options,
            result,
            "report-no-reconcile",
            [*_danhmuc(), "report", "--no-reconcile", "--database", base_url, "--out", str(out)],
        )
        measured = _step(options, result, "report", [*_danhmuc(), "report", "--database", base_url, "--out", str(out)])
        if measured.ok:
            result.extra["report_mib"] = round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20, 1)
    if "reingest" in steps and options.mode == "archive":
        _step(options, result, "reingest", [*_danhmuc(), "ingest", str(work / "archive"), "--workers",
                                             str(max(options.workers)), "--database", base_url,
                                             "--errors", str(work / "errors-reingest.csv")])  # fmt: skip
    if "add10" in steps:
        added = work / f"added-{ADDED}"
        archive_folder(added, ADDED, seed=options.seed, cache=options.cache, offset=size)
        _step(
            options,
            result,
            "add10",
            [
                *_danhmuc(),
                "ingest",
                str(added),
                "--workers",
                str(max(options.workers)),
                "--database",
                base_url,
                "--errors",
                str(work / "errors-add.csv"),
            ],
        )
    if "api" in steps:
        report = work / "api.json"
        measured = _step(options, result, "api", [
            sys.executable, "-m", "benchmarks.bench_scale", "_api", "--database", base_url, "--out", str(report),
            "--requests", str(options.api_requests), "--seconds", str(options.api_seconds),
        ])  # fmt: skip
        if report.exists():  # also when the step was stopped: the requests timed so far
            result.extra["api"] = json.loads(report.read_text(encoding="utf-8"))
    return result


def _reconciled(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("select count(*) from reconcile_runs")).scalar())
    finally:
        engine.dispose()


def _last_reconcile(url: str) -> dict[str, object]:
    from catalog.store import CatalogStore

    with CatalogStore(url) as store:
        last = store.last_reconciliation()
    if last is None:
        return {}
    return {k: v for k, v in last.model_dump(mode="json").items() if isinstance(v, int | float)}


# ------------------------------------------------------------------ the Celery hook (issue 13 part 2)


def celery_step(options: Options, result: SizeResult) -> None:
    """HOOK(celery): ingest through 2 Celery workers; skips with a message until Celery is wired in.

    Assumed interface (adjust when part 2 lands): ``danhmuc worker`` starts a worker; the broker is
    named by ``DANHMUC_BROKER_URL``; the store is PostgreSQL (``--celery-database``), shared by the
    workers; ``danhmuc ingest`` hands extraction to the workers when a broker is configured.
    """
    reason = ""
    if importlib.util.find_spec("celery") is None:
        reason = "celery is not installed"
    elif not options.broker:
        reason = "no broker: pass --broker or set DANHMUC_BROKER_URL"
    elif subprocess.run([*_danhmuc(), "worker", "--help"], capture_output=True, env={**os.environ, **_env()},
                        check=False).returncode != 0:  # fmt: skip
        reason = "`danhmuc worker` does not exist yet"
    elif options.mode != "archive":
        reason = "store mode has nothing to extract"
    if reason:
        print(f"    celery: skipped — {reason}", file=sys.stderr)
        result.extra["celery"] = {"skipped": reason}
        return
    env = {**_env(), "DANHMUC_BROKER_URL": options.broker, "DATABASE_URL": options.celery_database}
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for number in range(2):  # separate working directories: the workers share only broker and database
            folder = Path(tempfile.mkdtemp(prefix=f"bench-scale-worker{number}-"))
            workers.append(subprocess.Popen([*_danhmuc(), "worker"], cwd=folder, env={**os.environ, **env},
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        time.sleep(5)
        archive = options.work / f"{options.mode}-{result.size}" / "archive"
        measured = run_step([*_danhmuc(), "ingest", str(archive), "--no-reconcile", "--database",
                             options.celery_database], limit_bytes=options.limit_bytes, timeout=options.timeout,
                            env=env, cwd=ROOT)  # fmt: skip
        result.steps["ingest-celery2"] = measured
        if measured.ok:
            result.extra["ingest-celery2"] = {"documents_per_second": round(result.documents / measured.seconds, 2)}
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)


# ------------------------------------------------------------------ internal steps (run as child processes)


def _reconcile_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    from catalog.store import CatalogStore

    with CatalogStore(args.database) as store:
        # The incremental reconciliation may not take a worker count.
        if "workers" in inspect.signature(store.reconcile).parameters:
            store.reconcile(workers=args.workers)
        else:
            store.reconcile()
    return 0


def _api_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    from benchmarks.scale_api import measure_api

    measure_api(args.database, args.requests, args.seconds, args.out)
    return 0


# ------------------------------------------------------------------ the tables


def fit_exponent(points: list[tuple[float, float]]) -> float | None:
    """Slope of log(y) against log(x), least squares: y ∝ x^slope."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def _api_cell(result: SizeResult, name: str) -> str:
    api = result.extra.get("api")
    if not isinstance(api, dict) or name not in api:
        step = result.steps.get("api")
        return describe_seconds(step, 0, 0) if step is not None and not step.ok else "–"
    figures = api[name]
    return f"{figures['p50_ms']:.0f} / {figures['p99_ms']:.0f} ms (n={figures['n']}, first {figures['first_ms']:.0f})"


def print_tables(options: Options, results: list[SizeResult], load: tuple[float, float]) -> None:
    mode = "archive (typed files really ingested)" if options.mode == "archive" else \
        "store-level simulation (Documents generated, no extraction)"  # fmt: skip
    limits = f"limits {options.limit_bytes / GIB:.0f} GiB, {options.timeout:.0f} s a step"
    print(f"\nScale — {mode}; SQLite; {os.cpu_count()} CPUs; load average {load[0]:.1f} at start, "
          f"{load[1]:.1f} at end; {limits}\n")  # fmt: skip
    workers = list(dict.fromkeys(options.workers))
    ingest_columns = [f"ingest-w{w}" for w in workers] if options.mode == "archive" else ["simulate"]
    heads = ["documents", *(_head(c) for c in ingest_columns), "reconcile", "`report`", "report w/o reconcile",
             "re-ingest unchanged", f"add {ADDED} (+reconcile)", "GET /v1/catalog/{id} p50/p99", "/v1/flags p50/p99",
             "peak RSS, one process"]  # fmt: skip
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for r in results:
        cells = [f"{r.size:,}" + (f" ({r.scans} scans)" if r.scans else "")]
        for column in ingest_columns:
            step = r.steps.get(column)
            text = describe_seconds(step, options.ingest_timeout or options.timeout, options.limit_bytes)
            rate = r.extra.get(column)
            if isinstance(rate, dict) and rate.get("partial"):
                text = f"stopped at {step.seconds:.0f} s with {rate['stored']} stored" if step else text
            if isinstance(rate, dict) and "documents_per_second" in rate:
                stored = rate.get("stored", r.documents)
                per_cpu = stored / step.cpu_seconds if step is not None and step.cpu_seconds else 0.0
                text += f", {rate['documents_per_second']} doc/s ({per_cpu:.2f} per CPU-s)"
            cells.append(text)
        for name in ("reconcile", "report", "report-no-reconcile", "reingest", "add10"):
            step = r.steps.get(name)
            text = describe_seconds(step, options.timeout, options.limit_bytes)
            if step is not None and name != "add10":
                text += f", {step.process_peak / GIB:.2f} GiB"
            cells.append(text)
        cells += [_api_cell(r, "catalog"), _api_cell(r, "flags")]
        peak = max((s.process_peak for s in r.steps.values()), default=0)
        killed = any(s.aborted == "memory" for s in r.steps.values())
        cells.append(f"{peak / GIB:.2f} GiB" + (" (killed at the limit)" if killed else ""))
        print("| " + " | ".join(cells) + " |")
    reconciled = [(r.size, r.steps["reconcile"]) for r in results if "reconcile" in r.steps and r.steps["reconcile"].ok]
    wall_exp = fit_exponent([(n, s.seconds) for n, s in reconciled])
    cpu_exp = fit_exponent([(n, s.cpu_seconds) for n, s in reconciled])
    memory_exp = fit_exponent([(n, s.process_peak) for n, s in reconciled])
    if wall_exp is not None and cpu_exp is not None and memory_exp is not None:
        sizes = ", ".join(f"{n:,}" for n, _ in reconciled)
        # CPU seconds are the figure to fit on a shared machine: wall time follows the load of the moment.
        print(f"\nFull reconciliation over {sizes} documents: CPU time ∝ N^{cpu_exp:.2f} (wall ∝ N^{wall_exp:.2f}), "
              f"peak RSS ∝ N^{memory_exp:.2f} (log-log least squares)")  # fmt: skip
    print("\nPeak RSS by step (largest processes; 'tree' is the sum over the step's processes at its peak):\n")
    print("| documents | step | seconds | CPU seconds | tree peak | largest processes |")
    print("|---|---|---|---|---|---|")
    for r in results:
        for name, step in r.steps.items():
            top = ", ".join(f"{p['process']} {p['peak_rss_mib']:.0f} MiB" for p in step.peaks()[:3])
            print(f"| {r.size:,} | {name} | {describe_seconds(step, options.timeout, options.limit_bytes)} | "
                  f"{step.cpu_seconds:.1f} | {step.tree_peak / GIB:.2f} GiB | {top} |")  # fmt: skip
    for r in results:
        if "celery" in r.extra:
            print(f"\nCelery (2 workers), {r.size:,}: {r.extra['celery']}")


def _head(column: str) -> str:
    if column == "simulate":
        return "store filled (simulator)"
    return f"ingest {column.removeprefix('ingest-w')} worker(s)"


def parse_options(argv: list[str] | None) -> tuple[Options, Path | None, bool]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("step", choices=(*STEPS, "all", "table"), help="table: print the tables of --json again")
    parser.add_argument("--mode", choices=("archive", "store"), default="archive")
    parser.add_argument("--sizes", default="250,1000", help="comma-separated archive sizes")
    parser.add_argument("--workers", default="1,2", help="local extraction workers to compare")
    parser.add_argument("--work", type=Path, default=None, help="keep stores, archives and reports here")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated documents, made once")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit-gib", type=float, default=8.0, help="kill a step whose processes pass this")
    parser.add_argument("--timeout", type=float, default=900.0, help="kill a step running longer (seconds)")
    parser.add_argument(
        "--ingest-timeout",
        type=float,
        default=0.0,
        help="stop a measured ingest after this long and rate what it stored (0: --timeout)",
    )
    parser.add_argument("--store", default="", help="measure this existing store (database URL; one size)")
    parser.add_argument("--api-requests", type=int, default=100, help="requests per endpoint")
    parser.add_argument("--api-seconds", type=float, default=60.0, help="time budget per endpoint")
    parser.add_argument("--broker", default=_broker_from_settings(), help="Celery broker URL")
    parser.add_argument("--celery-database", default="postgresql://postgres@127.0.0.1:5432/bench_scale")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    steps = set(STEPS) if args.step == "all" else {args.step}
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    options = Options(
        mode=args.mode, sizes=[int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()],
        workers=[int(w) for w in args.workers.split(",") if w.strip()], steps=steps, work=work, cache=args.cache,
        seed=args.seed, limit_bytes=int(args.limit_gib * GIB), timeout=args.timeout, api_requests=args.api_requests,
        api_seconds=args.api_seconds, broker=args.broker, celery_database=args.celery_database,
        ingest_timeout=args.ingest_timeout, store=args.store,
    )  # fmt: skip
    return options, args.json, args.work is None


def _broker_from_settings() -> str:
    from api.settings import Settings  # DANHMUC_BROKER_URL, validated as the service reads it
    from extract.settings import load_settings

    return load_settings(Settings).broker_url


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_reconcile":
        return _reconcile_main(argv[1:])
    if argv and argv[0] == "_api":
        return _api_main(argv[1:])
    options, json_path, temporary = parse_options(argv)
    if "table" in argv[:1]:
        if json_path is None:
            raise SystemExit("table: --json FILE is needed")
        shutil.rmtree(options.work, ignore_errors=True)
        loaded, results, load = read_json(json_path, options)
        print_tables(loaded, results, load)
        return 0
    load_start = os.getloadavg()[0]
    results = []
    try:
        for size in options.sizes:
            results.append(run_size(options, size))
            if json_path is not None:  # after every size: a long run killed later keeps what it measured
                write_json(json_path, options, results, load_start)
    finally:
        if temporary:
            shutil.rmtree(options.work, ignore_errors=True)
    print_tables(options, results, (load_start, os.getloadavg()[0]))
    return 0


def write_json(path: Path, options: Options, results: list[SizeResult], load_start: float = 0.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "mode": options.mode, "seed": options.seed, "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
        "load_start": load_start, "workers": options.workers,
        "limit_gib": options.limit_bytes / GIB, "timeout_seconds": options.timeout,
        "sizes": [
            {"documents": r.size, "files": r.documents, "scans": r.scans, "extra": r.extra,
             "steps": {name: step.as_dict() for name, step in r.steps.items()}}
            for r in results
        ],
    }  # fmt: skip
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")


def read_json(path: Path, options: Options) -> tuple[Options, list[SizeResult], tuple[float, float]]:
    """The results a run wrote with --json, to print their tables again."""
    from benchmarks.scale_measure import ProcessPeak

    payload = json.loads(path.read_text(encoding="utf-8"))
    results = []
    workers: list[int] = payload.get("workers") or []
    for size in payload["sizes"]:
        result = SizeResult(size=size["documents"], mode=payload["mode"], documents=size["files"],
                            scans=size["scans"], extra=size["extra"])  # fmt: skip
        for name, step in size["steps"].items():
            if name.startswith("ingest-w") and not payload.get("workers"):
                workers.append(int(name.removeprefix("ingest-w")))
            measured = Measured(
                command=step["command"].split(),
                seconds=step["seconds"],
                returncode=step["returncode"],
                aborted=step["aborted"],
                tree_peak=int(step["tree_peak_gib"] * GIB),
                child_cpu=step.get("cpu_seconds", 0.0),
            )
            for peak in step["processes"]:
                measured.processes[peak["pid"]] = ProcessPeak(
                    peak["pid"], peak["process"], int(peak["peak_rss_mib"] * 2**20)
                )
            result.steps[name] = measured  # fmt: skip
        results.append(result)
    loaded = Options(
        **{
            **options.__dict__,
            "mode": payload["mode"],
            "workers": workers or options.workers,
            "limit_bytes": int(payload["limit_gib"] * GIB),
            "timeout": payload["timeout_seconds"],
        }
    )
    return loaded, results, (payload.get("load_start", 0.0), payload["load_average"])  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
