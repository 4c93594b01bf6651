"""Unit-conflict flags rewritten only where they changed (issue 13), with the same rows as a rebuild."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.scale_store import variant
from catalog import incremental, placing
from catalog.incremental_datasets import DatasetUpkeep
from catalog.incremental_flags import FlagWriter, _involved
from catalog.models import FlagRow
from catalog.store import CatalogStore
from matching.goldset import load_gold
from matching.model import FlagKind
from nlp.units import unit_types_agree

ROOT = Path(__file__).resolve().parents[1]


def _involved_pairwise(types: dict[str, set[str]]) -> list[str]:
    """The rule as matching.flags.unit_conflicts writes it: document against document."""
    known = [d for d in types if types[d]]
    return [d for d in known if any(d != o and not unit_types_agree(types[d], types[o]) for o in known)]


def test_involved_by_distinct_sets_is_the_pairwise_rule() -> None:
    pool = ["so_tu_phap", "phong_tu_phap", "ubnd_xa", "so_noi_vu", "phong_noi_vu", "cong_an"]
    generator = random.Random(13)
    for _ in range(300):
        types = {f"d{i}": set(generator.sample(pool, generator.randint(0, 2))) for i in range(generator.randint(0, 7))}
        assert _involved(types) == _involved_pairwise(types)


def _rows(store: CatalogStore) -> list[tuple[object, ...]]:
    with store.snapshot() as session:
        return sorted(tuple(r) for r in session.execute(
            select(FlagRow.id, FlagRow.position, FlagRow.message, FlagRow.document_sha256, FlagRow.provenance_json,
                   FlagRow.scope_key).where(FlagRow.kind == FlagKind.UNIT_CONFLICT.value)
        ))  # fmt: skip


def _unit_conflicts_written(store: CatalogStore, scopes: list[str]) -> list[str]:
    """The unit conflicts of ``scopes`` written again: the documents of the flags each rewrite wrote."""
    written: list[str] = []
    with store.transaction() as session:
        writer = FlagWriter(session, [])
        original = writer._write
        writer._write = lambda flags, scope_key="": (  # type: ignore[method-assign]
            written.extend(f.sha256 for f in flags), original(flags, scope_key))
        for scope in scopes:
            writer.unit_conflicts(scope)
    return written


def test_an_unchanged_dataset_writes_no_flag_and_a_changed_one_the_same_rows(tmp_path: Path) -> None:
    with CatalogStore(f"sqlite:///{tmp_path / 'store.db'}") as store:
        for gold in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs"):
            store.add_document(gold.document)
        store.reconcile()
        before = _rows(store)
        assert before, "the gold raises unit conflicts"
        scopes = sorted({str(row[-1]) for row in before})
        assert _unit_conflicts_written(store, scopes) == [] and _rows(store) == before
        # A stored row that differs (as after a change of units) is rewritten, the others kept.
        with store.transaction() as session:
            session.execute(FlagRow.__table__.update().where(FlagRow.id == before[0][0]).values(message="cũ"))
        assert _unit_conflicts_written(store, scopes) == [before[0][3]] and _rows(store) == before


def test_a_document_joining_a_disputed_dataset_uninvolved_writes_what_reading_it_all_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Variants of the gold plans (benchmarks/scale_store.py) placed one a transaction: the datasets whose
    units disagree are refreshed as each joins; the flags are those of reading every member each time."""
    seeds = [g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs") if g.document.catalog]
    rng = random.Random(9)
    documents = [variant(seeds[i % len(seeds)], i, rng) for i in range(60)]
    monkeypatch.setattr(incremental, "BATCH_DOCUMENTS", 1)
    monkeypatch.setattr(placing, "YIELD_SECONDS", 0)
    kept: list[bool] = []
    original = DatasetUpkeep._conflicts_unchanged

    def recorded(self: DatasetUpkeep, dataset: str, counted: Counter[frozenset[str]]) -> bool:
        kept.append(original(self, dataset, counted))
        if kept[-1]:  # what reading every member writes now: nothing different
            query = select(FlagRow.id, FlagRow.position, FlagRow.message, FlagRow.provenance_json).where(
                FlagRow.scope_key == dataset, FlagRow.kind == FlagKind.UNIT_CONFLICT.value)
            stored = sorted(self.flags.session.execute(query).all())
            self.flags.unit_conflicts(dataset)
            assert sorted(self.flags.session.execute(query).all()) == stored
        return kept[-1]

    def flags_after(name: str, shortcut: bool) -> list[tuple[object, ...]]:
        monkeypatch.setattr(DatasetUpkeep, "_conflicts_unchanged", recorded if shortcut else lambda *_: False)
        with CatalogStore(f"sqlite:///{tmp_path / name}") as store:
            for document in documents:
                store.add_document(document, path=document.source)
            store.reconcile()
            with store.snapshot() as session:
                return sorted(tuple(r) for r in session.execute(select(
                    FlagRow.id, FlagRow.kind, FlagRow.position, FlagRow.message, FlagRow.document_sha256,
                    FlagRow.provenance_json, FlagRow.scope_key)))  # fmt: skip

    read_all = flags_after("all.db", shortcut=False)
    assert any(row[1] == FlagKind.UNIT_CONFLICT.value for row in read_all)
    assert flags_after("kept.db", shortcut=True) == read_all
    assert True in kept and False in kept, "some refreshes kept the flags, others read the dataset"
