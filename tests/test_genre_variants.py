"""Documents of the genre that are not the seeds: other issuers, wordings, column orders and layouts.

The files in ``tests/data/genre/`` were written for these tests (``tests/data/make_genre_files.py``
for the Word files and their PDFs); nothing in the extractors knows them. Each format of the
same document must give the same structure.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from danhmuc.pipeline import process_file
from extract.model import Document

GENRE = Path(__file__).resolve().parent / "data" / "genre"


@cache
def document(name: str) -> Document:
    return process_file(GENRE / name)


def catalog_rows(doc: Document) -> list[tuple[str, str, str, str, str, str, str]]:
    return [
        (entry.group, entry.number, entry.title, entry.description, entry.unit, entry.sharing_raw, entry.frequency_raw)
        for entry in doc.catalog
    ]


@pytest.mark.parametrize("name", ["so_khcn_quyet_dinh.docx", "so_khcn_quyet_dinh.pdf"])
def test_department_decision_with_task_table_and_open_data_list(name: str) -> None:
    doc = document(name)
    meta = doc.metadata
    assert (meta.kind, meta.number, meta.date, meta.place) == ("QUYẾT ĐỊNH", "24/QĐ-SKHCN", "2026-02-07", "Phú Thọ")
    # the department printed under its committee in the same header cell issues the decision; it keeps the
    # committee's locality (docs/gold-conventions.md: every province has its Sở Khoa học và Công nghệ)
    assert meta.issuer == "Sở Khoa học và Công nghệ tỉnh Phú Thọ"
    assert [(cited.number, cited.date, cited.issuer) for cited in meta.cited] == [
        ("47/2020/NĐ-CP", "2020-04-09", "Chính phủ")
    ]
    assert [(task.ref, task.heading, task.time_raw, task.lead_raw, task.partner_raw) for task in doc.tasks] == [
        ("1", "Công bố danh mục dữ liệu mở", "Tháng 9/2026", "Văn phòng Sở", "Phòng Kế hoạch - Tài chính"),
        ("2", "Cập nhật dữ liệu lên cổng dữ liệu mở", "Thường xuyên", "Trung tâm Thông tin và Thống kê KH&CN",
         "Các phòng chuyên môn"),
    ]  # fmt: skip
    assert catalog_rows(doc) == [
        ("", "1", "Dữ liệu doanh nghiệp khoa học và công nghệ", "Tên, địa chỉ, lĩnh vực", "Phòng Quản lý khoa học",
         "", "6 tháng/lần"),
        ("", "2", "Dữ liệu nhiệm vụ KH&CN cấp tỉnh", "Tên nhiệm vụ, chủ nhiệm, kinh phí", "Phòng Quản lý khoa học",
         "", "Khi có sự thay đổi"),
        ("", "3", "Dữ liệu tiêu chuẩn đo lường chất lượng", "", "Chi cục TĐC", "", "Năm"),
    ]  # fmt: skip
    # a "Danh mục dữ liệu mở" without a sharing column: every row is open data
    assert [(entry.norm.sharing, entry.norm.frequency) for entry in doc.catalog if entry.norm] == [
        ("open", ["ANNUAL_2"]),
        ("open", ["IRREG"]),
        ("open", ["ANNUAL"]),
    ]
    assert doc.tasks[0].norm is not None and doc.tasks[0].norm.period is not None
    assert doc.tasks[0].norm.period.quarters == ["2026-Q3"]


@pytest.mark.parametrize("name", ["an_binh_ke_hoach.docx", "an_binh_ke_hoach.pdf"])
def test_sharing_level_ticked_in_sub_columns(name: str) -> None:
    doc = document(name)
    assert (doc.metadata.issuer, doc.metadata.number) == ("UBND xã An Bình", "15/KH-UBND")
    assert catalog_rows(doc) == [
        ("I LĨNH VỰC VĂN HÓA - XÃ HỘI", "1", "Dữ liệu người có công", "", "Phòng VH-XH", "Mặc định", "Năm"),
        # the unit cell spans rows 1 and 2: inherited, not left blank
        ("I LĨNH VỰC VĂN HÓA - XÃ HỘI", "2", "Dữ liệu bảo trợ xã hội", "", "Phòng VH-XH", "Theo yêu cầu", "Quý"),
        ("II LĨNH VỰC KINH TẾ", "3", "Dữ liệu hộ kinh doanh", "", "Phòng Kinh tế", "Mặc định", "Khi có thay đổi"),
        # nothing ticked: the level is not stated, never guessed from a neighbour
        ("II LĨNH VỰC KINH TẾ", "4", "Dữ liệu quỹ đất công ích", "", "Phòng Kinh tế", "", "Năm"),
    ]
    assert [entry.norm.sharing for entry in doc.catalog if entry.norm] == ["default", "on_request", "default", ""]
    units = {unit.unit_id for entry in doc.catalog if entry.norm for unit in entry.norm.units}
    assert units == {"phong_vhxh@xã An Bình", "phong_kinh_te@xã An Bình"}


def test_commune_plan_in_text_with_labelled_tasks() -> None:
    doc = document("tan_lap_ke_hoach.txt")
    meta = doc.metadata
    assert (meta.kind, meta.number, meta.date) == ("KẾ HOẠCH", "57/KH-UBND", "2026-04-15")
    assert meta.issuer == "UBND xã Tân Lập"
    assert meta.parent is not None and (meta.parent.number, meta.parent.issuer) == ("112/KH-UBND", "UBND tỉnh Phú Thọ")
    assert [(task.ref, task.time_raw, task.lead_raw, task.partner_raw) for task in doc.tasks] == [
        ("1", "Quý II/2026.", "Văn phòng HĐND-UBND xã.", "Phòng Kinh tế; Phòng VH-XH."),
        ("2", "6 tháng cuối năm 2026.", "Phòng Văn hoá – Xã hội.", "Công an xã."),
        ("3", "Quý III, IV/2026.", "Phòng Kinh tế.", "Trung tâm PVHCC xã."),
    ]
    quarters = [task.norm.period.quarters for task in doc.tasks if task.norm and task.norm.period]
    assert quarters == [["2026-Q2"], ["2026-Q3", "2026-Q4"], ["2026-Q3", "2026-Q4"]]
    # the culture and society office, spelled three ways (raw mentions are tone- and dash-normalised)
    spellings = {"Phòng Văn hóa - Xã hội", "Phòng VH-XH", "P. VHXH"}
    mentions = [unit for entry in doc.catalog if entry.norm for unit in entry.norm.units]
    mentions += [unit for task in doc.tasks if task.norm for unit in task.norm.lead + task.norm.partners]
    vhxh = [unit for unit in mentions if unit.raw in spellings]
    assert len(vhxh) == 5
    assert {unit.unit_id for unit in vhxh} == {"phong_vhxh@xã Tân Lập"}
    assert [(entry.title, entry.unit, entry.norm.sharing if entry.norm else None) for entry in doc.catalog] == [
        ("Dữ liệu khai sinh", "Phòng Văn hoá – Xã hội", "default"),
        ("Dữ liệu kết hôn", "Phòng VH-XH", "default"),
        ("Cơ sở dữ liệu đất đai", "Phòng Kinh tế", "on_request"),
        ("Danh sách hộ nghèo", "P. VHXH", "internal"),
    ]


def test_ward_plan_with_lettered_tasks_recurring_deadlines_and_decimal_groups() -> None:
    doc = document("hoa_binh_ke_hoach.txt")
    meta = doc.metadata
    assert (meta.issuer, meta.number, meta.date) == ("UBND phường Hòa Bình", "08/KH-UBND", "2026-03-03")
    # the cited title ends before the citing sentence goes on with its own subject
    assert meta.parent is not None and meta.parent.title == "phát triển dữ liệu số năm 2026"
    periods = [(task.ref, task.norm.period) for task in doc.tasks if task.norm]
    assert [(ref, period.recurring if period else None) for ref, period in periods] == [
        ("1.a", ""),
        ("1.b", "monthly:20"),
        ("1.đ", ""),
    ]
    lead_and_partners = [
        [unit.unit_id for unit in task.norm.lead + task.norm.partners] for task in doc.tasks if task.norm
    ]
    assert lead_and_partners[0] == [
        "van_phong_ubnd@phường Hòa Bình",
        "bo_phan_mot_cua@phường Hòa Bình",
        "cong_an@phường Hòa Bình",
    ]
    assert [(entry.group, entry.number, entry.title, entry.sharing_raw) for entry in doc.catalog] == [
        ("1 Nhóm dữ liệu y tế", "1.1", "Dữ liệu tiêm chủng", "Mở"),
        ("1 Nhóm dữ liệu y tế", "1.2", "Dữ liệu khám chữa bệnh", "Theo yêu cầu đặc thù"),
        ("2 Nhóm dữ liệu giáo dục", "2.1", "Dữ liệu học sinh", "Nội bộ"),
    ]
    assert [entry.norm.frequency for entry in doc.catalog if entry.norm] == [["QUARTERLY"], ["ANNUAL_2"], ["ANNUAL"]]


@pytest.mark.parametrize("name", ["so_khcn_quyet_dinh.docx", "so_khcn_quyet_dinh.pdf"])
def test_department_divisions_resolve_under_the_issuing_department(name: str) -> None:
    doc = document(name)
    # the place line ("Phú Thọ, ngày …") names a provincial department's province
    tasks = [[unit.unit_id for unit in task.norm.lead + task.norm.partners] for task in doc.tasks if task.norm]
    assert tasks == [
        ["so_khcn.van_phong_so@tỉnh Phú Thọ", "so_khcn.phong_khtc@tỉnh Phú Thọ"],
        # "Các phòng chuyên môn" is a collective: no id
        ["trung_tam:thong_tin_thong_ke_khoa_hoc_cong_nghe@tỉnh Phú Thọ", ""],
    ]
    partners = doc.tasks[1].norm.partners if doc.tasks[1].norm else []
    assert [unit.collective for unit in partners] == [True]
    catalog = [[unit.unit_id for unit in entry.norm.units] for entry in doc.catalog if entry.norm]
    assert catalog == [
        ["so_khcn.phong:quan_ly_khoa_hoc@tỉnh Phú Thọ"],
        ["so_khcn.phong:quan_ly_khoa_hoc@tỉnh Phú Thọ"],
        ["chi_cuc_tdc@tỉnh Phú Thọ"],
    ]
    assert not [warning for warning in doc.warnings if warning.code == "unit_unresolved"]
