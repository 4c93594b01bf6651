"""Session 16's trial (docs/realdocs-trial.md, "Session 16: prose tasks, units and partners"): real snippets.

Sources (not committed): TB kết luận cao tốc (vpubnd49/VBAI@0aaf825…:…/TBKL/TB Kết luận kiểm tra tiến thi công và
GPMB 02 tuyến cao tốc.doc), TB giải thể 06 hội, Bình Thuận 2024 (vpubnd49/VBAI@1c61f9a…:…/29-11 TTr 3367 So NV/UB-
Thong bao ve viec giai the 06 hoi vi pham (1).doc), CV 464/TTg-CĐS 2026 (hwolp/RAG_TongHopVBHC@4a80dee…).
"""

from __future__ import annotations

from nlp.frames import Context, partners_in, subject_of
from nlp.units import resolve_units
from tests.lam_dong_plans import LAM_DONG, by_ref, plan_tasks

BINH_THUAN = Context(locality="tỉnh Bình Thuận", issuer="UBND tỉnh Bình Thuận")
GOVERNMENT = Context(locality="", issuer="Thủ tướng Chính phủ")


def test_a_partner_named_construction_is_a_name_not_the_verb() -> None:
    # TB kết luận cao tốc 1.c: the partners stopped at "Xây dựng" (an action verb), leaving "Sở" and nothing.
    text = (
        "c) Thực hiện rà soát việc điều tiết khối lượng đào đắp trên tuyến, trên cơ sở đó tính toán khối lượng đổ "
        "thải; chủ động phối hợp với Sở Xây dựng, Sở Nông nghiệp và Môi trường, Ban Quản lý dự án đầu tư xây dựng "
        "số 1, UBND địa phương có liên quan để xác định bãi đổ thải."
    )
    partners = partners_in(text, LAM_DONG)
    assert partners is not None
    assert partners.text == (
        "Sở Xây dựng, Sở Nông nghiệp và Môi trường, Ban Quản lý dự án đầu tư xây dựng số 1, "
        "UBND địa phương có liên quan"
    )
    assert [m.unit_id for m in partners.mentions][:2] == ["so_xaydung@tỉnh Lâm Đồng", "so_nnmt@tỉnh Lâm Đồng"]


def test_a_named_list_of_partners_keeps_xay_dung() -> None:
    # QĐ 2858/QĐ-UBND Hà Nội's list "các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên quan"
    # after "phối hợp với" (no real partner line of this form was found: the list is real, the frame is not).
    text = (
        "Sở Nội vụ chủ trì, phối hợp với các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên "
        "quan rà soát các nội dung liên quan"
    )
    partners = partners_in(text, LAM_DONG)
    assert partners is not None
    assert partners.text == "các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên quan"
    named = [m.unit_id for m in partners.mentions if m.unit_id]
    assert named == ["so_taichinh@tỉnh Lâm Đồng", "so_nnmt@tỉnh Lâm Đồng", "so_xaydung@tỉnh Lâm Đồng"]


def test_a_lower_case_verb_still_ends_a_partner_list() -> None:
    # Guard: mid-sentence a verb is printed in lower case; "xây dựng kế hoạch" is work, not a Sở.
    partners = partners_in("Sở Nội vụ chủ trì, phối hợp với các Sở: Tài chính, xây dựng kế hoạch", LAM_DONG)
    assert partners is not None and partners.text == "các Sở: Tài chính"
    plain = partners_in("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch năm 2026", LAM_DONG)
    assert plain is not None and plain.text == "Sở Tài chính"


def test_a_named_list_ending_with_and_a_named_unit() -> None:
    # TB giải thể 06 hội, Bình Thuận (2024), item 4: the last piece "Nông nghiệp và Phát triển nông thôn và Văn phòng
    # Ủy ban nhân dân tỉnh" lost the provincial office.
    text = (
        "Giao các sở: Tài nguyên và Môi trường, Giáo dục và Đào tạo, Nông nghiệp và Phát triển nông thôn và Văn phòng "
        "Ủy ban nhân dân tỉnh theo dõi thông tin phản ánh của cá nhân, tổ chức liên quan đến việc giải thể các hội "
        "nêu trên (nếu có), để tổng hợp đề nghị Sở Nội vụ xem xét, xử lý kịp thời./."
    )
    subject = subject_of(text, BINH_THUAN)
    assert subject is not None and subject.triggered
    assert subject.units.text.endswith("Nông nghiệp và Phát triển nông thôn và Văn phòng Ủy ban nhân dân tỉnh")
    assert [m.unit_id for m in subject.units.mentions][-1] == "van_phong_ubnd@tỉnh Bình Thuận"


def test_investors_over_lettered_items_lead_them() -> None:
    # TB kết luận cao tốc II.1: the items took the opening's "các sở, ban, ngành, địa phương và Nhà đầu tư".
    tasks = by_ref(
        plan_tasks(
            "II. Nhiệm vụ, giải pháp trong thời gian tới",
            "Để đẩy nhanh tiến độ thực hiện 02 dự án cao tốc, UBND tỉnh yêu cầu các sở, ban, ngành, địa phương và "
            "Nhà đầu tư cần nâng cao trách nhiệm, trong đó tập trung triển khai các nhiệm vụ cụ thể như sau:",
            "1. Nhà đầu tư của 02 dự án đường bộ cao tốc Tân Phú – Bảo Lộc và Bảo Lộc – Liên Khương:",
            "a) Khẩn trương tập kết máy móc, trang thiết bị thi công và tổ chức thi công đối với các mũi thi công đã "
            "cam kết để triển khai đồng bộ.",
            "b) Xây dựng tiến độ, kế hoạch triển khai thi công cụ thể gửi các đơn vị, địa phương.",
            "2. Đối với công tác giải phóng mặt bằng",
            "a) Trung tâm Phát triển quỹ đất tỉnh",
            "- Đẩy nhanh việc chi trả tiền bồi thường cho người dân.",
        )
    )
    investors = "Nhà đầu tư của 02 dự án đường bộ cao tốc Tân Phú – Bảo Lộc và Bảo Lộc – Liên Khương"
    assert tasks["1.a"].lead_raw == investors and tasks["1.b"].lead_raw == investors
    assert tasks["2.a"].lead_raw == "Trung tâm Phát triển quỹ đất tỉnh"


def test_investors_are_kept_as_printed_without_a_unit_or_a_warning() -> None:
    mentions = resolve_units(
        "Nhà đầu tư của 02 dự án đường bộ cao tốc Tân Phú – Bảo Lộc và Bảo Lộc – Liên Khương", locality="tỉnh Lâm Đồng"
    )
    # One mention, no unit: a collective is not warned as an unknown unit (nlp.document._unresolved_warnings).
    assert len(mentions) == 1 and mentions[0].collective and not mentions[0].unit_id
    # "Nhà đầu tư" beside state units does not hide them.
    beside = resolve_units("Sở Xây dựng, Nhà đầu tư và địa phương có liên quan", locality="tỉnh Lâm Đồng")
    assert [m.unit_id for m in beside][0] == "so_xaydung@tỉnh Lâm Đồng"


def test_the_ministers_and_chairmen_lead_their_item() -> None:
    # CV 464/TTg-CĐS (2026), item 3: no task, the bare "Bộ trưởng" resolved to nothing and sank the list.
    text = (
        "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực tiếp chỉ đạo việc "
        "thực hiện các nhiệm vụ nêu trên; chịu trách nhiệm trước Thủ tướng Chính phủ về kết quả rà soát"
    )
    subject = subject_of(text, GOVERNMENT)
    assert subject is not None and subject.framed
    assert subject.units.text == "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố"
    # Classes, no one unit and nothing unresolved: the ministries, the ministry-level bodies, the provinces.
    assert all(m.collective and not m.unit_id for m in subject.units.mentions)
    # A named minister still names the ministry.
    named = subject_of("Bộ trưởng Bộ Tài chính chỉ đạo rà soát các nội dung trên", GOVERNMENT)
    assert named is not None and [m.unit_type for m in named.units.mentions] == ["bo_taichinh"]


def test_organise_run_on_from_a_level_class_is_the_verb() -> None:
    # KH PCMT đến 2030, Lâm Đồng (2025), item 1: the lead ran on to "… cấp xã tổ chức tổng kết" (session 14).
    text = (
        "Các sở, ban, ngành, đoàn thể và Ủy ban nhân dân cấp xã tổ chức tổng kết thực hiện Chiến lược và Chương trình "
        "theo chức năng, nhiệm vụ, lĩnh vực phụ trách bảo đảm tiến độ, chất lượng, hiệu quả theo kế hoạch đề ra"
    )
    subject = subject_of(text, LAM_DONG)
    assert subject is not None and subject.units.text == "Các sở, ban, ngành, đoàn thể và Ủy ban nhân dân cấp xã"
    # After a comma "tổ chức" opens another class (session 13's case), unchanged.
    noun = subject_of("Các cơ quan, tổ chức chính trị - xã hội có trách nhiệm tuyên truyền", LAM_DONG)
    assert noun is not None and noun.units.text == "Các cơ quan, tổ chức chính trị - xã hội"
    # After a class noun "quản lý" goes on with its name (TB 565/TB-UBND Quảng Ngãi 2024, in the real set's gold).
    named = subject_of(
        "Yêu cầu Thủ trưởng các cơ quan, đơn vị, địa phương, các Chủ đầu tư, các đơn vị đầu mối giao kế hoạch, các Cơ "
        "quan chủ trì Dự án, Tiểu dự án, Nội dung thành phần, các cơ quan chủ trì quản lý 02 Chương trình MTQG theo "
        "chức năng, nhiệm vụ được giao",
        LAM_DONG,
    )
    assert named is not None and named.units.text.endswith("các cơ quan chủ trì quản lý 02 Chương trình MTQG")


def test_a_request_to_the_mass_organisations_names_them_all() -> None:
    # KH phòng, chống ma túy, Lâm Đồng 2026, item 3.8 over its duties: the lead was "Ủy ban Mặt trận Tổ quốc Việt Nam",
    # "tỉnh" and the five organisations after it lost (the registry knew none of them).
    tasks = by_ref(
        plan_tasks(
            "III. GIẢI PHÁP THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ",
            "3. Tăng cường công tác tuyên truyền, giáo dục, phòng ngừa tội phạm và tệ nạn ma túy",
            "3.8. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh, Hội Liên hiệp Phụ nữ tỉnh, "
            "Hội Nông dân tỉnh, Hội Cựu chiến binh tỉnh, Tỉnh đoàn Thanh niên",
            "Chỉ đạo thực hiện có hiệu quả các kế hoạch liên tịch, chương trình phối hợp hành động với Bộ Công an.",
        )
    )
    lead = tasks["3.8"].lead_raw
    assert lead.startswith("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh")
    assert lead.endswith("Tỉnh đoàn Thanh niên")
    ids = [m.unit_type for m in resolve_units(lead, locality="tỉnh Lâm Đồng")]
    assert ids == ["ubmttq", "lien_doan_lao_dong", "hoi_lhpn", "hoi_nong_dan", "hoi_ccb", "doan_thanh_nien"]
    # "Hội đồng nhân dân" is not taken for one of the new "Hội" names.
    assert [m.unit_type for m in resolve_units("Hội đồng nhân dân tỉnh", locality="tỉnh Lâm Đồng")] == ["hdnd"]


def test_a_long_label_of_units_before_a_colon_is_read_whole() -> None:
    # KH PCMT đến 2030 (the `.doc`, Tờ trình 238), 3.g: a 22-word label, past a plain label's 14 words.
    text = (
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động, Hội Liên hiệp Phụ nữ, Hội Nông dân, "
        "Hội Cựu chiến binh, Tỉnh đoàn: Chỉ đạo thực hiện có hiệu quả các kế hoạch liên tịch"
    )
    subject = subject_of(text, LAM_DONG)
    assert subject is not None and subject.units.text.endswith("Hội Cựu chiến binh, Tỉnh đoàn")
    # A long label naming units among other things is not taken whole: its units as before.
    label = (
        "Sở Tư pháp, Sở Giáo dục và Đào tạo về công tác tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống ma "
        "túy trong nhà trường: Tổ chức các buổi nói chuyện"
    )
    other = subject_of(label, LAM_DONG)
    assert other is not None and other.units.text == "Sở Tư pháp, Sở Giáo dục và Đào tạo"
    # A parenthesis qualifies the unit and stays out of the lead (CV chỉ số CCHC Lâm Đồng 2025, 2.c), as on main.
    qualified = "Giao Văn phòng Ủy ban nhân dân tỉnh (Trung tâm Phục vụ hành chính công tỉnh): Chủ trì"
    office = subject_of(qualified, LAM_DONG)
    assert office is not None and office.units.text == "Văn phòng Ủy ban nhân dân tỉnh"
