"""How the cost of a document grows with the archive, on a real reconciliation (issue 13).

    python benchmarks/scale_growth.py run --database sqlite:////tmp/real10k/s.db --log /tmp/real10k/growth.tsv \\
        --copies 500,1000,2000,3000
    python benchmarks/scale_growth.py slice --source /tmp/real10k/at2000.db --count 100 --profile /tmp/p2000.pstats
    python benchmarks/scale_growth.py fit --log /tmp/real10k/growth.tsv [--window 250]
    python benchmarks/scale_growth.py place --source /tmp/real10k/at3000.db --work /tmp/w.db --count 100 \\
        [--out /tmp/dump3000.json]

`run` reconciles a store loaded by scale_store.py (`make`, `load`) and writes, at each transaction,
the documents placed so far, CPU seconds and wall seconds; as it passes each size in `--copies` it
copies the committed store to at<N>.db beside it (SQLite's backup, the run going on). `slice`
places `--count` more documents on a copy of such a store under cProfile (CPU time); `fit` gives
the CPU seconds a document per window of documents and the exponent of their growth. `place`
places the next `--count` documents on a copy, one a transaction (so any two codes place the same
ones in the same transactions), prints CPU seconds a document by phase, and the digest of what the
copy then holds (benchmarks/kill_campaign.canonical_dump plus every parent, flag and citation row, and
the matching index's rows), so two codes can be shown to give the same result; then the rows placed, CPU-ms
a row, and CPU-s a document by generated template (the next documents by hash mix the templates differently
at each size).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import math
import shutil
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scale_store import cpu_seconds  # noqa: E402
from catalog import placing, reconcile_run  # noqa: E402
from catalog.incremental_state import RunCounts  # noqa: E402
from catalog.store import CatalogStore  # noqa: E402


@contextmanager
def _patched(target: object, **values: object) -> Iterator[None]:
    """Replace attributes for the with-block only: the smoke test runs these commands in its own process."""
    saved = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


def _copy(source: str, target: str) -> None:
    if not Path(f"{source}-wal").exists():  # a snapshot nothing writes to: the file is the store (GiBs: faster)
        shutil.copyfile(source, target)
        return
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

        with _patched(placing, place_pending=place_pending), CatalogStore(database) as store:
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

    with _patched(placing, place_pending=place_pending, YIELD_SECONDS=0), CatalogStore(f"sqlite:///{work}") as store:
        state = reconcile_run._Run(load_threshold(), load_concept_threshold())
        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
        started, cpu = time.perf_counter(), cpu_seconds()
        profiler.enable()
        reconcile_run._match_pending(store, state, [], reconcile_run.yield_lock, reconcile_run.never_more)  # placing
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        profiler.dump_stats(str(profile))
    placed = max(state.counts.documents, 1)
    print(f"{source}: {state.counts.documents} documents in {cpu:.1f} CPU-s ({elapsed:.1f} s wall): "
          f"{cpu / placed:.3f} CPU-s a document")  # fmt: skip


PHASES = ("start_document", "place_rows", "end_document", "refresh", "finish")


@dataclass
class Transaction:
    started: float  # process CPU when it began
    template: str = ""  # of the document it started


def template_of(source: str) -> str:
    """scale_store.py's `scale/000123_seed.txt` -> `seed`; any other source as it is."""
    name = source.rsplit("/", 1)[-1]
    head, _, seed = name.partition("_")
    return seed.rsplit(".", 1)[0] if head.isdigit() and seed else name


def place(source: Path, work: Path, count: int, out: Path | None, profile: Path | None = None,
          light: bool = False) -> None:  # fmt: skip
    from catalog import incremental
    from matching.reconcile import load_concept_threshold, load_threshold

    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    _copy(str(source), str(work))
    original = placing.place_pending

    # The documents placed are the next ones by hash, so the mix of generated templates (24 to 133 rows
    # a document) differs from one store to the next: the CPU of each transaction is kept by template.
    by_template: dict[str, list[float]] = defaultdict(list)
    last = Transaction(time.process_time())

    def place_pending(matcher: object, session: object, counts: RunCounts, **kw: object) -> bool:
        now = time.process_time()
        if last.template:
            by_template[last.template].append(now - last.started)
        last.started, last.template = now, ""
        # One document a transaction, never cut: the same transactions whatever the machine's load.
        kw.update(batch=1, seconds=1e9)
        return counts.documents < count and original(matcher, session, counts, **kw)  # type: ignore[arg-type]

    spent = dict.fromkeys(PHASES, 0.0)

    def timed(name: str) -> object:
        method = getattr(incremental.Matcher, name)

        def wrapper(*args: object, **kw: object) -> object:
            if name == "start_document":
                last.template = template_of(str(getattr(args[1], "source", "")))
            start = time.process_time()
            try:
                return method(*args, **kw)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    # refresh runs inside settle, finish after it: no phase holds another
    with (
        _patched(incremental.Matcher, **{name: timed(name) for name in PHASES}),
        _patched(placing, place_pending=place_pending, YIELD_SECONDS=0),
        CatalogStore(f"sqlite:///{work}") as store,
    ):
        state = reconcile_run._Run(load_threshold(), load_concept_threshold())
        profiler = cProfile.Profile(time.process_time) if profile else None
        if profiler:
            profiler.enable()
        cpu = cpu_seconds()
        reconcile_run._match_pending(store, state, [], reconcile_run.yield_lock, reconcile_run.never_more)  # placing
        cpu = cpu_seconds() - cpu
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
        dump = result_dump(store, light)
    placed = max(state.counts.documents, 1)
    phases = ", ".join(f"{name} {spent[name] / placed:.4f}" for name in PHASES)
    rest = (cpu - sum(spent.values())) / placed
    digest = hashlib.sha256(json.dumps(dump, sort_keys=True, default=str).encode()).hexdigest()
    print(f"{source.name}: {state.counts.documents} documents, {cpu / placed:.4f} CPU-s a document "
          f"({phases}, rest {rest:.4f}); digest {digest[:16]}")  # fmt: skip
    rows = max(state.counts.entries, 1)
    templates = {name: sum(spent_) / len(spent_) for name, spent_ in sorted(by_template.items())}
    mean = sum(templates.values()) / max(len(templates), 1)
    print(f"  {state.counts.entries} rows, {cpu / rows * 1000:.3f} CPU-ms a row; CPU-s a document by template: "
          + ", ".join(f"{name} ({len(by_template[name])}) {each:.4f}" for name, each in templates.items())
          + f"; templates weighed equally {mean:.4f}")  # fmt: skip
    if out is not None:
        out.write_text(json.dumps(dump, sort_keys=True, default=str, ensure_ascii=False), encoding="utf-8")


def result_dump(store: CatalogStore, light: bool = False) -> dict[str, object]:
    """canonical_dump, and the rows it does not show: parents and scores, flag rows (position, scope),
    citations, and the matching index (members' positions and marks, postings, word and value counts).

    `light`: without canonical_dump (every stored Document hashed, datasets, links and flags through the
    ORM: ~80 CPU-s and 5 GiB on a 10,000-document store), which placing changes only through the rows
    below; concept assignments added. Two codes compared must both use it or both not.
    """
    from sqlalchemy import text

    from benchmarks.kill_campaign import canonical_dump

    dump = {} if light else canonical_dump(store)
    queries = {
        "parents": "SELECT sha256, seq, parent_sha, parent_score FROM match_documents",
        "flag_rows": "SELECT id, document_sha256, kind, position, scope_key, message, provenance_json FROM flags",
        "link_rows": "SELECT left_key, right_key, score, reasons, accepted, decided_by FROM links",
        "citations": "SELECT document_sha256, key, date, position FROM match_citations",
        "members": "SELECT entry_key, dataset_id, position, exemplar FROM dataset_members",
        "heads": "SELECT id, title, unit, member_count, document_count, concept_id FROM datasets",
        "entries_index": "SELECT key, exemplar, concept_rep FROM match_entries",
        "postings": "SELECT token, scope, entry_key FROM match_postings",
        "terms": "SELECT kind, term, count FROM match_terms",
        "values": "SELECT dataset_id, kind, value, count, first_position FROM dataset_values",
        "wordings": "SELECT wording, concept_id FROM concept_wordings",
        "state": "SELECT name, value FROM match_state",
    }
    if light:
        queries["concept_rows"] = "SELECT entry_key, concept_id FROM concept_entries"
        queries["concept_heads"] = "SELECT id, title FROM concepts"
    with store.snapshot() as session:
        for name, query in queries.items():
            dump[name] = sorted(json.dumps(list(row), default=str) for row in session.execute(text(query)))
    return dump


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
    p_place = sub.add_parser("place")
    p_place.add_argument("--source", type=Path, required=True)
    p_place.add_argument("--work", type=Path, required=True)
    p_place.add_argument("--count", type=int, default=100)
    p_place.add_argument("--out", type=Path, default=None)
    p_place.add_argument("--profile", type=Path, default=None)
    p_place.add_argument("--light", action="store_true", help="digest of the result's rows only (see result_dump)")
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("--log", type=Path, required=True)
    p_fit.add_argument("--window", type=int, default=250)
    args = parser.parse_args()
    if args.command == "run":
        run(args.database, args.log, [int(n) for n in args.copies.split(",") if n])
    elif args.command == "slice":
        slice_(args.source, args.count, args.profile)
    elif args.command == "place":
        place(args.source, args.work, args.count, args.out, args.profile, args.light)
    else:
        fit(args.log, args.window)


if __name__ == "__main__":
    main()
