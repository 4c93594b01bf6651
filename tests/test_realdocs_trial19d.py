"""Session 19, helper rd19d (docs/realdocs-trial.md, "Session 19, helper rd19d"): task tables, deadlines and units
on real documents nobody had seen.

Sources (not committed; full paths in the docs section):
- Trangsct/skill-sct@3821ed3bb6381b6340da81feaa135a329b025137: Lào Cai 2026, the Sở Công Thương's and UBND tỉnh's
  letters, conclusions and plans (vbhc-vn/skills/vbhc-vn/examples/…, qlks-sct-vn/…/van-ban-goc/…)
"""

from __future__ import annotations

from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.sections import build_sections
from extract.structure.tasks import extract_tasks, task_columns
from nlp.localities import locality_of_issuer
from nlp.units import resolve_units

# ---------------------------------------------------------------- 1. an issuer with the next header line glued on


def test_a_glued_header_line_is_no_part_of_the_place() -> None:
    # TB kết luận UBND tỉnh Lào Cai 2026 (vbhc-vn/…/examples/ubnd/thong-bao-ket-luan-ubnd.docx): the issuer was read
    # "UBND tỉnh Lào Cai Văn Phòng" (the office's line under the committee's), and every lead of its 9 tasks was put
    # in a province "Lào Cai Văn Phòng": so_congthuong@tỉnh Lào Cai Văn Phòng, a unit that does not exist.
    assert locality_of_issuer("UBND tỉnh Lào Cai Văn Phòng") == "tỉnh Lào Cai"
    (lead,) = resolve_units("Sở Công Thương", locality=locality_of_issuer("UBND tỉnh Lào Cai Văn Phòng"))
    assert lead.unit_id == "so_congthuong@tỉnh Lào Cai"


def test_the_motto_glued_to_an_issuer_is_no_part_of_the_place() -> None:
    # TB 1894 (Sở Công Thương Lào Cai, rd19a's trial): issuer "Sở Công thương tỉnh Lào Cai Cộng Hõa Xã Hội Chủ Nghĩa
    # Việt Nam", the motto read on from the header's other column (an OCR slip "Hõa" included).
    assert locality_of_issuer("Sở Công thương tỉnh Lào Cai Cộng Hõa Xã Hội Chủ Nghĩa Việt Nam") == "tỉnh Lào Cai"
    assert locality_of_issuer("SỞ CÔNG THƯƠNG TỈNH LÀO CAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == "tỉnh Lào Cai"


def test_places_that_hold_such_words_keep_them() -> None:
    # Guards: "Phòng" alone ends "Hải Phòng", "Văn" opens "Văn Giang"; neither is a body's first word.
    assert locality_of_issuer("UBND thành phố Hải Phòng") == "thành phố Hải Phòng"
    assert locality_of_issuer("UBND huyện Văn Giang") == "huyện Văn Giang"
    assert locality_of_issuer("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH") == "tỉnh Hà Tĩnh"


# ---------------------------------------------------------------- 2. Party bodies at their own level


def test_a_district_party_body_is_not_put_in_the_province() -> None:
    # "Ban Thường vụ Huyện ủy" in a provincial document (rd19a's trial; the brief's case): read by the name pattern
    # "Ban + name" at the issuer's province, ban:thuong_vu_huyen_uy@tỉnh Lào Cai — a confident wrong unit. Which
    # district's committee it is the text does not say there: unresolved (warned unit_unresolved), not invented.
    (body,) = resolve_units("Ban Thường vụ Huyện ủy", locality="tỉnh Lào Cai")
    assert body.unit_id == ""
    (office,) = resolve_units("Văn phòng Huyện ủy", locality="tỉnh Lào Cai")
    assert office.unit_id == ""


def test_a_party_body_of_the_documents_own_level_keeps_its_place() -> None:
    # Guards: in a district's document its Huyện ủy is that district's; a province's Tỉnh ủy is the province's.
    (body,) = resolve_units("Ban Thường vụ Huyện ủy", locality="huyện Lệ Thủy, tỉnh Quảng Bình")
    assert body.unit_id == "ban:thuong_vu_huyen_uy@huyện Lệ Thủy"
    (board,) = resolve_units("Ban Tuyên giáo Tỉnh ủy", locality="tỉnh Lào Cai")
    assert board.unit_id == "ban:tuyen_giao_tinh_uy@tỉnh Lào Cai"


def test_a_city_party_committee_is_not_a_provinces() -> None:
    # A Thành ủy in a province's document is one of its cities' (district level), not the province.
    (body,) = resolve_units("Ban Thường vụ Thành ủy", locality="tỉnh Lào Cai")
    assert body.unit_id == ""


# ---------------------------------------------------------------- 3. a task table's header with its spaces dropped


def test_a_task_header_read_without_its_spaces() -> None:
    # KH nâng cao chất lượng mạng viễn thông di động Đắk Nông đến 2025 (Sở TT&TT, 2024), its task annex as a PDF's
    # text layer gave it (thetrungpham/ExtractToMarkdown@3a095d8:output_test/Public_341/Public_341.md): "Đơn
    # vịphốihợp" and "Thờigian thựchiện" matched no column, so every row lost its partners and its time.
    header = ["TT", "Nhiệm vụ thựchiện", "Đơn vịchủ trì", "Đơn vịphốihợp", "Thờigian thựchiện", "Quymô", "Ghichú"]
    columns = task_columns(header)
    assert columns is not None
    assert (columns.number, columns.task, columns.lead, columns.partner, columns.time) == (0, 1, 2, 3, 4)


def test_a_spaceless_catalog_header_is_still_no_task_table() -> None:
    # A catalog's header says "chủ trì" too; without spaces it was read as a task table (fails on main as well).
    assert task_columns(["STT", "Têndữ liệu", "Đơn vịchủ trì", "Tầnsuất cập nhật", "Nội dung"]) is None


# ---------------------------------------------------------------- 4. a sentence read on into a division's name


def test_a_sentence_run_into_a_name_is_no_unit() -> None:
    # CV 402-CV/VPĐU (Văn phòng Đảng ủy Chính phủ, 25/5/2025; thetrungdtt/VNMasterplan@d969b03:CPbaocaot5.md): its
    # told situation gave the lead "Văn phòng Trung ương Đảng có văn bản số 15000-CV/VPTW …", read by the name
    # pattern as a unit van_phong:trung_uong_dang_co_van_ban_so_15000cv — invented. "có" is no word of a name.
    (mention,) = resolve_units("Văn phòng Trung ương Đảng có văn bản số 15000-CV")
    assert mention.unit_id == ""


def test_a_number_that_is_part_of_a_name_stays() -> None:
    # Guard: "Ban Quản lý dự án đầu tư xây dựng số 1" (BC tình hình CCN Lào Cai 2026) is a name with its number.
    (mention,) = resolve_units("Ban Quản lý dự án đầu tư xây dựng số 1", locality="tỉnh Lào Cai")
    assert mention.unit_id == "ban:quan_ly_du_an_dau_tu_xay_dung_so_1@tỉnh Lào Cai"


# ---------------------------------------------------------------- 5. a sibling bullet's deadline


QN_TB542_ITEM4 = [
    "**4. Phân công nhiệm vụ:",
    "- Các cơ quan, đơn vị gửi danh sách đại biểu tham dự Hội nghị nêu trên (thông qua Ban Dân tộc tỉnh) để đăng ký "
    "với Ban tổ chức Hội nghị trước ngày 07/11/2024.",
    "- Giao Ban Dân tộc tỉnh tổng hợp, đăng ký danh sách đại biểu của tỉnh tham dự Hội nghị nêu trên và chuẩn bị nội "
    "dung phát biểu của lãnh đạo tỉnh và các nội dung có liên quan để phục vụ lãnh đạo tỉnh tham dự Hội nghị đạt kết "
    "quả.",
]


def _prose_times(lines: list[str], issuer: str) -> list[tuple[str, str, str]]:
    items: list[Paragraph | Table] = [
        Paragraph(text=text.removeprefix("**"), line=index + 1, page=1, bold=text.startswith("**"))
        for index, text in enumerate(lines)
    ]
    sections = build_sections(items, source="x.pdf")
    tasks = extract_tasks(items, sections, source="x.pdf", issuer=issuer)
    return [(task.ref, task.lead_raw, task.time_raw) for task in tasks]


def test_a_sibling_bullets_deadline_is_not_the_leads() -> None:
    # TB 542/TB-UBND Quảng Ngãi 2024 (QuangDuyxyz/OCR_LOCAL_VBHC@61aa118:backup/vht507.signed_20250510_124909.pdf),
    # item 4 (session 17's open item): the date of the units' bullet was given to Ban Dân tộc tỉnh's duty.
    assert _prose_times(QN_TB542_ITEM4, "UBND tỉnh Quảng Ngãi") == [("4", "Ban Dân tộc tỉnh", "")]


def test_an_items_own_sentence_still_dates_the_handed_over_duty() -> None:
    # Guard: a date in the item's own sentence (no subject of its own) stays the lead's.
    lines = [
        "**3. Tổ chức Hội nghị tổng kết công tác dân tộc năm 2024, hoàn thành trước ngày 30/11/2024.",
        "- Giao Ban Dân tộc tỉnh chủ trì, chuẩn bị nội dung.",
    ]
    assert _prose_times(lines, "UBND tỉnh Quảng Ngãi") == [("3", "Ban Dân tộc tỉnh", "trước ngày 30/11/2024")]
