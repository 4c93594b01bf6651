"""A store of many documents without extracting them: variants of the corpus Documents.

    python benchmarks/scale_store.py make --documents 10000 --out /tmp/docs.jsonl
    python benchmarks/scale_store.py load --jsonl /tmp/docs.jsonl --database sqlite:////tmp/s.db [--first N]
    python benchmarks/scale_store.py reconcile --database sqlite:////tmp/s.db [--rebuild]
    python benchmarks/scale_store.py add --jsonl /tmp/docs.jsonl --database sqlite:////tmp/s.db --first 1000 \\
        --count 10 [--profile /tmp/add.pstats]
    python benchmarks/scale_store.py accuracy --entries 5000 --database sqlite:////tmp/a.db

Each variant is one corpus seed Document (extracted once from corpus/docs) issued by another
commune of one of twelve provinces, with its own số hiệu and date; a tenth of its rows are left
out and a few titles carry the noise of benchmarks/bench_matching (abbreviations, old tone
placement, typos, swapped words), so the archive repeats templates the way communes copy their
province's plan without being copies. `load` and `reconcile` print seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_matching import SYLLABLES, noisy_title  # noqa: E402
from extract.model import Document  # noqa: E402

PROVINCES = ["Bắc Ninh", "Hà Tĩnh", "Nghệ An", "Thanh Hóa", "Quảng Nam", "Lào Cai", "Đồng Nai", "Cà Mau",
             "Sơn La", "Gia Lai", "Nam Định", "Phú Thọ"]  # fmt: skip


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process: on a machine shared with other jobs, wall time says little."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def seeds() -> list[Document]:
    from danhmuc.pipeline import process_file

    stems = sorted(p.stem for p in (ROOT / "corpus" / "gold").glob("*.json"))
    return [process_file(ROOT / "corpus" / "docs" / f"{stem}.txt") for stem in stems]


def variant(seed: Document, index: int, rng: random.Random) -> Document:
    province = PROVINCES[index % len(PROVINCES)]
    commune = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {index}"
    issuer = f"UBND xã {commune}, tỉnh {province}"
    source = f"scale/{index:06d}_{seed.source.rsplit('/', 1)[-1]}"
    catalog = []
    for entry in seed.catalog:
        if rng.random() < 0.1:
            continue
        if rng.random() < 0.15:
            title = noisy_title(entry.title, rng)
            norm = entry.norm.model_copy(update={"title_key": ""}) if entry.norm is not None else None
            entry = entry.model_copy(update={"title": title, "norm": norm})
        catalog.append(entry.model_copy(update={"provenance": entry.provenance.model_copy(update={"file": source})}))
    meta = seed.metadata
    number = f"{index}/KH-UBND"
    date = f"20{20 + index % 6}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    metadata = meta.model_copy(update={"issuer": issuer, "number": number, "date": date,
                                       "title": f"{meta.title} xã {commune}"})  # fmt: skip
    sha = hashlib.sha256(f"{seed.sha256}:{index}".encode()).hexdigest()
    return seed.model_copy(update={"source": source, "sha256": sha, "catalog": catalog, "metadata": metadata})


def make(documents: int, out: Path, seed: int) -> None:
    rng = random.Random(seed)
    base = [s for s in seeds() if s.catalog]
    with out.open("w", encoding="utf-8") as handle:
        for index in range(documents):
            handle.write(variant(base[index % len(base)], index, rng).model_dump_json() + "\n")
    print(f"{documents} documents → {out}")


def load(jsonl: Path, database: str, first: int, count: int | None) -> None:
    from catalog.store import CatalogStore

    started = time.perf_counter()
    added = 0
    with CatalogStore(database) as store, jsonl.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number < first:
                continue
            if count is not None and added >= count:
                break
            document = Document.model_validate_json(line)
            store.add_document(document, path=document.source)
            added += 1
    print(f"loaded {added} documents in {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mib():.0f} MiB")


def reconcile(database: str, rebuild: bool) -> None:
    from catalog.store import CatalogStore

    with CatalogStore(database) as store:
        started, cpu = time.perf_counter(), cpu_seconds()
        summary = store.reconcile(rebuild=rebuild) if rebuild else store.reconcile()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"reconcile{' (rebuild)' if rebuild else ''}: {elapsed:.1f} s wall, {cpu:.1f} s CPU, "
          f"peak RSS {peak_rss_mib():.0f} MiB; "
          f"{summary.document_count} documents, {summary.entry_count} entries, {summary.dataset_count} datasets, "
          f"{summary.link_count} links, {summary.flag_count} flags")  # fmt: skip


def add(jsonl: Path, database: str, first: int, count: int, profile: Path | None) -> None:
    """Add `count` documents to a reconciled store and reconcile: what an upload of a few files costs."""
    import cProfile

    from catalog.store import CatalogStore

    with CatalogStore(database) as store:
        before = store.last_reconciliation()
        if before is None or store.reconcile() != before:
            raise SystemExit(f"{database}: not a reconciled store (reconcile() changed it); add needs one")
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU: the machine is shared
        if profiler:
            profiler.enable()
        started, cpu = time.perf_counter(), cpu_seconds()
        load(jsonl, database, first, count)
        loaded, loaded_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        summary = store.reconcile()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
    print(f"add {count}: {elapsed:.1f} s wall, {cpu:.1f} s CPU (storing {loaded:.1f} s wall, {loaded_cpu:.1f} s CPU), "
          f"peak RSS {peak_rss_mib():.0f} MiB; {before.document_count} → {summary.document_count} documents, "
          f"{summary.dataset_count} datasets, {summary.link_count} links, {summary.flag_count} flags, "
          f"rebuilt: {'rebuilt' in summary.warnings}")  # fmt: skip


def accuracy(entries: int, database: str) -> None:
    """Pairwise F1 of the store's incremental matching and of matching.reconcile on bench_matching's archive."""
    from benchmarks.bench_matching import build_archive
    from catalog.store import CatalogStore
    from matching import pairwise_scores
    from matching import reconcile as full_reconcile

    archive = build_archive(entries)
    started = time.perf_counter()
    full = pairwise_scores(full_reconcile(archive.documents, with_flags=False).assignment, archive.truth)
    full_seconds = time.perf_counter() - started
    with CatalogStore(database) as store:
        for document in archive.documents:
            store.add_document(document)
        started, cpu = time.perf_counter(), cpu_seconds()
        store.reconcile()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        stored = pairwise_scores(store.previous_assignment(), archive.truth)
    print(f"{len(archive.truth)} entries, {len(archive.documents)} documents")
    print(f"matching.reconcile (full, in memory): P {full.precision:.4f} R {full.recall:.4f} F1 {full.f1:.4f} "
          f"in {full_seconds:.1f} s")  # fmt: skip
    print(f"store, incremental: P {stored.precision:.4f} R {stored.recall:.4f} F1 {stored.f1:.4f} "
          f"in {elapsed:.1f} s wall, {cpu:.1f} s CPU")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_make = sub.add_parser("make")
    p_make.add_argument("--documents", type=int, default=10_000)
    p_make.add_argument("--out", type=Path, required=True)
    p_make.add_argument("--seed", type=int, default=20261205)
    p_load = sub.add_parser("load")
    p_load.add_argument("--jsonl", type=Path, required=True)
    p_load.add_argument("--database", required=True)
    p_load.add_argument("--first", type=int, default=0)
    p_load.add_argument("--count", type=int, default=None)
    p_rec = sub.add_parser("reconcile")
    p_rec.add_argument("--database", required=True)
    p_rec.add_argument("--rebuild", action="store_true")
    p_add = sub.add_parser("add")
    p_add.add_argument("--jsonl", type=Path, required=True)
    p_add.add_argument("--database", required=True)
    p_add.add_argument("--first", type=int, required=True)
    p_add.add_argument("--count", type=int, default=10)
    p_add.add_argument("--profile", type=Path, default=None)
    p_acc = sub.add_parser("accuracy")
    p_acc.add_argument("--entries", type=int, default=5_000)
    p_acc.add_argument("--database", required=True)
    args = parser.parse_args()
    if args.command == "make":
        make(args.documents, args.out, args.seed)
    elif args.command == "load":
        load(args.jsonl, args.database, args.first, args.count)
    elif args.command == "add":
        add(args.jsonl, args.database, args.first, args.count, args.profile)
    elif args.command == "accuracy":
        accuracy(args.entries, args.database)
    else:
        reconcile(args.database, args.rebuild)


if __name__ == "__main__":
    main()
