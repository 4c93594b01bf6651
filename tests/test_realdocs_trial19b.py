"""Session 19's trial, helper rd19b (docs/realdocs-trial.md, "Session 19, helper rd19b"): metadata of real documents
nobody on the project had read, as real snippets.

Sources (not committed; full paths in the docs section):
- a provincial document archive's demo attachments (Bắc Giang 2012, and the Word copy of CT 07/2008/CT-BTTTT):
  vuhung/03-quanly-vanban-dieuhanh-songanh@64d17ff1ab2576fef3973a55899de315203b42b0:3_Manguon_sanpham/demo.qlvb.dev/
  sites/default/files/…
- a university's letters (TB 03/TB-ĐTĐH 2014 of Trường ĐH CNTT's Phòng Đào tạo Đại học; CV 172/CĐN-TGNC 2013 of
  Công đoàn Giáo dục Việt Nam): tuanhud/quanlycongvan2013@ea193b27931c34455b401247ec68d9dc5b567b9c:
  " quanlycongvan2013 --username thuanrain@gmail.com/uploads/…"
"""

from __future__ import annotations

import cv2
import numpy as np

from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.model import Metadata, SourceFormat, Table
from extract.ocr.grid import find_tables
from extract.structure import build_document
from extract.structure.metadata import extract_metadata
from tests.pdf_bytes import pdf_file


def _metadata(lines: list[str]) -> Metadata:
    items: list[Paragraph | Table] = [
        Paragraph(text=text, line=index + 1, page=None) for index, text in enumerate(lines)
    ]
    return extract_metadata(items, source="x.doc")


def _headed(left: str, right: str, lines: list[str]) -> Metadata:
    """A Word letter: the national header as a borderless two-cell table (a cell's paragraphs joined by a space, as
    the DOCX reader joins them), then its paragraphs."""
    header = RawTable(rows=[[RawCell(left), RawCell(right)]], page=None, line=0, ruled=True, borderless=True)
    blocks = [header, *(Paragraph(text=text, line=index + 1, page=None) for index, text in enumerate(lines))]
    stream = BlockStream(blocks=blocks, page_count=1)
    return build_document(stream, source="x.doc", sha256="0" * 64, fmt=SourceFormat.DOC, size_bytes=1).metadata


# ---------------------------------------------------------------- 1. the Công báo's heading: issuer, number, date


CT07_2008 = [
    "CHỈ THỊ",
    "CỦA BỘ THÔNG TIN VÀ TRUYỀN THÔNG SỐ 07/2008/CT-BTTTT",
    "NGÀY 30 THÁNG 12 NĂM 2008",
    "VỀ ĐẨY MẠNH SỬ DỤNG PHẦN MỀM MÃ NGUỒN MỞ TRONG HOẠT ĐỘNG CỦA CƠ QUAN, TỔ",
    "CHỨC NHÀ NƯỚC",
    "Thực hiện Quyết định số 235/2004/QĐ-TTg ngày 02 tháng 3 năm 2004 của Thủ tướng Chính phủ phê duyệt Dự án tổng "
    "thể về Ứng dụng và phát triển phần mềm nguồn mở ở Việt Nam giai đoạn 2004-2008, …",
]


def test_a_gazette_heading_gives_the_issuer_number_and_date() -> None:
    # CT 07/2008/CT-BTTTT as a Word 97 file: no national header, the Công báo's heading instead. Before: no number, no
    # date, no issuer (and so none of its 12 unit tasks), and the whole heading was the title.
    found = _metadata(CT07_2008)
    assert (found.kind, found.number, found.date) == ("CHỈ THỊ", "07/2008/CT-BTTTT", "2008-12-30")
    assert found.issuer == "Bộ Thông tin và Truyền thông"
    assert found.title == "VỀ ĐẨY MẠNH SỬ DỤNG PHẦN MỀM MÃ NGUỒN MỞ TRONG HOẠT ĐỘNG CỦA CƠ QUAN, TỔ CHỨC NHÀ NƯỚC"
    assert found.sources["number"].line == 2


def test_a_gazette_heading_of_the_government_and_of_a_minister() -> None:
    # Not fitted on: NĐ 84/2007/NĐ-CP as a legal database stores its heading (one line, the title opening "QUY ĐỊNH"),
    # and the enacting "CHÍNH PHỦ" line under it is no part of the title.
    decree = _metadata(
        ["NGHỊ ĐỊNH", "CỦA CHÍNH PHỦ SỐ 84/2007/NĐ-CP NGÀY 25 THÁNG 5 NĂM 2007 QUY ĐỊNH BỔ SUNG VỀ VIỆC CẤP GIẤY CHỨNG "
         "NHẬN QUYỀN SỬ DỤNG ĐẤT", "CHÍNH PHỦ", "Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;"]
    )  # fmt: skip
    assert (decree.number, decree.date, decree.issuer) == ("84/2007/NĐ-CP", "2007-05-25", "Chính phủ")
    assert decree.title == "QUY ĐỊNH BỔ SUNG VỀ VIỆC CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"
    # a minister's decision issues in the ministry's name
    minister = _metadata(["QUYẾT ĐỊNH", "CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH SỐ 13/2006/QĐ-BTC NGÀY 06 THÁNG 3 NĂM 2006",
                          "VỀ VIỆC BAN HÀNH CHẾ ĐỘ KẾ TOÁN", "Căn cứ Luật Kế toán;"])  # fmt: skip
    assert (minister.number, minister.issuer) == ("13/2006/QĐ-BTC", "Bộ Tài chính")


def test_a_header_number_and_a_cited_number_in_the_title_stay_as_they_were() -> None:
    # guards: the header's own number wins; a title citing another document keeps its words.
    amending = _metadata(
        ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH", "Số: 12/QĐ-UBND", "Bắc Ninh, ngày 3 tháng 4 năm 2021", "QUYẾT ĐỊNH",
         "Sửa đổi Quyết định số 5/2020/QĐ-UBND ngày 5 tháng 3 năm 2020", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH"]
    )  # fmt: skip
    assert (amending.number, amending.date) == ("12/QĐ-UBND", "2021-04-03")
    assert amending.title == "Sửa đổi Quyết định số 5/2020/QĐ-UBND ngày 5 tháng 3 năm 2020"
    cited = _metadata(["QUYẾT ĐỊNH", "Số 5/2020/QĐ-UBND ngày 5 tháng 3 năm 2020 của UBND tỉnh", "Căn cứ Luật;"])
    assert cited.title == "Số 5/2020/QĐ-UBND ngày 5 tháng 3 năm 2020 của UBND tỉnh"


# ---------------------------------------------------------------- 2. bodies outside committees and ministries


def test_an_office_of_a_university_issues_with_its_university() -> None:
    # TB 03/TB-ĐTĐH 2014: "TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN / PHÒNG ĐÀO TẠO ĐẠI HỌC" in one Word cell. Before: no issuer.
    found = _headed(
        "TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN PHÒNG ĐÀO TẠO ĐẠI HỌC Số: 03/TB-ĐTĐH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập – Tự do – Hạnh phúc Tp.HCM, ngày 10 tháng 3 năm 2014",
        ["THÔNG BÁO", "V/v xét tốt nghiệp đợt 1 năm 2014",
         "Căn cứ vào kế hoạch đào tạo đại học hệ chính quy năm học 2013 – 2014, Phòng Đào tạo Đại học (P.ĐTĐH) thông "
         "báo đến các Khoa và sinh viên kế hoạch xét tốt nghiệp đợt 1 hệ chính qui năm 2014 cụ thể như sau:"],
    )  # fmt: skip
    assert (found.kind, found.number) == ("THÔNG BÁO", "03/TB-ĐTĐH")
    assert found.issuer == "Phòng Đào tạo đại học Trường ĐH Công Nghệ Thông Tin"


def test_a_union_under_its_federation_issues_in_its_own_name() -> None:
    # CV 172/CĐN-TGNC 2013: "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM / CÔNG ĐOÀN GIÁO DỤC VIỆT NAM". Before: no issuer.
    found = _headed(
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM CÔNG ĐOÀN GIÁO DỤC VIỆT NAM Số: 172/CĐN-TGNC V/v tuyên truyền kết quả Đại "
        "hội Công đoàn Việt Nam lần thứ XI",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hà Nội, ngày 9 tháng 8 năm 2013",
        ["Đại hội XI Công đoàn Việt Nam, nhiệm kỳ 2013-2018 được long trọng tổ chức từ ngày 27/7 đến ngày 30/7/2013 …"],
    )
    assert (found.kind, found.number, found.date) == ("CÔNG VĂN", "172/CĐN-TGNC", "2013-08-09")
    assert found.issuer == "Công đoàn Giáo dục Việt Nam"


def test_a_committee_header_is_read_as_before() -> None:
    # guard: the committee rules come first; a Sở under its committee keeps the committee's place.
    found = _headed(
        "UBND TỈNH PHÚ THỌ SỞ THÔNG TIN VÀ TRUYỀN THÔNG Số: 275/STTTT-CNTT",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Phú Thọ, ngày 12 tháng 12 năm 2011",
        ["V/v đăng ký tham gia lớp đào tạo", "Kính gửi: Các đơn vị"],
    )
    assert found.issuer == "Sở Thông tin và Truyền thông tỉnh Phú Thọ"


# ---------------------------------------------------------------- 3. a web page in a TCVN3 font


# The header of a Party member's review (Lệ Thủy 2011) as its Word 97 file stores it, in TCVN3 bytes ("§¶ng bé …",
# hpbaotho/04-quanly-vanban-quanhuyen@50021bc5f7066d9f17af69c5dc7be49cb53bfb86:Ma nguon/Code/qlvb_v1/public/
# attach-file/article/file-upload/2011/12/01/…!~!KDIEM DANG VIEN 2011 PHU TTRA.doc), saved as Word saves a web page
# of it: charset windows-1252, the text drawn in ".VnTimeH" (capitals) and ".VnTime", by tag or by style.
TCVN3_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>'
    '<table><tr><td><font face=".VnTimeH">§¶ng bé c¬ quan UBND<br>huyÖn lÖ thuû</font>'
    '<p><font face=".VnTime">Chi bé Thanh tra</font></p></td>'
    '<td><font face=".VnTimeH">§¶ng céng s¶n viÖt nam</font><p><i><span style=\'font-family:".VnTime";'
    "font-size:14pt'>LÖ Thuû, ngµy 29 th¸ng 11 n¨m 2011</span></i></p></td></tr></table>"
    '<p align=center><b><font face=".VnTimeH">b¶n tù kiÓm ®iÓm</font></b></p>'
    '<p><font face=".VnTime">hä vµ tªn:</font> Ch©u minh Phó</p></body></html>'
)


def test_a_web_page_in_a_tcvn3_font_reads_as_unicode() -> None:
    # Before: the page was decoded as it declares (windows-1252) and the TCVN3 bytes stayed "§¶ng bé c¬ quan".
    from extract.html_reader import read_html

    blocks = read_html(TCVN3_PAGE.encode("cp1252"), "x.htm").blocks
    header = blocks[0]
    assert isinstance(header, RawTable)
    assert [cell.text for cell in header.rows[0]] == [
        "ĐẢNG BỘ CƠ QUAN UBND\nHUYỆN LỆ THUỶ\nChi bộ Thanh tra",
        "ĐẢNG CỘNG SẢN VIỆT NAM\nLệ Thuỷ, ngày 29 tháng 11 năm 2011",
    ]
    # a run outside a legacy font is left as it is: only the font says the bytes are TCVN3
    assert [block.text for block in blocks[1:] if isinstance(block, Paragraph)] == [
        "BẢN TỰ KIỂM ĐIỂM",
        "họ và tên: Ch©u minh Phó",
    ]


def test_a_page_the_legacy_decoder_read_is_not_converted_twice() -> None:
    # guard: without a declared charset the page's bytes are decoded as TCVN3 by the legacy decoder; the fonts are then
    # no reason to convert them again (a second pass would turn "à" into another letter).
    from extract.html_reader import read_html

    undeclared = TCVN3_PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "")
    blocks = read_html(undeclared.encode("cp1252"), "x.htm").blocks
    assert isinstance(blocks[0], RawTable)
    assert blocks[0].rows[0][1].text.endswith("Lệ Thuỷ, ngày 29 tháng 11 năm 2011")


# ---------------------------------------------------------------- 4. a border round the page is no table


def _framed_page(inner_rows: tuple[int, ...] = ()) -> np.ndarray:
    """Ink of a page at 150 dpi with a border round the text, and the short rules a letter has inside it: the rule
    under the body's name, the motto's underline, a signature's strokes (none long enough to divide the box)."""
    page = np.full((1755, 1245), 255, np.uint8)
    cv2.rectangle(page, (60, 80), (1180, 1650), 0, 3)
    for y in inner_rows:
        cv2.line(page, (60, y), (1180, y), 0, 3)
    for x0, x1, y in ((150, 280, 230), (760, 900, 260), (800, 920, 1400)):
        cv2.line(page, (x0, y), (x1, y), 0, 2)
    for x, y0, y1 in ((900, 1300, 1420), (400, 600, 700)):
        cv2.line(page, (x, y0), (x, y1), 0, 2)
    return cv2.threshold(page, 128, 255, cv2.THRESH_BINARY_INV)[1]


def test_a_border_round_the_page_is_not_a_one_cell_table() -> None:
    # CV 1139/BĐH Bắc Giang 2012 (a scan, vuhung/03-quanly-vanban-dieuhanh-songanh): a border drawn round the letter
    # was read as a 4 × 3 grid of one merged cell holding the whole page, so no kind, title or number was read. The
    # fixture gives the same grid before the fix.
    assert find_tables(_framed_page(), 150) == []
    # guard: a box divided by a ruled row is a table
    (table,) = find_tables(_framed_page(inner_rows=(800,)), 150)
    assert len(table.cells) == 2


# ---------------------------------------------------------------- 5. a scan's header: glued words, interleaved columns


def test_a_glued_committee_and_an_interleaved_header_line_give_the_department() -> None:
    # CV 275/STTTT-CNTT Phú Thọ 2011 (an EPSON scan, hpbaotho/04-quanly-vanban-quanhuyen@50021bc…:Ma nguon/Code/
    # qlvb_v1/public/attach-file/2011/12/28/…!~!275.pdf) as the OCR reads its header: the committee's words glued, a
    # rule of dots on them, and the left column's second line between the motto's two. Before: no issuer.
    found = _metadata(
        [
            "UBNDTỈNHPHÚ THỌ.......... CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ THÔNG TIN VÀ TRUYỀN THÔNG Độc lập - Tự "
            "do - Hạnh phúc",
            "Phú Thọ, ngày – tháng 12 năm 2011 V/v đăng ký danh sách tham gia Hội thì kỹ",
            "năng sử dụng máy tính.",
            "Kính gửi:",
        ]
    )
    assert found.issuer == "Sở Thông tin và Truyền thông tỉnh Phú Thọ"
    assert found.place == "Phú Thọ"


def test_a_committee_header_read_on_one_line_is_unchanged() -> None:
    # guards: both columns on one line, the committee alone; a commune named Cộng Hòa is no motto.
    one_line = ["UBND TỈNH BẮC GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Số: 12/UBND-VX", "Bắc Giang, ngày 9 tháng 4 năm 2012"]  # fmt: skip
    assert _metadata(one_line).issuer == "UBND tỉnh Bắc Giang"
    assert _metadata(["ỦY BAN NHÂN DÂN", "XÃ CỘNG HÒA", "Số: 5/KH-UBND", "KẾ HOẠCH", "Về việc x"]).issuer == (
        "UBND xã Cộng Hòa"
    )


# ---------------------------------------------------------------- 6. a PDF text layer in a TCVN3 font


def _vn_pdf(lines: list[tuple[str, str]]) -> bytes:
    """lines: (font resource name, latin-1 text bytes as str) one per line; F1 .VnTime, F2 .VnTimeH, F3 Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>"]
    for name in (b"/.VnTime", b"/.VnTimeH", b"/Helvetica"):
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont %s /Encoding /WinAnsiEncoding >>" % name)
    content = "".join(
        f"BT /{font} 12 Tf 72 {760 - 20 * index} Td ({text}) Tj ET\n" for index, (font, text) in enumerate(lines)
    ).encode("latin-1")
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"")
    objects.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
        b"/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> >>"
    )
    objects = [body for body in objects if body]
    return pdf_file(objects)


def test_a_pdf_text_layer_in_a_tcvn3_font_reads_as_unicode() -> None:
    # A .VnTime Word file printed to PDF (PrimoPDF; tuanhud/quanlycongvan2013@ea193b2…: "… uploads/Cap nhat danh
    # sach.pdf", a physics handout, not of the genre): the text layer holds TCVN3 codes ("HÖ thèng kiÕn thøc trong
    # ch−¬ng", "Dßng ®iÖn"), read as Latin-1 garbage with no warning before. Here the same words in a PDF whose fonts
    # are named as Word names them; a Helvetica line is left alone.
    from extract.pdf.pdfium_source import PdfiumDocument

    data = _vn_pdf([("F2", "HÖ thèng kiÕn thøc"), ("F1", "Dßng ®iÖn trong c¸c m«i"), ("F3", "Caf\xe9 r\xe9sum\xe9")])
    page = PdfiumDocument(data).page(0)
    assert "".join(char["text"] for char in page.chars) == "HỆ THỐNG KIẾN THỨCDòng điện trong các môiCafé résumé"


def test_a_pdf_maker_s_minus_for_tcvn3_u_horn() -> None:
    # the same file's ToUnicode map gives TCVN3's "ư" (0xAD) as U+2212: "Ch−¬ng" is "Chương", "tr−êng" "trường"
    from extract.legacy.fonts import convert_char

    assert "".join(convert_char(char, "tcvn3") for char in "Ch\u2212\xacng tr\u2212\xeang") == "Chương trường"
    assert convert_char("\u2212", "vni") == "\u2212"  # VNI: a lone character is not read


# ---------------------------------------------------------------- 7. a speck before a scan's signer


def test_a_speck_before_the_signer_s_name_is_not_part_of_it() -> None:
    # QĐ 1462/QĐ-UBND Bắc Giang 2012 (a scan, vuhung/03-quanly-vanban-dieuhanh-songanh): the signature's stroke read
    # as a quote mark before the name, and a speck before the title. Before: no signer.
    found = _metadata(["Nơi nhận: t}”", "- Như Điều 2;", "KT. CHỦ TỊCH", "ng PHÓ CHỦ TỊCH", "“Lại Thanh Sơn"])
    assert found.signer == "Lại Thanh Sơn"


# ---------------------------------------------------------------- 8. the committee's office, and "Số" read as "Sở"


def test_the_committee_s_office_and_a_number_line_read_with_a_hook() -> None:
    # CV 390/VP-TH Bắc Giang 2012 (a scan, vuhung/03-quanly-vanban-dieuhanh-songanh): "UBND TỈNH BẮC GIANG / VĂN
    # PHÒNG / Sở: 330/VP-TH" (the OCR put a hook on "Số"; the handwritten 390 read 330 is warned uncertain by the OCR).
    # Before: issuer the committee, no number.
    found = _metadata(["UBND TỈNH BẮC GIANG", "VĂN PHÒNG", "Sở: 330/VP-TH", "V/v Thông báo kết quả nhận chương",
                       "trình, báo cáo tháng", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                       "Bắc Giang, ngày 06 tháng 11 năm 2012"])  # fmt: skip
    assert (found.issuer, found.number, found.date) == ("Văn phòng UBND tỉnh Bắc Giang", "330/VP-TH", "2012-11-06")
    # guard: a department in running text is no number line
    assert _metadata(["Sở Tư pháp đề nghị các đơn vị báo cáo", "Sở: Tư pháp 12/2012"]).number == ""


# ---------------------------------------------------------------- 9. a signing block without a name says so


def _warnings(lines: list[str]) -> list[str]:
    stream = BlockStream(blocks=[Paragraph(text=text, line=index + 1, page=1) for index, text in enumerate(lines)],
                         page_count=1)  # fmt: skip
    document = build_document(stream, source="x.pdf", sha256="0" * 64, fmt=SourceFormat.PDF, size_bytes=1)
    return [warning.code for warning in document.warnings]


def test_a_signing_block_whose_name_was_not_read_is_warned() -> None:
    # TB 107/TB-KCN Bắc Giang 2012 (a scan): the name under "PHÓ TRƯỞNG BAN" went with the seal's ink ("NG"). Before:
    # the signer was blank with no word about it, as on the Tây Đô scans (red stamped names).
    tb107 = ["UBND TỈNH BẮC GIANG", "BAN QUẢN LÝ KCN", "Số: 107/TB-KCN", "THÔNG BÁO", "Về việc đăng ký Quy chế",
             "2. Đề nghị Công ty thông báo Quy chế trả lương, thưởng đến từng người lao động.", "Nơi nhận",
             "- Như trên", "- Lưu: VT, LĐ.", "KT.TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "NG"]  # fmt: skip
    assert "signer_missing" in _warnings(tb107)
    # guard: a name read under the block is no cause for it
    assert "signer_missing" not in _warnings([*tb107[:-1], "Nguyễn Văn Hùng"])
