"""benchmarks/replicate_store.py: a copied store carries a matching index consistent with its result.

The 10,000-document "add 10 documents" figure (docs/benchmarks.md) is measured on such a copy; if the
copy's index disagreed with its result, the reconciliation there would rebuild or place against a
wrong index, and the figure would measure something else.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.catalog_view import CatalogQuery, CatalogView
from benchmarks.kill_campaign import canonical_dump
from benchmarks.replicate_store import index_problems, replicate
from benchmarks.scale_store import variant
from catalog.store import CatalogStore
from extract.model import Document
from nlp.pipeline import process_file

SEED = Path(__file__).resolve().parent.parent / "corpus" / "docs" / "son_hai_ke_hoach_2026.txt"


@pytest.fixture(scope="module")
def variants() -> list[Document]:
    """Four plans of communes of one province (index ≡ 0 mod 12): their rows meet in datasets."""
    seed, rng = process_file(SEED), random.Random(13)
    return [variant(seed, index, rng) for index in (0, 12, 24, 36)]


@pytest.fixture(scope="module")
def source(variants: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replicate") / "source.db"
    with CatalogStore(f"sqlite:///{path}") as store:
        for document in variants[:3]:
            store.add_document(document, path=document.source)
        store.reconcile()
    return path


def _tables(path: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = {name: sorted(map(repr, db.execute(f"SELECT * FROM {name}"))) for name in names}  # noqa: S608
    db.close()
    return dump


def _count(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    found = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    db.close()
    return found


@pytest.fixture
def tripled(source: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "x3.db"
    replicate(source, target, 3)
    yield target


def test_source_is_consistent_and_joined(source: Path) -> None:
    assert index_problems(source) == []
    assert _count(source, "datasets") < _count(source, "dataset_members"), "the plans' rows should meet"


def test_once_is_the_store_unchanged(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "x1.db"
    replicate(source, target, 1)
    assert _tables(target) == _tables(source)


def test_tripled_index_is_consistent_and_reconcile_does_nothing(source: Path, tripled: Path) -> None:
    assert index_problems(tripled) == []
    for table in ("documents", "catalog_entries", "datasets", "links", "flags", "match_documents",
                  "match_entries", "match_postings", "match_citations", "dataset_values"):  # fmt: skip
        assert _count(tripled, table) == 3 * _count(source, table), table
    with CatalogStore(f"sqlite:///{tripled}") as store:
        before, summary = canonical_dump(store), store.last_reconciliation()
        assert summary is not None and summary.document_count == 9
        assert store.reconcile() == summary  # no run: nothing pending, nothing rebuilt
        assert canonical_dump(store) == before
    assert _count(tripled, "reconcile_runs") == _count(source, "reconcile_runs")
    with CatalogStore(f"sqlite:///{tripled}") as store:  # the copies' summaries are written by the first reader
        listed = CatalogView(store).snapshot().page(CatalogQuery(), 10, 0)[1]
    assert _count(tripled, "dataset_summaries") == _count(tripled, "datasets") == 3 * _count(source, "datasets")
    assert f'"total":{_count(tripled, "datasets")},'.encode() in listed


def test_a_document_added_to_the_copy_is_placed(variants: list[Document], tripled: Path) -> None:
    added = variants[3]
    with CatalogStore(f"sqlite:///{tripled}") as store:
        datasets = store.dataset_ids()
        store.add_document(added, path=added.source)
        summary = store.reconcile()
        assert "rebuilt" not in summary.warnings
        assert summary.document_count == 10
        keys = {k for k in store.entry_keys() if k.startswith(added.sha256)}
        placed = store.assignment_of(sorted(keys))
    assert keys and set(placed) == keys
    # Its rows join the stored datasets (same province, same template) rather than each starting one.
    joined = [k for k, dataset in placed.items() if dataset in datasets]
    assert len(joined) > len(keys) // 2
    assert summary.dataset_count == len(datasets) + len(keys) - len(joined)
    assert index_problems(tripled) == []
    with CatalogStore(f"sqlite:///{tripled}") as store, store.transaction() as session:
        # The copied concept counts, moved by the added rows, are what counting every row gives.
        kept = _concept_tables(session)
        CatalogStore._store_concepts(session, None)
        assert _concept_tables(session) == kept
        session.rollback()


def _concept_tables(session: Session) -> list[list[tuple[object, ...]]]:
    return [[tuple(row) for row in session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))]  # noqa: S608
            for table in ("concepts", "concept_entries", "concept_values")]  # fmt: skip
