"""Section tree and tasks of the seeds against the gold, plus the tricky lines of the genre."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from seed_corpus import GOLD, SEEDS, seed_items

from extract.blocks import Paragraph
from extract.model import Cell, Provenance, RowKind, Section, Table, TableRow, Task, TaskSource
from extract.structure.metadata import extract_metadata
from extract.structure.numbering import LabelKind, logical_lines, parse_label, split_glued
from extract.structure.sections import build_sections, walk
from extract.structure.tables import stitch_tables
from extract.structure.tasks import Field, extract_tasks, split_segments
from extract.text_reader import read_text

RAW_FIELDS = ("heading", "time_raw", "lead_raw", "partner_raw")



@cache
def seed_sections(name: str) -> list[Section]:
    return build_sections(seed_items(name), source=f"{name}.txt")


@cache
def seed_tasks(name: str) -> list[Task]:
    items = seed_items(name)
    issuer = extract_metadata(items, source=f"{name}.txt").issuer  # prose tasks are read under an issuer
    return extract_tasks(items, seed_sections(name), source=f"{name}.txt", issuer=issuer)


def gold_tasks(name: str) -> list[dict[str, Any]]:
    path = GOLD / f"{name}.json"
    if not path.exists():
        pytest.skip(f"no gold for {name}")
    tasks: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["tasks"]
    return tasks


def paragraphs(*texts: str) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1) for index, text in enumerate(texts)]


def tasks_of(*texts: str) -> list[Task]:
    items = paragraphs(*texts)
    return extract_tasks(items, build_sections(items, source="x"), source="x")


# ---------------------------------------------------------------- the seeds against the gold


@pytest.mark.parametrize("name", SEEDS)
def test_tasks_match_gold(name: str) -> None:
    gold = gold_tasks(name)
    # The seed gold lists labelled and table tasks; prose tasks are marked and checked below.
    found = {task.ref: task for task in seed_tasks(name) if task.source is not TaskSource.PROSE}
    matched = [item for item in gold if item["ref"] in found]
    assert len(matched) >= 0.98 * len(gold)
    for item in matched:
        task = found[item["ref"]]
        assert {field: getattr(task, field) for field in RAW_FIELDS} == {
            field: item.get(field, "") for field in RAW_FIELDS
        }, item["ref"]
    # Nothing beyond the gold: IV. TỔ CHỨC THỰC HIỆN items (prose tasks) and appendix lists are not labelled tasks.
    assert sorted(found) == sorted(item["ref"] for item in gold)


# Prose assignments the seed gold (labelled tasks only) does not list: QĐ 1402 Điều 2 "1. Sở Thông tin
# và Truyền thông: a) … b) …", "2. Các đơn vị quản lý … có trách nhiệm: a) … b) …"; the Hưng Yên plan's
# "1. Sở Thông tin và Truyền thông" over its lettered duties (1.b is labelled) and "3. Sở Kế hoạch và Đầu tư,
# Sở Tài chính" over the paragraph that divides the work between them; the plans' "IV. TỔ CHỨC THỰC HIỆN"
# items headed by their units alone ("1. Phòng Văn hóa - Xã hội" over its bullets): one task per item.
_COMMUNE_UNITS = [("1", "Phòng Văn hóa - Xã hội"), ("2", "Công an xã"), ("3", "Phòng Kinh tế")]
SEED_PROSE = {
    "ha_tinh_qd_1402_danh_muc_csdl": [
        ("1.a", "Sở Thông tin và Truyền thông"),
        ("1.b", "Sở Thông tin và Truyền thông"),
        ("2.a", "Các đơn vị quản lý cơ sở dữ liệu thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh Hà Tĩnh"),
        ("2.b", "Các đơn vị quản lý cơ sở dữ liệu thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh Hà Tĩnh"),
    ],
    "hung_yen_ke_hoach_du_lieu_mo": [
        *((f"1.{letter}", "Sở Thông tin và Truyền thông") for letter in ("a", "c", "d", "đ", "e", "g", "h")),
        ("3", "Sở Kế hoạch và Đầu tư, Sở Tài chính"),
    ],
    "dong_cuu_ke_hoach_2026": [*_COMMUNE_UNITS, ("4", "Các cơ quan, đơn vị khác thuộc UBND xã")],
    "son_hai_ke_hoach_2026": [*_COMMUNE_UNITS, ("4", "Các cơ quan, đơn vị thuộc UBND xã")],
    "bac_ninh_ke_hoach_2026": [
        ("1", "Sở Khoa học và Công nghệ"),
        ("2", "Công an tỉnh"),
        ("3", "Sở Tài chính"),
        ("4", "Các sở, ban, ngành và UBND các xã, phường"),
    ],
}


@pytest.mark.parametrize("name", SEEDS)
def test_prose_tasks_of_the_seeds_are_marked(name: str) -> None:
    prose = [(task.ref, task.lead_raw) for task in seed_tasks(name) if task.source is TaskSource.PROSE]
    assert prose == SEED_PROSE.get(name, [])


def test_task_provenance_points_at_the_heading_line() -> None:
    tasks = {task.ref: task for task in seed_tasks("dong_cuu_ke_hoach_2026")}
    glued = tasks["3.2.d"]  # printed at the end of line 142
    assert (glued.provenance.file, glued.provenance.line) == ("dong_cuu_ke_hoach_2026.txt", 142)
    assert glued.provenance.raw == "d) Đối với dữ liệu ngành Giáo dục và Đào tạo"
    assert glued.section_path == ["II. NHIỆM VỤ TRỌNG TÂM", "3. Chuẩn hóa và phát triển dữ liệu",
                                  "3.2. Đối với dữ liệu chuyên ngành"]  # fmt: skip
    assert tasks["1.1"].content.startswith("+ Triển khai, ứng dụng khung kiến trúc dữ liệu")


def test_section_tree_of_a_plan() -> None:
    sections = seed_sections("dong_cuu_ke_hoach_2026")
    assert [section.label for section in sections] == ["I.", "II.", "III.", "IV.", "PHỤ LỤC"]
    tasks_root = sections[1]
    letters = list(tasks_root.children[2].children[1].children)
    assert [(child.label, child.ref, child.level) for child in letters] == [
        ("a)", "3.2.a", 4), ("b)", "3.2.b", 4), ("c)", "3.2.c", 4),
        ("d)", "3.2.d", 4), ("đ)", "3.2.đ", 4), ("e)", "3.2.e", 4),
    ]  # fmt: skip
    # Bullets stay in the text of their item, the Nơi nhận list in no section.
    first = tasks_root.children[0].children[0]
    assert first.ref == "1.1" and "- Thời gian: Quý II/2026." in first.text.split("\n")
    assert all("Lưu: VT" not in section.text for section, _ in walk(sections))


def test_appendix_restarts_numbering() -> None:
    sections = seed_sections("son_hai_ke_hoach_2026")
    appendix = sections[-1]
    assert appendix.label == "PHỤ LỤC"
    assert appendix.title.startswith("Danh mục dữ liệu thuộc phạm vi quản lý")
    assert [child.label for child in appendix.children][:2] == ["I.", "II."]
    assert appendix.children[0].children[0].ref == "1"


def test_letters_f_and_g_are_items() -> None:
    refs = [section.ref for section, _ in walk(seed_sections("son_hai_ke_hoach_2026"))]
    assert "3.2.f" in refs and "3.2.g" in refs


# ---------------------------------------------------------------- tricky lines


def test_glued_heading_is_split_at_the_letter() -> None:
    line = (
        "- Đơn vị phối hợp: Các cơ quan, đơn vị thuộc UBND xã. d) Đối với dữ liệu ngành Giáo dục và Đào tạo"
    )
    assert split_glued(line) == [
        "- Đơn vị phối hợp: Các cơ quan, đơn vị thuộc UBND xã.",
        "d) Đối với dữ liệu ngành Giáo dục và Đào tạo",
    ]
    # A letter inside a sentence is not a heading.
    assert split_glued("theo điểm a) khoản 2 Điều 5") == ["theo điểm a) khoản 2 Điều 5"]


def test_an_article_run_into_the_previous_one_is_split() -> None:
    # OCR reads a page's last lines as one block (session-12 trial, a Lai Châu decision).
    line = "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 01/7/2025. Điều 3. Chánh Văn phòng UBND tỉnh."
    assert split_glued(line) == [
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 01/7/2025.",
        "Điều 3. Chánh Văn phòng UBND tỉnh.",
    ]
    # A citation of an article is no heading.
    assert split_glued("theo quy định. Điều 3 Luật này quy định") == ["theo quy định. Điều 3 Luật này quy định"]


def test_label_glued_after_a_bullet_is_split() -> None:
    line = "+ Tổng hợp, xử lý các dữ liệu tổng hợp phục vụ chỉ đạo điều hành. - Thời gian: Quý IV/2026."
    assert split_glued(line) == [
        "+ Tổng hợp, xử lý các dữ liệu tổng hợp phục vụ chỉ đạo điều hành.",
        "- Thời gian: Quý IV/2026.",
    ]


def test_double_bullet_is_a_plus_item() -> None:
    label = parse_label("- + Tần suất cập nhật của dữ liệu")
    assert label is not None and (label.kind, label.rest) == (LabelKind.PLUS, "Tần suất cập nhật của dữ liệu")


@pytest.mark.parametrize(
    ("text", "kind", "parts"),
    [
        ("II. NHIỆM VỤ TRỌNG TÂM", LabelKind.ROMAN, ("II",)),
        ("1.1.1. Chi tiết", LabelKind.DOTTED, ("1", "1", "1")),
        ("3.2 Đối với dữ liệu", LabelKind.DOTTED, ("3", "2")),
        ("đ) Đối với dữ liệu ngành Y tế", LabelKind.LETTER, ("đ",)),
        ("Điều 2. Tổ chức thực hiện", LabelKind.ARTICLE, ("2",)),
        ("PHỤ LỤC II", LabelKind.APPENDIX, ("II",)),
    ],
)
def test_labels(text: str, kind: LabelKind, parts: tuple[str, ...]) -> None:
    label = parse_label(text)
    assert label is not None and (label.kind, label.parts) == (kind, parts)


@pytest.mark.parametrize(
    "text", ["1.5 triệu đồng mỗi năm", "2026 là năm nền tảng", "C12 (Bộ Công an) để", "Căn cứ"]
)
def test_not_labels(text: str) -> None:
    label = parse_label(text)
    assert label is None or label.kind in (LabelKind.DASH, LabelKind.PLUS)


def test_several_labels_on_one_line() -> None:
    segments = split_segments("- Thời gian: Quý IV/2026. - Đơn vị chủ trì: Phòng Văn hóa - Xã hội")
    assert [(seg.field, seg.text) for seg in segments] == [
        (Field.TIME, "Quý IV/2026."),
        (Field.LEAD, "Phòng Văn hóa - Xã hội"),
    ]
    semi = split_segments("Thời hạn: tháng 6/2026; Cơ quan chủ trì: Sở Y tế; Phối hợp: Sở Tài chính.")
    assert [(seg.field, seg.text) for seg in semi] == [
        (Field.TIME, "tháng 6/2026;"),
        (Field.LEAD, "Sở Y tế;"),
        (Field.PARTNER, "Sở Tài chính."),
    ]
    # "Chủ trì, phối hợp với ..." is a sentence, not a label.
    assert split_segments("Chủ trì, phối hợp với các cơ quan liên quan.")[0].field is None


def test_heading_is_cut_before_a_colon_introducing_content() -> None:
    (task,) = tasks_of(
        "II. NHIỆM VỤ",
        "3.2. Dữ liệu chuyên ngành",
        "a) Dữ liệu tài chính: (Quản lý ngân sách nhà nước...)",
        "Thời gian: Quý III, IV/2026.",
        "Đơn vị chủ trì: Phòng Kinh tế.",
    )
    assert (task.ref, task.heading, task.content) == (
        "3.2.a",
        "a) Dữ liệu tài chính",
        "(Quản lý ngân sách nhà nước...)",
    )
    assert (task.time_raw, task.lead_raw, task.partner_raw) == ("Quý III, IV/2026.", "Phòng Kinh tế.", "")


def test_labels_with_variants_and_wrapped_content() -> None:
    (task,) = tasks_of(
        "I. NHIỆM VỤ",
        "1. Xây dựng cơ sở dữ liệu",
        "- Nội dung: Tạo lập dữ liệu về số lượng,",
        "cơ cấu cán bộ.",
        "- Thời hạn hoàn thành: Tháng 9/2026",
        "- Cơ quan chủ trì: Sở Nội vụ",
        "- Cơ quan phối hợp: Các sở, ngành",
        "Ghi chú: do tỉnh hướng dẫn",
    )
    assert task.content == "Tạo lập dữ liệu về số lượng,\ncơ cấu cán bộ."
    assert (task.time_raw, task.lead_raw, task.partner_raw) == ("Tháng 9/2026", "Sở Nội vụ", "Các sở, ngành")


def test_implementation_section_unit_is_the_lead() -> None:
    (task,) = tasks_of(
        "V. TỔ CHỨC THỰC HIỆN",
        "1. Sở Thông tin và Truyền thông",
        "a) Đầu mối, đôn đốc triển khai Kế hoạch này.",
        "b) Chủ trì xây dựng Cổng dữ liệu mở tỉnh. Thời hạn hoàn thành: Quý III/2025.",
    )
    assert (task.ref, task.heading) == ("1.b", "b) Chủ trì xây dựng Cổng dữ liệu mở tỉnh.")
    assert (task.time_raw, task.lead_raw) == ("Quý III/2025.", "Sở Thông tin và Truyền thông")


def test_appendix_lists_are_not_tasks() -> None:
    tasks = tasks_of(
        "PHỤ LỤC",
        "Danh mục dữ liệu",
        "1. Chỉ bao gồm dữ liệu phát sinh tại cấp xã.",
        "- Thời gian: hằng năm",
    )
    assert tasks == []


def _row(index: int, kind: RowKind, texts: list[str]) -> TableRow:
    return TableRow(
        index=index, kind=kind, cells=[Cell(text=text, row=index, col=col) for col, text in enumerate(texts)]
    )


def test_task_table_rows_are_tasks() -> None:
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    table = Table(
        index=2,
        header=header,
        rows=[
            _row(0, RowKind.HEADER, header),
            _row(1, RowKind.GROUP, ["I", "HOÀN THIỆN THỂ CHẾ", "", "", ""]),
            _row(
                2,
                RowKind.DATA,
                ["1", "Ban hành quy chế chia sẻ dữ liệu", "Sở KH&CN", "Các sở, ngành", "Quý II/2026"],
            ),
            _row(3, RowKind.DATA, ["2", "Xây dựng kho dữ liệu", "Sở Tài chính", "", "2026"]),
        ],
        provenance=Provenance(file="x"),
    )
    items: list[Paragraph | Table] = [table]
    tasks = extract_tasks(items, [], source="x")
    assert [(t.ref, t.heading, t.lead_raw, t.partner_raw, t.time_raw) for t in tasks] == [
        ("1", "Ban hành quy chế chia sẻ dữ liệu", "Sở KH&CN", "Các sở, ngành", "Quý II/2026"),
        ("2", "Xây dựng kho dữ liệu", "Sở Tài chính", "", "2026"),
    ]
    assert (tasks[0].provenance.table, tasks[0].provenance.row) == (2, 2)
    assert tasks[0].section_path == ["I HOÀN THIỆN THỂ CHẾ"]


def test_catalog_tables_are_not_task_tables() -> None:
    tables: list[Paragraph | Table] = [
        item for item in seed_items("dong_cuu_ke_hoach_2026") if isinstance(item, Table)
    ]
    assert tables and extract_tasks(tables, [], source="x") == []
    tables = [item for item in seed_items("hung_yen_ke_hoach_du_lieu_mo") if isinstance(item, Table)]
    assert tables and extract_tasks(tables, [], source="x") == []


def test_logical_lines_keep_the_printed_line() -> None:
    lines = logical_lines(paragraphs("- Thời gian: Quý IV/2026. - Đơn vị chủ trì: Phòng Văn hóa - Xã hội"))
    assert [(line.text, line.line) for line in lines] == [
        ("- Thời gian: Quý IV/2026.", 1),
        ("- Đơn vị chủ trì: Phòng Văn hóa - Xã hội", 1),
    ]


# ---------------------------------------------------------------- another wording, through the text reader

OTHER_PLAN = """ỦY BAN NHÂN DÂN
HUYỆN GIA BÌNH
Số: 125/KH-UBND
Gia Bình, ngày 15 tháng 3 năm 2026

KẾ HOẠCH
Chuyển đổi số huyện Gia Bình

II. NHIỆM VỤ VÀ GIẢI PHÁP
1. Phát triển hạ tầng số
1.1. Nâng cấp mạng nội bộ
- Nội dung thực hiện: Nâng cấp mạng nội bộ tại UBND huyện.
- Cơ quan, đơn vị chủ trì: Văn phòng HĐND và UBND huyện
- Cơ quan phối hợp: Phòng Văn hóa và Thông tin; UBND các xã, thị trấn
- Thời gian hoàn thành: Tháng 6/2026
1.2. Triển khai chữ ký số
Thời gian: Quý II/2026; Chủ trì: Phòng Nội vụ; Phối hợp: các cơ quan, đơn vị.
2. Phát triển dữ liệu
a) Cơ sở dữ liệu hộ tịch: số hóa sổ hộ tịch.
- Đơn vị thực hiện: Phòng Tư pháp
- Đơn vị phối hợp: UBND các xã, thị trấn; Công an huyện và các cơ quan
có liên quan.
- Tiến độ: 6 tháng đầu năm 2026.
Nơi nhận:
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Bình
I. DANH MỤC NHIỆM VỤ

STT\tNội dung nhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành
1\tXây dựng kho dữ liệu\tPhòng Văn hóa và Thông tin\tCác phòng\tQuý III/2026
2\tĐào tạo kỹ năng số\tPhòng Nội vụ\t\tQuý IV/2026
"""


def test_another_plan_through_the_text_reader() -> None:
    stream = read_text(OTHER_PLAN.encode(), "other.txt")
    items, _ = stitch_tables(stream.blocks, source="other.txt")
    sections = build_sections(items, source="other.txt")
    tasks = extract_tasks(items, sections, source="other.txt")
    assert [(t.ref, t.time_raw, t.lead_raw, t.partner_raw) for t in tasks] == [
        (
            "1.1",
            "Tháng 6/2026",
            "Văn phòng HĐND và UBND huyện",
            "Phòng Văn hóa và Thông tin; UBND các xã, thị trấn",
        ),
        ("1.2", "Quý II/2026;", "Phòng Nội vụ;", "các cơ quan, đơn vị."),
        # the partner list wrapped onto a line of its own is joined back
        (
            "2.a",
            "6 tháng đầu năm 2026.",
            "Phòng Tư pháp",
            "UBND các xã, thị trấn; Công an huyện và các cơ quan có liên quan.",
        ),
        ("1", "Quý III/2026", "Phòng Văn hóa và Thông tin", "Các phòng"),
        ("2", "Quý IV/2026", "Phòng Nội vụ", ""),
    ]
    assert tasks[2].heading == "a) Cơ sở dữ liệu hộ tịch" and tasks[2].content == "số hóa sổ hộ tịch."
    assert tasks[3].provenance.table == 1
    # The roman part after the signature is an appendix whose title was lost, not a body section.
    assert [section.label for section in sections] == ["II.", ""]
    assert sections[1].children[0].label == "I."


def test_chapters_enclose_articles() -> None:
    sections = build_sections(
        paragraphs(
            "Chương I", "QUY ĐỊNH CHUNG", "Điều 1. Phạm vi", "1. Quy chế này", "Chương II. QUY ĐỊNH CỤ THỂ"
        ),
        source="x",
    )
    assert [(section.label, section.title) for section in sections] == [
        ("Chương I", "QUY ĐỊNH CHUNG"),
        ("Chương II", "QUY ĐỊNH CỤ THỂ"),
    ]
    article = sections[0].children[0]
    assert (article.label, article.children[0].ref) == ("Điều 1.", "1")
