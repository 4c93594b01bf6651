"""Document identity in the incremental reconciliation (issue #12): renderings of one plan flag once.

The TXT, DOCX and PDF of one corpus plan are three files of one document: stored together, each
finding is raised once, on one of them (the primary), whatever order they come in; when the primary
leaves, the findings move to the rendering that takes its place.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from catalog.store import CatalogStore
from catalog.testing import temporary_store
from extract import extract_file
from extract.model import Document
from matching.identity import same_work

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
SEED = "son_hai_ke_hoach_2026"


@cache
def _renderings() -> tuple[Document, ...]:
    return tuple(extract_file(DOCS / f"{SEED}{suffix}") for suffix in (".txt", ".docx", ".pdf"))


@cache
def _other() -> Document:
    return extract_file(DOCS / "hung_yen_ke_hoach_du_lieu_mo.txt")


def _flags(store: CatalogStore) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.sha256, f.kind.value, tuple(f.evidence)) for f in store.flags())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_renderings_of_one_plan_raise_each_flag_once(backend: str, tmp_path: Path) -> None:
    renderings = _renderings()
    assert len({d.sha256 for d in renderings}) == 3
    assert all(same_work(renderings[0], d).same for d in renderings[1:])
    results = []
    for index, order in enumerate([renderings, renderings[::-1]]):
        directory = tmp_path / str(index)
        directory.mkdir()
        with temporary_store(backend, directory) as store:
            for document in order:
                store.add_document(document)
            store.reconcile()
            results.append(_flags(store))
    flags = results[0]
    assert flags, "the plan raises findings"
    per_finding = Counter((kind, evidence) for _, kind, evidence in flags)
    assert max(per_finding.values()) == 1, per_finding
    assert len({sha for sha, _, _ in flags}) == 1, "every finding on the one primary rendering"
    assert results[1] == flags, "the same primary whatever the order"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_findings_move_when_the_primary_leaves(backend: str, tmp_path: Path) -> None:
    renderings = _renderings()
    with temporary_store(backend, tmp_path) as store:
        for document in renderings:
            store.add_document(document)
        store.reconcile()
        primary = {sha for sha, _, _ in _flags(store)}
        assert len(primary) == 1
        leaving = next(d for d in renderings if d.sha256 in primary)
        store.add_document(_other(), path=leaving.source)  # a new version of the primary's file: it leaves
        store.reconcile()
        after = _flags(store)
    expected_dir = tmp_path / "expected"
    expected_dir.mkdir()
    with temporary_store(backend, expected_dir) as fresh:
        for document in [*(d for d in renderings if d is not leaving), _other()]:
            fresh.add_document(document)
        fresh.reconcile()
        expected = _flags(fresh)
    assert after == expected
    assert primary.isdisjoint(sha for sha, _, _ in after)
    assert any(sha != _other().sha256 for sha, _, _ in after), "a remaining rendering now carries the findings"
