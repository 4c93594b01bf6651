"""Flag ids and catalog counts follow the document, not the file (issue #12).

The TXT, DOCX and PDF of one corpus plan are one document: a finding has one id whichever rendering
raises it, in either ingest order, when another rendering takes over and after a full rebuild; the
catalog counts the plan once however many of its files a dataset's rows come from. Ha Tĩnh's decision
carries số hiệu, issuer and date (its key is that metadata identity); Sơn Hải's plan has neither
number nor date (its key is the content hash of its first file). Real files, SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select, update

from api.catalog_view import CatalogQuery, CatalogView
from catalog.models import DocumentRow, FlagRow
from catalog.reports.model import build_report
from catalog.store import CatalogStore
from catalog.testing import temporary_store
from extract import extract_file
from extract.model import Document
from matching.anchoring import AnchorStatus
from matching.flags import identity_key, metadata_key
from matching.identity import same_work
from matching.model import DismissFlag, FlagKind, flag_id

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# The plan, and a file stored beside it throughout: Ha Tĩnh's only finding is a citation conflict with
# Hưng Yên's plan (47/2020/NĐ-CP cited with two dates).
SEEDS = {"ha_tinh_qd_1402_danh_muc_csdl": "hung_yen_ke_hoach_du_lieu_mo.txt", "son_hai_ke_hoach_2026": ""}
WHEN = datetime(2026, 5, 1, tzinfo=UTC)

Finding = tuple[str, tuple[str, ...]]  # kind, evidence


@cache
def _renderings(seed: str) -> tuple[Document, ...]:
    found = tuple(extract_file(DOCS / f"{seed}{suffix}") for suffix in (".txt", ".docx", ".pdf"))
    assert len({d.sha256 for d in found}) == 3
    assert all(same_work(found[0], d).same for d in found[1:])
    return found


@cache
def _other() -> Document:
    return extract_file(DOCS / "dong_cuu_ke_hoach_2026.txt")


def _ids(store: CatalogStore, files: set[str] | None = None) -> dict[Finding, str]:
    """finding -> id of the flags raised on `files` (every flag when None), each finding raised once."""
    flags = [f for f in store.flags() if files is None or f.sha256 in files]
    findings = Counter((f.kind.value, tuple(f.evidence)) for f in flags)
    assert max(findings.values(), default=1) == 1, f"a finding raised twice: {findings}"
    return {(f.kind.value, tuple(f.evidence)): f.id for f in flags}


def _companion(seed: str) -> list[Document]:
    return [extract_file(DOCS / SEEDS[seed])] if SEEDS[seed] else []


def _one_by_one(store: CatalogStore, seed: str, documents: tuple[Document, ...]) -> list[dict[Finding, str]]:
    for document in _companion(seed):
        store.add_document(document)
    seen = []
    for document in documents:
        store.add_document(document)
        store.reconcile()
        seen.append(_ids(store, {d.sha256 for d in documents}))
    return seen


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_set_of_flag_ids_in_either_order_and_after_a_rebuild(backend: str, seed: str, tmp_path: Path) -> None:
    renderings = _renderings(seed)
    files = {d.sha256 for d in renderings}
    batches = []
    for index, order in enumerate([renderings, renderings[::-1]]):
        (tmp_path / f"batch{index}").mkdir()
        with temporary_store(backend, tmp_path / f"batch{index}") as store:
            for document in [*order, *_companion(seed)][:: 1 if index else -1]:
                store.add_document(document)
            store.reconcile()
            batches.append(_ids(store, files))
            store.rebuild()
            assert _ids(store, files) == batches[-1], "a full rebuild keeps every id"
    ids = batches[0]
    assert ids, "the plan raises findings"
    assert batches[1] == ids, "the same ids whatever the ingest order"
    # Files matched in one run are taken in content-hash order: the first is the smallest hash.
    first = min(renderings, key=lambda d: d.sha256)
    assert ids == {(kind, evidence): flag_id(FlagKind(kind), identity_key(first), list(evidence))
                   for kind, evidence in ids}  # fmt: skip

    # One rendering at a time, each reconciled before the next comes: the first file's key is kept
    # while better renderings arrive and take over, and through a rebuild.
    for index, order in enumerate([renderings, renderings[::-1]]):
        (tmp_path / f"steps{index}").mkdir()
        with temporary_store(backend, tmp_path / f"steps{index}") as store:
            steps = _one_by_one(store, seed, order)
            store.rebuild()
            steps.append(_ids(store, files))
        for step in steps:
            common = step.keys() & steps[0].keys()
            assert common and all(step[f] == steps[0][f] for f in common), "a finding keeps its id"
        assert steps[-1] == {f: flag_id(FlagKind(f[0]), identity_key(order[0]), list(f[1])) for f in steps[-1]}
        if metadata_key(order[0]):
            assert steps[-1] == ids, "a numbered document's ids do not depend on which file came first"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dismissal_applies_as_is_when_the_primary_rendering_leaves(backend: str, tmp_path: Path) -> None:
    seed = "ha_tinh_qd_1402_danh_muc_csdl"
    renderings = _renderings(seed)
    files = {d.sha256 for d in renderings}
    with temporary_store(backend, tmp_path) as store:
        for document in [*renderings, *_companion(seed)]:
            store.add_document(document)
        store.reconcile()
        before = _ids(store, files)
        flag = next(f for f in store.flags() if f.sha256 in files)
        dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=flag.id, reason="đã đối chiếu"))
        store.reconcile()
        # The primary's path now shows another plan: another rendering raises the findings, same ids.
        store.add_document(_other(), path=flag.document)
        store.reconcile()
        assert _ids(store, files) == before
        moved = next(f for f in store.flags() if f.id == flag.id)
        assert moved.sha256 != flag.sha256 and moved.dismissed == "đã đối chiếu"
        [anchored] = [a for a in store.anchored_decisions() if a.id == dismissal]
        assert anchored.status is AnchorStatus.APPLIED, anchored.reasons
        store.rebuild()
        assert next(f for f in store.flags() if f.id == flag.id).dismissed == "đã đối chiếu"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_catalog_counts_documents_not_files(backend: str, tmp_path: Path) -> None:
    renderings = _renderings("son_hai_ke_hoach_2026")
    with temporary_store(backend, tmp_path) as store:
        for document in (*renderings, _other()):
            store.add_document(document)
        store.reconcile()
        body = json.loads(CatalogView(store).snapshot().page(CatalogQuery.of(), 500, 0)[1])
        items = body["items"]
        files = {d.sha256 for d in renderings}
        # A dataset listed by the plan (all three files) and by Đông Cứu: two documents, four files.
        shared = [i for i in items if files <= set(i["document_ids"]) and _other().sha256 in i["document_ids"]]
        assert shared, "the plans share datasets"
        assert {i["document_count"] for i in shared} == {2}
        only_plan = [i for i in items if set(i["document_ids"]) == files]
        assert only_plan and {i["document_count"] for i in only_plan} == {1}
        assert all(i["document_count"] <= 2 for i in items)
        report = build_report(store)
        counts = {d.id: d.document_count for d in report.datasets}
        assert counts == {i["id"]: i["document_count"] for i in items}, "the report counts as the API does"
        assert report.summary.multi_source_datasets == len([i for i in items if i["document_count"] > 1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_store_from_before_identity_keys_is_keyed_and_its_dismissals_follow(backend: str, tmp_path: Path) -> None:
    """As left by 0010_flagids: files matched with no key, flags and a dismissal under the file-hash ids."""
    renderings = _renderings("son_hai_ke_hoach_2026")
    with temporary_store(backend, tmp_path) as store:
        for document in renderings:
            store.add_document(document)
        store.reconcile()
        ids = _ids(store)
        flag = store.flags()[0]
        old_id = flag_id(flag.kind, flag.sha256 + "-as-before", flag.evidence)  # any id but the new one
        with store.transaction() as session:
            session.execute(update(DocumentRow).values(identity_key=""))
            session.execute(update(FlagRow).where(FlagRow.id == flag.id).values(id=old_id))
        dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=old_id, reason="đã đối chiếu"))
        store.reconcile()
        with store.snapshot() as session:
            keys = set(session.scalars(select(DocumentRow.identity_key)))
        assert keys == {min(d.sha256 for d in renderings)}, "the files are keyed again, all with the first's key"
        store.rebuild()  # every flag is raised again under the document's ids
        assert _ids(store) == ids
        assert next(f for f in store.flags() if f.id == flag.id).dismissed == "đã đối chiếu"
        [anchored] = [a for a in store.anchored_decisions() if a.id == dismissal]
        assert anchored.status is AnchorStatus.REANCHORED, anchored.reasons
        assert isinstance(anchored.effective, DismissFlag) and anchored.effective.flag_id == flag.id
