"""Unit-conflict flags rewritten only where they changed (issue 13), with the same rows as a rebuild."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import select

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
