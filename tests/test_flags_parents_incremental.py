"""The end of a document (parents found by title, citation dates) reads only what can change (issue 13).

Variants of the gold plans, as benchmarks/scale_store.py makes them, share the parent title they want
and the số hiệu they cite, so most of them tie for a parent and cite the same numbers: what each new
document's search for children and check of dates cost grew with the archive.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from benchmarks.scale_store import variant
from catalog.incremental_flags import BY_NUMBER, FlagWriter
from catalog.models import FlagRow, MatchCitationRow, MatchDocumentRow
from catalog.store import CatalogStore
from extract.model import Document
from matching.goldset import load_gold

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def archive() -> list[Document]:
    seeds = [g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs") if g.document.catalog]
    rng = random.Random(13)
    documents = [variant(seeds[i % len(seeds)], i, rng) for i in range(26)]
    with_parent = next(d for d in documents if d.metadata.parent is not None and d.metadata.parent.title)
    # A later document titled as the plan the others implement: it beats their parent by title.
    province = variant(with_parent, 900, rng)
    assert province.metadata.parent is not None
    province = province.model_copy(update={"metadata": province.metadata.model_copy(
        update={"title": f"Kế hoạch {province.metadata.parent.title}", "parent": None})})  # fmt: skip
    # A document citing a số hiệu the others cite, with a date none of them gives.
    cited = [c for c in with_parent.metadata.cited if c.number and c.date]
    assert cited, "the gold plans cite dated numbers"
    other_date = variant(with_parent, 901, rng)
    other_date = other_date.model_copy(update={"metadata": other_date.metadata.model_copy(
        update={"cited": [cited[0].model_copy(update={"date": "1999-01-02"})]})})  # fmt: skip
    return [*documents[:20], province, other_date, *documents[20:]]


def _reconciled(path: Path, documents: list[Document], runs: list[int]) -> CatalogStore:
    store = CatalogStore(f"sqlite:///{path}")
    start = 0
    for end in runs:
        for document in documents[start:end]:
            store.add_document(document, path=document.source)
        store.reconcile()
        start = end
    return store


def _flag_rows(store: CatalogStore) -> list[tuple[object, ...]]:
    with store.snapshot() as session:
        return sorted(tuple(r) for r in session.execute(select(
            FlagRow.id, FlagRow.kind, FlagRow.position, FlagRow.message, FlagRow.document_sha256,
            FlagRow.provenance_json, FlagRow.scope_key)))  # fmt: skip


def test_parents_and_citation_flags_are_what_a_search_from_scratch_gives(
    archive: list[Document], tmp_path: Path
) -> None:
    with _reconciled(tmp_path / "s.db", archive, [6, 12, 21, 22, 23, len(archive)]) as store:
        before = _flag_rows(store)
        kinds = {row[1] for row in before}
        assert {"period_after_parent", "citation_conflict"} <= kinds
        with store.transaction() as session:
            stored = {r.sha256: (r.parent_sha, r.parent_score) for r in session.scalars(select(MatchDocumentRow))}
            assert len({parent for parent, _ in stored.values()}) >= 2, "a later document took over as parent"
            writer = FlagWriter(session, [])
            # Every parent as the full search (_parent) finds it now, and every số hiệu's flags rewritten.
            assert {sha: writer._parent(sha) for sha in stored} == stored
            for sha in sorted(stored):
                writer.parent_of(sha)
            writer.citations(set(session.scalars(select(MatchCitationRow.key))))
        assert _flag_rows(store) == before


def test_the_end_of_a_document_reads_as_much_whatever_the_archive(archive: list[Document], tmp_path: Path) -> None:
    """Statements run by children_of and citations for one more document, on a small and a larger archive.

    The newcomer carries the title of the parent most documents found by title: for each of them it
    scores what their parent scores, above the whole number stored, so each is a candidate that keeps
    its earlier parent. The full scan asked each one's parent title again.
    """
    counts = []
    for size, runs in ((8, [4, 8]), (20, [4, 8, 14, 20])):
        with _reconciled(tmp_path / f"s{size}.db", archive[:size], runs) as store:
            with store.snapshot() as session:
                parent, score, children = session.execute(
                    select(MatchDocumentRow.parent_sha, MatchDocumentRow.parent_score, func.count())
                    .where(MatchDocumentRow.parent_score < BY_NUMBER, MatchDocumentRow.parent_sha != "")
                    .group_by(MatchDocumentRow.parent_sha, MatchDocumentRow.parent_score)
                    .order_by(func.count().desc()).limit(1)
                ).one()  # fmt: skip
            found = store.get(parent)
            assert found is not None
            title = found.metadata.title
            newcomer = variant(archive[0], 950, random.Random(size))
            newcomer = newcomer.model_copy(update={"metadata": newcomer.metadata.model_copy(update={"title": title})})
            store.add_document(newcomer, path=newcomer.source)
            store.reconcile()
            statements: list[str] = []
            event.listen(store.engine, "before_cursor_execute", lambda *a, seen=statements: seen.append(a[2]))
            with store.transaction() as session:
                writer = FlagWriter(session, [])
                sha = newcomer.sha256
                keys = set(session.scalars(select(MatchCitationRow.key).where(MatchCitationRow.document_sha256 == sha)))
                kept = session.scalar(select(func.count()).where(MatchDocumentRow.parent_sha == parent))
                assert kept >= children > 1, "the tied documents keep their earlier parent"
                statements.clear()
                writer.children_of(sha)
                writer.citations(keys, newcomer=sha)
                counts.append((children, len([s for s in statements if s.lstrip().upper().startswith("SELECT")])))
    assert counts[1][0] > counts[0][0] and counts[1][1] <= counts[0][1], counts


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_parent_title_that_ran_on_for_pages_is_stored_and_matched_by_its_start(
    archive: list[Document], backend: str, tmp_path: Path
) -> None:
    """The cited plan's title is indexed: PostgreSQL refuses a btree entry past ~2.7 KB, and a run over
    a document whose reference ran on into its paragraphs failed. It is compared by its first
    PARENT_TITLE_CHARS characters, by the incremental run and the in-memory one alike."""
    from catalog.testing import postgres_unreachable_reason, temporary_store
    from matching.flags import PARENT_TITLE_CHARS, find_parent

    if backend == "postgres" and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    plan = next(d for d in archive if d.metadata.title)
    words = "căn cứ kế hoạch của ủy ban nhân dân tỉnh về việc triển khai số hóa dữ liệu ngành xã huyện".split()
    draw = random.Random(7)  # not a repeated phrase: PostgreSQL compresses an index entry before its limit
    tail = " ".join(f"{draw.choice(words)}{draw.randrange(10**6)}" for _ in range(1000))
    long_title = f"{plan.metadata.title} {tail}"
    assert len(long_title.encode()) > 4 * 2704
    cites = next(d for d in archive if d.metadata.parent is not None and d.metadata.parent.title)
    child = variant(cites, 960, random.Random(4))
    assert child.metadata.parent is not None
    parent = child.metadata.parent.model_copy(update={"number": "", "title": long_title})
    child = child.model_copy(update={"metadata": child.metadata.model_copy(update={"number": "", "parent": parent})})
    with temporary_store(backend, tmp_path) as store:
        for document in (plan, child):
            store.add_document(document, path=document.source)
        store.reconcile()
        with store.snapshot() as session:
            row = session.get(MatchDocumentRow, child.sha256)
            assert row is not None and len(row.parent_title) == PARENT_TITLE_CHARS
            assert row.parent_sha == getattr(find_parent(child, [plan, child]), "sha256", "")
