"""Session 19's trial, helper rd19a (docs/realdocs-trial.md, "Session 19, helper rd19a"): tasks in prose, on real
snippets of documents nobody on the project had read.

Sources (not committed; full paths and commits in the docs section):
- Sở Công Thương and UBND tỉnh Lào Cai, 2025-2026: QĐ 16/2026/QĐ-UBND and its Quy chế quản lý cụm công nghiệp (an
  OCR text), CV 5973/UBND-KT, CV 3686/UBND-XD, KH 2242 and KH 3898 of Sở Công Thương: Trangsct/skill-sct@…:
  kccn-sct-vn/…/van-ban-goc/QD-16-2026-Quy-che-CCN-Lao-Cai-OCR.txt, qlks-sct-vn/…/CV-5973-UBND-KT-…txt,
  hnh-sct-vn/…/CV-3686-UBND-XD-…pdf, hl-vlncn-sct-vn/…/vi-du-thuc-te/KH-2242_…docx, …/KH-3898_…docx
- QĐ 93/2007/QĐ-TTg (Quy chế một cửa), CT 09/2009/CT-UBND Bình Dương, the Quy định of QĐ 09/2010/QĐ-UBND Cần Thơ:
  hpbaotho/04-quanly-vanban-quanhuyen@50021bc…:Ma nguon/Code/qlvb_v1/public/attach-file/…
"""

from __future__ import annotations

from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.sections import build_sections
from extract.structure.tasks import extract_tasks


def _paragraphs(lines: list[str], page: int | None) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1, page=page) for index, text in enumerate(lines)]


def _prose_tasks(lines: list[str], issuer: str, *, page: int | None = None) -> list[tuple[str, str]]:
    items = _paragraphs(lines, page)
    sections = build_sections(items, source="x.doc")
    return [(task.ref, task.lead_raw) for task in extract_tasks(items, sections, source="x.doc", issuer=issuer)]


# ---------------------------------------------------------------- 1. a regulation: only its duties assign


QD16_QUY_CHE = [
    "Chương I",
    "QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng",
    "Quy chế này quy định về quản lý, phát triển cụm công nghiệp trên địa bàn tỉnh Lào Cai.",
    "Chương II",
    "NỘI DUNG QUẢN LÝ CỤM CÔNG NGHIỆP",
    "Điều 4. Xây dựng phương án phát triển cụm công nghiệp",
    "1. Phương án phát triển cụm công nghiệp được xây dựng theo quy định tại Điều 6, Điều 7 Nghị định số "
    "32/2024/NĐ-CP.",
    "2. Trách nhiệm của các cơ quan, đơn vị:",
    "a) Sở Công Thương chủ trì, phối hợp với các sở, ngành, Ủy ban nhân dân cấp xã, đơn vị liên quan xây dựng, hoàn "
    "thành phương án phát triển cụm công nghiệp trên địa bàn theo quy định tại khoản 1 Điều này;",
    "b) Sở Tài chính chủ trì, phối hợp với các sở, ngành, Ủy ban nhân dân cấp xã, đơn vị liên quan lập quy hoạch tỉnh, "
    "xử lý, tích hợp phương án phát triển cụm công nghiệp vào quy hoạch tỉnh.",
    "Chương III",
    "TỔ CHỨC THỰC HIỆN",
    "Điều 16. Trách nhiệm Sở Công Thương",
    "1. Chủ trì giúp Ủy ban nhân dân tỉnh quản lý nhà nước về cụm công nghiệp trên địa bàn theo quy định tại Điều 32 "
    "Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ.",
    "2. Xây dựng, trình và tổ chức thực hiện phương án phát triển cụm công nghiệp, Quy chế quản lý cụm công nghiệp, "
    "chính sách hỗ trợ đầu tư, phát triển cụm công nghiệp trên địa bàn.",
    "Điều 17. Trách nhiệm Sở Tài chính",
    "1. Tổng hợp phương án ngân sách địa phương hỗ trợ đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp 05 năm và "
    "hàng năm trên cơ sở đề nghị của Sở Công Thương.",
    "Điều 25. Trách nhiệm Thanh tra tỉnh",
    "Rà soát xây dựng Kế hoạch thanh tra hằng năm về các lĩnh vực liên quan đến cụm công nghiệp.",
]


def test_a_regulation_assigns_in_its_duties_not_in_its_procedures() -> None:
    # QĐ 16/2026/QĐ-UBND Lào Cai: the procedure steps of Điều 4 were tasks (and 55 more of Chương II), while the duties
    # of Chương III "Tổ chức thực hiện" (Điều 16-29, "Trách nhiệm Sở …") gave none: their clauses name no unit.
    assert _prose_tasks(QD16_QUY_CHE, "UBND tỉnh Lào Cai") == [
        ("1", "Sở Công Thương"),
        ("2", "Sở Công Thương"),
        ("1", "Sở Tài chính"),
        ("p1.1", "Thanh tra tỉnh"),
    ]


QD93_QUY_CHE = [
    "Chương I",
    "NHỮNG QUY ĐỊNH CHUNG",
    "Điều 3. Cơ quan áp dụng cơ chế một cửa, cơ chế một cửa liên thông",
    "1. Cơ chế một cửa được áp dụng đối với các cơ quan sau:",
    "d) Các cơ quan được tổ chức và quản lý theo hệ thống dọc đặt tại địa phương của các Bộ, cơ quan ngang Bộ, cơ "
    "quan thuộc Chính phủ.",
    "Chương II",
    "TRÁCH NHIỆM TRIỂN KHAI CƠ CHẾ MỘT CỬA, CƠ CHẾ MỘT CỬA LIÊN THÔNG",
    "Điều 7. Trách nhiệm của các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
    "1. Ban hành các quy định phân cấp thẩm quyền, trách nhiệm cho Ủy ban nhân dân các cấp giải quyết các công việc "
    "liên quan trực tiếp tới tổ chức, cá nhân.",
    "Chương III",
    "VỊ TRÍ, CÁN BỘ, CÔNG CHỨC VÀ HOẠT ĐỘNG CỦA BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "Điều 8. Vị trí của bộ phận tiếp nhận và trả kết quả",
    "1. Đối với cơ chế một cửa:",
    "c) Bộ phận tiếp nhận và trả kết quả ở Ủy ban nhân dân cấp xã đặt tại trụ sở Ủy ban nhân dân, do Chủ tịch Ủy ban "
    "nhân dân cấp xã phụ trách.",
]


def test_a_regulations_descriptions_assign_nothing() -> None:
    # QĐ 93/2007/QĐ-TTg's Quy chế (checked on, not fitted on): "Các cơ quan được tổ chức … theo hệ thống dọc" (where it
    # applies) and "Bộ phận tiếp nhận … đặt tại …" (where the office sits) were tasks; Điều 5-7's duties were not.
    assert _prose_tasks(QD93_QUY_CHE, "Thủ tướng Chính phủ") == [
        ("1", "các Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ")
    ]


def test_a_plans_parts_are_read_as_before() -> None:
    # guard: without "Chương I. QUY ĐỊNH CHUNG" nothing is a regulation; a plan's item is its task as before
    lines = [
        "Chương I",
        "MỤC ĐÍCH, YÊU CẦU",
        "1. Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan tham mưu bố trí kinh phí thực hiện.",
    ]
    assert _prose_tasks(lines, "UBND tỉnh Lào Cai") == [("1", "Sở Tài chính")]


# ---------------------------------------------------------------- 2. a verb after a division named by its shape


def test_a_verb_ends_a_division_named_by_its_shape() -> None:
    # KH 2242 (and KH 3957, same form) of Sở Công Thương Lào Cai 2026: "phòng Quản lý Công nghiệp triển khai" was a unit
    # of the pattern registry ("so_congthuong.phong:quan_ly_cong_nghiep_trien_khai"); KH 3898 (checked on): "phòng Quản
    # lý công nghiệp tổ chức huấn luyện, kiểm tra kỹ thuật an toàn cho các đối tượng liên quan".
    kh2242 = [
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Giao phòng Quản lý Công nghiệp triển khai, thực hiện các công việc liên quan:",
    ]
    kh3898 = [
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Giao phòng Quản lý công nghiệp tổ chức huấn luyện, kiểm tra kỹ thuật an toàn cho các đối tượng liên quan "
        "đến hoạt động VLNCN.",
    ]
    assert _prose_tasks(kh2242, "Sở Công thương tỉnh Lào Cai") == [("1", "phòng Quản lý Công nghiệp")]
    assert _prose_tasks(kh3898, "Sở Công thương tỉnh Lào Cai") == [("1", "phòng Quản lý công nghiệp")]


def test_trinh_submits_but_closes_nouns() -> None:
    # the Quy định of QĐ 09/2010/QĐ-UBND Cần Thơ: "Ban Chủ nhiệm trình bài thuyết minh …" invented a unit
    # "ban:chu_nhiem_trinh_bai_thuyet_minh_de_tai"; "chương trình", "công trình", "quy trình" keep their "trình".
    from nlp.frames import Context, subject_of

    context = Context(locality="thành phố Cần Thơ", issuer="UBND thành phố Cần Thơ")
    presents = subject_of("Ban Chủ nhiệm trình bài thuyết minh đề tài/dự án (nếu cần).", context)
    assert presents is not None and presents.units.text == "Ban Chủ nhiệm"
    programme = subject_of("Ban Chủ nhiệm Chương trình (nếu có) kiểm tra thực tế cơ sở vật chất.", context)
    assert programme is not None and programme.units.text.startswith("Ban Chủ nhiệm Chương trình")


def test_a_name_holding_a_noun_verb_is_kept() -> None:
    # guard: "xây dựng" and "quản lý" are held in lower case by names of this shape; they do not end them
    from nlp.frames import Context, assigned_in

    span = assigned_in("Giao Trung tâm Giám định chất lượng xây dựng thực hiện kiểm định.", Context("tỉnh Lào Cai"))
    assert span is not None and span.text == "Trung tâm Giám định chất lượng xây dựng"


# ---------------------------------------------------------------- 3. the head of the item's own units


def test_the_head_of_the_items_units_is_no_task_of_its_own() -> None:
    # CV 5973/UBND-KT Lào Cai 2026, item 9: the bullet "- Chủ tịch UBND các xã, phường chịu trách nhiệm …" was split off
    # as a second task, the item's own duty again.
    lines = [
        "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
        "9. Ủy ban nhân dân các xã, phường",
        "- Chủ tịch UBND các xã, phường chịu trách nhiệm toàn diện trước pháp luật và trước Chủ tịch UBND tỉnh về công "
        "tác quản lý nhà nước đối với tài nguyên khoáng sản trên địa bàn.",
        "- Chủ động rà soát, kiểm tra các khu vực có khoáng sản chưa khai thác.",
    ]
    assert _prose_tasks(lines, "UBND tỉnh Lào Cai") == [("9", "Ủy ban nhân dân các xã, phường")]


def test_another_units_bullet_is_still_its_own_task() -> None:
    # guard (session 16's rule): a bullet naming another unit is a task of its own
    lines = [
        "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
        "9. Ủy ban nhân dân các xã, phường",
        "- Chủ động rà soát, kiểm tra các khu vực có khoáng sản chưa khai thác.",
        "- Sở Nông nghiệp và Môi trường có trách nhiệm hướng dẫn Ủy ban nhân dân các xã, phường.",
    ]
    assert _prose_tasks(lines, "UBND tỉnh Lào Cai") == [
        ("9", "Ủy ban nhân dân các xã, phường"),
        ("p1.1", "Sở Nông nghiệp và Môi trường"),
    ]


# ---------------------------------------------------------------- 4. the situation, before the directive


CT09_OPENING = [
    "Trong thời gian qua, hoạt động khoa học và công nghệ cấp sở, ban, ngành, huyện, thị xã được tỉnh quan tâm, chỉ "
    "đạo.",
    "Các sở, ban, ngành, huyện, thị xã có sự phối kết hợp với Sở Khoa học và Công nghệ trong công tác quản lý, kiểm "
    "tra, giám sát thực hiện các quy định về đo lường - chất lượng.",
    "Tuy nhiên, hoạt động khoa học và công nghệ tại một số sở, ban, ngành, huyện, thị xã chưa được quan tâm đúng mức.",
    "Để đẩy mạnh hoạt động khoa học và công nghệ cấp cơ sở, Chủ tịch Ủy ban nhân dân tỉnh chỉ thị:",
    "1. Các sở, ban, ngành, huyện, thị xã xây dựng kế hoạch hoạt động khoa học và công nghệ hàng năm.",
]


def test_the_situation_before_the_directive_assigns_nothing() -> None:
    # CT 09/2009/CT-UBND Bình Dương: the opening's account of how the units have worked was task p1.1
    assert _prose_tasks(CT09_OPENING, "UBND tỉnh Bình Dương") == [("1", "Các sở, ban, ngành, huyện, thị xã")]


def test_a_hand_over_in_the_opening_still_assigns() -> None:
    # guard: "giao X" before the formula is a hand-over, wherever it is printed
    lines = [
        "Ủy ban nhân dân tỉnh giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp tham mưu trước ngày 15/9/2025.",
        "Đồng thời, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
        "1. Sở Tư pháp thẩm định dự thảo Quyết định.",
    ]
    assert _prose_tasks(lines, "UBND tỉnh Lào Cai") == [("p1.1", "Sở Công Thương"), ("1", "Sở Tư pháp")]


CV3686 = [
    "1. Khó khăn, vướng mắc",
    "Thứ hai, Cục Cảnh sát Quản lý hành chính về trật tự xã hội - Bộ Công an đã có Văn bản số 787/C06-P3 ngày "
    "29/01/2026 đề nghị Cục Đăng kiểm Việt Nam ban hành văn bản hướng dẫn trước ngày 05/02/2026.",
    "2. Kiến nghị",
    "Ủy ban nhân dân tỉnh Lào Cai kính đề nghị Bộ Xây dựng chỉ đạo Cục Đăng kiểm Việt Nam sớm ban hành văn bản "
    "hướng dẫn.",
]


def test_a_part_reporting_difficulties_assigns_nothing() -> None:
    # CV 3686/UBND-XD Lào Cai 2026: "Thứ hai, Cục Cảnh sát …" led a task (with the other body's deadline) in the part
    # that reports what went wrong
    assert _prose_tasks(CV3686, "UBND tỉnh Lào Cai") == [("2", "Bộ Xây dựng")]


ND32_DUTIES = [
    "Chương I",
    "QUY ĐỊNH CHUNG",
    "Điều 3. Ngành, nghề, cơ sở sản xuất kinh doanh được khuyến khích đầu tư, di dời vào cụm công nghiệp",
    "1. Ngành, nghề, cơ sở sản xuất kinh doanh được khuyến khích đầu tư, di dời vào cụm công nghiệp gồm:",
    "c) Các ngành, nghề công nghiệp, tiểu thủ công nghiệp tại địa phương sử dụng nhiều lao động.",
    "Chương VI",
    "QUẢN LÝ NHÀ NƯỚC ĐỐI VỚI CỤM CÔNG NGHIỆP",
    "Điều 30. Quyền hạn, trách nhiệm của Bộ Công Thương",
    "1. Xây dựng, trình cơ quan có thẩm quyền ban hành hoặc ban hành theo thẩm quyền văn bản quy phạm pháp luật, cơ "
    "chế, chính sách về cụm công nghiệp.",
]


def test_powers_and_duties_of_a_ministry_are_its_duties() -> None:
    # Nghị định 32/2024/NĐ-CP (the first version of this rule read only "Trách nhiệm …"/"Nhiệm vụ …" titles and dropped
    # Điều 30-34, found on this decree; fitted on it): "Quyền hạn, trách nhiệm của Bộ Công Thương" names the lead.
    assert _prose_tasks(ND32_DUTIES, "Chính phủ") == [("1", "Bộ Công Thương")]


# ---------------------------------------------------------------- 5. a letter's date, after its hand-over


CV4532_BODY = [
    "Kính gửi:",
    "- Các sở, ban, ngành;",
    "- UBND các huyện, thành, thị.",
    "Giao các sở, ban, ngành, UBND các huyện, thành, thị xây dựng Kế hoạch rà soát quy định, thủ tục hành chính thuộc "
    "ngành, lĩnh vực và địa phương quản lý.",
    "Kế hoạch rà soát quy định, thủ tục hành chính của các cơ quan, đơn vị gửi về UBND tỉnh (qua Văn phòng UBND tỉnh) "
    "trước ngày 05/01/2012 để tổng hợp, báo cáo Văn phòng Chính phủ theo quy định.",
    "Vậy, thông báo để các sở, ban, ngành, UBND các huyện, thành, thị biết và thực hiện./.",
]


def _times(lines: list[str], issuer: str) -> list[tuple[str, str]]:
    items = _paragraphs(lines, 1)
    sections = build_sections(items, source="x.pdf")
    return [(task.ref, task.time_raw) for task in extract_tasks(items, sections, source="x.pdf", issuer=issuer)]


def test_a_hand_over_takes_the_date_of_the_paragraph_after_it() -> None:
    # CV 4532/UBND-KSTTHC Phú Thọ 2011 (a scan): the deadline of the one assignment is printed in the next paragraph
    assert _times(CV4532_BODY, "UBND tỉnh Phú Thọ") == [("p1.1", "trước ngày 05/01/2012")]


def test_a_paragraph_with_its_own_subject_keeps_its_date() -> None:
    # guard: the next paragraph assigns to another unit: its date is its own task's
    lines = [
        "Giao Sở Tư pháp rà soát quy định, thủ tục hành chính thuộc lĩnh vực quản lý.",
        "Sở Nội vụ có trách nhiệm tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 05/01/2012.",
    ]
    assert _times(lines, "UBND tỉnh Phú Thọ") == [("p1.1", ""), ("p1.2", "trước ngày 05/01/2012")]


# ---------------------------------------------------------------- 6. a procedure's steps are not tasks


def _table_tasks_of(header: list[str], rows: list[list[str]]) -> list[tuple[str, str]]:
    from extract.blocks import RawCell, RawTable
    from extract.structure.tables import stitch_tables

    raw = RawTable(rows=[[RawCell(text, page=None) for text in row] for row in [header, *rows]], page=None, pages=[])
    items, _ = stitch_tables([Paragraph(text="QUY TRÌNH NỘI BỘ", page=None), raw], source="qt.docx")
    return [(task.content, task.time_raw) for task in extract_tasks(items, [], source="qt.docx")]


QT_HEADER = ["Thứ tự các bước", "Nội dung công việc", "Đơn vị/cá nhân thực hiện", "Thời gian thực hiện"]


def test_the_steps_of_a_procedure_are_not_tasks() -> None:
    # the internal procedure of a formality (Quy trình nội bộ TTHC hóa chất, Lào Cai 2026, checked after the trial's
    # first fixes): 24 lead-less "tasks" with "0,5 giờ", "01 ngày" as deadlines (its first table escaped only because
    # "1 giờ" reads as a clock time, the rule for a day's programme)
    rows = [
        [
            "Bước 1",
            "Tiếp nhận hồ sơ của cá nhân, tổ chức tại Trung tâm Phục vụ Hành chính công tỉnh",
            "Công chức Sở",
            "0,5 giờ",
        ],
        ["Bước 2", "Phân công, chuyển hồ sơ TTHC cho công chức phòng xử lý", "Lãnh đạo phòng chuyên môn", "01 giờ"],
        ["Bước 3", "Thụ lý và soát xét hồ sơ", "Công chức phòng chuyên môn", "8 giờ"],
        ["Bước 4", "Xem xét, trình ký kết quả giải quyết", "Lãnh đạo phòng chuyên môn", "1,5 giờ"],
        ["Bước 5", "Thẩm định, trình Ủy ban nhân dân tỉnh", "Lãnh đạo Sở", "01 ngày"],
    ]
    assert _table_tasks_of(QT_HEADER, rows) == []


def test_numbered_rows_of_work_are_still_tasks() -> None:
    # guard: rows numbered 1, 2 with deadlines stay tasks
    rows = [
        ["1", "Rà soát quy trình nội bộ giải quyết thủ tục hành chính", "Sở Công Thương", "Quý II/2026"],
        ["2", "Công bố quy trình nội bộ đã được sửa đổi", "Sở Công Thương", "Quý III/2026"],
    ]
    header = ["TT", "Nội dung công việc", "Đơn vị thực hiện", "Thời gian thực hiện"]
    assert [time for _, time in _table_tasks_of(header, rows)] == ["Quý II/2026", "Quý III/2026"]


# ---------------------------------------------------------------- 7. overseeing others' implementation is a duty


def test_overseeing_others_is_no_closing_request() -> None:
    # CV 5141/SNNMT-KS Lào Cai 2025, item 3: "… đôn đốc các doanh nghiệp thực hiện nghiêm các nội dung trên" made the
    # whole item a closing formula; its lead became the class of the letter's last request
    lines = [
        "Sở Nông nghiệp và Môi trường đề nghị:",
        "3. Giao Phòng Khoáng sản thuộc Sở chịu trách nhiệm tham mưu, đề xuất giúp Sở Nông nghiệp và Môi trường trong "
        "công tác quản lý nhà nước về khoáng sản trên địa bàn tỉnh; đôn đốc các doanh nghiệp thực hiện nghiêm các nội "
        "dung trên.",
        "Sở Nông nghiệp và Môi trường yêu cầu các đơn vị khai thác khoáng sản nghiêm túc thực hiện./.",
    ]
    assert _prose_tasks(lines, "Sở Nông nghiệp và Môi trường tỉnh Lào Cai") == [("3", "Phòng Khoáng sản")]


def test_a_closing_request_still_closes() -> None:
    # guard: the letter's own closing request, even with "kiểm tra" in it, assigns nothing
    lines = [
        "Sở Công Thương đề nghị:",
        "1. Sở Tài chính chủ trì, phối hợp với các đơn vị liên quan bố trí kinh phí thực hiện.",
        "Đề nghị các đơn vị kiểm tra, thực hiện nghiêm các nội dung trên./.",
    ]
    assert _prose_tasks(lines, "Sở Công thương tỉnh Lào Cai") == [("1", "Sở Tài chính")]
