"""Score the nlp normalisers against gold files (corpus/gold/*.json, see shared/gold-format.md).

Used by tests/test_nlp_gold.py and by ``python -m nlp.goldcheck [GOLD_DIR]``, which prints the
figures. Unit grouping is scored pairwise: two cells are "together" when their keys are equal;
precision and recall are over those pairs, across all documents (unit keys are shared by all gold
files). Unresolved mentions never group with anything and are listed separately.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nlp.frequency import parse_frequency
from nlp.pairwise import pair_counts, precision_recall_f1
from nlp.periods import parse_period
from nlp.sharing import parse_sharing
from nlp.units import locality_of_issuer, resolve_units


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        self.total += 1
        self.right += int(ok)
        if not ok:
            self.misses.append(what)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Grouping:
    items: list[tuple[str, str]] = field(default_factory=list)  # (gold key, predicted key)

    def f1(self) -> tuple[float, float, float]:
        return precision_recall_f1(*pair_counts(self.items))


@dataclass
class GoldScores:
    sharing: Accuracy = field(default_factory=Accuracy)
    frequency: Accuracy = field(default_factory=Accuracy)
    periods: Accuracy = field(default_factory=Accuracy)
    catalog_units: Grouping = field(default_factory=Grouping)
    task_units: Grouping = field(default_factory=Grouping)
    unresolved: list[str] = field(default_factory=list)
    mentions: int = 0
    sharing_undecided: int = 0  # rows with no sharing value whose open-list status the pipeline could not give

    @property
    def all_units(self) -> Grouping:
        return Grouping(self.catalog_units.items + self.task_units.items)


def _predicted_key(raw: str, locality: str, scores: GoldScores, counter: list[int]) -> str:
    mentions = resolve_units(raw, locality=locality)
    keys: list[str] = []
    for mention in mentions:
        if mention.collective:
            continue
        scores.mentions += 1
        if mention.unit_id:
            keys.append(mention.unit_id)
        else:
            counter[0] += 1
            scores.unresolved.append(f"{mention.raw} (cands: {', '.join(mention.candidates)})")
            keys.append(f"?unresolved{counter[0]}")
    return "+".join(keys)


def evaluate(gold_dir: Path) -> GoldScores:
    scores = GoldScores()
    counter = [0]
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        meta = gold.get("meta", {})
        locality = locality_of_issuer(meta.get("issuer", ""))
        year = meta.get("year")
        catalog = gold.get("catalog", [])
        open_rows = _open_list_rows(gold_dir, str(gold.get("name", path.stem)), len(catalog))
        for index, entry in enumerate(catalog):
            where = f"{gold.get('name', path.stem)}#{entry.get('number', '')}"
            is_open = open_rows[index] if open_rows is not None else False
            if open_rows is None and not entry.get("sharing_raw"):
                scores.sharing_undecided += 1
            got = parse_sharing(entry.get("sharing_raw", ""), open_list=is_open)
            scores.sharing.add(
                got == entry.get("sharing", ""), f"{where} {entry.get('sharing_raw')!r} → {got}"
            )
            freq = parse_frequency(entry.get("frequency_raw", ""))
            scores.frequency.add(
                freq == entry.get("frequency", []), f"{where} {entry.get('frequency_raw')!r} → {freq}"
            )
            if entry.get("unit_key"):
                predicted = _predicted_key(entry.get("unit", ""), locality, scores, counter)
                scores.catalog_units.items.append((entry["unit_key"], predicted))
        for task in gold.get("tasks", []):
            where = f"{gold.get('name', path.stem)}@{task.get('ref', '')}"
            period = parse_period(task.get("time_raw", ""), default_year=year)
            scores.periods.add(
                period.quarters == task.get("periods", []),
                f"{where} {task.get('time_raw')!r} → {period.quarters}",
            )
            if task.get("lead_key"):
                predicted = _predicted_key(task.get("lead_raw", ""), locality, scores, counter)
                scores.task_units.items.append((task["lead_key"], predicted))
            if task.get("partner_keys"):
                predicted = _predicted_key(task.get("partner_raw", ""), locality, scores, counter)
                scores.task_units.items.append(("+".join(task["partner_keys"]), predicted))
    return scores


def _open_list_rows(gold_dir: Path, name: str, rows: int) -> list[bool] | None:
    """Per gold row: did the pipeline declare its table an open-data list (rows with no sharing value)?

    Decided by the pipeline on the document's own text rendering (``<docs>/<name>.txt`` beside the
    gold folder), never from the gold's group names, so the gold cannot settle its own rows. None when
    there is no such file or its catalog does not line up row for row with the gold's.
    """
    from extract import extract_file
    from nlp.document import _open_list_tables

    source = gold_dir.parent / "docs" / f"{name}.txt"
    if not source.is_file():
        return None
    document = extract_file(source)
    if len(document.catalog) != rows:
        return None
    open_tables = _open_list_tables(document)
    return [entry.table in open_tables for entry in document.catalog]


def main(argv: list[str]) -> int:
    gold_dir = Path(argv[1]) if len(argv) > 1 else Path("corpus/gold")
    scores = evaluate(gold_dir)
    out = sys.stdout
    out.write(
        f"sharing accuracy   {scores.sharing.value:.4f} ({scores.sharing.right}/{scores.sharing.total})\n"
    )
    out.write(
        f"frequency accuracy {scores.frequency.value:.4f} "
        f"({scores.frequency.right}/{scores.frequency.total})\n"
    )
    out.write(
        f"period accuracy    {scores.periods.value:.4f} ({scores.periods.right}/{scores.periods.total})\n"
    )
    for name, grouping in (
        ("catalog units", scores.catalog_units),
        ("task units", scores.task_units),
        ("all units", scores.all_units),
    ):
        p, r, f = grouping.f1()
        out.write(f"{name:14s} pairwise P={p:.4f} R={r:.4f} F1={f:.4f} ({len(grouping.items)} cells)\n")
    out.write(f"unresolved mentions: {len(scores.unresolved)} of {scores.mentions}\n")
    for miss in scores.sharing.misses + scores.frequency.misses + scores.periods.misses + scores.unresolved:
        out.write(f"  - {miss}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
