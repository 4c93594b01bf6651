"""Scale benchmark of dataset matching: a seeded synthetic archive of ~100,000 catalog rows.

The archive is built from the corpus vocabulary (gold catalog titles, descriptions, units and
groups). True datasets are corpus titles with a qualifier taken from other corpus titles, so
near neighbours that are different datasets (same core, other qualifier) abound. Each dataset
belongs to one scope (level + province) and appears in 2–8 documents of that scope, each time
with realistic noise: abbreviations (TTHC, CSDL), old tone placement (hoá, thuỷ), typos,
reordered words, another generic head ("CSDL về", "Dữ liệu về"), a dropped place tail, now and
then another managing unit. The same titles recur in every scope, as they do in real
archives where communes copy the province template, and must not be linked across scopes.

    .venv/bin/python benchmarks/bench_matching.py [--entries 100000] [--workers 2] [--splink]

Prints matching time, peak RSS and pairwise F1 against the known truth, and, labelled apart, the time
of the same run's part that does what Splink does (features, blocking, pairwise scores, clustering into
datasets: no link reasons, records or concept level); with --splink (and splink and pandas importable,
e.g. PYTHONPATH=/path/to/splink-lib) also runs Splink (DuckDB) on the same rows and prints them side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from extract.model import (
    CatalogEntry,
    CatalogNorm,
    CitedDocument,
    Document,
    Metadata,
    Provenance,
    SourceFormat,
    UnitMention,
)
from matching import Reconciliation, entry_key, pairwise_scores, reconcile
from matching.features import build_features
from matching.text import ABBREVIATIONS, STOPWORDS, blocking_tokens

ROOT = Path(__file__).resolve().parents[1]
HEADS = ["Dữ liệu", "Dữ liệu về", "CSDL về", "Cơ sở dữ liệu về"]
SYLLABLES = ["An", "Bình", "Hòa", "Phú", "Tân", "Đông", "Tây", "Nam", "Bắc", "Hưng", "Thịnh", "Long",
             "Minh", "Quang", "Sơn", "Hải", "Thành", "Vĩnh", "Gia", "Lạc"]  # fmt: skip
SPLINK_MATCH_PROBABILITY = 0.5
OLD_TONES = {"hóa": "hoá", "thủy": "thuỷ", "hòa": "hoà", "khỏe": "khoẻ", "tòa": "toà", "xóa": "xoá"}


@dataclass(frozen=True)
class Vocabulary:
    cores: list[str]  # corpus titles without their generic head
    qualifiers: list[str]  # two-to-three word phrases from corpus titles
    descriptions: list[str]
    units: list[tuple[str, str]]  # (printed unit, unit type)
    groups: list[str]


def _strip_head(title: str) -> str:
    lowered = title
    heads = HEADS + ["CSDL", "Cơ sở dữ liệu", "Danh mục", "Danh sách", "Thông tin về"]
    for head in sorted(heads, key=len, reverse=True):
        if lowered.lower().startswith(head.lower() + " "):
            return lowered[len(head) + 1 :]
    return title


def load_vocabulary() -> Vocabulary:
    cores, descriptions, units, groups = set(), set(), set(), set()
    words: list[list[str]] = []
    for path in sorted((ROOT / "corpus" / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for item in gold.get("catalog", []):
            core = _strip_head(item["title"]).replace(" trên địa bàn tỉnh", "").replace(" trên địa bàn", "")
            if len(core.split()) >= 2:
                cores.add(core)
                words.append(core.split())
            if item["description"]:
                descriptions.add(item["description"])
            if item.get("unit_key") and "+" not in item["unit_key"]:
                units.add((item["unit"], item["unit_key"].split("_")[0]))
            groups.add(item["group"])
    phrases = {tuple(w[i : i + n]) for w in words for n in (2, 3) for i in range(1, len(w) - n + 1)}
    # Meaningful qualifiers only: no function words, no punctuation, no abbreviations.
    qualifiers = sorted(
        " ".join(p) for p in phrases
        if all(x.isalpha() and x.islower() and len(x) > 1 and x not in STOPWORDS for x in p)
    )  # fmt: skip
    return Vocabulary(sorted(cores), qualifiers, sorted(descriptions), sorted(units), sorted(groups))


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    action = rng.random()
    if action < 0.4:
        return word[:i] + word[i + 1 :]
    if action < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeioutnhc") + word[i + 1 :]


_SHORT = {long: short.upper() for short, long in ABBREVIATIONS.items() if len(long.split()) >= 3}


def noisy_title(core: str, rng: random.Random) -> str:
    text = core
    for long, short in _SHORT.items():
        if long in text.lower() and rng.random() < 0.5:
            start = text.lower().index(long)
            text = text[:start] + short + text[start + len(long) :]
    for new, old in OLD_TONES.items():
        if new in text and rng.random() < 0.5:
            text = text.replace(new, old)
    words = text.split()
    if rng.random() < 0.15 and len(words) >= 3:
        i = rng.randrange(len(words))
        words[i] = _typo(words[i], rng)
    if rng.random() < 0.10 and len(words) >= 4:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    tail = " trên địa bàn" if rng.random() < 0.3 else ""
    return f"{rng.choice(HEADS)} {' '.join(words)}{tail}"


@dataclass(frozen=True)
class Synthetic:
    documents: list[Document]
    truth: dict[str, str]


def build_archive(entries: int, seed: int = 20260501) -> Synthetic:
    rng = random.Random(seed)
    vocab = load_vocabulary()
    names = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(names)
    per_scope_datasets, docs_per_scope = 200, 10
    scopes = max(1, entries // (per_scope_datasets * 5))
    documents: list[Document] = []
    truth: dict[str, str] = {}
    for scope in range(scopes):
        province = names[scope % len(names)]
        level = "xa" if scope % 2 else "tinh"
        rows: list[list[tuple[str, str, str, str, str, str]]] = [[] for _ in range(docs_per_scope)]
        seen: set[str] = set()
        for dataset in range(per_scope_datasets):
            while True:
                core = rng.choice(vocab.cores)
                if rng.random() < 0.6:
                    core = f"{core} {rng.choice(vocab.qualifiers)}"
                if core not in seen:
                    seen.add(core)
                    break
            unit, unit_type = rng.choice(vocab.units)
            description = rng.choice(vocab.descriptions)
            group = rng.choice(vocab.groups)
            label = f"{scope}:{dataset}"
            for doc in rng.sample(range(docs_per_scope), rng.randint(2, 8)):
                printed_unit, printed_type = (unit, unit_type)
                if rng.random() < 0.05:
                    printed_unit, printed_type = rng.choice(vocab.units)
                title = noisy_title(core, rng)
                rows[doc].append((label, title, description, printed_unit, printed_type, group))
        for doc, items in enumerate(rows):
            rng.shuffle(items)
            commune = names[(scope * docs_per_scope + doc + 7) % len(names)]
            issuer = f"UBND xã {commune}" if level == "xa" else f"UBND tỉnh {province}"
            source = f"synthetic_{scope:04d}_{doc:02d}.txt"
            catalog = [
                CatalogEntry(
                    group=group, number=str(row), title=title, description=description, unit=unit,
                    table=1, row=row,
                    provenance=Provenance(file=source, table=1, row=row, raw=title),
                    norm=CatalogNorm(units=[UnitMention(raw=unit, unit_type=unit_type, canonical_name=unit)]),
                )  # fmt: skip
                for row, (_, title, description, unit, unit_type, group) in enumerate(items, start=1)
            ]
            parent = CitedDocument(issuer=f"UBND tỉnh {province}", provenance=Provenance(file=source))
            document = Document(
                source=source, sha256=hashlib.sha256(source.encode()).hexdigest(), format=SourceFormat.TEXT,
                size_bytes=0, page_count=1, catalog=catalog,
                metadata=Metadata(issuer=issuer, title=f"Kế hoạch dữ liệu {issuer}", parent=parent),
            )  # fmt: skip
            documents.append(document)
            for entry, item in zip(catalog, items, strict=True):
                truth[entry_key(document, entry)] = item[0]
    return Synthetic(documents, truth)


def output_digest(result: Reconciliation) -> str:
    """sha256 over the assignment, every link (score, reasons, accepted, level), the concepts, the concept
    links and the datasets: a speedup must leave it as it was."""
    digest = hashlib.sha256(json.dumps(sorted(result.assignment.items())).encode())
    for link in result.links:
        digest.update(json.dumps([link.left, link.right, link.score, link.reasons, link.accepted, link.level,
                                  link.decided_by]).encode())  # fmt: skip
    digest.update(json.dumps(sorted((result.concepts or {}).items())).encode())
    for link in result.concept_links:
        digest.update(json.dumps([link.left, link.right, link.score, link.reasons, link.accepted, link.level]).encode())
    for dataset in result.datasets:
        members = [m.key for m in dataset.members]
        digest.update(json.dumps([dataset.id, dataset.origin, dataset.title, dataset.unit, members]).encode())
    return digest.hexdigest()


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished workers: unlike wall time, it does
    not grow when other jobs share the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_splink(archive: Synthetic) -> dict[str, float | str]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started, cpu_started = time.perf_counter(), cpu_seconds()
    # Splink gets the same preparation as ours: head/tail stripped, abbreviations expanded, scope.
    features = build_features(archive.documents)
    df = Counter(t for f in features for t in blocking_tokens(f.text))
    rows = []
    for f in features:
        rare = sorted(blocking_tokens(f.text), key=lambda t: (df[t], t))
        rows.append({
            "unique_id": f.key, "title": f.text.content, "description": f.description,
            "unit_type": min(f.unit_types, default=""), "scope": f"{f.scope.level}|{f.scope.province}",
            "tok1": rare[0] if rare else "", "tok2": rare[1] if len(rare) > 1 else "",
            "truth": archive.truth[f.key],
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    db_api = DuckDBAPI()
    data = db_api.register(frame)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("title", [0.97, 0.92, 0.85]),
            cl.JaroWinklerAtThresholds("description", [0.95, 0.8]),
            cl.ExactMatch("unit_type"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("scope", "tok1"), block_on("scope", "tok2"), block_on("scope", "title"),
        ],  # fmt: skip
    )
    linker = Linker(data, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("scope", "title")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_m_from_label_column("truth")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clustering = linker.clustering
    clustered = clustering.cluster_pairwise_predictions_at_threshold(predictions, SPLINK_MATCH_PROBABILITY)
    clusters = clustered.as_pandas_dataframe()
    assignment = dict(zip(clusters["unique_id"], clusters["cluster_id"].astype(str), strict=True))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    scores = pairwise_scores(assignment, archive.truth)
    return {"seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1), "precision": round(scores.precision, 4),
            "recall": round(scores.recall, 4), "f1": round(scores.f1, 4)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260501)
    parser.add_argument("--splink", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    archive = build_archive(args.entries, args.seed)
    built = time.perf_counter() - started
    count = sum(len(d.catalog) for d in archive.documents)
    marks: list[tuple[float, float]] = []  # (wall, CPU-s) when the rows are clustered into datasets
    started, cpu_started = time.perf_counter(), cpu_seconds()
    result = reconcile(archive.documents, workers=args.workers, with_flags=False,
                       clustered=lambda: marks.append((time.perf_counter(), cpu_seconds())))  # fmt: skip
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    scores = pairwise_scores(result.assignment, archive.truth)
    quality = {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4)}
    ours = {"seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1), **quality}
    # The part of the same run that does Splink's task: features, blocking, pairwise scores, clustering into
    # datasets (the assignment scored above is final there); not the links' reasons, the records, the concept
    # level. The headline figure above stays the whole reconciliation.
    (clustered_at, clustered_cpu), = marks
    same_task = {"seconds": round(clustered_at - started, 1), "cpu_seconds": round(clustered_cpu - cpu_started, 1),
                 **quality}  # fmt: skip
    print(f"archive: {count} entries in {len(archive.documents)} documents, "
          f"{len(set(archive.truth.values()))} true datasets, {scores.true_pairs} true pairs "
          f"(built in {built:.1f} s)")
    print(f"candidate pairs: {result.candidate_pairs}, links kept: {len(result.links)}, "
          f"datasets: {len(result.datasets)}, threshold: {result.threshold}")
    print(f"danhmuc matching: {ours}  peak RSS {peak_rss_mib():.0f} MiB")
    print(f"  of which the part Splink also does (features, blocking, scoring, clustering into datasets; "
          f"without reasons, records, concept level): {same_task['seconds']} s, {same_task['cpu_seconds']} CPU-s")
    print(f"output digest: {output_digest(result)[:16]} (assignment, links, concepts, concept links, datasets)")
    if args.splink:
        try:
            theirs = run_splink(archive)
        except ImportError as error:
            print(f"splink: not importable here ({error})")
        else:
            print(f"splink (DuckDB):  {theirs}  peak RSS {peak_rss_mib():.0f} MiB (whole process)")
            print(f"{'':20}{'seconds':>10}{'cpu s':>8}{'precision':>11}{'recall':>9}{'F1':>8}")
            for name, row in (("danhmuc", ours), ("danhmuc, as Splink", same_task), ("splink", theirs)):
                print(f"{name:20}{row['seconds']:>10}{row['cpu_seconds']:>8}{row['precision']:>11}"
                      f"{row['recall']:>9}{row['f1']:>8}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores; other jobs inflate wall time)")


if __name__ == "__main__":
    main()
