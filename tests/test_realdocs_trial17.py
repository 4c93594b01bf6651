"""Session 17's trial (docs/realdocs-trial.md, "Session 17"): real snippets of documents nobody had seen.

Sources (not committed): CT 07/CT-TTg 2012 as published in Word (Trangsct/skill-sct@3821ed3…:kccn-sct-vn/skills/
kccn-sct-vn/van-ban-goc/CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN.docx); TB 11/TB-UBND Quảng Ngãi 2025, an e-signed PDF
(QuangDuyxyz/OCR_LOCAL_VBHC@401685e…:backup/05.signed_20250517_044750.pdf).
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extract.api import extract_bytes
from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.metadata import extract_metadata


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
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "----------------",
         "Hà Nội, ngày 02 tháng 03 năm 2012"],
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
