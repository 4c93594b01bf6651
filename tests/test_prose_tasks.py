"""Tasks given in prose: assignment frames (nlp.frames) and prose tasks (extract.structure.prose_tasks).

Small text fixtures in the forms real documents use, then the real documents themselves (read from
``shared/realdocs`` beside the checkout, or ``$DANHMUC_REALDOCS``; skipped visibly when absent).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as new_docx

from extract.api import extract_bytes, extract_file
from extract.model import Task, TaskSource
from nlp.frames import Context, assigned_in, deadline_in, partners_in, subject_of
from nlp.units import resolve_units
from realdocs import REALDOCS

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = Context(locality="tỉnh Quảng Ngãi", issuer="UBND tỉnh Quảng Ngãi")

HEADER = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 12/UBND-KGVX
Quảng Ngãi, ngày 10 tháng 01 năm 2025
Kính gửi: Các sở, ban, ngành tỉnh
"""
CLOSING = """Nơi nhận:
- Như trên;
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn A
"""


def _tasks(body: str) -> list[Task]:
    return extract_bytes((HEADER + body + CLOSING).encode("utf-8"), "fixture.txt").tasks


def _by_ref(tasks: list[Task]) -> dict[str, Task]:
    return {task.ref: task for task in tasks}


# ---------------------------------------------------------------- frames


def test_subject_is_what_the_resolver_accepts_up_to_the_frame_word() -> None:
    subject = subject_of("Sở Kế hoạch - Đầu tư, Sở Tài chính theo chức năng, nhiệm vụ tích cực hướng dẫn", PROVINCE)
    assert subject is not None and subject.units.text == "Sở Kế hoạch - Đầu tư, Sở Tài chính"
    assert subject.framed and not subject.lead_in
    # No frame word: the longest exact name, not a fuzzy one that swallowed the verb.
    subject = subject_of("Sở Kế hoạch và Đầu tư rà soát các quy định, hướng dẫn", PROVINCE)
    assert subject is not None and subject.units.text == "Sở Kế hoạch và Đầu tư"
    lead_in = subject_of("Giao Sở Lao động - Thương binh và Xã hội, Ban Dân tộc tỉnh chịu trách nhiệm:", PROVINCE)
    assert lead_in is not None and lead_in.triggered and lead_in.lead_in
    assert lead_in.units.text == "Sở Lao động - Thương binh và Xã hội, Ban Dân tộc tỉnh"


def test_classes_of_units_and_heads_of_units_are_subjects() -> None:
    subject = subject_of("UBND các huyện, thị xã, thành phố chịu trách nhiệm:", PROVINCE)
    assert subject is not None and subject.units.text == "UBND các huyện, thị xã, thành phố"
    subject = subject_of("Trong quá trình thực hiện Thủ trưởng các địa phương chủ động phối hợp với Sở Tài chính")
    assert subject is not None and subject.units.text == "Thủ trưởng các địa phương"


def test_persons_documents_and_verbs_are_not_subjects() -> None:
    assert subject_of("Công chức Văn phòng - Thống kê, Ông Nguyễn Văn Sang.", PROVINCE) is None
    assert subject_of("Các văn bản quy phạm pháp luật do Hội đồng nhân dân ban hành", PROVINCE) is None
    assert subject_of("Tổ chức tuyên truyền về Kế hoạch cung cấp dữ liệu", PROVINCE) is None
    # Execution clauses and closing formulas assign nothing.
    assert subject_of("Văn phòng UBND tỉnh, các sở chịu trách nhiệm thi hành Quyết định này.", PROVINCE) is None
    assert subject_of("Yêu cầu Thủ trưởng các Sở khẩn trương triển khai thực hiện Chỉ thị này.", PROVINCE) is None


def test_assignment_inside_a_sentence_partners_and_deadline() -> None:
    text = (
        "Theo đề nghị của Bộ Thông tin và Truyền thông, Chủ tịch UBND tỉnh giao Sở Thông tin và Truyền thông "
        "chủ trì, phối hợp với các cơ quan, đơn vị, địa phương liên quan tham gia góp ý dự thảo; tổng hợp, "
        "báo cáo UBND tỉnh theo quy định (trước ngày 10/02/2025)./."
    )
    found = assigned_in(text, PROVINCE)
    assert found is not None and found.text == "Sở Thông tin và Truyền thông"
    partners = partners_in(text, PROVINCE)
    assert partners is not None and partners.text == "các cơ quan, đơn vị, địa phương liên quan"
    assert deadline_in(text) == "trước ngày 10/02/2025"
    assert assigned_in("đơn vị được giao kế hoạch vốn cần nỗ lực", PROVINCE) is None  # "được giao" hands nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kịp thời báo cáo Sở Tài chính trước 30/11/2024 để tổng hợp", "trước 30/11/2024"),
        ("báo cáo trước ngày 20/5/2021 và 20/11/2021 hoặc khi có yêu cầu", "trước ngày 20/5/2021 và 20/11/2021"),
        ("hoàn thành trong Quý III/2026.", "trong Quý III/2026"),
        ("giải ngân kế hoạch vốn trong năm 2024", ""),  # the scope of a plan, not a deadline
        ("Định kỳ hàng tháng công khai kết quả", ""),  # a recurrence, not a deadline
        # a yearly or monthly deadline keeps its recurrence (it was cut to a one-off date in the document's year)
        ("báo cáo UBND tỉnh trong tháng 12 hằng năm./.", "trong tháng 12 hằng năm"),
        ("gửi về Phòng Văn hoá - Xã hội trước ngày 20 hằng tháng để tổng hợp", "trước ngày 20 hằng tháng"),
        ("báo cáo kết quả trước ngày 15/12 hàng năm", "trước ngày 15/12 hàng năm"),
        ("hoàn thành trong 20 ngày", ""),  # a duration, not a date
    ],
)
def test_deadlines(text: str, expected: str) -> None:
    assert deadline_in(text) == expected


def test_a_recurring_deadline_is_read_as_recurring() -> None:
    """What the prose deadline hands on: nlp.periods reads the kept recurrence, not a date in the document's year."""
    from nlp.periods import parse_period

    assert parse_period(deadline_in("báo cáo UBND tỉnh trong tháng 12 hằng năm")).recurring == "annual:12"
    assert parse_period(deadline_in("gửi về Sở trước ngày 20 hằng tháng")).recurring == "monthly:20"


# ---------------------------------------------------------------- prose tasks on small documents


def test_lettered_items_take_the_lead_of_their_giao_line() -> None:
    tasks = _tasks(
        "Chủ tịch UBND tỉnh có ý kiến như sau:\n"
        "1. Giao Sở Tư pháp:\n"
        "a) Kiểm soát chặt chẽ việc đánh giá tác động thủ tục hành chính.\n"
        "b) Chủ trì phối hợp với các cơ quan liên quan thực hiện rà soát, hoàn thành trong tháng 3/2025.\n"
        "2. Sở Kế hoạch và Đầu tư rà soát các quy định về đầu tư công.\n"
    )
    by_ref = _by_ref(tasks)
    assert set(by_ref) == {"1.a", "1.b", "2"}
    assert {by_ref[ref].lead_raw for ref in ("1.a", "1.b")} == {"Sở Tư pháp"}
    assert by_ref["1.b"].partner_raw == "các cơ quan liên quan"
    assert by_ref["1.b"].time_raw == "trong tháng 3/2025"
    assert by_ref["2"].lead_raw == "Sở Kế hoạch và Đầu tư"
    assert all(task.source is TaskSource.PROSE for task in tasks)
    assert by_ref["1.a"].heading.startswith("a) Kiểm soát")
    assert by_ref["1.a"].provenance.line is not None


def test_unit_labelled_items_and_a_sibling_the_registry_does_not_know() -> None:
    tasks = _tasks(
        "1. Cục Thuế tỉnh:\n"
        "- Chủ trì, phối hợp với các cơ quan, đơn vị có liên quan triển khai hóa đơn điện tử.\n"
        "- Tổ chức tập huấn cho người nộp thuế.\n"
        "2. Sở Thông tin và Truyền thông: Phối hợp với Cơ quan Thuế tuyên truyền chính sách.\n"
        "3. Hiệp hội Doanh nghiệp tỉnh: Tuyên truyền, hướng dẫn các hội viên.\n"
    )
    by_ref = _by_ref(tasks)
    assert set(by_ref) == {"1", "2", "3"}  # the bullets of item 1 are its content
    assert by_ref["1"].lead_raw == "Cục Thuế tỉnh"
    assert "Tổ chức tập huấn" in by_ref["1"].content
    assert (by_ref["2"].lead_raw, by_ref["2"].partner_raw) == ("Sở Thông tin và Truyền thông", "Cơ quan Thuế")
    assert by_ref["3"].lead_raw == "Hiệp hội Doanh nghiệp tỉnh"


def test_a_bullet_naming_another_unit_is_a_task_of_its_own() -> None:
    tasks = _tasks(
        "1. UBND các huyện, thị xã, thành phố chịu trách nhiệm:\n"
        "- Khẩn trương triển khai thực hiện các Chương trình trên địa bàn.\n"
        "- UBND huyện Trà Bồng tiếp tục chỉ đạo khẩn trương; kịp thời báo cáo Sở Tài chính trước 30/11/2024.\n"
    )
    by_ref = _by_ref(tasks)
    assert set(by_ref) == {"1", "p1.1"}
    assert by_ref["1"].lead_raw == "UBND các huyện, thị xã, thành phố"
    assert by_ref["1"].time_raw == ""  # the bullet's deadline is the bullet's
    assert (by_ref["p1.1"].lead_raw, by_ref["p1.1"].time_raw) == ("UBND huyện Trà Bồng", "trước 30/11/2024")


def test_an_unnumbered_assignment_in_a_letter() -> None:
    tasks = _tasks(
        "Theo đề nghị của Bộ Tài chính, Chủ tịch UBND tỉnh giao Sở Tài chính chủ trì, phối hợp với "
        "các cơ quan liên quan tham mưu văn bản trả lời (trước ngày 15/02/2025)./.\n"
    )
    assert [(t.ref, t.lead_raw, t.partner_raw, t.time_raw) for t in tasks] == [
        ("p1.1", "Sở Tài chính", "các cơ quan liên quan", "trước ngày 15/02/2025")
    ]


def test_duties_of_named_persons_are_not_tasks() -> None:
    tasks = _tasks(
        "Điều 1: Phân công nhiệm vụ đối với công chức Văn phòng - Thống kê:\n"
        "1. Công chức Văn phòng - Thống kê, Ông Nguyễn Văn Sang.\n"
        "a) Tham mưu, giúp Ủy ban nhân dân thị trấn tổ chức thực hiện nhiệm vụ.\n"
        "b) Thực hiện công tác lưu trữ.\n"
        "Điều 2: Văn phòng UBND thị trấn và các đồng chí có tên tại Điều 1 căn cứ quyết định thi hành./.\n"
    )
    assert tasks == []


def test_a_labelled_item_without_a_lead_takes_it_from_its_giao_sentence() -> None:
    tasks = _tasks(
        "1. Việc bàn giao tài liệu khi chuyển công tác chưa thực hiện đúng quy trình.\n"
        "- Nguyên nhân: chưa có hướng dẫn.\n"
        "- Thời gian thực hiện: Đã khắc phục xong từ tháng 6/2024; giao Văn phòng UBND tỉnh chủ trì theo dõi.\n"
    )
    (task,) = tasks
    assert task.source is TaskSource.LABELLED
    assert (task.lead_raw, task.time_raw) == ("Văn phòng UBND tỉnh", "Đã khắc phục xong từ tháng 6/2024")


# ---------------------------------------------------------------- the corpus and the real documents


def test_corpus_prose_tasks_are_marked_and_labelled_tasks_keep_their_source() -> None:
    document = extract_file(ROOT / "corpus" / "docs" / "ha_tinh_qd_1402_danh_muc_csdl.txt")
    prose = [task for task in document.tasks if task.source is TaskSource.PROSE]
    # "1. Sở Thông tin và Truyền thông: a) … b) …", "2. Các đơn vị quản lý … có trách nhiệm: a) … b) …".
    assert [(t.ref, t.lead_raw) for t in prose][:2] == [
        ("1.a", "Sở Thông tin và Truyền thông"),
        ("1.b", "Sở Thông tin và Truyền thông"),
    ]
    son_hai = extract_file(ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026.txt")
    # The plan's labelled tasks keep their source; only "IV. TỔ CHỨC THỰC HIỆN" items headed by their units are prose.
    prose_refs = {task.ref for task in son_hai.tasks if task.source is TaskSource.PROSE}
    assert prose_refs == {"1", "2", "3", "4"}
    labelled = [task for task in son_hai.tasks if task.section_path[:1] != ["IV. TỔ CHỨC THỰC HIỆN"]]
    assert labelled and all(task.source is TaskSource.LABELLED for task in labelled)


def _real(name: str) -> Path:
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"real document {name} not found in {REALDOCS} (set DANHMUC_REALDOCS)")
    return path


def test_real_letter_giao_lines_with_lettered_items() -> None:
    tasks = extract_file(_real("CV-BinhThuan-CD131-TTHC.doc")).tasks
    assert [(t.ref, t.lead_raw, t.partner_raw) for t in tasks] == [
        ("1.a", "Sở Tư pháp", ""),
        ("1.b", "Sở Tư pháp", "các cơ quan liên quan"),
        ("1.c", "Sở Tư pháp", ""),
        ("2", "Các cơ quan chuyên môn thuộc UBND tỉnh, Ban Quản lý các khu công nghiệp Bình Thuận", ""),
        ("3.a", "Văn phòng UBND tỉnh", ""),
        ("3.b", "Văn phòng UBND tỉnh", ""),
        ("3.c", "Văn phòng UBND tỉnh", ""),
        ("3.d", "Văn phòng UBND tỉnh", "các đơn vị liên quan"),
        ("3.đ", "Văn phòng UBND tỉnh", ""),
    ]


def test_real_letter_one_sentence_assignment() -> None:
    tasks = extract_file(_real("CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf")).tasks
    assert [(t.ref, t.lead_raw, t.partner_raw, t.time_raw) for t in tasks] == [
        ("p1.1", "Sở Thông tin và Truyền thông", "các cơ quan, đơn vị, địa phương liên quan", "trước ngày 10/02/2025")
    ]
    assert tasks[0].heading.startswith("Theo đề nghị của Bộ Thông tin và Truyền thông")


def test_real_decision_assigning_duties_to_persons_has_no_tasks() -> None:
    assert extract_file(_real("QD-142-UBND-NgaiGiao-2024-phancong.pdf")).tasks == []


def test_real_plan_labelled_items_take_their_lead_from_giao_sentences() -> None:
    by_ref = _by_ref(extract_file(_real("KH-3070-UBND-BimSon.pdf")).tasks)
    assert by_ref["2.6"].lead_raw == "phòng Nội vụ UBND thị xã"
    assert by_ref["2.5"].lead_raw == "Văn phòng HĐND&UBND thị xã"
    assert by_ref["2.5"].time_raw == "Thực hiện thường xuyên từ tháng 8/2024."


def test_a_bare_unit_type_word_opening_a_phrase_is_no_lead() -> None:
    """ "Trường hợp …" (in case …) opens with "Trường", a school to the registry; "Ban hành" with "Ban"."""
    tasks = _tasks(
        "2. Sáp nhập các tỉnh, thành phố trực thuộc trung ương thành một tỉnh, thành phố:\n"
        "a) Trường hợp tên tỉnh mới trùng với tên của một tỉnh trước khi sáp nhập, thì tỉnh mới sử dụng mã cũ.\n"
        "b) Trường hợp tên tỉnh mới không trùng với tên các tỉnh trước khi sáp nhập, thì dùng mã khác.\n"
        "3. Ban hành kèm theo Quyết định này danh mục mã.\n"
        "4. Sở Tư pháp rà soát các văn bản trước ngày 10/02/2025.\n"
    )
    assert [(t.ref, t.lead_raw) for t in tasks] == [("4", "Sở Tư pháp")]


def test_real_decision_conditions_are_not_tasks() -> None:
    """QĐ 09/2025/QĐ-TTg (a scan): its "a) Trường hợp …" items are rules, and it assigns no work."""
    assert extract_file(_real("09-2025-QD-TTg.pdf")).tasks == []


# ---------------------------------------------------------------- the session-12 trial (docs/realdocs-trial.md)

LAM_DONG = Context(locality="tỉnh Lâm Đồng", issuer="UBND tỉnh Lâm Đồng")


def _docx_tasks(*paragraphs: str) -> list[Task]:
    """A Word conclusion notice: each string one paragraph, so no line is a wrap of the one before."""
    document = new_docx()
    opening = ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 12/TB-UBND", "Lâm Đồng, ngày 10 tháng 4 năm 2026")
    closing = ("Nơi nhận:", "- Như trên;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A")
    for text in (*opening, "THÔNG BÁO", "Kết luận của Phó Chủ tịch UBND tỉnh", *paragraphs, *closing):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return extract_bytes(buffer.getvalue(), "fixture.docx").tasks


def test_an_assignment_inside_a_sentence_ends_at_an_action_verb_or_a_lead_in_colon() -> None:
    text = "Chủ tịch Ủy ban nhân dân tỉnh giao Công an tỉnh nghiên cứu, triển khai rà soát, đề xuất theo yêu cầu."
    found = assigned_in(text, LAM_DONG)
    assert found is not None and found.text == "Công an tỉnh"
    found = assigned_in("Thống nhất tổ chức Hội nghị. Giao Sở Tài chính:", LAM_DONG)
    assert found is not None and found.text == "Sở Tài chính"
    # A preposition after the units hands nothing over.
    assert assigned_in("Đề nghị Sở Tài chính trong năm 2026 có ý kiến.", LAM_DONG) is None


def test_a_partner_list_ends_at_an_adverb_even_after_a_unit_noun() -> None:
    text = "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các đơn vị đồng thời rà soát, đánh giá lại nội dung"
    partners = partners_in(text, LAM_DONG)
    assert partners is not None and partners.text == "các đơn vị"
    found = assigned_in("Chủ tịch UBND Thành phố yêu cầu các đơn vị khẩn trương triển khai các nội dung sau:", LAM_DONG)
    assert found is not None and found.text == "các đơn vị"


def test_a_letter_assigning_in_one_sentence_with_an_action_verb() -> None:
    tasks = _tasks(
        "Ủy ban nhân dân tỉnh nhận được Công văn số 5689/BCA-C04 ngày 16/12/2025 của Bộ Công an.\n"
        "Chủ tịch Ủy ban nhân dân tỉnh giao Công an tỉnh nghiên cứu, triển khai rà soát, đề xuất theo yêu cầu "
        "tại Công văn số 5689/BCA-C04 và gửi trực tiếp văn bản cho Bộ Công an theo thời gian quy định./.\n"
    )
    assert [(t.ref, t.lead_raw) for t in tasks] == [("p1.1", "Công an tỉnh")]


def test_word_paragraphs_are_not_wraps_and_a_heading_of_units_addresses_its_duties() -> None:
    tasks = _docx_tasks(
        "1. Thống nhất tổ chức Hội nghị gặp mặt doanh nghiệp. Giao Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch:",
        "- Nghiên cứu nội dung, thành phần để tổ chức thực hiện trong tháng 5/2026.",
        "2. Về chính sách hỗ trợ theo Nghị định số 179/2025/NĐ-CP của Chính phủ",
        "Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Nội vụ, Sở Tài chính và các đơn vị liên quan, "
        "khẩn trương thẩm định hồ sơ; trình UBND tỉnh trước ngày 10/5/2026.",
        "3. Các sở, ban, ngành, đơn vị thuộc tỉnh; UBND các xã, phường, đặc khu",
        "Chủ động phối hợp với Sở Khoa học và Công nghệ triển khai xây dựng hệ thống phần mềm chuyên ngành.",
    )
    by_ref = _by_ref(tasks)
    assert by_ref["1"].lead_raw == "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"
    assert by_ref["1"].time_raw == "trong tháng 5/2026"
    # The long heading of item 2 does not swallow the sentence that names its lead.
    assert (by_ref["2"].lead_raw, by_ref["2"].partner_raw, by_ref["2"].time_raw) == (
        "Sở Khoa học và Công nghệ",
        "Sở Nội vụ, Sở Tài chính và các đơn vị liên quan",
        "trước ngày 10/5/2026",
    )
    assert by_ref["3"].lead_raw == "Các sở, ban, ngành, đơn vị thuộc tỉnh; UBND các xã, phường, đặc khu"
    assert by_ref["3"].partner_raw == "Sở Khoa học và Công nghệ"


def test_a_heading_naming_only_its_units_introduces_their_duties() -> None:
    tasks = _tasks(
        "13. Bộ Chỉ huy Quân sự tỉnh\n"
        "Chủ động nắm chắc tình hình an ninh quốc phòng, kịp thời phát hiện, có biện pháp ngăn chặn vi phạm.\n"
        "14. Các doanh nghiệp\n"
        "a) Công ty Cổ phần Môi trường đô thị Quảng Ngãi tăng cường lực lượng, phương tiện dọn vệ sinh.\n"
        "b) Bưu điện Quảng Ngãi bảo đảm thông tin liên lạc.\n"
    )
    # The heading over lettered items is their lead, not a task of its own.
    assert [(t.ref, t.lead_raw) for t in tasks] == [
        ("13", "Bộ Chỉ huy Quân sự tỉnh"),
        ("14.a", "Các doanh nghiệp"),
        ("14.b", "Các doanh nghiệp"),
    ]


# ---------------------------------------------------------------- the session-13 trial (docs/realdocs-trial.md)

HA_NOI = Context(locality="thành phố Hà Nội", issuer="UBND thành phố Hà Nội")


def test_a_list_of_units_is_not_cut_inside_a_persons_post() -> None:
    # CT 04/CT-UBND Quảng Ngãi (2024), item 1: the lead ended "…, Chủ" (half of "Chủ tịch").
    heading = (
        "Thủ trưởng các sở, ban ngành tỉnh, Chủ tịch UBND cấp huyện, các đơn vị sự nghiệp, doanh nghiệp "
        "Nhà nước thuộc UBND tỉnh"
    )
    subject = subject_of(heading, PROVINCE)
    # Since the head of a unit stands for it (branch realdocs13b), the chairman's post is one of the units.
    assert subject is not None and subject.units.text == "Thủ trưởng các sở, ban ngành tỉnh, Chủ tịch UBND cấp huyện"


def test_a_plural_unit_noun_over_a_colon_names_each_unit() -> None:
    # QĐ 2858/QĐ-UBND Hà Nội (2025), Điều 2: "các Sở: A, B, C" gave the lead "các Sở", the list lost.
    text = (
        "- Giao các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên quan của Thành phố "
        "theo lĩnh vực quản lý chuyên ngành có trách nhiệm kiểm tra các nội dung liên quan"
    )
    subject = subject_of(text[2:], HA_NOI)
    assert subject is not None and subject.triggered and subject.framed
    assert subject.units.text.startswith("các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng")
    named = [m.canonical_name for m in resolve_units(subject.units.text, locality="thành phố Hà Nội") if m.unit_id]
    assert named == ["Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng"]
    # Without a list the class stays a class.
    bare = subject_of("Các sở, ban, ngành theo chức năng, nhiệm vụ có trách nhiệm hướng dẫn.", HA_NOI)
    assert bare is not None and bare.units.text == "Các sở, ban, ngành"


def test_a_dash_bullet_opening_with_a_named_unit_and_a_verb_is_a_task() -> None:
    # QĐ 2858/QĐ-UBND Hà Nội, Điều 2: "- Sở Quy hoạch - Kiến trúc kiểm tra, xác nhận …" was no task.
    tasks = _tasks(
        "Điều 2. Tổ chức thực hiện:\n"
        "- Sở Quy hoạch - Kiến trúc kiểm tra, xác nhận hồ sơ bản vẽ điều chỉnh cục bộ quy hoạch chi tiết.\n"
        "- Các đơn vị tổ chức công bố công khai nội dung điều chỉnh.\n"
        "- Công bố công khai nội dung điều chỉnh cục bộ quy hoạch.\n"
    )
    assert [t.lead_raw for t in tasks] == ["Sở Quy hoạch - Kiến trúc"]


def test_organise_before_a_verb_ends_a_class_of_units() -> None:
    # KH cải cách hành chính 2026-2030 (Lâm Đồng), II.7.a: the lead swallowed "tổ chức quán triệt đến đội ngũ".
    lam_dong = Context(locality="tỉnh Lâm Đồng", issuer="UBND tỉnh Lâm Đồng")
    text = "Các cơ quan, đơn vị, địa phương tổ chức quán triệt đến đội ngũ cán bộ, công chức, viên chức thuộc quyền"
    subject = subject_of(text, lam_dong)
    assert subject is not None and subject.units.text == "Các cơ quan, đơn vị, địa phương" and subject.framed
    # II.7.c: "trực tiếp lãnh đạo, chỉ đạo" was part of the lead.
    text = (
        "Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các xã, phường, đặc khu trực tiếp lãnh đạo, "
        "chỉ đạo tổ chức triển khai thực hiện"
    )
    subject = subject_of(text, lam_dong)
    assert subject is not None and subject.units.text.endswith("các xã, phường, đặc khu")
    # "tổ chức" as a noun in a list stays a unit noun.
    noun = subject_of("Các cơ quan, tổ chức chính trị - xã hội có trách nhiệm phối hợp thực hiện.", lam_dong)
    assert noun is not None and noun.units.text == "Các cơ quan, tổ chức chính trị - xã hội"


def test_partners_without_with_and_an_adverb_after_a_class() -> None:
    # Công văn cải thiện các chỉ số CCHC 2025 (Lâm Đồng), II.2.g and II.2.đ.
    lam_dong = Context(locality="tỉnh Lâm Đồng", issuer="UBND tỉnh Lâm Đồng")
    text = "Giao Thanh tra tỉnh chủ trì, phối hợp Sở Nội vụ, Văn phòng Ủy ban nhân dân tỉnh tổ chức thanh tra, kiểm tra"
    partners = partners_in(text, lam_dong)
    assert partners is not None and partners.text == "Sở Nội vụ, Văn phòng Ủy ban nhân dân tỉnh"
    text = "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị thường xuyên tổ chức rà soát các văn bản"
    partners = partners_in(text, lam_dong)
    assert partners is not None and partners.text == "các cơ quan, đơn vị"
    # "phối hợp thực hiện" names no partner.
    assert partners_in("Các đơn vị chủ trì, phối hợp thực hiện các nội dung trên.", lam_dong) is None


def test_a_national_bodys_items_to_the_provinces_and_to_its_own_department() -> None:
    # Công văn 4214/BCA-C04 (Bộ Công an, 2025): "7. UBND các tỉnh, thành phố trực thuộc Trung ương:" over
    # a)–đ) had no task; "10. Bộ Công an giao Cục … là cơ quan thường trực" took "Bộ Công an" as its lead.
    ministry = Context(locality="", issuer="Bộ Công an")
    subject = subject_of("UBND các tỉnh, thành phố trực thuộc Trung ương:", ministry)
    assert subject is not None and subject.lead_in
    tasks = _tasks(
        "1. UBND các tỉnh, thành phố trực thuộc Trung ương:\n"
        "a) Thực hiện đầy đủ trách nhiệm được quy định tại Điều 40 Nghị định số 27/2022/NĐ-CP.\n"
        "b) Xây dựng và trình HĐND cấp tỉnh phương án phân bổ hợp lý các nguồn kinh phí.\n"
        "2. Sở Tư pháp giao Phòng Văn bản là cơ quan thường trực, giúp Giám đốc Sở theo dõi.\n"
    )
    by_ref = _by_ref(tasks)
    assert by_ref["1.a"].lead_raw == by_ref["1.b"].lead_raw == "UBND các tỉnh, thành phố trực thuộc Trung ương"
    assert "2" not in by_ref or by_ref["2"].lead_raw != "Sở Tư pháp"


def test_an_article_whose_title_assigns_is_a_task() -> None:
    # QĐ 1360/QĐ-TTg (2025): Điều 2 is one sentence, printed on the article's line; it had no task.
    tasks = _tasks(
        "QUYẾT ĐỊNH:\n"
        "Điều 1. Công nhận tỉnh Đồng Tháp hoàn thành nhiệm vụ xây dựng nông thôn mới năm 2024.\n"
        "Điều 2. Giao Ủy ban nhân dân tỉnh Đồng Tháp có trách nhiệm công bố và khen thưởng theo quy định; "
        "tiếp tục duy trì và nâng cao chất lượng các tiêu chí.\n"
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký ban hành.\n"
        "Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
        "Quyết định này./.\n"
    )
    assert [t.lead_raw for t in tasks] == ["Ủy ban nhân dân tỉnh Đồng Tháp"]


def test_a_modal_verb_ends_a_class_and_a_closing_request_is_no_task() -> None:
    # CT 04/CT-UBND Quảng Ngãi (2024), 1.c: the lead read "Người đứng đầu cơ quan, tổ chức, đơn vị phải".
    subject = subject_of("Người đứng đầu cơ quan, tổ chức, đơn vị phải chịu trách nhiệm trước pháp luật", PROVINCE)
    assert subject is not None and subject.units.text == "Người đứng đầu cơ quan, tổ chức, đơn vị"
    # Công văn 298 (Lâm Đồng, 2025), closing paragraph: a request to carry out "the contents above".
    closing = (
        "Yêu cầu các sở, ngành và Ủy ban nhân dân các xã, phường, đặc khu tổ chức thực hiện tốt các nội dung "
        "trên, thường xuyên trao đổi, phối hợp lực lượng Công an hoàn thành tốt các nhiệm vụ được giao."
    )
    assert subject_of(closing, PROVINCE) is None


def test_an_item_handing_work_over_reads_only_its_own_clause() -> None:
    # Công văn 4214/BCA-C04, item 10: the lead became "các bộ, ngành, địa phương cử lãnh đạo, cán bộ đầu mối"
    # from a later "…; đề nghị các bộ, ngành, địa phương cử …".
    tasks = _tasks(
        "1. Sở Tư pháp giao Phòng Văn bản là cơ quan thường trực, giúp Giám đốc Sở theo dõi; đề nghị các sở, "
        "ngành, địa phương cử cán bộ đầu mối phối hợp thực hiện.\n"
    )
    assert all(not t.lead_raw.startswith("các sở, ngành, địa phương cử") for t in tasks)
    # … and the unit that hands the work over is not its lead either.
    assert all(t.lead_raw != "Sở Tư pháp" for t in tasks)


# ---------------------------------------------------------------- branch realdocs13b: heads, classes, resolver gaps


def test_the_head_of_a_unit_stands_for_the_unit() -> None:
    # CT 04/CT-UBND Quảng Ngãi (2024), items 2 and 3: "Chánh Thanh tra tỉnh", "Giám đốc Công an tỉnh, Viện trưởng
    # …" gave no task (a post was a person; "kiểm tra việc thực hiện Chỉ thị này" read as the closing clause).
    tasks = _tasks(
        "2. Đề nghị Giám đốc Công an tỉnh, Viện trưởng Viện kiểm sát nhân dân tỉnh, Chánh án Tòa án nhân dân "
        "tỉnh, Cục trưởng Cục Thi hành án dân sự tỉnh tổ chức thực hiện tốt các nhiệm vụ phòng, chống tham nhũng.\n"
        "3. Giao Chánh Thanh tra tỉnh chủ trì, phối hợp với các cơ quan liên quan theo dõi, đôn đốc, kiểm tra "
        "việc thực hiện Chỉ thị này, báo cáo UBND tỉnh, Chủ tịch UBND tỉnh theo định kỳ.\n"
    )
    by_ref = _by_ref(tasks)
    assert by_ref["2"].lead_raw.startswith("Giám đốc Công an tỉnh, Viện trưởng")
    assert by_ref["3"].lead_raw == "Chánh Thanh tra tỉnh"
    assert by_ref["3"].partner_raw == "các cơ quan liên quan"
    lead = resolve_units("Chánh Thanh tra tỉnh", locality="tỉnh Quảng Ngãi")
    assert [m.unit_id for m in lead] == ["thanh_tra@tỉnh Quảng Ngãi"]
    police = [m.unit_id for m in resolve_units(by_ref["2"].lead_raw, locality="tỉnh Quảng Ngãi")]
    assert police[0] == "cong_an@tỉnh Quảng Ngãi" and all(police)
    # A commune's chairman stands for its committee; a deputy is a person; the closing request stays none.
    subject = subject_of("Chủ tịch UBND cấp xã chịu trách nhiệm trước Chủ tịch UBND tỉnh về kết quả", PROVINCE)
    assert subject is not None and [m.unit_id for m in subject.units.mentions] == ["ubnd@cấp xã thuộc tỉnh Quảng Ngãi"]
    subject = subject_of("Thủ trưởng/Giám đốc các Sở chủ động rà soát thủ tục hành chính", PROVINCE)
    assert subject is not None and subject.units.text == "Thủ trưởng/Giám đốc các Sở"
    assert subject_of("Phó Chủ tịch UBND tỉnh chủ trì, phối hợp với Sở Tư pháp", PROVINCE) is None
    assert subject_of("Yêu cầu Giám đốc các Sở khẩn trương triển khai thực hiện Chỉ thị này.", PROVINCE) is None


def test_a_verb_after_a_list_of_class_nouns_ends_the_class() -> None:
    # Công văn 4214/BCA-C04 (Bộ Công an, 2025), item 10: the class swallowed "cử lãnh đạo, cán bộ đầu mối".
    ministry = Context(locality="", issuer="Bộ Công an")
    text = (
        "Để tăng cường phối hợp triển khai thực hiện Chương trình, đề nghị các bộ, ngành, địa phương cử lãnh đạo, "
        "cán bộ đầu mối thực hiện Chương trình và gửi về Bộ Công an."
    )
    span = assigned_in(text, ministry)
    assert span is not None and span.text == "các bộ, ngành, địa phương"
    # Qualifiers and nouns after the list stay in it; a list going on past a comma is not cut.
    for kept in (
        "Các sở, ngành liên quan",
        "Các sở, ngành có liên quan",
        "Các sở, ban, ngành tỉnh",
        "các cơ quan, đơn vị sự nghiệp công lập",
        "Thủ trưởng các cơ quan, đơn vị, địa phương, các Chủ đầu tư",
    ):
        subject = subject_of(f"{kept} chủ động rà soát các thủ tục", ministry)
        assert subject is not None and subject.units.text == kept


def test_no_registered_unit_name_is_cut_by_the_class_list_rule() -> None:
    from nlp.frames import class_list_end
    from nlp.registry import get_registry

    registry = get_registry()
    names = [name for unit in registry.units.values() for name in (unit.name, *unit.aliases)]
    assert names and all(class_list_end(f"{name} cử cán bộ") is None for name in names)
    assert all(class_list_end(f"các {name} cử cán bộ") in (None, len(f"các {name}")) for name in names)


def test_a_project_boards_name_is_not_cut_at_build() -> None:
    # QĐ 2858/QĐ-UBND Hà Nội (2025), Điều 2: the partner was cut at "xây dựng" ("… và Ban QLDA Đầu tư").
    text = (
        "UBND quận Bắc Từ Liêm chủ trì, phối hợp với Sở Quy hoạch - Kiến trúc và Ban QLDA Đầu tư xây dựng chuyên "
        "ngành - Học viện Chính trị quốc gia Hồ Chí Minh tổ chức công bố công khai nội dung điều chỉnh"
    )
    partners = partners_in(text, HA_NOI)
    assert partners is not None
    assert partners.text.endswith("Ban QLDA Đầu tư xây dựng chuyên ngành - Học viện Chính trị quốc gia Hồ Chí Minh")
    # The verb after a Sở's name is still a verb.
    subject = subject_of("Sở Kế hoạch và Đầu tư xây dựng kế hoạch vốn năm 2026", HA_NOI)
    assert subject is not None and subject.units.text == "Sở Kế hoạch và Đầu tư"


def test_a_lower_case_trade_promotion_centre_resolves() -> None:
    # Công văn cải thiện các chỉ số CCHC 2025 (Lâm Đồng), 2.h; TB 493 (Lâm Đồng), item 6: no lead.
    lam_dong = Context(locality="tỉnh Lâm Đồng", issuer="UBND tỉnh Lâm Đồng")
    subject = subject_of("Giao Trung tâm xúc tiến Đầu tư, Thương mại và Du lịch tỉnh:", lam_dong)
    assert subject is not None and subject.lead_in
    assert subject.units.text == "Trung tâm xúc tiến Đầu tư, Thương mại và Du lịch tỉnh"
    assert [m.unit_type for m in subject.units.mentions] == ["trung_tam_xt"]


def test_heads_in_a_list_past_a_semicolon_and_a_label_of_two_units() -> None:
    # CT 07/CT-UBND Quảng Ngãi (2018), item 1 over a)–e) and item 3.c over its text: neither had a lead.
    tasks = _tasks(
        "1. Thủ trưởng các Sở, ban, ngành của tỉnh; Chủ tịch Ủy ban nhân dân các huyện, thành phố trong tỉnh có "
        "trách nhiệm:\n"
        "a) Thi hành nghiêm chỉnh, đúng, đầy đủ nghĩa vụ của người phải thi hành án trong các bản án.\n"
        "2. Đề nghị Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh:\n"
        "a) Phối hợp với cơ quan Thi hành án dân sự trong việc chuyển giao bản án.\n"
    )
    by_ref = _by_ref(tasks)
    assert by_ref["1.a"].lead_raw == (
        "Thủ trưởng các Sở, ban, ngành của tỉnh; Chủ tịch Ủy ban nhân dân các huyện, thành phố trong tỉnh"
    )
    assert by_ref["2.a"].lead_raw == "Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh"
    units = resolve_units("Ủy ban nhân dân các huyện, thành phố trong tỉnh", locality="tỉnh Quảng Ngãi")
    assert [m.unit_id for m in units] == ["ubnd@cấp huyện thuộc tỉnh Quảng Ngãi"]
