"""Session 19's trial, helper rd19b (docs/realdocs-trial.md, "Session 19, helper rd19b"): metadata of real documents
nobody on the project had read, as real snippets.

Sources (not committed; full paths in the docs section):
- a provincial document archive's demo attachments (Bắc Giang 2012, and the Word copy of CT 07/2008/CT-BTTTT):
  vuhung/03-quanly-vanban-dieuhanh-songanh@64d17ff1ab2576fef3973a55899de315203b42b0:3_Manguon_sanpham/demo.qlvb.dev/
  sites/default/files/…
- a university's letters (TB 03/TB-ĐTĐH 2014 of Trường ĐH CNTT's Phòng Đào tạo Đại học; CV 172/CĐN-TGNC 2013 of
  Công đoàn Giáo dục Việt Nam): tuanhud/quanlycongvan2013@397aca8e79ec3514c19dc29867d57d1f7e87d8df:
  " quanlycongvan2013 --username thuanrain@gmail.com/uploads/…"
"""

from __future__ import annotations

from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.model import Metadata, SourceFormat, Table
from extract.structure import build_document
from extract.structure.metadata import extract_metadata


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
