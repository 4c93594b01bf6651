"""Session 18, helper realdocs18b: two reader failures of the realdocs18 trial (docs/realdocs-trial.md)."""

from __future__ import annotations

import unicodedata

import pytest

from extract.api import extract_bytes
from extract.blocks import Paragraph, RawTable
from extract.detect import detect_format
from extract.errors import CorruptFileError
from extract.html_reader import read_html
from extract.model import SourceFormat
from extract.pdf.textlayer import unreadable_layer

# TB 561/TB-ĐHTĐ (Trường ĐH Tây Đô, 2025), page 1: the scanner's invisible layer, words as placed on the page.
# It garbles with symbols ("GIAODl)C", "BAoT~O", "VI¥1;'NAM") and writes no space between words.
TAY_DO_WORDS = (
    "BO GIAODl)C vA BAoT~O CQNG HOA xA HQI CHU NGHiA VI¥1;'NAM TRUONG D~I HQC TAYl>O DQcI,p - TVdo - H,nh phuc "
    "S6: 5Gi/TB-DHTD Can ThO',ngay &0 thdng 5 nam 2025 THONGBAO v~ vi~c djch van ban sang ti~ng Anh phuc V1} "
    "cong tac ki~m djn.h chit hrQ'ng chirong trinh dito tao theo bQtieu chuaR AUN-QA Can cir KS hoach s6 "
    "663/KH-DHTD, ngay 24/7/2024 cua Hieu tnrong Tnrong Dai h9CTay Do vSviec t6 chtrc cho cac nhom chuyen "
    "trach, ban thirky lam viec VOl tu v~n vS viSt bao cao tv danh gia (TDG) ch~t hrong chuang trinh dao tao"
).split()
# The same words as printed.
TAY_DO_PRINTED = (
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM TRƯỜNG ĐẠI HỌC TÂY ĐÔ Độc lập - Tự do - Hạnh phúc "
    "Số: 561/TB-ĐHTĐ Cần Thơ, ngày 20 tháng 5 năm 2025 THÔNG BÁO Về việc dịch văn bản sang tiếng Anh phục vụ "
    "công tác kiểm định chất lượng chương trình đào tạo theo bộ tiêu chuẩn AUN-QA Căn cứ Kế hoạch số "
    "663/KH-ĐHTĐ, ngày 24/7/2024 của Hiệu trưởng Trường Đại học Tây Đô về việc tổ chức cho các nhóm chuyên "
    "trách, ban thư ký làm việc với tư vấn về viết báo cáo tự đánh giá (TĐG) chất lượng chương trình đào tạo"
).split()
# An English annex: no marks, but no garble and few Vietnamese syllables; with the patterns English does join
# letters with (a plural in brackets, G2C, a URL, an e-mail address, ISO/IEC).
ENGLISH = (
    "This annex sets out the technical requirements for the provincial data platform. The contractor shall "
    "provide officer(s) accounts, G2C and G2B services, and a COVID-19 dashboard at "
    "https://data.example.gov.vn/api?id=3. Each dataset must be documented with its owner, update frequency "
    "and licence; the system shall support ISO/IEC 27001:2013 and the user's e-mail (admin@example.com). "
    "Reports are delivered every quarter to the steering committee, which reviews progress against the plan."
)


def test_a_symbol_garbled_layer_is_unreadable() -> None:
    # Words by position (the layer had spaces): no marks, 9 of 64 words garbled by symbols, few by digits.
    assert unreadable_layer(" ".join(TAY_DO_WORDS))
    assert not unreadable_layer(" ".join(TAY_DO_PRINTED))


def test_a_layer_without_spaces_is_judged_by_its_words() -> None:
    asked: list[bool] = []

    def words() -> list[str]:
        asked.append(True)
        return TAY_DO_WORDS

    # pdf_reader joins the page's characters: this scanner wrote no space, so the layer is one long token.
    assert unreadable_layer("".join(TAY_DO_WORDS), words)
    assert asked == [True]
    # A layer with its spaces never asks for the words (the cost stays off typed pages).
    assert not unreadable_layer(" ".join(TAY_DO_PRINTED), lambda: asked.append(False) or [])  # type: ignore[func-returns-value]
    assert asked == [True]


def test_an_english_page_is_not_sent_to_ocr() -> None:
    assert not unreadable_layer(ENGLISH * 2)
    # Even an English page as garbled as the Tây Đô scan stays text: its words are not Vietnamese syllables.
    noisy = ENGLISH.replace("the ", "th~e ").replace("and ", "a)nd ")
    assert not unreadable_layer(noisy * 2)


def test_vietnamese_typed_without_marks_stays_text() -> None:
    # No marks and all syllables, but nothing garbled: a text typed without its marks, not a scanner's OCR.
    unmarked = (
        "Ke hoach trien khai thuc hien chuyen doi so nam 2025 cua UBND tinh; cac so, ban, nganh va UBND cac huyen "
        "to chuc thuc hien, bao cao ket qua ve So KH&DT truoc ngay 15/12/2025 de tong hop, bao cao UBND tinh."
    )
    assert not unreadable_layer(unmarked * 2)


# ---------------------------------------------------------------- a Word HTML page saved as .doc

# The shape of "Ke_hoach_tap_huan.doc" (hpbaotho/04-quanly-vanban-quanhuyen): Word 12's "Save as Web Page" with its
# XML islands in conditional comments, its CSS, a national header laid out in a borderless table, and a ruled
# table whose first column spans two rows and breaks its cell with <br/>; the plan's own wording is invented.
WORD_HTML = """\ufeff<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 12">
<title>Ke hoach tap huan</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>TOSHIBA</o:Author>
 </o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-parent:"";
	margin:0cm;
	font-size:12.0pt;}}
@page Section1
	{{size:595.3pt 841.9pt;}}
div.Section1
	{{page:Section1;}}
-->
</style>
<script>document.write("không phải văn bản")</script>
</head>
<body lang=EN-US style='tab-interval:36.0pt'>
<div class=Section1>
<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0>
 <tr>
  <td style='border:none;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b>SỞ THÔNG TIN VÀ TRUYỀN THÔNG<o:p></o:p></b></p>
  <p class=MsoNormal align=center style='text-align:center'>Số: 45/KH-STTTT<o:p></o:p></p>
  </td>
  <td style='border:none;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<o:p></o:p></b></p>
  <p class=MsoNormal align=center style='text-align:center'><b>Độc lập - Tự do - Hạnh phúc<o:p></o:p></b></p>
  <p class=MsoNormal align=center style='text-align:center'><i>Phú Thọ, ngày 29 tháng 7 năm 2011</i></p>
  </td>
 </tr>
</table>
<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:14.0pt'>KẾ HOẠCH<o:p></o:p>
</span></b></p>
<p class=MsoNormal align=center style='text-align:center'><b>Tập huấn sử dụng phần mềm
quản lý văn bản &amp; điều hành</b></p>
<p class=MsoNormal style='display:none'>Đoạn ẩn</p>
<!-- a comment: không phải văn bản -->
<p class=MsoNormal><b>I. MỤC ĐÍCH, YÊU CẦU<o:p></o:p></b></p>
<p class=MsoNormal>Cán bộ, công chức sử dụng thành thạo phần mềm&nbsp;quản lý văn bản.<br>
Hoàn thành trong tháng 8&nbsp;năm 2011.</p>
<p class=MsoNormal><b>II. NỘI DUNG<o:p></o:p></b></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0
 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>
 <tr>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b>Thời gian</b></p></td>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b>Buổi</b></p></td>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal><b>Nội dung</b></p></td>
 </tr>
 <tr>
  <td rowspan=2 style='border:solid windowtext 1.0pt'><p class=MsoNormal>
  <font face="Arial" size="2"><i>Th&#7913; hai<br/>01/8/2011</i></font><o:p></o:p></p></td>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal>Sáng</p></td>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal>Giới thiệu phần mềm</p></td>
 </tr>
 <tr>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal>Chiều</p></td>
  <td style='border:solid windowtext 1.0pt'><p class=MsoNormal>Thực hành</p></td>
 </tr>
 <tr>
  <td colspan=3 style='border:solid windowtext 1.0pt'><p class=MsoNormal>Tổng kết</p></td>
 </tr>
</table>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
</div>
</body>
</html>
"""


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Word writes it: the base letter precomposed where the code page has it, the tone combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return bytes(out)


def _word_html(charset: str = "utf-8") -> bytes:
    page = WORD_HTML.format(charset=charset)
    return page.encode("utf-8") if charset == "utf-8" else _cp1258(page.lstrip("\ufeff"))


def test_a_word_html_page_named_doc_is_html() -> None:
    assert detect_format(_word_html(), "Ke_hoach_tap_huan.doc") is SourceFormat.HTML
    assert detect_format(b"<!DOCTYPE html>\n<html><body><p>x</p></body></html>", "a.txt") is SourceFormat.HTML
    assert detect_format("<html><body>Kế hoạch</body></html>".encode("utf-16"), "a.htm") is SourceFormat.HTML
    # A text that merely shows markup is text; so is an XML file that is no web page.
    assert detect_format("Kế hoạch số 12\nDán đoạn <html> vào trang.\n".encode(), "a.txt") is SourceFormat.TEXT
    assert detect_format(b'<?xml version="1.0"?>\n<catalog><item/></catalog>\n', "a.xml") is SourceFormat.TEXT


@pytest.mark.parametrize("charset", ["utf-8", "windows-1258"])
def test_a_word_html_page_reads_as_blocks_and_tables(charset: str) -> None:
    stream = read_html(_word_html(charset), "Ke_hoach_tap_huan.doc")
    paragraphs = [block.text for block in stream.blocks if isinstance(block, Paragraph)]
    assert paragraphs == [
        "KẾ HOẠCH",
        "Tập huấn sử dụng phần mềm quản lý văn bản & điều hành",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Cán bộ, công chức sử dụng thành thạo phần mềm quản lý văn bản.",
        "Hoàn thành trong tháng 8 năm 2011.",
        "II. NỘI DUNG",
    ]
    assert all(unicodedata.is_normalized("NFC", text) for text in paragraphs)
    title = stream.blocks[1]
    assert isinstance(title, Paragraph) and title.bold and title.centered
    header, grid = (block for block in stream.blocks if isinstance(block, RawTable))
    assert header.borderless and not grid.borderless
    assert [cell.text for cell in header.rows[0]] == [
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 45/KH-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nPhú Thọ, ngày 29 tháng 7 năm 2011",
    ]
    assert [[cell.text for cell in row] for row in grid.rows] == [
        ["Thời gian", "Buổi", "Nội dung"],
        ["Thứ hai\n01/8/2011", "Sáng", "Giới thiệu phần mềm"],
        ["Thứ hai\n01/8/2011", "Chiều", "Thực hành"],
        ["Tổng kết", "Tổng kết", "Tổng kết"],
    ]
    assert grid.rows[1][0].row_span == 2 and grid.rows[2][0].inherited
    assert grid.rows[3][0].col_span == 3
    assert stream.encoding == ("utf-8" if charset == "utf-8" else "cp1258")


def test_a_word_html_plan_builds_a_document_without_its_css() -> None:
    document = extract_bytes(_word_html(), "Ke_hoach_tap_huan.doc")
    assert document.format is SourceFormat.HTML
    assert document.metadata.kind == "KẾ HOẠCH"
    assert document.metadata.number == "45/KH-STTTT"
    assert [section.title for section in document.sections][:2] == ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG"]
    dump = document.model_dump_json()
    for noise in ("MsoNormal", "mso-style", "TOSHIBA", "không phải văn bản", "Đoạn ẩn", "Ke hoach tap huan"):
        assert noise not in dump
    table = document.tables[-1]
    assert table.header == ["Thời gian", "Buổi", "Nội dung"]
    assert table.provenance.file == "Ke_hoach_tap_huan.doc"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><style>p.MsoNormal {margin:0cm}</style></head><body>\n<p>&nbsp;</p></body></html>",
        b"<!DOCTYPE html>",
    ],
)
def test_an_html_page_without_text_is_a_clear_error(page: bytes) -> None:
    with pytest.raises(CorruptFileError) as caught:
        extract_bytes(page, "trang-trong.doc")
    message = str(caught.value)
    assert message.startswith("trang-trong.doc: ")
    assert "trang HTML không có nội dung hiển thị" in message and "no visible text" in message


def _mht(page: bytes, charset: str, encoding: str) -> bytes:
    """A one-file web page as Word writes it: headers, a preamble, the page part, an image part."""
    import base64
    import quopri

    body = quopri.encodestring(page) if encoding == "quoted-printable" else base64.encodebytes(page)
    boundary = b"----=_NextPart_01D7A1B2.3C4D5E60"
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="' + boundary + b'"\r\n\r\n'
        b"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
        b"--" + boundary + b"\r\nContent-Location: file:///C:/Ke_hoach_tap_huan.htm\r\n"
        b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n"
        b'Content-Type: text/html; charset="' + charset.encode() + b'"\r\n\r\n' + body + b"\r\n"
        b"--" + boundary + b"\r\nContent-Location: file:///C:/Ke_hoach_tap_huan_files/image001.png\r\n"
        b"Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\niVBORw0KGgo=\r\n"
        b"--" + boundary + b"--\r\n"
    )


@pytest.mark.parametrize(("charset", "encoding"), [("windows-1258", "quoted-printable"), ("utf-8", "base64")])
def test_a_single_file_web_page_reads_as_its_page(charset: str, encoding: str) -> None:
    """Word's "Single File Web Page" (.mht, often kept as .doc too) was read as text: its MIME headers and encoded
    lines became the document. Its page part is read like the page itself, in the part's charset."""
    page = _word_html(charset).lstrip(b"\xef\xbb\xbf")
    archive = _mht(page, charset, encoding)
    assert detect_format(archive, "Ke_hoach_tap_huan.mht") is SourceFormat.HTML
    assert read_html(archive, "a.mht").blocks == read_html(page, "a.mht").blocks
    document = extract_bytes(archive, "Ke_hoach_tap_huan.mht")
    assert document.metadata.number == "45/KH-STTTT" and "NextPart" not in document.model_dump_json()
    # a message that is no web archive stays text; an archive without a page is a clear error naming the file
    assert detect_format(b"From: a@b.vn\r\nSubject: Ke hoach\r\n\r\nNoi dung thu.\r\n", "thu.eml") is SourceFormat.TEXT
    empty = archive.replace(b"Content-Type: text/html", b"Content-Type: text/plain")
    with pytest.raises(CorruptFileError, match="a.mht"):
        read_html(empty, "a.mht")
