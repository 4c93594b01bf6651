"""Reviewer decisions follow their datasets to a new version of a file in the incremental reconciliation
(issue #12): a decision whose row is still there is re-anchored to it and keeps holding, one whose row
is gone is listed as orphaned with the reason and is not counted as applied, a contradiction with a
re-anchored decision is refused, and a dismissed finding stays dismissed when another rendering of
its document takes over. Real corpus files, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from catalog.reports.model import build_report
from catalog.store import CatalogStore
from catalog.testing import temporary_store
from extract import extract_file
from extract.model import Document
from matching.anchoring import AnchorStatus, entry_moves
from matching.errors import ContradictoryDecisionError
from matching.model import (
    ConfirmLink,
    DismissFlag,
    MergeDatasets,
    RejectLink,
    SetCanonical,
    SplitDataset,
    UndoDecision,
    entry_key,
)

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
WHEN = datetime(2026, 5, 1, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
OLD_ROW = "3\tDữ liệu người có công\tHồ sơ quản lý tại xã\tPhòng VH–XH\tTheo QĐ"
NEW_ROW = "3\tDữ liệu quản lý nghĩa trang nhân dân\tDanh sách phần mộ\tPhòng Kinh tế\tNội bộ"


@cache
def _document(name: str) -> Document:
    return extract_file(DOCS / name)


@cache
def _second_version(folder: str) -> Document:
    """Đông Cứu's plan re-issued: row 3 of the social group now holds another dataset."""
    text = (DOCS / "dong_cuu_ke_hoach_2026.txt").read_text(encoding="utf-8")
    assert OLD_ROW in text
    path = Path(folder) / "dong_cuu_ke_hoach_2026.txt"
    path.write_text(text.replace(OLD_ROW, NEW_ROW), encoding="utf-8")
    return extract_file(path)


def _row(document: Document, title: str) -> str:
    return entry_key(document, next(e for e in document.catalog if e.title == title))


def _dataset_of(store: CatalogStore, key: str) -> str:
    return store.assignment_of([key])[key]


def test_rows_of_a_new_version_are_found_by_number_and_title(tmp_path: Path) -> None:
    old, new = _document("dong_cuu_ke_hoach_2026.txt"), _second_version(str(tmp_path))
    moves = entry_moves(old, new)
    kept, gone = _row(old, "Dữ liệu chứng thực"), _row(old, "Dữ liệu người có công")
    assert moves[kept].key == _row(new, "Dữ liệu chứng thực")
    assert "same number and title" in moves[kept].reason
    assert gone not in moves, "a row replaced by another dataset is not followed"
    assert len(moves) == len(old.catalog) - 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_decisions_follow_a_new_version_or_are_orphaned(backend: str, tmp_path: Path) -> None:
    old, son_hai = _document("dong_cuu_ke_hoach_2026.txt"), _document("son_hai_ke_hoach_2026.txt")
    new = _second_version(str(tmp_path))
    kept, gone, other = (
        _row(old, "Dữ liệu chứng thực"),
        _row(old, "Dữ liệu người có công"),
        _row(son_hai, "Dữ liệu chứng thực"),
    )
    with temporary_store(backend, tmp_path) as store:
        store.add_document(old, path="xa/dong_cuu.txt")
        store.add_document(son_hai, path="xa/son_hai.txt")
        store.reconcile()
        assert _dataset_of(store, kept) == _dataset_of(store, other), "linked automatically"
        reject = store.add_decision(RejectLink(who="An", when=WHEN, left=kept, right=other))
        confirm = store.add_decision(
            ConfirmLink(who="Bình", when=WHEN, left=gone, right=_row(son_hai, "Dữ liệu người có công"))
        )
        store.reconcile()
        # Two rows matching keeps apart, joined by a reviewer: they stay joined only if the decision follows.
        joined = store.add_decision(ConfirmLink(
            who="An", when=WHEN, left=_row(old, "Dữ liệu vi phạm trật tự đô thị"),
            right=_row(son_hai, "Dữ liệu điều hành, báo cáo"),
        ))  # fmt: skip
        missing = next(f for f in store.flags() if f.kind.value == "missing_metadata" and f.sha256 == old.sha256)
        dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=missing.id, reason="chưa ban hành"))
        canonical = store.add_decision(
            SetCanonical(who="An", when=WHEN, dataset_id=_dataset_of(store, kept), title="Dữ liệu chứng thực (xã)")
        )
        store.reconcile()
        assert {a.id: a.status for a in store.anchored_decisions()} == dict.fromkeys(
            (reject, confirm, joined, dismissal, canonical), AnchorStatus.APPLIED
        )

        store.add_document(new, path="xa/dong_cuu.txt")  # version 2 of the same path
        summary = store.reconcile()
        status = {a.id: a for a in store.anchored_decisions()}
        new_kept = _row(new, "Dữ liệu chứng thực")
        assert status[reject].status is AnchorStatus.REANCHORED
        assert isinstance(status[reject].effective, RejectLink) and status[reject].effective.left == new_kept
        assert any("same number and title" in r and "version 1 → 2" in r for r in status[reject].reasons)
        assert _dataset_of(store, new_kept) != _dataset_of(store, other), "the rejection still holds"
        assert status[joined].status is AnchorStatus.REANCHORED
        assert _dataset_of(store, _row(new, "Dữ liệu vi phạm trật tự đô thị")) == _dataset_of(
            store, _row(son_hai, "Dữ liệu điều hành, báo cáo")
        ), "the confirmed link holds on the new version"
        assert status[confirm].status is AnchorStatus.ORPHANED and status[confirm].effective is None
        assert any(gone in r and "row not found" in r for r in status[confirm].reasons), status[confirm].reasons
        # The canonical title follows its dataset to the rows of the new version.
        assert status[canonical].status is not AnchorStatus.ORPHANED
        dataset = next(d for d in store.datasets() if new_kept in {m.key for m in d.members})
        assert dataset.title == "Dữ liệu chứng thực (xã)"
        # The dismissed finding is raised on the new version too: a version of the same document keeps
        # its identity key, so the finding keeps its id and the dismissal applies as recorded.
        [again] = [f for f in store.flags() if f.kind.value == "missing_metadata" and f.sha256 == new.sha256]
        assert again.id == missing.id and again.dismissed == "chưa ban hành"
        assert status[dismissal].status is AnchorStatus.APPLIED
        # Orphaned decisions are not counted as applied: the run, the report.
        assert summary.decision_count == 4
        report = build_report(store)
        assert (report.summary.decisions, report.summary.decisions_orphaned) == (4, 1)
        assert [a.id for a in report.orphaned_decisions] == [confirm]

        # A contradiction with the re-anchored rejection is refused; the orphaned confirm can be undone.
        with pytest.raises(ContradictoryDecisionError):
            store.add_decision(ConfirmLink(who="Bình", when=WHEN, left=new_kept, right=other))
        store.add_decision(UndoDecision(who="Bình", when=WHEN, decision_id=confirm))
        store.reconcile()
        assert confirm not in {a.id for a in store.anchored_decisions()}
        after_undo = {a.id: a.status for a in store.anchored_decisions()}
        assert after_undo[reject] is AnchorStatus.REANCHORED
        assert _dataset_of(store, new_kept) != _dataset_of(store, other), "the rebuild keeps the re-anchored rejection"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_split_follows_its_rows_to_the_new_version(backend: str, tmp_path: Path) -> None:
    old, son_hai = _document("dong_cuu_ke_hoach_2026.txt"), _document("son_hai_ke_hoach_2026.txt")
    new = _second_version(str(tmp_path))
    kept, other = _row(old, "Dữ liệu chứng thực"), _row(son_hai, "Dữ liệu chứng thực")
    with temporary_store(backend, tmp_path) as store:
        store.add_document(son_hai, path="xa/son_hai.txt")
        store.add_document(old, path="xa/dong_cuu.txt")
        store.reconcile()
        dataset = _dataset_of(store, kept)
        assert _dataset_of(store, other) == dataset
        split = store.add_decision(SplitDataset(who="An", when=WHEN, dataset_id=dataset, members=[kept]))
        store.reconcile()
        assert _dataset_of(store, kept) != _dataset_of(store, other)
        store.add_document(new, path="xa/dong_cuu.txt")
        store.reconcile()
        new_kept = _row(new, "Dữ liệu chứng thực")
        [anchored] = [a for a in store.anchored_decisions() if a.id == split]
        assert anchored.status is AnchorStatus.REANCHORED
        assert isinstance(anchored.effective, SplitDataset) and anchored.effective.members == [new_kept]
        assert _dataset_of(store, new_kept) != _dataset_of(store, other), "the split still holds"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dismissal_stays_when_another_rendering_takes_over(backend: str, tmp_path: Path) -> None:
    renderings = [_document(f"son_hai_ke_hoach_2026{suffix}") for suffix in (".txt", ".docx")]
    (tmp_path / "both").mkdir()
    with temporary_store(backend, tmp_path / "both") as both:
        for document in renderings:
            both.add_document(document)
        both.reconcile()
        [primary_sha] = {f.sha256 for f in both.flags()}
    primary = next(d for d in renderings if d.sha256 == primary_sha)
    first = next(d for d in renderings if d.sha256 != primary_sha)
    (tmp_path / "one").mkdir()
    with temporary_store(backend, tmp_path / "one") as store:
        store.add_document(first)
        store.reconcile()
        flag = next(f for f in store.flags() if f.kind.value == "missing_metadata")
        assert flag.sha256 == first.sha256
        dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=flag.id, reason="chưa ban hành"))
        store.reconcile()
        store.add_document(primary)  # the better rendering arrives: the findings move to it
        store.reconcile()
        moved = [f for f in store.flags() if f.kind.value == "missing_metadata"]
        assert [(f.sha256, f.evidence) for f in moved] == [(primary.sha256, flag.evidence)]
        assert moved[0].dismissed == "chưa ban hành" and moved[0].dismissed_by == "An"
        # The id is the document's (the first file's key, kept): the dismissal applies as recorded.
        assert moved[0].id == flag.id
        [anchored] = [a for a in store.anchored_decisions() if a.id == dismissal]
        assert anchored.status is AnchorStatus.APPLIED
        assert isinstance(anchored.effective, DismissFlag) and anchored.effective.flag_id == moved[0].id
        assert build_report(store).summary.flags_dismissed == 1
        for again in (store.reconcile, store.rebuild):
            again()
            assert [f.dismissed for f in store.flags() if f.kind.value == "missing_metadata"] == ["chưa ban hành"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dismissal_stays_when_the_primary_rendering_leaves(backend: str, tmp_path: Path) -> None:
    renderings = [_document(f"dong_cuu_ke_hoach_2026{suffix}") for suffix in (".txt", ".docx")]
    with temporary_store(backend, tmp_path) as store:
        for document in renderings:
            store.add_document(document)
        store.reconcile()
        flag = next(f for f in store.flags() if f.kind.value == "missing_metadata")
        dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=flag.id, reason="chưa ban hành"))
        store.reconcile()
        leaving = next(d for d in renderings if d.sha256 == flag.sha256)
        staying = next(d for d in renderings if d.sha256 != flag.sha256)
        # The primary's path now shows another plan: the findings move to the rendering that stays.
        store.add_document(_document("hung_yen_ke_hoach_du_lieu_mo.txt"), path=leaving.source)
        store.reconcile()
        moved = [f for f in store.flags() if f.kind.value == "missing_metadata" and f.sha256 == staying.sha256]
        assert [(f.evidence, f.id) for f in moved] == [(flag.evidence, flag.id)], "the finding keeps its id"
        assert moved[0].dismissed == "chưa ban hành"
        [anchored] = [a for a in store.anchored_decisions() if a.id == dismissal]
        assert anchored.status is AnchorStatus.APPLIED, anchored.reasons


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_merge_follows_a_dataset_whose_rows_moved_to_the_new_version(backend: str, tmp_path: Path) -> None:
    old, son_hai = _document("dong_cuu_ke_hoach_2026.txt"), _document("son_hai_ke_hoach_2026.txt")
    new = _second_version(str(tmp_path))
    mine, theirs = _row(old, "Dữ liệu vi phạm trật tự đô thị"), _row(son_hai, "Dữ liệu điều hành, báo cáo")
    with temporary_store(backend, tmp_path) as store:
        store.add_document(old, path="xa/dong_cuu.txt")
        store.add_document(son_hai, path="xa/son_hai.txt")
        store.reconcile()
        only_old = _dataset_of(store, mine)  # a dataset of Đông Cứu's row alone: it goes with version 1
        assert only_old != _dataset_of(store, theirs)
        merge = store.add_decision(
            MergeDatasets(who="An", when=WHEN, dataset_ids=[_dataset_of(store, theirs), only_old])
        )
        store.reconcile()
        assert _dataset_of(store, mine) == _dataset_of(store, theirs)
        store.add_document(new, path="xa/dong_cuu.txt")
        store.reconcile()
        new_mine = _row(new, "Dữ liệu vi phạm trật tự đô thị")
        assert _dataset_of(store, new_mine) == _dataset_of(store, theirs), "the merge still holds"
        [anchored] = [a for a in store.anchored_decisions() if a.id == merge]
        assert anchored.status is not AnchorStatus.ORPHANED
