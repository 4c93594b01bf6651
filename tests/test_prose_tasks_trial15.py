"""Tasks of the session-15 trial on real documents (docs/realdocs-trial.md, "Session 15").

Each test rebuilds the failing pattern from a real snippet (the documents themselves are not committed): the Word 97
plan of Lâm Đồng on drugs (2026, "3.5. Sở Giáo dục và Đào tạo" over its duties), the Prime Minister's letter
464/TTg-CĐS (2026) and the scanned plan 996/KH-TCTLNTW-C04 of the Ministry of Public Security's team (2026).
"""

from __future__ import annotations

from extract.blocks import Paragraph
from extract.model import Metadata, Table
from extract.structure.metadata import extract_metadata
from extract.structure.metadata_warnings import metadata_warnings
from nlp.frames import Context, partners_in, subject_of
from nlp.units import resolve_units
from tests.lam_dong_plans import by_ref, plan_tasks


def test_a_heading_of_units_alone_leads_the_duties_below_it() -> None:
    # KH-KMT Lâm Đồng 2026, part III: numbered headings that only name units, each over dash bullets of duties.
    tasks = plan_tasks(
        "III. GIẢI PHÁP THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ",
        "3. Tăng cường công tác tuyên truyền, giáo dục, phòng ngừa tội phạm và tệ nạn ma túy",
        "3.4. Sở Văn hoá, Thể thao và Du lịch",
        "- Chỉ đạo các cơ quan báo chí tăng cường thời lượng, tin bài tuyên truyền về phòng, chống ma túy.",
        "3.5. Sở Giáo dục và Đào tạo",
        "- Chủ trì, phối hợp với Công an tỉnh tổ chức tuyên truyền phòng, chống ma túy trong trường học.",
        "- Đưa nội dung phòng, chống ma túy vào hoạt động ngoại khóa của học sinh.",
        "3.6. Sở Nông nghiệp và Môi trường, Sở Dân tộc và Tôn giáo",
        "Phối hợp với các địa phương tuyên truyền, vận động đồng bào không trồng cây có chứa chất ma túy.",
    )
    assert [(t.ref, t.lead_raw, t.partner_raw) for t in tasks] == [
        ("3.4", "Sở Văn hoá, Thể thao và Du lịch", ""),
        # One task per item (the real set's convention for "N. Đơn vị: - … - …"): its bullets are its content.
        ("3.5", "Sở Giáo dục và Đào tạo", "Công an tỉnh"),
        ("3.6", "Sở Nông nghiệp và Môi trường, Sở Dân tộc và Tôn giáo", "các địa phương"),
    ]
    assert "ngoại khóa" in by_ref(tasks)["3.5"].content


def test_the_supreme_procuracy_and_court_are_national_bodies() -> None:
    # KH-KMT Lâm Đồng 2026, 5.3: the central bodies, not the province's namesakes (session 14 left them without a lead).
    tasks = plan_tasks(
        "5. Triển khai quyết liệt, đồng bộ công tác đấu tranh phòng, chống tội phạm về ma túy",
        "5.3. Đề nghị Viện Kiểm sát nhân dân tối cao, Tòa án nhân dân tối cao",
        "Phối hợp chặt chẽ với các cơ quan chức năng thuộc Chính phủ chỉ đạo bảo đảm tiến độ, chất lượng.",
        "5.4. Đề nghị Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh",
        "Phối hợp với Công an tỉnh đẩy nhanh tiến độ điều tra, truy tố, xét xử các vụ án về ma túy.",
    )
    assert [(t.ref, t.lead_raw) for t in tasks] == [
        ("5.3", "Viện Kiểm sát nhân dân tối cao, Tòa án nhân dân tối cao"),
        ("5.4", "Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh"),
    ]
    national = resolve_units("Viện Kiểm sát nhân dân tối cao, Tòa án nhân dân tối cao", locality="tỉnh Lâm Đồng")
    provincial = resolve_units("Viện Kiểm sát nhân dân tỉnh", locality="tỉnh Lâm Đồng")
    assert [m.unit_id for m in national] == ["vks_toi_cao@Việt Nam", "toa_an_toi_cao@Việt Nam"]
    assert [m.unit_id for m in provincial] == ["vks@tỉnh Lâm Đồng"]


def test_the_chair_of_the_committees_of_the_communes_keeps_the_class() -> None:
    # KH-KMT Lâm Đồng 2026, 3.9: "địa bàn cấp xã" is the class of communes, not words after a name.
    tasks = plan_tasks(
        "3. Tăng cường công tác tuyên truyền, giáo dục, phòng ngừa tội phạm và tệ nạn ma túy",
        "3.9. Chủ tịch Ủy ban nhân dân địa bàn cấp xã chỉ đạo",
        "- Đẩy mạnh hoạt động tuyên truyền tại các địa bàn dân cư, khu vực, địa bàn trọng điểm, phức tạp về ma túy.",
    )
    assert [(t.ref, t.lead_raw) for t in tasks] == [("3.9", "Chủ tịch Ủy ban nhân dân địa bàn cấp xã")]
    mentions = resolve_units("Ủy ban nhân dân địa bàn cấp xã", locality="tỉnh Lâm Đồng")
    assert [m.unit_id for m in mentions] == ["ubnd@cấp xã thuộc tỉnh Lâm Đồng"]


def test_a_named_list_of_ministries_without_a_frame_word_leads_its_item() -> None:
    # CV 464/TTg-CĐS (2026) 2.a: "Các Bộ: A, B, …" names each ministry after the noun; one name holds commas, the
    # last one runs into the verb ("Y tế nghiên cứu …") with no frame word to end the list.
    tasks = plan_tasks(
        "2. Về 02 Nghị quyết cắt giảm thủ tục hành chính, điều kiện kinh doanh",
        "a) Các Bộ: Công Thương, Khoa học và Công nghệ, Nội vụ, Công an, Tài chính, Văn hóa, Thể thao và Du lịch, "
        "Xây dựng, Y tế nghiên cứu nội dung báo cáo, đề xuất của Bộ Tư pháp, khẩn trương hoàn thành nội dung quy "
        "định cắt giảm, có văn bản gửi Bộ Tư pháp trong ngày 30 tháng 4 năm 2026.",
    )
    lead = "Các Bộ: Công Thương, Khoa học và Công nghệ, Nội vụ, Công an, Tài chính, Văn hóa, Thể thao và Du lịch, "
    assert [(t.ref, t.lead_raw) for t in tasks] == [("2.a", lead + "Xây dựng, Y tế")]
    subject = subject_of(tasks[0].content, Context())
    assert subject is not None
    assert [m.unit_id.split("@")[0] for m in subject.units.mentions] == [
        "bo_congthuong", "bo_khcn", "bo_noivu", "bo_cong_an", "bo_taichinh", "bo_vhttdl", "bo_xaydung", "bo_yte"
    ]


def test_a_named_list_of_departments_ends_before_a_blank_piece_and_a_connector() -> None:
    # Session 12's "các Sở: …" partner lists (QĐ 2858): guards the comma-joined names above (passes on main too: a
    # run of pieces ending in a blank one, cut at the verb, once kept its trailing comma).
    context = Context(locality="tỉnh Quảng Ngãi", issuer="UBND tỉnh Quảng Ngãi")
    found = partners_in("phối hợp với các Sở: Tài chính, Y tế và các cơ quan liên quan thực hiện.", context)
    assert found is not None and found.text == "các Sở: Tài chính, Y tế và các cơ quan liên quan"
    found = partners_in("phối hợp với các Sở: Tư pháp, Nội vụ, Tài chính để thẩm định hồ sơ.", context)
    assert found is not None and found.text == "các Sở: Tư pháp, Nội vụ, Tài chính"


def _scanned_header(kind_line: str, *, ocr: bool = True) -> tuple[Metadata, list[str]]:
    # KH 996/KH-TCTLNTW-C04 (2026), page 1 as OCR reads it: a received stamp beside the kind line garbles it.
    lines = (
        "BỘ CÔNG AN",
        "TỔ CÔNG TÁC LIÊN NGÀNH TRUNG ƯƠNG",
        "Số: 996/KH-TCTLNTW-C04",
        "Hà Nội, ngày 12 tháng 02 năm 2026",
        kind_line,
        "Làm việc với Ủy ban nhân dân các cấp về công tác phòng, chống ma túy",
        "I. MỤC ĐÍCH, YÊU CẦU",
    )
    items: list[Paragraph | Table] = [Paragraph(text=text, page=1, line=index + 1) for index, text in enumerate(lines)]
    meta = extract_metadata(items, source="x.pdf", ocr_pages=[1] if ocr else [])
    return meta, [w.code for w in metadata_warnings(meta, [], source="x.pdf")]


def test_a_kind_line_misread_by_two_letters_is_taken_with_a_warning() -> None:
    meta, codes = _scanned_header("KÉẺ HOẠCH")
    assert meta.kind == "KẾ HOẠCH"
    assert meta.title == "Làm việc với Ủy ban nhân dân các cấp về công tác phòng, chống ma túy"
    assert meta.sources["kind"].raw == "KÉẺ HOẠCH"
    assert "metadata_kind_uncertain" in codes
    # A kind printed as it is warns nothing; a typed page is not mended, nor a line three letters off.
    assert "metadata_kind_uncertain" not in _scanned_header("KẾ HOẠCH")[1]
    assert _scanned_header("KÉẺ HOẠCH", ocr=False)[0].kind == ""
    assert _scanned_header("KÉẺ HOAC", ocr=True)[0].kind == ""
