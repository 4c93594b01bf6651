"""Session 17's trial (docs/realdocs-trial.md, "Session 17"): real snippets of documents nobody had seen.

Sources (not committed; full paths in the docs section):
- CT 07/CT-TTg 2012 in Word: Trangsct/skill-sct@d8cf433…:kccn-sct-vn/…/CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN.docx
- CV 7432/UBND-XD Lào Cai 2026: Trangsct/skill-sct@7528699…:pccc-sct-vn/van-ban-goc/CV-7432-UBND-XD-21-7-2026-….pdf
- Quảng Ngãi's e-signed PDFs and scans (TB 11, CT 08/2018, TB 46): QuangDuyxyz/OCR_LOCAL_VBHC@401685e…:backup/…
- KH 58/KH-THPTCL2, KH 362/KH-SGDĐT (Đồng Tháp 2026): nmtric3docbinhkieu/windsurf-vanban-bot@a392f54…:van-ban-den/…
- a school's civic-week plan 2026: the same repository @b4fa20f…:van-ban-di/KH_TUAN_LE_HOC_TAP_CONG_DAN_….docx
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extract.api import extract_bytes
from extract.blocks import Paragraph, RawCell, RawTable
from extract.model import Table, Task
from extract.structure.metadata import extract_metadata
from extract.structure.tables import stitch_tables
from extract.structure.tasks import extract_tasks
from nlp.units import resolve_units
from tests.prose_lines import task_leads


def _metadata(*lines: str) -> tuple[str, str, str, str]:
    items: list[Paragraph | Table] = [Paragraph(text=text, line=index + 1, page=1) for index, text in enumerate(lines)]
    found = extract_metadata(items, source="x.pdf")
    return found.kind, found.title, found.issuer, found.number


# ---------------------------------------------------------------- 1. the rule under the body's name, on its line


def _header_docx(left: list[str], right: list[str], body: list[str]) -> bytes:
    """A Word header table whose cells break their lines inside one paragraph (w:br), as CT 07/CT-TTg's does."""
    document = new_docx()
    grid = document.add_table(rows=1, cols=2)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    grid._tbl.tblPr.append(borders)
    for cell, lines in zip(grid.rows[0].cells, (left, right), strict=True):
        run = cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
    for text in body:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CT07_BODY = [
    "CHỈ THỊ",
    "VỀ VIỆC CHẤN CHỈNH CÔNG TÁC QUẢN LÝ VÀ NÂNG CAO HIỆU QUẢ HOẠT ĐỘNG CỦA CÁC KHU KINH TẾ, KHU CÔNG NGHIỆP, "
    "CỤM CÔNG NGHIỆP",
    "Để khắc phục những hạn chế nêu trên, Thủ tướng Chính phủ chỉ thị:",
    "1. Bộ Kế hoạch và Đầu tư:",
    "a) Chủ trì, phối hợp với Bộ, ngành liên quan rà soát, đánh giá tình hình thực hiện cơ chế, chính sách phát "
    "triển KCN, KCX, KKT, trình Chính phủ trong quý III năm 2012.",
    "2. Bộ Công Thương:",
    "- Chủ trì, phối hợp với các Bộ, ngành và các địa phương liên quan tiến hành đánh giá kết quả 2 năm thực hiện "
    "Quyết định số 105/2009/QĐ-TTg, báo cáo Thủ tướng Chính phủ trong quý III năm 2012.",
]


def test_the_rule_read_onto_the_bodys_line_is_not_part_of_the_issuer() -> None:
    # CT 07/CT-TTg: "THỦ TƯỚNG CHÍNH PHỦ<br>--------" read as one line; no issuer, so no prose task was read (0 of
    # its 20 assignments).
    content = _header_docx(
        ["THỦ TƯỚNG CHÍNH PHỦ", "--------", "Số: 07/CT-TTg"],
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "----------------",
            "Hà Nội, ngày 02 tháng 03 năm 2012",
        ],
        CT07_BODY,
    )
    doc = extract_bytes(content, "ct07.docx")
    assert doc.metadata.issuer == "Thủ tướng Chính phủ"
    assert "metadata_issuer_missing" not in [w.code for w in doc.warnings]
    assert [(task.ref, task.lead_raw) for task in doc.tasks] == [
        ("1.a", "Bộ Kế hoạch và Đầu tư"),
        ("2", "Bộ Công Thương"),
    ]


def test_a_committees_name_keeps_no_rule() -> None:
    # The same layout under a committee gave "UBND tỉnh Lào Cai -------" (confident garbage, and no locality).
    assert _metadata("ỦY BAN NHÂN DÂN TỈNH LÀO CAI -------", "Số: 12/KH-UBND", "KẾ HOẠCH", "Phối hợp")[2] == (
        "UBND tỉnh Lào Cai"
    )
    assert _metadata("BỘ TÀI CHÍNH ________", "Số: 12/KH-BTC", "KẾ HOẠCH", "Phối hợp")[2] == "Bộ Tài chính"


# ---------------------------------------------------------------- 2. the kind line read onto the date line


TB11_HEADER = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "Số: /TB-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Quảng Ngãi, ngày tháng 01 năm 2025 THÔNG BÁO",
    "Kết luận của Phó Chủ tịch UBND tỉnh Võ Phiên tại cuộc họp nghe",
    "báo cáo về tình hình thực hiện công tác cổ phần hóa Công ty TNHH",
    "MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi trong",
    "thời gian qua và nhiệm vụ trọng tâm trong thời gian đến",
    "Ngày 03/01/2025, Phó Chủ tịch UBND tỉnh Võ Phiên chủ trì họp nghe báo cáo về tình hình thực hiện công tác cổ "
    "phần hóa Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi (QISC) trong thời gian qua và nhiệm "
    "vụ trọng tâm trong thời gian đến. Tham dự họp có đại diện lãnh",
]


def test_a_kind_line_read_at_the_end_of_the_date_line_is_the_kind() -> None:
    # TB 11/TB-UBND: the text layer puts "THÔNG BÁO" after the (stamped) date; kind and title were empty.
    kind, title, issuer, _ = _metadata(*TB11_HEADER)
    assert kind == "THÔNG BÁO"
    assert title.startswith("Kết luận của Phó Chủ tịch UBND tỉnh Võ Phiên tại cuộc họp nghe báo cáo")
    assert title.endswith("nhiệm vụ trọng tâm trong thời gian đến")
    assert issuer == "UBND tỉnh Quảng Ngãi"


def test_a_kind_word_inside_a_sentence_after_a_date_is_no_kind_line() -> None:
    # Only a place-date line ending with the kind in capitals: a sentence naming a kind after a year opens nothing.
    lines = [line for line in TB11_HEADER if "THÔNG BÁO" not in line]
    lines.insert(4, "Ngày 03 tháng 01 năm 2025 THÔNG BÁO")
    assert _metadata(*lines)[0] == ""


# ---------------------------------------------------------------- 3. a school under the department that runs it


def test_a_school_under_its_department_issues_with_the_departments_place() -> None:
    # KH 58/KH-THPTCL2: the issuer was the department above it ("Sở GDĐT tỉnh Đồng Tháp").
    header = [
        "SỞ GDĐT TỈNH ĐỒNG THÁP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TRƯỜNG THPT CAO LÃNH 2",
        "Số: 58/KH-THPTCL2",
    ]
    body = ["Độc lập - Tự do - Hạnh phúc", "Đồng Tháp, ngày 15 tháng 4 năm 2026", "KẾ HOẠCH", "Tổ chức sinh hoạt"]
    assert _metadata(*header, *body)[2] == "Trường THPT Cao Lãnh 2 tỉnh Đồng Tháp"
    # the civic-week plan's Word header gives both lines as one: "Sở GDĐT tỉnh Đồng Tháp Trường THPT Đốc Binh Kiều"
    joined = ["SỞ GDĐT TỈNH ĐỒNG THÁP TRƯỜNG THPT ĐỐC BINH KIỀU", "Số: /KH-THPTĐBK"]
    assert _metadata(*joined, *body)[2] == "Trường THPT Đốc Binh Kiều tỉnh Đồng Tháp"


def test_a_department_under_its_committee_is_unchanged() -> None:
    # KH 362/KH-SGDĐT, and a department printed alone
    assert _metadata("UBND TỈNH ĐỒNG THÁP", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 362 /KH-SGDĐT", "KẾ HOẠCH", "Đón")[2] == (
        "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp"
    )
    assert _metadata("SỞ Y TẾ", "Số: 12/KH-SYT", "KẾ HOẠCH", "Phòng chống dịch")[2] == "Sở Y tế"


def test_the_youth_union_is_not_the_womens_union() -> None:
    # The civic-week plan's "3. Đoàn Thanh niên, Hội LHTN nhà trường": "Hội LHTN" was matched to "Hội LHPN" (0.88).
    assert [m.unit_type for m in resolve_units("Đoàn Thanh niên, Hội LHTN", locality="tỉnh Đồng Tháp")] == [
        "doan_thanh_nien",
        "hoi_lhtn",
    ]
    assert [m.unit_type for m in resolve_units("Hội LHPN tỉnh", locality="tỉnh Đồng Tháp")] == ["hoi_lhpn"]


# ---------------------------------------------------------------- 4. a day's programme is not a task table


def _table_tasks_of(header: list[str], rows: list[list[str]]) -> list[Task]:
    raw = RawTable(rows=[[RawCell(text, page=5) for text in row] for row in [header, *rows]], page=5, pages=[5])
    items, _ = stitch_tables([Paragraph(text="CHƯƠNG TRÌNH LÀM VIỆC", page=5), raw], source="kh.pdf")
    return extract_tasks(items, [], source="kh.pdf")


def test_a_programme_of_clock_times_gives_no_task() -> None:
    # KH 362/KH-SGDĐT, Phụ lục II: six "tasks" with no lead and a clock time as their deadline.
    rows = [
        ["8h30 - 8h35", "Tuyên bố lí do, giới thiệu đại biểu, thành phần Đoàn công tác"],
        ["8h35 - 8h45", "Định hướng nội dung, chương trình làm việc, phân công nhiệm vụ cho thành viên Đoàn công tác"],
        ["09h00 - 10h30", "Ý kiến của các cơ sở giáo dục trên địa bàn"],
        ["11h00 - 11h15", "Phát biểu của Trưởng đoàn công tác"],
    ]
    assert _table_tasks_of(["THỜI GIAN", "NỘI DUNG"], rows) == []


def test_a_table_of_deadlines_still_gives_tasks() -> None:
    rows = [
        ["Xong trong Quý II/2026", "Tổ chức quán triệt sâu rộng Chỉ thị của Ban Thường vụ Tỉnh ủy"],
        ["Trong năm 2026", "Thực hiện rà soát các khó khăn, vướng mắc, bất cập về Quy hoạch thăm dò"],
    ]
    assert [task.time_raw for task in _table_tasks_of(["Thời gian thực hiện", "Nội dung"], rows)] == [
        "Xong trong Quý II/2026",
        "Trong năm 2026",
    ]


# ---------------------------------------------------------------- 5. who attends is not who is assigned


KH362 = [
    "KẾ HOẠCH",
    "Đón tiếp và làm việc với Đoàn kiểm tra của Bộ Giáo dục và Đào tạo",
    "II. THÀNH PHẦN THAM GIA",
    "1. Đoàn kiểm tra của Bộ GDĐT",
    "Theo Công văn số 1849/BGDĐT-GDPT của Bộ GDĐT ngày 10 tháng 4 năm 2026.",
    "2. Sở GDĐT tỉnh Đồng Tháp",
    "Đại diện lãnh đạo Sở GDĐT.",
    "Đại diện lãnh đạo Phòng Kế hoạch - Tài chính.",
    "VI. PHÂN CÔNG CHUẨN BỊ, ĐÓN TIẾP VÀ LÀM VIỆC VỚI ĐOÀN KIỂM TRA",
    "1. Phòng Giáo dục Phổ thông",
    "Chủ trì, phối hợp các Phòng của Sở GDĐT có liên quan xây dựng kế hoạch tiếp đón và làm việc với Đoàn kiểm tra.",
    "2. Phòng Kế hoạch - Tài chính",
    "Phối hợp Phòng Giáo dục Phổ thông thực hiện báo cáo theo đề cương các nội dung có liên quan.",
]


def test_a_unit_heading_an_item_of_the_attendance_is_no_lead() -> None:
    # KH 362/KH-SGDĐT: "II.2 Sở GDĐT tỉnh Đồng Tháp" (its delegates) was a task; part VI's items are.
    issuer = "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp"
    assert task_leads(KH362, issuer) == [("1", "Phòng Giáo dục Phổ thông"), ("2", "Phòng Kế hoạch - Tài chính")]


# ---------------------------------------------------------------- 6. a long unit heading over its first sentence


CV7432 = [
    "Để tổ chức triển khai thực hiện nghiêm túc Quyết định của Bộ Xây dựng trên địa bàn tỉnh, Chủ tịch Ủy ban nhân "
    "dân tỉnh yêu cầu Công an tỉnh, các sở, ban, ngành, đoàn thể; Ủy ban nhân dân các xã, phường tập trung thực hiện "
    "một số nhiệm vụ sau:",
    "1. Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã, phường",
    "Theo chức năng, nhiệm vụ, phạm vi quản lý tổ chức tuyên truyền, phổ biến và triển khai thực hiện đầy đủ các nội "
    "dung của Quyết định số 1074/QĐ-BXD; tổ chức kiểm tra, rà soát các cơ sở, công trình không bảo đảm yêu cầu về "
    "phòng cháy và chữa cháy và không có khả năng khắc phục theo các tiêu chuẩn, quy chuẩn kỹ thuật tại thời điểm đưa "
    "vào hoạt động đến trước ngày Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ có hiệu lực thi hành thuộc đối tượng "
    "áp dụng của Giải pháp kỹ thuật để xây dựng kế hoạch tổ chức thực hiện theo đúng quy định.",
    "2. Giao Sở Xây dựng",
    "Chủ trì, phối hợp với Công an tỉnh và các sở, ngành, địa phương có liên quan tổ chức hướng dẫn triển khai.",
]


def test_a_long_unit_heading_is_not_run_into_its_first_sentence() -> None:
    # CV 7432/UBND-XD: the heading (81 characters, its own wrap joined by the reader) was read as wrapping onto
    # "Theo chức năng, …", which is no unit list: item 1 gave no task.
    tasks = task_leads(CV7432, "UBND tỉnh Lào Cai")
    assert tasks == [
        ("1", "Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã, phường"),
        ("2", "Sở Xây dựng"),
    ]


# ---------------------------------------------------------------- 7. a scan's header: a speck, a place without marks


def test_a_speck_before_the_committees_name_is_not_part_of_it() -> None:
    # CT 08/CT-UBND Quảng Ngãi 2018 (a scan): '" ỦY BAN NHÂN DÂN' gave no issuer, so none of its 7 items was read.
    header = [
        "Trung tâm Công báo và Tin học m%c & Bảo A ttcbth@)quangngai.gov.vn 04.04.2018 14:21:14 +07:00",
        '" ỦY BAN NHÂN DÂN',
        "TỈNH QUẢNG NGÃI",
        "Số: đ@ /CT-UBND",
        "Quảng Ngãi, ngày 22 tháng 4 năm 2018",
        "CHỈ THỊ",
        "Về việc tăng cường công tác quản lý nhà nước để hỗ trợ nhà đầu tư",
    ]
    assert _metadata(*header)[2] == "UBND tỉnh Quảng Ngãi"


def test_the_issuers_place_is_spelt_as_the_place_line_spells_it() -> None:
    # TB 46/TB-UBND Quảng Ngãi 2025 (a scan): the header's capitals read without marks, "UBND tỉnh Quang Ngai".
    header = ["ỦY BAN NHÂN DÂN", "TỈNH QUANG NGAI", "Số: /TB-UBND", "Quảng Ngãi, ngày 4 tháng 01 năm 2025", "THÔNG BÁO",
              "Về việc thụ lý giải quyết khiếu nại lần hai"]  # fmt: skip
    assert _metadata(*header)[2] == "UBND tỉnh Quảng Ngãi"
    # another place on the date line is another place: the header stands
    other = [*header[:3], "Hà Nội, ngày 4 tháng 01 năm 2025", *header[4:]]
    assert _metadata(*other)[2] == "UBND tỉnh Quang Ngai"


QD1402_WRAPPED = [
    "Điều 2. Trách nhiệm của các cơ quan, đơn vị",
    "1. Sở Thông tin và Truyền thông",
    "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan hướng dẫn, đôn đốc triển khai Quyết định này.",
    "2. Các đơn vị quản lý cơ sở dữ liệu thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh",
    "Thừa Thiên Huế có trách nhiệm:",
    "a) Xây dựng, cập nhật, quản lý, khai thác hiệu quả các cơ sở dữ liệu được ban hành thuộc Danh mục cơ sở dữ liệu "
    "dùng chung tỉnh Thừa Thiên Huế; thực hiện kết nối và chia sẻ dữ liệu theo quy định hiện hành.",
    "b) Chủ trì rà soát các cơ sở dữ liệu; đề xuất nội dung cập nhật, điều chỉnh, bổ sung Danh mục cơ sở dữ liệu dùng "
    "chung tỉnh Thừa Thiên Huế và gửi Sở Thông tin và Truyền thông tổng hợp.",
]


def test_a_heading_wrapped_inside_its_unit_name_keeps_the_whole_name() -> None:
    # Guard for the rule above, found by the lead on the ingest benchmark's archive (benchmarks/scale_archive.py,
    # seed 13: QĐ 1402's text-PDF variants): the heading wraps inside the name ("… dùng chung tỉnh" / "Thừa Thiên Huế
    # có trách nhiệm:"); the title alone names units too, but cut: the subject read on through the wrap is the lead.
    leads = {lead for _, lead in task_leads(QD1402_WRAPPED, "UBND tỉnh Thừa Thiên Huế")}
    assert "Các đơn vị quản lý cơ sở dữ liệu thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh" not in leads
    assert "Các đơn vị quản lý cơ sở dữ liệu thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh Thừa Thiên Huế" in leads
