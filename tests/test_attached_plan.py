"""A decision that issues a plan, and a submission that carries one: the plan after the signature assigns the work.

"QUYẾT ĐỊNH Ban hành Kế hoạch …" is the genre's commonest form: Điều 1 issues the plan, the signature closes the
decision, and the plan follows under its own kind line and "(Ban hành kèm theo Quyết định số …)". Until session 16
everything after the signature was an annex, whose parts are not read for tasks (annexes list and describe), so
such a file gave no task at all. Found on a real certified copy of a Tờ trình carrying its draft plan (196/TTr-CAT-PC04,
Công an tỉnh Lâm Đồng, vpubnd49/VBAI; docs/realdocs-trial.md, session 16): 31 tasks on main before realdocs16a read
its first page, 0 after, 31 with this rule. The rule was written on that file; the checks below are the form itself.
"""

from __future__ import annotations

from extract import extract_bytes
from extract.model import Document

HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nSố: 120/QĐ-UBND\nHà Nam, ngày 10 tháng 3 năm 2026\n"
DECISION = (
    "QUYẾT ĐỊNH\nBan hành Kế hoạch chuyển đổi số năm 2026\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các Sở chịu trách nhiệm thi hành Quyết định này.\n"
    "Nơi nhận:\n- Như Điều 3;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn A\n"
)
PLAN_BODY = (
    "I. MỤC ĐÍCH, YÊU CẦU\n1. Đẩy mạnh chuyển đổi số.\nII. NHIỆM VỤ VÀ PHÂN CÔNG\n"
    "1. Xây dựng cơ sở dữ liệu đất đai\n- Đơn vị chủ trì: Sở Nông nghiệp và Môi trường\n"
    "- Thời gian hoàn thành: Quý III/2026\n"
    "2. Xây dựng kho dữ liệu dùng chung\n- Đơn vị chủ trì: Sở Khoa học và Công nghệ\n- Thời gian hoàn thành: năm 2026\n"
)


def _extract(text: str) -> Document:
    return extract_bytes(text.encode(), "qd.txt")


def test_the_plan_a_decision_issues_gives_its_tasks() -> None:
    document = _extract(
        HEADER + DECISION + "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nKẾ HOẠCH\nChuyển đổi số năm 2026\n"
        "(Ban hành kèm theo Quyết định số 120/QĐ-UBND ngày 10/3/2026 của UBND tỉnh)\n" + PLAN_BODY
    )
    assert document.metadata.kind == "QUYẾT ĐỊNH" and document.metadata.number == "120/QĐ-UBND"
    plan = document.sections[-1]
    assert (plan.label, plan.title) == ("KẾ HOẠCH", "Chuyển đổi số năm 2026")
    assert [child.label for child in plan.children] == ["I.", "II."]
    assert [(t.ref, t.lead_raw, t.time_raw) for t in document.tasks] == [
        ("1", "Sở Nông nghiệp và Môi trường", "Quý III/2026"),
        ("2", "Sở Khoa học và Công nghệ", "năm 2026"),
    ]
    assert document.tasks[0].provenance.line is not None


def test_a_draft_plan_carried_by_a_submission_gives_its_tasks() -> None:
    submission = HEADER.replace("QĐ-UBND", "TTr-UBND") + (
        "TỜ TRÌNH\nVề việc ban hành Kế hoạch chuyển đổi số năm 2026\nKính gửi: Thường trực Tỉnh ủy.\n"
        "Ủy ban nhân dân tỉnh kính trình dự thảo Kế hoạch (kèm theo).\n"
        "Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn A\n"
    )
    document = _extract(submission + "DỰ THẢO\nKẾ HOẠCH\nChuyển đổi số năm 2026\n" + PLAN_BODY)
    assert document.metadata.kind == "TỜ TRÌNH"
    assert [t.lead_raw for t in document.tasks] == ["Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ"]


def test_an_annex_after_the_signature_is_still_not_read_for_tasks() -> None:
    """A catalog or a list after the signature describes; its numbered items are not work assigned."""
    for opening in ("PHỤ LỤC I\nDanh mục nhiệm vụ\n", "DANH MỤC CƠ SỞ DỮ LIỆU\n(Kèm theo Quyết định số 120/QĐ-UBND)\n"):
        document = _extract(HEADER + DECISION + opening + PLAN_BODY)
        assert document.tasks == [], opening


def test_a_kind_word_inside_a_sentence_after_the_signature_opens_nothing() -> None:
    """Only a kind line alone opens the attached document: "Kế hoạch này …" in running text is not one."""
    document = _extract(HEADER + DECISION + "Kế hoạch chuyển đổi số được gửi kèm.\n" + PLAN_BODY)
    assert all(section.label != "KẾ HOẠCH" for section in document.sections)


def test_a_kind_line_misread_by_ocr_still_opens_the_plan() -> None:
    """The draft plan of a certified copy (91/TTr-CAT-PC04, Lâm Đồng 2026, OCR): "KÉẺ HOẠCH", two edits off."""
    plan_head = "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nKÉẺ HOẠCH\nChuyển đổi số năm 2026\n"
    document = _extract(HEADER + DECISION + plan_head + PLAN_BODY)
    assert document.sections[-1].label == "KÉẺ HOẠCH"
    assert [t.lead_raw for t in document.tasks] == ["Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ"]
    # Not a kind: a capitals line that is no kind's misreading, or one as near to two kinds, opens nothing.
    for line in ("KẾT LUẬN", "DANH SÁCH"):
        assert _extract(HEADER + DECISION + line + "\n" + PLAN_BODY).tasks == [], line
