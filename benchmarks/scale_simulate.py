"""Store-level simulator: fill a catalog store with N Documents without extracting N files.

    .venv/bin/python -m benchmarks.scale_simulate --size 10000 --database sqlite:///tmp/sim.db [--seed 13]

Extracting 10,000 or 100,000 files takes hours on this machine, so for the store and matching
measurements the Documents are made from a pool: ``--pool`` typed archive documents (variants of
the corpus seeds from ``benchmarks/scale_archive.py``) really extracted once (cached as JSON), then
each simulated document is a pool Document of the same seed with another place (commune, district
or province names replaced everywhere in it, so issuer, localities and unit ids follow), another
number and date, ~30 % of its catalog titles respelled (title keys recomputed with ``nlp``), ~5 %
of its entries dropped and ~5 % added, and its own content hash. Each is stored with
``CatalogStore.add_document`` exactly as ingest stores an extracted file. Nothing is reconciled.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.scale_archive import DEFAULT_CACHE, write_variant_docx, write_variant_text
from benchmarks.scale_variation import (
    COMMUNES,
    DISTRICTS,
    PROVINCES,
    SEED_PROVINCE,
    Variant,
    draw_variant,
    vary_title,
)


def pool(seed: int, size: int, cache: Path = DEFAULT_CACHE) -> list[tuple[Variant, str]]:
    """(variant, Document JSON) of the first ``size`` typed (DOCX/TXT) archive documents, extracted once."""
    target = cache / f"pool-{seed}-{size}.jsonl"
    if target.exists():
        found = []
        for line in target.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            found.append((Variant(**item["variant"]), item["document"]))
        return found
    import tempfile

    from danhmuc.pipeline import process_file

    variants = [v for v in (draw_variant(seed, i) for i in range(size * 3)) if v.kind in ("docx", "txt")]
    lines = []
    found = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-pool-") as scratch_name:
        for variant_record in variants[:size]:
            path = Path(scratch_name) / f"{variant_record.index:06d}-{variant_record.seed}.{variant_record.kind}"
            (write_variant_docx if variant_record.kind == "docx" else write_variant_text)(variant_record, path)
            text = process_file(str(path), name=path.name).model_dump_json()
            found.append((variant_record, text))
            variant = json.loads(variant_record.to_json())
            lines.append(json.dumps({"variant": variant, "document": text}, ensure_ascii=False))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return found


def simulated_json(base: Variant, text: str, index: int, seed: int) -> dict[str, object]:
    """Pool document ``text`` moved to another place, number and date, with its catalog varied."""
    rng = random.Random(f"sim:{seed}:{index}")
    names = {"xã": COMMUNES, "huyện": DISTRICTS, "tỉnh": PROVINCES}[base.level]
    place = rng.choice(names)
    province = rng.choice(PROVINCES)
    pairs = [(base.place, place)]
    if base.seed in SEED_PROVINCE:
        pairs.append((base.province, province))
    for old, new in pairs:
        text = text.replace(old, new).replace(old.upper(), new.upper())
    number = str(rng.randint(1, 2999))
    if base.number:
        text = text.replace(f"{base.number}/", f"{number}/")
    document = json.loads(text)
    year = base.year - rng.choice((0, 0, 1, 2))
    moved = Variant(index, base.seed, base.level, place, province, year, rng.randint(1, 28), rng.randint(1, 12),
                    number, base.kind)  # fmt: skip
    sha = hashlib.sha256(f"bench-scale:{seed}:{index}".encode()).hexdigest()
    document["sha256"] = sha
    document["source"] = f"{index:06d}-{base.seed}-sim.{document['format']}"
    metadata = document["metadata"]
    if metadata.get("number"):
        metadata["number"] = metadata["number"].replace(base.number, number, 1) if base.number else metadata["number"]
    metadata["year"] = year
    if metadata.get("date"):
        metadata["date"] = f"{year:04d}-{moved.month:02d}-{moved.day:02d}"
    document["catalog"] = _vary_catalog(document["catalog"], rng, moved)
    return document


def _vary_catalog(entries: list[dict[str, Any]], rng: random.Random, variant: Variant) -> list[dict[str, Any]]:
    from nlp.titles import title_key

    varied: list[dict[str, Any]] = []
    next_row = max((entry["row"] for entry in entries), default=0) + 1
    for entry in entries:
        if rng.random() < 0.05:
            continue
        entry = dict(entry)
        if rng.random() < 0.3:
            entry["title"] = vary_title(entry["title"], rng, variant)
            if entry.get("norm"):
                entry["norm"] = {**entry["norm"], "title_key": title_key(entry["title"])}
        varied.append(entry)
        if rng.random() < 0.05:
            added = dict(entry)
            added["title"] = vary_title(entry["title"], random.Random(rng.random()), variant) + " (bổ sung)"
            added["row"] = next_row
            next_row += 1
            if added.get("norm"):
                added["norm"] = {**added["norm"], "title_key": title_key(added["title"])}
            varied.append(added)
    return varied


def simulate(database: str, size: int, *, seed: int = 13, pool_size: int = 30, start: int = 0,
             cache: Path = DEFAULT_CACHE) -> float:  # fmt: skip
    """Add simulated documents start..size-1 to the store; returns seconds spent storing."""
    from catalog.store import CatalogStore
    from extract.model import Document

    bases = pool(seed, pool_size, cache)
    by_seed: dict[str, list[tuple[Variant, str]]] = {}
    for variant, text in bases:
        by_seed.setdefault(variant.seed, []).append((variant, text))
    seeds = sorted(by_seed)
    started = time.perf_counter()
    with CatalogStore(database) as store:
        for index in range(start, size):
            group = by_seed[seeds[index % len(seeds)]]
            base, text = group[(index // len(seeds)) % len(group)]
            document = Document.model_validate(simulated_json(base, text, index, seed))
            store.add_document(document, path=f"/simulated/{document.source}")
            if index % 1000 == 999:
                print(f"  … {index + 1}/{size} simulated documents stored", file=sys.stderr)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_simulate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--pool", type=int, default=30)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    seconds = simulate(args.database, args.size, seed=args.seed, pool_size=args.pool, start=args.start,
                       cache=args.cache)  # fmt: skip
    print(json.dumps({"documents": args.size - args.start, "seconds": round(seconds, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
