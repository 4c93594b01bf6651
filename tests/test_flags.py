"""Reviewer flags on the corpus gold: kinds, evidence as the conventions write it, provenance."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.model import Document
from matching import DismissFlag, FlagKind, compute_flags, reconcile
from matching.flags import find_parent, missing_fields, number_key, numbering_gaps
from matching.goldset import GoldDocument, load_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "corpus" / "gold"
DOCS_DIR = ROOT / "corpus" / "docs"


@pytest.fixture(scope="module")
def gold() -> dict[str, GoldDocument]:
    return {g.name: g for g in load_gold(GOLD_DIR, DOCS_DIR)}


def _found(flags: list, source: str | None = None) -> set[tuple[str, str, frozenset[str]]]:
    return {(f.document, f.kind.value, frozenset(f.evidence)) for f in flags if source in (None, f.document)}


def test_flag_precision_and_recall_on_gold(gold: dict[str, GoldDocument]) -> None:
    result = reconcile([g.document for g in gold.values()])
    predicted = _found(result.flags)
    truth = {(g.document.source, kind, evidence) for g in gold.values() for kind, evidence in g.flags}
    correct = predicted & truth
    assert len(correct) / len(predicted) >= 0.90, predicted - truth
    assert len(correct) / len(truth) >= 0.90, truth - predicted


def test_flags_the_seed_findings(gold: dict[str, GoldDocument]) -> None:
    result = reconcile([g.document for g in gold.values()])
    found = _found(result.flags)
    expected = {
        ("son_hai_ke_hoach_2026.txt", "numbering_gap", frozenset({"1", "3"})),
        ("dong_cuu_ke_hoach_2026.txt", "duplicate_entry", frozenset({"3"})),
        ("dong_cuu_ke_hoach_2026.txt", "unit_conflict", frozenset({"Dữ liệu chứng thực"})),
        ("son_hai_ke_hoach_2026.txt", "unit_conflict", frozenset({"Dữ liệu chứng thực"})),
        ("ha_tinh_qd_1402_danh_muc_csdl.txt", "citation_conflict", frozenset({"47/2020/NĐ-CP"})),
        ("hung_yen_ke_hoach_du_lieu_mo.txt", "citation_conflict", frozenset({"47/2020/NĐ-CP"})),
        ("bac_ninh_ke_hoach_2026.txt", "missing_metadata", frozenset({"number", "date"})),
        ("son_hai_ke_hoach_2026.txt", "period_after_parent", frozenset({"3.2.a"})),
    }
    assert expected <= found
    # Đông Cứu's tasks keep the parent's quarters: nothing to flag there.
    assert not any(kind == "period_after_parent" for doc, kind, _ in found if doc.startswith("dong_cuu"))
    for flag in result.flags:
        assert flag.message and " / " in flag.message
        assert flag.provenance and flag.provenance[0].file == flag.document  # then the other side, if any


def test_parent_found_by_title_when_its_number_is_blank(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    son_hai = gold["son_hai_ke_hoach_2026"].document
    bac_ninh = gold["bac_ninh_ke_hoach_2026"].document
    assert bac_ninh.metadata.number == ""
    assert find_parent(son_hai, documents) is bac_ninh
    # Without the cited title there is nothing to go on: no parent, no period flags.
    assert son_hai.metadata.parent is not None
    untitled = son_hai.model_copy(update={"metadata": son_hai.metadata.model_copy(
        update={"parent": son_hai.metadata.parent.model_copy(update={"title": ""})})})  # fmt: skip
    assert find_parent(untitled, documents) is None
    # With a number on the parent plan, the số hiệu alone finds it.
    numbered = bac_ninh.model_copy(
        update={"metadata": bac_ninh.metadata.model_copy(update={"number": "41/KH-UBND"})}
    )
    assert find_parent(untitled, [untitled, numbered]) is numbered


def test_period_flag_needs_a_later_last_quarter(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    flags = compute_flags(documents)
    refs = {f.evidence[0] for f in flags if f.kind == FlagKind.PERIOD_AFTER_PARENT}
    # "Quý III, IV/2026" against the parent's Quý II; 1.2 (Quý III = Quý III) is not later.
    assert {"1.1", "3.2.a", "3.2.c", "3.2.d", "3.2.đ"} == refs


def test_numbering_gap_ignores_sub_rows_and_restarts(gold: dict[str, GoldDocument]) -> None:
    hung_yen = gold["hung_yen_ke_hoach_du_lieu_mo"].document
    assert numbering_gaps(hung_yen) == []  # 124 printed four times is one item
    son_hai = gold["son_hai_ke_hoach_2026"].document
    assert [f.evidence for f in numbering_gaps(son_hai)] == [["1", "3"]]


def _blank_cell(document: Document, number: str, field: str) -> Document:
    catalog = [e.model_copy(update={field: ""}) if e.number == number else e for e in document.catalog]
    return document.model_copy(update={"catalog": catalog})


def test_missing_field_only_for_columns_the_table_has(gold: dict[str, GoldDocument]) -> None:
    son_hai = gold["son_hai_ke_hoach_2026"].document
    assert missing_fields(son_hai) == []  # the open-data table has no unit column at all
    hung_yen = gold["hung_yen_ke_hoach_du_lieu_mo"].document
    flags = missing_fields(_blank_cell(hung_yen, "57", "frequency_raw"))
    assert [(f.kind, f.evidence) for f in flags] == [(FlagKind.MISSING_FIELD, ["57"])]
    assert "tần suất" in flags[0].message
    untitled = missing_fields(_blank_cell(hung_yen, "12", "title"))
    assert [f.evidence for f in untitled] == [["12"]]


def test_number_keys_normalise_separators() -> None:
    assert number_key("47/2020/NĐ;CP") == "47/2020/NĐ-CP"
    assert number_key(" 41/KH-UBND ") == "41/KH-UBND"


def test_dismissed_flags_keep_their_id_and_reason(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    first = reconcile(documents)
    gap = next(f for f in first.flags if f.kind == FlagKind.NUMBERING_GAP)
    decision = DismissFlag(who="hoa", when=datetime(2026, 5, 2, tzinfo=UTC), flag_id=gap.id,
                           reason="số 2 bị bãi bỏ")  # fmt: skip
    second = reconcile(documents, decisions=[decision], previous=first.assignment)
    same = next(f for f in second.flags if f.id == gap.id)
    assert (same.dismissed, same.dismissed_by) == ("số 2 bị bãi bỏ", "hoa")
    assert sum(1 for f in second.flags if f.dismissed) == 1


def test_flags_through_the_real_pipeline(gold: dict[str, GoldDocument]) -> None:
    from extract import extract_file
    from nlp import normalize_document

    # The first file of each gold entry is the seed text; other renderings have their own tests.
    documents = [normalize_document(extract_file(DOCS_DIR / g.document.source)) for g in gold.values()]
    result = reconcile(documents)
    predicted = _found(result.flags)
    truth = {(g.document.source, kind, evidence) for g in gold.values() for kind, evidence in g.flags}
    correct = predicted & truth
    assert len(correct) / len(predicted) >= 0.90, predicted - truth
    assert len(correct) / len(truth) >= 0.90, truth - predicted


def test_a_division_and_its_agency_manage_a_dataset_consistently() -> None:
    """"Phòng Kế hoạch - Tài chính" in a Sở's own plan and that Sở in the province plan are no conflict."""
    from nlp import parent_unit_type, unit_types_agree

    assert parent_unit_type("so_khcn.phong_khtc") == "so_khcn"
    assert parent_unit_type("so_khcn") == ""
    assert unit_types_agree({"so_khcn.phong_khtc"}, {"so_khcn"})
    assert unit_types_agree({"so_khcn"}, {"so_khcn.van_phong_so", "so_tc"})
    # two divisions of one Sở are two units
    assert not unit_types_agree({"so_khcn.phong_khtc"}, {"so_khcn.van_phong_so"})
    assert not unit_types_agree({"so_khcn"}, {"so_tc"})


def test_no_unit_conflict_between_a_sos_division_and_the_so_in_the_province_plan(tmp_path: Path) -> None:
    from danhmuc.pipeline import process_file

    department = process_file(Path(__file__).parent / "data" / "genre" / "so_khcn_quyet_dinh.docx")
    province_plan = tmp_path / "phu_tho_ke_hoach.txt"
    province_plan.write_text(
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH PHÚ THỌ\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 112/KH-UBND\tPhú Thọ, ngày 20 tháng 02 năm 2026\n"
        "KẾ HOẠCH\nPhát triển dữ liệu số tỉnh Phú Thọ năm 2026\n"
        "PHỤ LỤC\nDANH MỤC DỮ LIỆU MỞ CỦA TỈNH\n"
        "STT\tTên tập dữ liệu\tMô tả nội dung\tĐơn vị quản lý\tTần suất cập nhật\n"
        "1\tDữ liệu doanh nghiệp khoa học và công nghệ\tTên, địa chỉ, lĩnh vực\tSở Khoa học và Công nghệ\t6 tháng/lần\n"
        "2\tDữ liệu nhiệm vụ KH&CN cấp tỉnh\tTên nhiệm vụ, chủ nhiệm, kinh phí\tSở Tài chính\tKhi có sự thay đổi\n",
        encoding="utf-8",
    )
    province = process_file(province_plan)
    result = reconcile([department, province])
    shared = [d for d in result.datasets if len({m.document for m in d.members}) == 2]
    assert {d.title for d in shared} >= {"Dữ liệu doanh nghiệp khoa học và công nghệ"}
    conflicts = {title for f in result.flags if f.kind is FlagKind.UNIT_CONFLICT for title in f.evidence}
    # the Sở's own "Phòng Quản lý khoa học" is a division of the Sở the province names: consistent
    assert "Dữ liệu doanh nghiệp khoa học và công nghệ" not in conflicts
    # another Sở managing the same dataset is a real conflict
    assert "Dữ liệu nhiệm vụ KH&CN cấp tỉnh" in conflicts
