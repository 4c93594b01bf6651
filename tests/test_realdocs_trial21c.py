"""Session 21 (rd21c): run-on subjects cut at their name, and requests to direct other units.

Every snippet is quoted from a real document, one paragraph per printed paragraph (line breaks of the source joined):

- ``L`` = LaHieu11/baucu-luongminh@49d4227cbb44837d32238a40ec77adf9dd1ebbf3:src/assets/XaLM/<file>.htm (the Ủy ban
  MTTQ of xã Lương Minh, Quảng Ninh, election of 2026; Word web pages): "Hướng dẫn MTTQ xã công tác Bầu cử (LM).htm",
  "KH Kiểm tra, giám sát công tác bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ
  2026 - 2031.htm", "KẾ HOẠCH KIỂM TRA, GIÁM SÁT BẦU CỬ NHIỆM KỲ 2026 - 2031.htm" (phường Bắc Cam Ranh's),
  "99_2025_NQ-HDND_685704.htm" (NQ 99/2025/NQ-HĐND Quảng Ninh);
- ``T`` = tnt305/tai_lieu_noi_bo@94c5034af72cc7e5020694d06eceb126a103d48b:src/etl/dataset/<file>.md: QĐ 98/2025/QĐ-UBND
  Nghệ An (be5392d4f50c27a6), CV of Bộ Y tế on Công điện 39/CĐ-TTg (2b0440e108a56266);
- ``H`` = hoangmd2410/RAG_DEMO@3691f43485cb11ee11148b51261dded144c3af2d:data/95-nq-hđnd.md (NQ 95/NQ-HĐND Hà
  Giang 2017).

Which tests fail on main (``9613530``) and which are guards is said in each docstring.
"""

from __future__ import annotations

from nlp.frames import Context, assigned_in, subject_of
from tests.prose_lines import task_leads

MTTQ_XA = "Ủy ban MTTQ Việt Nam xã Lương Minh"


def test_an_item_whose_first_paragraph_opens_with_a_run_on_subject_is_its_task() -> None:
    """L Hướng dẫn MTTQ xã, item 7: no frame word follows the name, which runs on into "xây dựng kế hoạch". Main read
    the subject (the name ends at "xã") but kept it only with a frame word: no task (rd20d's lost item). Fails on
    main."""
    lines = [
        "7. Công tác kiểm tra, giám sát",
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã xây dựng kế hoạch và triển khai quy trình các bước để tổ chức kiểm"
        " tra, giám sát; phối hợp với các tổ chức thành viên và Thường trực Hội đồng nhân dân cùng cấp giám sát và"
        " vận động Nhân dân giám sát quá trình tổ chức cuộc bầu cử.",
    ]
    assert task_leads(lines, MTTQ_XA) == [("7", "Ban Thường trực Ủy ban MTTQ Việt Nam xã")]


def test_a_run_on_subject_after_a_topic_label_leads_its_item() -> None:
    """L Hướng dẫn MTTQ xã 4.9 and L KH kiểm tra, giám sát (Lương Minh) 3: "<topic>: <units> <verb> …", the verb one
    the vocabulary lacks ("lập", "thành lập"). Main dropped the topic's subject: no task. Fails on main."""
    report = [
        "4.9. Sau hội nghị tiếp xúc cử tri: Ban Thường trực Ủy ban MTTQ Việt Nam cấp xã lập báo cáo tình hình tổ chức"
        " hội nghị tiếp xúc cử tri của người ứng cử đại biểu Hội đồng nhân dân ở địa phương mình gửi đến Ủy ban bầu cử"
        " cùng cấp và Ban Thường trực Ủy ban MTTQ Việt Nam cấp tỉnh."
    ]
    assert task_leads(report, MTTQ_XA) == [("4.9", "Ban Thường trực Ủy ban MTTQ Việt Nam cấp xã")]
    team = [
        "3. Tổ chức Đoàn kiểm tra, giám sát: Ban Thường trực Ủy ban MTTQ xã thành lập Đoàn kiểm tra, giám sát để tiến"
        " hành kiểm tra, giám sát tại các thôn và các khu vực bỏ phiếu.",
        "- Thành phần đoàn: Trưởng đoàn là đại diện Lãnh đạo Ban Thường trực UBMTTQ xã; thành viên gồm đại diện các tổ"
        " chức thành viên (Đoàn Thanh niên, Hội Phụ nữ, Hội Nông dân...) và cán bộ am hiểu công tác bầu cử.",
    ]
    assert task_leads(team, MTTQ_XA) == [("3", "Ban Thường trực Ủy ban MTTQ xã")]


def test_a_run_on_subject_ended_by_a_frame_word_too_far_is_cut_at_the_name() -> None:
    """L KẾ HOẠCH KIỂM TRA, GIÁM SÁT (phường Bắc Cam Ranh) IV.1 "Giám sát trực tiếp": the frame word "trực tiếp" comes
    after the verb ("… phường giám sát trực tiếp thông qua:"), the name ends at "phường". Checked on this document
    (the rule was fitted on the Lương Minh guide). Fails on main."""
    lines = [
        "1. Giám sát trực tiếp",
        "Ban Thường trực Ủy ban MTTQ Việt Nam phường giám sát trực tiếp thông qua:",
        "- Việc tham gia các tổ chức phụ trách bầu cử các cấp.",
        "- Việc tổ chức các hội nghị cử tri nơi công tác, nơi cư trú của người ứng cử.",
    ]
    assert task_leads(lines, "Ủy ban MTTQ Việt Nam phường Bắc Cam Ranh") == [
        ("1", "Ban Thường trực Ủy ban MTTQ Việt Nam phường")
    ]


def test_the_cut_names_no_subject_outside_an_items_opening() -> None:
    """Guards (pass on main; a first version of the cut broke both): L NQ 99/2025/NQ-HĐND, the sentence before the
    articles ("Hội đồng nhân dân tỉnh ban hành Nghị quyết …") is the act of issuing, no task; T QĐ 98/2025 Nghệ An,
    Điều 10.2, whose copy breaks the line inside "Văn phòng / UBND tỉnh": "UBND tỉnh báo cáo UBND tỉnh" is no
    subject (the report is the Văn phòng's)."""
    issuing = [
        "Hội đồng nhân dân tỉnh ban hành Nghị quyết quy định nội dung, mức chi phục vụ cho công tác tổ chức bầu cử đại"
        " biểu Quốc hội khóa XVI và bầu cử đại biểu Hội đồng nhân dân các cấp tỉnh Quảng Ninh, nhiệm kỳ 2026 - 2031."
    ]
    assert task_leads(issuing, "HĐND tỉnh Quảng Ninh") == []
    broken = [
        "2. Định kỳ 06 (sáu) tháng hoặc đột xuất, Văn phòng",
        "UBND tỉnh báo cáo UBND tỉnh, Chủ tịch UBND tỉnh tình hình, kết quả giải quyết kiến nghị cử tri của các Sở,"
        " ban, ngành, địa phương để kịp thời có chỉ đạo, giải quyết khó khăn, vướng mắc (nếu có).",
    ]
    assert ("2", "UBND tỉnh") not in task_leads(broken, "UBND tỉnh Nghệ An")


def test_a_name_followed_by_a_description_or_a_power_does_not_act() -> None:
    """The cut reads a verb of work after the name, not a copula or a power: "Ủy ban nhân dân xã là …" and "Chủ tịch
    Ủy ban nhân dân Thành phố quyết định điều chuyển tài sản" (the grants of NQ 12/2025/NQ-HĐND Hà Nội, hoangmd2410/
    RAG_DEMO@3d88a8cd42db41cad681a8dbab1cba06cce534fa:data/, rd20b's open item) give no acting subject, while
    "… xã xây dựng kế hoạch" does. Fails on main (no ``acts`` there)."""
    context = Context(locality="xã Lương Minh", issuer=MTTQ_XA)
    acting = subject_of("Ban Thường trực Ủy ban MTTQ Việt Nam xã xây dựng kế hoạch giám sát.", context)
    assert acting is not None and acting.acts
    for text in (
        "Chủ tịch Ủy ban nhân dân Thành phố quyết định điều chuyển tài sản công giữa các cơ quan, đơn vị.",
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã được giao nhiệm vụ hiệp thương.",
    ):
        subject = subject_of(text, Context(locality="thành phố Hà Nội"))
        assert subject is None or not subject.acts


def test_a_request_to_direct_other_units_is_led_by_the_unit_asked() -> None:
    """Guard (passes on main and on the branch): the reading the proposed convention keeps (docs/realdocs-trial.md,
    rd21c). In "Đề nghị A chỉ đạo B …" the lead is A, the unit asked, whom the issuer can hold to it; B, the unit
    directed, is named in the content; the requester is never the lead. H NQ 95 Điều 2.3; T Bộ Y tế's letter."""
    hà_giang = Context(locality="tỉnh Hà Giang", issuer="HĐND tỉnh Hà Giang")
    chain = (
        "Đề nghị UBND tỉnh chỉ đạo Bộ Chỉ huy Quân sự tỉnh phối hợp với Sở Tài chính xây dựng phương án và hoàn tất các"
        " thủ tục để thanh toán kinh phí đền bù, bồi thường đối với dự án Thao trường huấn luyện chiến thuật tỉnh Hà"
        " Giang."
    )
    subject = subject_of(chain, hà_giang)
    assert subject is not None and subject.units.text == "UBND tỉnh" and subject.triggered
    letter = "Bộ Y tế đề nghị các cơ quan chỉ đạo các đơn vị trực thuộc thực hiện tốt các công việc sau:"
    asked = assigned_in(letter, Context(issuer="Bộ Y tế"))
    assert asked is not None and asked.text == "các cơ quan"
    lines = [
        "3. Về lĩnh vực Quốc phòng:",
        chain,
        "4. Về lĩnh vực Tư pháp: Đề nghị UBND tỉnh chỉ đạo Công an tỉnh:",
        "- Tăng cường kỷ luật, kỷ cương trong toàn ngành, nghiêm túc thực hiện chuẩn mực đạo đức nghề nghiệp của cán"
        " bộ, chiến sỹ công an.",
    ]
    assert task_leads(lines, "HĐND tỉnh Hà Giang") == [("3", "UBND tỉnh"), ("4", "UBND tỉnh")]


# R = hoangmd2410/RAG_DEMO@3d88a8cd42db41cad681a8dbab1cba06cce534fa:data/<file> (UBND and HĐND thành phố Hà Nội).
_QD70_OPENING = [
    "Chương I",
    "QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh",
    "Quy định việc tổ chức thực hiện các nhiệm vụ quản lý nhà nước về giá hàng hóa, dịch vụ trên địa bàn thành phố Hà"
    " Nội.",
    "Chương II",
    "MỘT SỐ QUY ĐỊNH CỤ THỂ",
]


def test_a_named_units_duty_in_a_regulations_topical_article_is_a_task() -> None:
    """R VanBanGoc_70.2024.pdf (QĐ 70/2024/QĐ-UBND, Quy định quản lý nhà nước về giá), Điều 7.3 and 8.1: the
    regulation's duties sit in topical articles, which rd19a's rule skipped (0 tasks; rd20b's open item). A clause
    opening with a named unit and "có trách nhiệm" is its duty; a class or role ("Sở quản lý ngành, lĩnh vực", "Cơ
    quan tiếp nhận kê khai giá") is the regulation's general rule and stays out. Fails on main."""
    lines = [
        *_QD70_OPENING,
        "Điều 7. Kê khai giá",
        "2. Cơ quan tiếp nhận và đối tượng thực hiện kê khai giá:",
        "c) Cơ quan tiếp nhận kê khai giá có trách nhiệm thông báo hình thức tiếp nhận kê khai giá cho các tổ chức cá"
        " nhân thực hiện kê khai.",
        "3. Ban hành danh sách tổ chức kinh doanh hàng hóa, dịch vụ thực hiện kê khai giá:",
        "a) Sở quản lý ngành, lĩnh vực có trách nhiệm thực hiện rà soát, tổng hợp danh sách tổ chức kinh doanh hàng"
        " hóa, dịch vụ thực hiện kê khai giá theo ngành, lĩnh vực quản lý, gửi Sở Tài chính trước ngày 25 tháng 01"
        " hàng năm hoặc theo yêu cầu của Ủy ban nhân dân Thành phố.",
        "b) Sở Tài chính có trách nhiệm tổng hợp, thông báo danh sách các tổ chức kinh doanh hàng hóa, dịch vụ thực"
        " hiện kê khai giá trên địa bàn Thành phố.",
        "Điều 8. Cơ sở dữ liệu về giá",
        "1. Quản lý, vận hành Cơ sở dữ liệu về giá của Thành phố:",
        "Sở Tài chính có trách nhiệm chủ trì, phối hợp với các Sở, ngành, Ủy ban nhân dân cấp huyện tổ chức việc quản"
        " trị, điều hành hệ thống cơ sở dữ liệu về giá của Thành phố.",
    ]
    assert task_leads(lines, "UBND thành phố Hà Nội") == [("3.b", "Sở Tài chính"), ("1", "Sở Tài chính")]


def test_a_procedure_step_in_a_topical_article_is_still_no_task() -> None:
    """Guard (passes on main and on the branch): R QĐ 70/2024 Điều 7.1, a step of the procedure ("… Sở quản lý ngành,
    lĩnh vực đánh giá sự cần thiết …, gửi Sở Tài chính tổng hợp …") gives no duty "có trách nhiệm"."""
    lines = [
        *_QD70_OPENING,
        "Điều 7. Kê khai giá",
        "1. Điều chỉnh Danh mục hàng hóa, dịch vụ thực hiện kê khai giá:",
        "Trường hợp cần thiết điều chỉnh danh mục hàng hóa, dịch vụ thực hiện kê khai giá theo quy định tại khoản 1"
        " Điều 14 Nghị định số 85/2024/NĐ-CP, Sở quản lý ngành, lĩnh vực đánh giá sự cần thiết của việc điều chỉnh"
        " Danh mục hàng hóa, dịch vụ thực hiện kê khai giá, gửi Sở Tài chính tổng hợp, trình Ủy ban nhân dân Thành phố"
        " báo cáo Bộ Tài chính.",
    ]
    assert task_leads(lines, "UBND thành phố Hà Nội") == []


def test_a_restated_article_granting_powers_assigns_nothing() -> None:
    """R VanBanGoc_NQ 12.2025.md (NQ 12/2025/NQ-HĐND, the Markdown copy of the scan): the amending clause restates NQ
    35/2024's "Điều 10. Thẩm quyền quyết định điều chuyển tài sản công" in quotes; its clauses say who may decide
    (powers), and main read them as tasks of the Chủ tịch UBND Thành phố and the Giám đốc Sở Tài chính (12 in the
    document, 0 now). Fails on main."""
    lines = [
        "Điều 1. Thay thế, sửa đổi, bổ sung, bãi bỏ một số điều, khoản, điểm, cụm từ của Nghị quyết số 35/2024/NQ-HĐND"
        " ngày 10 tháng 12 năm 2024 của Hội đồng nhân dân thành phố Hà Nội.",
        "4. Sửa đổi, bổ sung Điều 10 như sau:",
        '"Điều 10. Thẩm quyền quyết định điều chuyển tài sản công',
        "1. Chủ tịch Ủy ban nhân dân Thành phố quyết định điều chuyển tài sản là nhà, đất và các tài sản khác gắn liền"
        " với đất thuộc trụ sở làm việc, cơ sở hoạt động sự nghiệp giữa các cơ quan, tổ chức, đơn vị thuộc phạm vi"
        " quản lý của Thành phố, trừ tài sản quy định tại điểm a khoản 4 Điều này.",
        "2. Giám đốc Sở Tài chính quyết định điều chuyển đối với:",
        "a) Tài sản là xe ô tô giữa các cơ quan, tổ chức, đơn vị thuộc phạm vi quản lý của Thành phố.",
        "5. Sửa đổi Điều 11 như sau:",
        '"Điều 11. Thẩm quyền quyết định bán tài sản công',
        "1. Thẩm quyền quyết định bán tài sản công trong các trường hợp quy định tại các điểm a, b, c khoản 1 Điều 43"
        " Luật Quản lý, sử dụng tài sản công được quy định như sau:",
        "a) Chủ tịch Ủy ban nhân dân Thành phố quyết định bán tài sản là xe ô tô của các cơ quan, tổ chức, đơn vị thuộc"
        " phạm vi quản lý của Thành phố.",
    ]
    assert task_leads(lines, "HĐND thành phố Hà Nội") == []


def test_a_title_cut_inside_its_sentence_leads_by_the_name_only() -> None:
    """tnt305/tai_lieu_noi_bo@94c5034af72cc7e5020694d06eceb126a103d48b:src/etl/dataset/3928ef06a8929828.md (QĐ
    161/2025/QĐ-UBND Ninh Bình, its Quy chế), Điều 2: the Markdown copy breaks "2. Sở Khoa học và Công nghệ có / trách
    nhiệm thực hiện …"; main led by "Sở Khoa học và Công nghệ có", a fuzzy name holding the verb's first word (so did
    "Bộ Văn hóa, Thể thao và Du lịch phối" in NĐ 308/2025/NĐ-CP, 54c3026bc7bb5cb7.md). Fails on main."""
    lines = [
        "2. Sở Khoa học và Công nghệ có",
        "trách nhiệm thực hiện các biện pháp lưu trữ, dự phòng dữ liệu của hệ thống, sao lưu định kỳ (01 lần/ngày),"
        " đột xuất theo yêu cầu và phục hồi kịp thời nguyên trạng cơ sở dữ liệu văn bản điện tử trên Hệ thống QLVB&ĐH"
        " khi có sự cố kỹ thuật xảy ra.",
    ]
    assert task_leads(lines, "UBND tỉnh Ninh Bình") == [("2", "Sở Khoa học và Công nghệ")]
