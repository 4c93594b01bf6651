"""Document identity on real corpus files: renderings of one plan are one work, flags are raised once per
work, and reviewer decisions follow their rows to a new version of a file (or are listed as orphaned),
in matching and in both stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from catalog import CatalogStore
from catalog.identity import anchored_decisions, works
from catalog.reports.model import build_report
from danhmuc.evaluation.archive import score_archive
from danhmuc.evaluation.gold import load_gold_dir
from danhmuc.pipeline import process_file
from extract.model import Document
from matching import ConfirmLink, DismissFlag, RejectLink, entry_key, reconcile
from matching.anchoring import AnchorStatus, VersionMap, anchor_decisions, entry_moves
from matching.identity import identify, same_work

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCS = CORPUS / "docs"
WHEN = datetime(2026, 5, 1, tzinfo=UTC)
# Typed renderings that read fast (the scans need OCR: the archive figures come from `danhmuc eval`).
FILES = [
    "dong_cuu_ke_hoach_2026.txt",
    "dong_cuu_ke_hoach_2026_tcvn3.txt",
    "dong_cuu_ke_hoach_2026_vni.txt",
    "son_hai_ke_hoach_2026.txt",
    "son_hai_ke_hoach_2026_tcvn3.txt",
    "bac_ninh_ke_hoach_2026.txt",
]


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {name: process_file(DOCS / name) for name in FILES}


def _work_names(documents: dict[str, Document]) -> list[list[str]]:
    identity = identify(list(documents.values()))
    return sorted(sorted(r.document for r in w.renderings) for w in identity.works)


def test_renderings_of_one_plan_are_one_work_and_similar_plans_are_not(documents: dict[str, Document]) -> None:
    assert _work_names(documents) == [
        ["bac_ninh_ke_hoach_2026.txt"],
        ["dong_cuu_ke_hoach_2026.txt", "dong_cuu_ke_hoach_2026_tcvn3.txt", "dong_cuu_ke_hoach_2026_vni.txt"],
        ["son_hai_ke_hoach_2026.txt", "son_hai_ke_hoach_2026_tcvn3.txt"],
    ]
    identity = identify(list(documents.values()))
    dong_cuu = next(w for w in identity.works if len(w.renderings) == 3)
    assert all("3-grams" in " ".join(r.reasons) for r in dong_cuu.renderings)
    # The two commune plans follow one template: kept apart, and said so (not silently).
    assert any("different issuers" in " ".join(m.reasons) for m in identity.near_misses)


def test_without_an_issuer_the_text_decides(documents: dict[str, Document]) -> None:
    """Blank the issuer of one commune plan: the numbers are blank too, so only the text can tell them apart."""
    son_hai = documents["son_hai_ke_hoach_2026.txt"]
    anonymous = son_hai.model_copy(update={"metadata": son_hai.metadata.model_copy(update={"issuer": ""})})
    verdict = same_work(documents["dong_cuu_ke_hoach_2026.txt"], anonymous)
    assert not verdict.same and "3-grams" in verdict.reasons[0]
    assert same_work(documents["son_hai_ke_hoach_2026_tcvn3.txt"], anonymous).same


def test_typed_rendering_feeds_flags_over_a_scan(documents: dict[str, Document]) -> None:
    typed = documents["dong_cuu_ke_hoach_2026_vni.txt"]
    # The same text as a scan would give it (OCR pages), and richer by one task: typed still wins.
    scanned = typed.model_copy(update={"sha256": "f" * 64, "source": "dong_cuu_scan.pdf", "needs_ocr_pages": [1]})
    identity = identify([scanned, typed])
    assert len(identity.works) == 1
    work = identity.works[0]
    assert work.primary == typed.sha256 and work.origin == min(typed.sha256, scanned.sha256)
    assert "typed" in work.primary_reasons[0]


def _flag_counts(documents: dict[str, Document], *, with_identity: bool) -> tuple[int, int]:
    result = reconcile(list(documents.values()), with_identity=with_identity)
    plan_of = {d.sha256: d.source.split("_ke_hoach")[0] for d in documents.values()}
    counts = Counter((plan_of[f.sha256], f.kind, tuple(sorted(f.evidence))) for f in result.flags)
    return len(counts), sum(n - 1 for n in counts.values())


def test_each_flag_is_raised_once_per_work(documents: dict[str, Document]) -> None:
    distinct_before, duplicated_before = _flag_counts(documents, with_identity=False)
    distinct_after, duplicated_after = _flag_counts(documents, with_identity=True)
    assert duplicated_before > 0  # without identity, every rendering repeats its plan's findings
    assert duplicated_after == 0 and distinct_after == distinct_before


def test_archive_scores_on_the_gold(documents: dict[str, Document]) -> None:
    golds = {g.name: g for g in load_gold_dir(CORPUS / "gold")}
    processed = [(golds[name.split("_ke_hoach")[0] + "_ke_hoach_2026"], d) for name, d in documents.items()]
    before = score_archive(processed, with_identity=False)
    after = score_archive(processed, with_identity=True)
    assert before is not None and after is not None
    assert before.duplicates > 0 and after.duplicates == 0
    assert after.flags.recall == before.flags.recall
    assert after.flags.precision is not None and before.flags.precision is not None
    assert after.flags.precision > before.flags.precision
    assert after.identity is not None and (after.identity.precision, after.identity.recall) == (1.0, 1.0)


# ---------------------------------------------------------------- decisions across versions


def _second_version(tmp_path: Path) -> Path:
    """Đông Cứu's plan re-issued: row 3 of the social group now holds another dataset, a row is added."""
    text = (DOCS / "dong_cuu_ke_hoach_2026.txt").read_text(encoding="utf-8")
    old_row = "3\tDữ liệu người có công\tHồ sơ quản lý tại xã\tPhòng VH–XH\tTheo QĐ"
    new_row = "3\tDữ liệu quản lý nghĩa trang nhân dân\tDanh sách phần mộ\tPhòng Kinh tế\tNội bộ"
    assert old_row in text
    path = tmp_path / "dong_cuu_ke_hoach_2026.txt"
    path.write_text(text.replace(old_row, new_row), encoding="utf-8")
    return path


def _row(document: Document, title: str) -> str:
    return entry_key(document, next(e for e in document.catalog if e.title == title))


def test_rows_follow_a_new_version_or_are_orphaned(documents: dict[str, Document], tmp_path: Path) -> None:
    old = documents["dong_cuu_ke_hoach_2026.txt"]
    new = process_file(_second_version(tmp_path))
    moves = entry_moves(old, new, old_version=1, new_version=2)
    kept, gone = _row(old, "Dữ liệu chứng thực"), _row(old, "Dữ liệu người có công")
    assert moves[kept].key == _row(new, "Dữ liệu chứng thực") and "same number and title" in moves[kept].reason
    assert gone not in moves
    son_hai = documents["son_hai_ke_hoach_2026.txt"]
    other = _row(son_hai, "Dữ liệu chứng thực")
    versions = VersionMap(
        current_keys=frozenset(entry_key(d, e) for d in (new, son_hai) for e in d.catalog),
        moves=moves,
        stale={old.sha256: "row not found in version 2"},
    )
    anchored = anchor_decisions(
        [(1, ConfirmLink(who="An", when=WHEN, left=kept, right=other)),
         (2, RejectLink(who="An", when=WHEN, left=gone, right=other))],
        versions,
    )  # fmt: skip
    assert [a.status for a in anchored] == [AnchorStatus.REANCHORED, AnchorStatus.ORPHANED]
    assert isinstance(anchored[0].effective, ConfirmLink) and anchored[0].effective.left == moves[kept].key
    assert anchored[1].effective is None and "row not found in version 2" in anchored[1].reasons[0]


def test_store_reanchors_decisions_and_lists_orphans(
    store: CatalogStore, documents: dict[str, Document], tmp_path: Path
) -> None:
    old, son_hai = documents["dong_cuu_ke_hoach_2026.txt"], documents["son_hai_ke_hoach_2026.txt"]
    store.add_document(old, path="xa/dong_cuu.txt")
    store.add_document(documents["dong_cuu_ke_hoach_2026_tcvn3.txt"], path="xa/dong_cuu_tcvn3.txt")
    store.add_document(son_hai, path="xa/son_hai.txt")
    first = store.reconcile()
    assert len(store.flags()) == len(first.flags)
    assert sorted(len(w.renderings) for w in works(store)) == [1, 2]
    kept, gone = _row(old, "Dữ liệu chứng thực"), _row(old, "Dữ liệu người có công")
    other = _row(son_hai, "Dữ liệu chứng thực")
    reject = store.add_decision(RejectLink(who="An", when=WHEN, left=kept, right=other))
    gone_pair = ConfirmLink(who="Bình", when=WHEN, left=gone, right=_row(son_hai, "Dữ liệu người có công"))
    orphan = store.add_decision(gone_pair)
    missing = next(f for f in first.flags if f.kind.value == "missing_metadata" and f.document == old.source)
    dismissal = store.add_decision(DismissFlag(who="An", when=WHEN, flag_id=missing.id, reason="chưa ban hành"))
    store.reconcile()
    assert {a.id: a.status for a in anchored_decisions(store)} == {
        reject: AnchorStatus.APPLIED, orphan: AnchorStatus.APPLIED, dismissal: AnchorStatus.APPLIED,
    }  # fmt: skip

    new = process_file(_second_version(tmp_path))
    store.add_document(new, path="xa/dong_cuu.txt")  # version 2 of the same path
    result = store.reconcile()
    status = {a.id: a for a in anchored_decisions(store)}
    assert status[reject].status is AnchorStatus.REANCHORED
    assert status[orphan].status is AnchorStatus.ORPHANED and status[orphan].effective is None
    new_kept = _row(new, "Dữ liệu chứng thực")
    assert result.assignment[new_kept] != result.assignment[other]  # the rejection still holds
    # Version 2 and the tcvn3 file of version 1 are near-identical: still one document (a version and a
    # rendering of one plan), and the dismissal follows the finding to it.
    assert sorted(len(w.renderings) for w in works(store)) == [1, 2]
    report = build_report(store)
    assert report.summary.decisions_orphaned == 1 and report.summary.decisions == 2
    assert [a.id for a in report.orphaned_decisions] == [orphan]
    assert status[dismissal].status is not AnchorStatus.ORPHANED
    open_missing = [f for f in store.flags() if f.kind.value == "missing_metadata" and not f.dismissed]
    assert [f.document for f in open_missing] == [son_hai.source]
