"""benchmarks/copy_store.py: a store copied into PostgreSQL holds what the SQLite one holds and goes on working.

The PostgreSQL figures at 10,000 documents (docs/benchmarks.md) come from a replicated SQLite store copied this
way, so the copy must be the same store, not a look-alike: the canonical dump is compared, then one more document
is stored and reconciled in both, and they must still agree (the copied integer keys' sequences continue).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.copy_store import copy_store
from benchmarks.kill_campaign import canonical_dump
from catalog.store import CatalogStore
from danhmuc.pipeline import process_file

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"
FIRST = ["bac_ninh_ke_hoach_2026.txt", "dong_cuu_ke_hoach_2026.txt", "ha_tinh_qd_1402_danh_muc_csdl.txt"]
LATER = "hung_yen_ke_hoach_du_lieu_mo.txt"


def _add(url: str, name: str) -> None:
    with CatalogStore(url) as store:
        store.add_document(process_file(DOCS / name))
        store.reconcile()


def test_a_copied_store_is_the_same_store_and_goes_on_alike(store_url: str, tmp_path: Path) -> None:
    target = store_url
    source = f"sqlite:///{tmp_path}/source.db"
    with CatalogStore(source) as store:
        for name in FIRST:
            store.add_document(process_file(DOCS / name))
        store.reconcile()
    counts = copy_store(source, target)
    assert counts["documents"] == len(FIRST) and counts["links"] > 0 and counts["reconcile_runs"] == 1
    with CatalogStore(source) as original, CatalogStore(target) as copied:
        expected = canonical_dump(original)
        assert expected["datasets"] and canonical_dump(copied) == expected
    _add(source, LATER)
    _add(target, LATER)
    with CatalogStore(source) as original, CatalogStore(target) as copied:
        assert canonical_dump(copied) == canonical_dump(original) != expected
