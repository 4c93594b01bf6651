"""Session 20's trial, helper rd20b (docs/realdocs-trial.md, "Session 20 (rd20b)"): sections and tasks, prose and
labelled, on real snippets of documents nobody on the project had read.

Sources (not committed; full paths in the docs section):
- QĐ 02, 12, 16, 23/2025/QĐ-UBND Hà Nội (text PDFs): hoangmd2410/RAG_DEMO@3d88a8cd42db41cad681a8dbab1cba06cce534fa:
  data/VanBanGoc_QĐ 02.2025.pdf, …/VanBanGoc_QĐ 12.2025.pdf, …/VanBanGoc_QĐ 16.2025.pdf, …/VanBanGoc_QĐ 23.2025.pdf
- Báo cáo tình hình triển khai cụm công nghiệp, Sở Công Thương Lào Cai 2026 (a check document, read by rd19d):
  Trangsct/skill-sct@3821ed3bb6381b6340da81feaa135a329b025137:vbhc-vn/skills/vbhc-vn/examples/sct/
  bao-cao-tinh-hinh-trien-khai-ccn.docx
"""

from __future__ import annotations

from tests.prose_lines import task_leads

HA_NOI = "UBND thành phố Hà Nội"


# ---------------------------------------------------------------- 1. a decision on a body's functions and structure

# QĐ 12/2025/QĐ-UBND Hà Nội, "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Tư pháp" (Điều 1-4,
# shortened: Điều 2 has 35 clauses, Điều 3 two lists). On main: 29 tasks, the Sở's description ("Sở Tư pháp có tư
# cách pháp nhân …"), its powers with the body it proposes to as lead ("d) Đề nghị Ủy ban nhân dân Thành phố quyết
# định thu hồi …" → UBND Thành phố), each of its units ("a) Văn phòng;") and its director.
QD12_SO_TU_PHAP = [
    "Điều 1. Vị trí và chức năng",
    "1. Sở Tư pháp thành phố Hà Nội là cơ quan chuyên môn thuộc Ủy ban nhân dân Thành phố, có chức năng tham mưu Ủy "
    "ban nhân dân Thành phố quản lý nhà nước về: công tác xây dựng và thi hành pháp luật; theo dõi tình hình thi hành "
    "pháp luật; phổ biến, giáo dục pháp luật; hòa giải ở cơ sở; pháp chế; chứng thực; nuôi con nuôi; hộ tịch.",
    "2. Sở Tư pháp có tư cách pháp nhân, có con dấu và tài khoản riêng; chịu sự chỉ đạo, quản lý về tổ chức, biên chế "
    "của Ủy ban nhân dân Thành phố theo thẩm quyền và chịu sự chỉ đạo, hướng dẫn, kiểm tra, thanh tra về chuyên môn, "
    "nghiệp vụ của Bộ Tư pháp.",
    "Điều 2. Nhiệm vụ và quyền hạn",
    "10. Về hộ tịch, quốc tịch, chứng thực và nuôi con nuôi:",
    "a) Giúp Ủy ban nhân dân Thành phố chỉ đạo, hướng dẫn việc tổ chức thực hiện công tác đăng ký và quản lý hộ tịch, "
    "quốc tịch, chứng thực, nuôi con nuôi trên địa bàn Thành phố;",
    "d) Đề nghị Ủy ban nhân dân Thành phố quyết định thu hồi, hủy bỏ giấy tờ hộ tịch do Ủy ban nhân dân cấp huyện cấp "
    "trái với quy định pháp luật (trừ trường hợp kết hôn trái pháp luật);",
    "Điều 3. Cơ cấu tổ chức",
    "1. Các phòng và tương đương thuộc Sở",
    "a) Văn phòng;",
    "b) Thanh tra;",
    "c) Phòng Văn bản pháp quy;",
    "đ) Phòng Quản lý xử lý vi phạm hành chính và theo dõi thi hành pháp luật;",
    "2. Các đơn vị sự nghiệp công lập thuộc Sở",
    "a) Phòng Công chứng số 1;",
    "l) Trung tâm Trợ giúp pháp lý Nhà nước;",
    "m) Trung tâm Dịch vụ đấu giá tài sản.",
    "Điều 4. Giám đốc Sở, Phó Giám đốc Sở và số lượng cấp phó các tổ chức, đơn vị thuộc sở",
    "1. Giám đốc Sở, Phó Giám đốc Sở",
    "a) Sở Tư pháp thành phố Hà Nội có Giám đốc và các Phó Giám đốc;",
    "đ) Giám đốc Sở Tư pháp quyết định hoặc trình cơ quan có thẩm quyền quyết định bổ nhiệm, bổ nhiệm lại, miễn nhiệm "
    "người đứng đầu, cấp phó của người đứng đầu các tổ chức, cơ quan, đơn vị thuộc và trực thuộc Sở.",
]


def test_a_decision_on_a_bodys_functions_and_structure_assigns_nothing() -> None:
    assert task_leads(QD12_SO_TU_PHAP, HA_NOI) == []


# QĐ 16/2025/QĐ-UBND Hà Nội (Sở Nông nghiệp và Môi trường), Điều 6 "Điều khoản chuyển tiếp": the decision's own work,
# dated. A guard: the rule on descriptive articles leaves it alone (the same tasks on main).
QD16_CHUYEN_TIEP = [
    "Điều 6. Điều khoản chuyển tiếp",
    "Sở Nông nghiệp và Môi trường thành phố Hà Nội có trách nhiệm chủ trì, phối hợp với Sở Nội vụ và các cơ quan, "
    "đơn vị có liên quan thực hiện:",
    "1. Chuyển đổi cơ quan chủ quản đối với các đơn vị trực thuộc Sở.",
    "2. Xây dựng đề án, trình Ủy ban nhân dân Thành phố:",
    "a) Giải thể Chi cục Chất lượng, chế biến và phát triển thị trường Hà Nội để thành lập phòng Chất lượng và phát "
    "triển thị trường; Chi cục Phát triển nông thôn để thành lập phòng Phát triển nông thôn;",
    "b) Tổ chức lại các tổ chức bên trong thuộc các Chi cục Kiểm lâm Hà Nội, Chi cục Trồng trọt và Bảo vệ thực vật Hà "
    "Nội; Chi cục Thủy lợi và phòng, chống thiên tai Hà Nội; Chi cục Chăn nuôi, Thuỷ sản và Thú y Hà Nội;",
    "3. Thực hiện chuyển giao, tiếp nhận, sắp xếp, bố trí cán bộ, công chức, viên chức, người lao động, tài liệu, con "
    "dấu, trụ sở làm việc, tài chính, tài sản (nếu có) theo quy định, hoàn thành trước 31/3/2025.",
]


def test_a_decisions_transitional_duties_stay_tasks() -> None:
    lead = "Sở Nông nghiệp và Môi trường thành phố Hà Nội"
    assert task_leads(QD16_CHUYEN_TIEP, HA_NOI) == [("1", lead), ("2.a", lead), ("2.b", lead), ("3", lead)]


# ---------------------------------------------------------------- 2. a list of units is no list of duties

# QĐ 16/2025/QĐ-UBND Hà Nội, Điều 3, clause 2, without its article line: a numbered part listing units, as a plan's
# "Cơ cấu tổ chức" part does outside any article. On main: four tasks led by "Các chi cục thuộc Sở (04 Chi cục)" (or
# by the Chi cục's own name cut: "Chi cục Thủy lợi và").
QD16_CHI_CUC = [
    "2. Các chi cục thuộc Sở (04 Chi cục):",
    "a) Chi cục Chăn nuôi, Thủy sản và Thú y Hà Nội;",
    "b) Chi cục Trồng trọt và Bảo vệ thực vật Hà Nội;",
    "c) Chi cục Thủy lợi và phòng, chống thiên tai Hà Nội;",
    "d) Chi cục Kiểm lâm Hà Nội.",
]


def test_a_list_of_unit_names_hands_them_no_work() -> None:
    assert task_leads(QD16_CHI_CUC, HA_NOI) == []


# A guard (passes on main too): a unit's name among duties is no list of units (the rule wants two thirds of the
# siblings to be names). Lines of QĐ 16/2025/QĐ-UBND Hà Nội re-assembled: its Điều 6 items a) and đ) around a unit's
# name of its Điều 3.
def test_a_unit_led_duty_among_duties_stays_a_task() -> None:
    lines = [
        "2. Sở Nông nghiệp và Môi trường thành phố Hà Nội:",
        "a) Tổ chức lại Trung tâm Khuyến nông Hà Nội trên cơ sở sáp nhập Trung tâm Phát triển nông nghiệp Hà Nội vào "
        "Trung tâm Khuyến nông;",
        "b) Chi cục Kiểm lâm Hà Nội.",
        "c) Thành lập Trung tâm Kỹ thuật nông nghiệp và môi trường Hà Nội.",
    ]
    refs = [ref for ref, _ in task_leads(lines, HA_NOI)]
    assert "2.a" in refs and "2.c" in refs


# ---------------------------------------------------------------- 3. whom a regulation binds

# QĐ 02/2025/QĐ-UBND Hà Nội, Điều 2 "Đối tượng áp dụng". On main: two tasks led by the classes it names.
QD02_DOI_TUONG = [
    "Điều 2. Đối tượng áp dụng",
    "1. Đơn vị sự nghiệp công lập thuộc phạm vi quản lý của thành phố Hà Nội.",
    "2. Các cơ quan, đơn vị có liên quan đến việc sử dụng Quỹ phát triển sự nghiệp của đơn vị sự nghiệp công lập để "
    "mua sắm, sửa chữa nhằm duy trì hoạt động thường xuyên.",
]


def test_whom_a_regulation_applies_to_is_no_task() -> None:
    assert task_leads(QD02_DOI_TUONG, HA_NOI) == []


# ---------------------------------------------------------------- 4. a topic heading is no unit

# QĐ 23/2025/QĐ-UBND Hà Nội (Sở Khoa học và Công nghệ), Điều 2 clause 16, without its article line: "Về tiêu chuẩn,
# đo lường, chất lượng:" resolved to the Chi cục Tiêu chuẩn Đo lường Chất lượng, the lead of its 13 items on main.
QD23_TDC = [
    "16. Về tiêu chuẩn, đo lường, chất lượng:",
    "a) Tổ chức việc xây dựng và tham gia xây dựng quy chuẩn kỹ thuật địa phương;",
    "b) Tổ chức phổ biến áp dụng quy chuẩn kỹ thuật quốc gia, quy chuẩn kỹ thuật địa phương, tiêu chuẩn quốc gia, "
    "tiêu chuẩn quốc tế, tiêu chuẩn khu vực, tiêu chuẩn nước ngoài;",
]


def test_a_topic_heading_leads_no_task() -> None:
    assert all(not lead.startswith("Về ") for _, lead in task_leads(QD23_TDC, HA_NOI))


# Báo cáo tình hình triển khai CCN (Sở Công Thương Lào Cai 2026), its proposals, items 1-3 (a check document: the
# rule above was written from QĐ 23; here the topic came by the unit-label fallback among unit-labelled items).
BC_CCN_DE_XUAT = [
    "1. Về bố trí ngân sách: Ưu tiên bố trí hằng năm cho các xã, phường đầu tư hoàn thiện hạ tầng kỹ thuật các cụm "
    "công nghiệp đã đi vào hoạt động, hoàn thành trước ngày 31/12/2026.",
    "2. Ban Quản lý dự án đầu tư xây dựng số 1: đẩy nhanh tiến độ Dự án đường trục chính cụm công nghiệp.",
    "3. Sở Nông nghiệp và Môi trường: khẩn trương chủ trì, phối hợp với UBND phường Văn Phú, UBND xã Yên Bình hoàn "
    "thiện hồ sơ đất đai.",
]


def test_a_topic_label_among_unit_labels_is_no_lead() -> None:
    assert task_leads(BC_CCN_DE_XUAT, "Sở Công thương tỉnh Lào Cai") == [
        ("2", "Ban Quản lý dự án đầu tư xây dựng số 1"),
        ("3", "Sở Nông nghiệp và Môi trường"),
    ]


# ---------------------------------------------------------------- 5. a report tells what was done

LAO_CAI = "UBND tỉnh Lào Cai"

# Báo cáo công tác quản lý nhà nước về khoáng sản năm 2025, UBND tỉnh Lào Cai (Trangsct/skill-sct@3821ed3…:
# qlks-sct-vn/skills/qlks-sct-vn/van-ban-goc/BC-UBND-QLNN-khoang-san-nam-2025.docx), item 8.1, shortened. On main: a
# task led by "Ủy ban nhân dân tỉnh", whose sentence tells what the committee did.
BC_KHOANG_SAN_81 = [
    "8. Tình hình thực hiện công tác quản lý cát, sỏi lòng sông",
    "8.1. Về công tác quản lý nhà nước",
    "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành, triển khai Luật Địa chất và khoáng sản, các "
    "Nghị định, Thông tư trong công tác quản lý khoáng sản nói chung và công tác quản lý cát, sỏi nói riêng.",
]


def test_a_reports_account_of_what_a_unit_did_is_no_task() -> None:
    assert task_leads(BC_KHOANG_SAN_81, LAO_CAI) == []


# The same report, item 6: the account, then what the committee asks of the units "in the time ahead". On main the
# task was led by "Ủy ban nhân dân tỉnh" (the account's subject); the request's units lead it.
BC_KHOANG_SAN_6 = [
    "6. Công tác bảo vệ khoáng sản chưa khai thác",
    "Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản chỉ đạo điều hành trong công tác quản lý khoáng sản, trong đó đã "
    "triển khai và ký các Quy chế phối hợp trong công tác quản lý khoáng sản tại khu vực giáp ranh với các tỉnh.",
    "Để tiếp tục nâng cao công tác bảo vệ khoáng sản trên địa bàn tỉnh trong thời gian tới, tiếp tục yêu cầu các Sở, "
    "ban, ngành và địa phương:",
    "- Tăng cường chỉ đạo, thực hiện các biện pháp bảo vệ khoáng sản chưa khai thác; kiểm tra, kiểm soát, kịp thời "
    "phát hiện và ngăn chặn, xử lý nghiêm hoạt động khoáng sản trái phép.",
]


def test_a_request_after_an_account_leads_the_item() -> None:
    assert task_leads(BC_KHOANG_SAN_6, LAO_CAI) == [("6", "các Sở, ban, ngành và địa phương")]


# Báo cáo kết quả thực hiện Chỉ thị 38/CT-TTg, UBND tỉnh Lào Cai 2026 (a check document: Trangsct/skill-sct@3821ed3…:
# qlks-sct-vn/skills/qlks-sct-vn/van-ban-goc/BC-tinh-ket-qua-Chi-thi-38-TTg.docx), item 2.2, shortened: a hand-over
# told as done ("đã giao Sở Tài chính chủ trì") gave Sở Tài chính a task on main.
BC_CT38_22 = [
    "2.2. Về quy hoạch khoáng sản",
    "- Đối với Quy hoạch tỉnh Lào Cai: Thực hiện Nghị Quyết số 05/NQ-HĐND ngày 09/02/2026 của Hội đồng nhân dân tỉnh "
    "Lào Cai về việc thông qua điều chỉnh Quy hoạch tỉnh Lào Cai thời kỳ 2021-2030, tầm nhìn đến năm 2050, Ủy ban nhân "
    "dân tỉnh đã giao Sở Tài chính chủ trì, phối hợp với các Sở, ban, ngành và địa phương thực hiện rà soát, tham mưu "
    "điều chỉnh Quy hoạch tỉnh cho phù hợp.",
]


def test_a_hand_over_told_as_done_assigns_nothing_now() -> None:
    assert task_leads(BC_CT38_22, LAO_CAI) == []


# A guard (passes on main too): a labelled item keeps the unit whose remedy it reports as its lead, as the real set's
# gold does (KH 3070/KH-UBND Bỉm Sơn, ../shared/realdocs, item 2.3 with its paragraphs joined as the reader joins
# them): only prose assignments skip accounts.
KH3070_23 = [
    "2. Các tồn tại, hạn chế và giải pháp khắc phục",
    "2.3. Việc sao, chụp tài liệu mật và quản lý bản sao bí mật Nhà nước còn 03 bản sao đen, chưa có xác nhận của "
    "lãnh đạo có thẩm quyền.",
    "- Nguyên nhân: Do công chức thực hiện công tác văn thư lưu chưa nắm rõ về công tác BMNN nên việc lưu, sao chụp "
    "tài liệu mật chưa đảm bảo quy trình theo quy định.",
    "- Giải pháp thực hiện:",
    "+ Văn phòng HĐND&UBND thị xã đã tham mưu khắc phục tồn tại 03 văn bản Đoàn Kiểm tra đã chỉ ra thực hiện theo đúng "
    "quy định tại Điều 3, Nghị định số 26/2020/NĐ-CP ngày 28/02/2020 của Chính phủ.",
    "- Thời gian thực hiện: Đã khắc phục xong từ tháng 6/2024.",
]


def test_a_labelled_remedy_keeps_the_unit_that_did_it() -> None:
    assert task_leads(KH3070_23, "UBND thị xã Bỉm Sơn") == [("2.3", "Văn phòng HĐND&UBND thị xã")]


# ---------------------------------------------------------------- 6. time forms without a period


def test_half_yearly_and_open_ended_times_read_honestly() -> None:
    from nlp.periods import parse_period

    # "Định kỳ 6 tháng" (the brief's open item; the catalog's "6 tháng/lần"): recurring, no quarters.
    for raw in ("Định kỳ 6 tháng", "6 tháng/lần", "06 tháng một lần", "2 lần/năm"):
        period = parse_period(raw)
        assert (period.recurring, period.quarters) == ("semiannual", []), raw
    # NQ 03/2025/NQ-CP's annex (realdocs gold: three tasks "2025 và những năm tiếp theo" → no quarters).
    period = parse_period("2025 và những năm tiếp theo")
    assert (period.quarters, period.start, period.end) == ([], "2025-01-01", "")
    # What must stay right.
    assert parse_period("Quý III, IV/2026").quarters == ["2026-Q3", "2026-Q4"]
    assert parse_period("6 tháng đầu năm 2026").quarters == ["2026-Q1", "2026-Q2"]
    assert parse_period("trước 30/6/2026").end == "2026-06-30"
    assert parse_period("trước ngày 15 hằng tháng").recurring == "monthly:15"
    assert parse_period("Hằng năm").recurring == "annual"


# ---------------------------------------------------------------- 7. the execution clause in other words

# QĐ 36/2025/QĐ-UBND Hà Nội, Điều 2-3: "… có trách nhiệm triển khai thực hiện các quy định tại Điều 1 …" is the
# decision's execution clause (not a task, docs/gold-conventions.md), which main read as a task of every class named.
QD36_DIEU_2 = [
    "Điều 2. Các Sở, ban, ngành, Ủy ban nhân dân cấp xã và các tổ chức, cá nhân liên quan có trách nhiệm triển khai "
    "thực hiện các quy định tại Điều 1 và các quy định hiện hành của Nhà nước.",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày 26 tháng 6 năm 2025.",
]


def test_carrying_out_the_decisions_own_article_is_its_execution_clause() -> None:
    assert task_leads(QD36_DIEU_2, HA_NOI) == []
