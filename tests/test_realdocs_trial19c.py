"""Session 19, helper rd19c (docs/realdocs-trial.md, "Session 19, helper rd19c"): tables of real documents.

Each test is a short snippet of a real document, its cells as the reader hands them over, pinning a
rule that failed on it. Sources are named with repository@commit:path.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.docx_reader import read_docx
from extract.model import RowKind, SourceFormat, Table
from extract.structure.builder import build_document
from extract.structure.tables import stitch_tables


def _row(*texts: str) -> list[RawCell]:
    return [RawCell(text) for text in texts]


def _table(rows: list[list[RawCell]], page: int = 1) -> Table:
    blocks: list[Paragraph | RawTable] = [RawTable(rows=rows, page=page, after_break=False, pages=[page])]
    items, _ = stitch_tables(blocks, source="t.pdf")
    tables = [item for item in items if isinstance(item, Table)]
    assert len(tables) == 1
    return tables[0]


# KH 2668/KH-UBND Bắc Giang (2010), "Kế hoạch ứng dụng CNTT", page 4, a scan:
# vuhung/03-quanly-vanban-dieuhanh-songanh@64d17ff1ab2576fef3973a55899de315203b42b0:
# 3_Manguon_sanpham/demo.qlvb.dev/sites/default/files/2012/006_xulycv/2012/04/KH2668_CNTT_UB.pdf
# A cost table prints each group's subtotal on the group's own row.


def test_a_group_row_carrying_its_subtotal_is_a_group() -> None:
    table = _table([
        _row("STT", "Nội dung thực hiện", "Thời gian", "Đơn vị chủ trì", "Kinh phí"),
        _row("I", "Cơ sở hạ tầng", "", "", "5997"),
        _row("1", "Đề án xây dựng mạng tin học diện rộng", "2008-2010", "Sở TT&TT và UBND các huyện", "1412"),
        _row("2", "Nâng cấp Trung tâm tích hợp dữ liệu của tỉnh", "2008", "Văn phòng UBND tỉnh", "955"),
        _row("II", "Đầu tư ứng dụng", "", "", "10150"),
        _row("1", "Xây dựng Một cửa điện tử", "2009-2010", "UBND các huyện", "4500"),
    ])
    kinds = [row.kind for row in table.rows]
    assert kinds == [RowKind.HEADER, RowKind.GROUP, RowKind.DATA, RowKind.DATA, RowKind.GROUP, RowKind.DATA]


def test_a_group_heading_numbered_in_its_text_sheds_its_subtotals() -> None:
    # the same plan's annex (page 15): no number column of its own, the heading merged over three columns
    table = _table([
        _row("STT", "Danh mục công trình", "Năm 2011", "Năm 2012", "Năm 2013", "Tổng kinh phí", "Đơn vị chủ trì"),
        _row("I. Ứng dụng CNTT", "I. Ứng dụng CNTT", "2,700", "2,000", "4,700", "24.500", ""),
        _row("1", "Mua sắm, triển khai phần mềm quản lý văn bản", "1,200", "2,000", "1,700", "3,000", "Sở TT&TT"),
    ])
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.GROUP, RowKind.DATA]


def test_a_data_row_keeps_its_figure() -> None:
    # a numbered data row with only a figure beside its title is still data: only group numbers shed amounts
    table = _table([
        _row("STT", "Nội dung thực hiện", "Thời gian", "Đơn vị chủ trì", "Kinh phí"),
        _row("1", "Xây dựng website", "", "", "4150"),
        _row("2", "Đào tạo cán bộ", "", "", "300"),
    ])
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.DATA, RowKind.DATA]



def test_a_row_cut_in_two_by_the_grid_is_read_once() -> None:
    # page 4's last row is four lines tall; the scan's grid cut it in two, every cell spanning both
    # halves, so the lower half is only the merged cells' repeats: before, "Xây dựng website" was two rows
    spanned = ["3", "Xây dựng website", "2009-2010", "UBND các huyện, các cơ quan tỉnh, các tổ chức chính trị - xã hội",
               "4150"]
    table = _table([
        _row("STT", "Nội dung thực hiện", "Thời gian", "Đơn vị chủ trì", "Kinh phí"),
        _row("2", "Dự án Xây dựng cơ sở dữ liệu dân cư tại thành phố Bắc Giang", "6/2010", "Thành phố Bắc Giang",
             "1500"),
        [RawCell(text, row_span=2) for text in spanned],
        [RawCell(text, inherited=True) for text in spanned],
    ])
    assert [row.cells[1].text for row in table.rows[1:]] == [
        "Dự án Xây dựng cơ sở dữ liệu dân cư tại thành phố Bắc Giang", "Xây dựng website"]

# The same plan's annex table (page 15): the OCR grid caught the annex's subtitle ("Kèm theo Kế hoạch số …
# ngày … tháng 11 năm 2010 của UBND tỉnh Bắc Giang", read as garbage) as the table's first row, above
# the real header. The cells below are the OCR's, as printed.


def test_a_title_row_above_the_header_does_not_hide_the_header() -> None:
    garbled = (
        "#086/1S11-UD51NL? IgãY,¿p tang 11 nam ⁄2U1U Của 1N) tình Bác QJIanE) H Lạ -.-!1 À Đơn vị tính: Triệu đồng."
    )
    table = _table([
        _row("(BE€I 1", "4 ciỦy trayy xo DW", garbled, garbled, garbled, garbled),
        _row("STT", "Danh mục công trình", "Kinh phí và phân kỳ thực hiện", "Kinh phí và phân kỳ thực hiện",
             "Tổng kinh phí", "Đơn vị chủ trì và phối hợp thực hiện"),
        _row("1", "Mua sắm, triển khai phần mềm quản lý văn bản", "1,200", "2,000", "3,000", "Sở TT&TT"),
        _row("2", "Nâng cấp hệ thống thư điện tử của tỉnh", "1,500", "0", "1,500", "Sở TT&TT"),
    ])
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.HEADER, RowKind.DATA, RowKind.DATA]
    assert table.header[0] == "STT" and table.header[-1] == "Đơn vị chủ trì và phối hợp thực hiện"


def test_a_catalog_titled_inside_its_frame_keeps_its_entries() -> None:
    # The form annexes of data catalogs take (crafted on that form; no public real one was found): the
    # title merged over every column as the table's first row. Before, the title was every column's
    # label, the header a data row, and no entry was read.
    title = "DANH MỤC CƠ SỞ DỮ LIỆU DÙNG CHUNG CỦA TỈNH"
    rows = [
        [RawCell(title, col_span=4), RawCell(title), RawCell(title), RawCell(title)],
        _row("STT", "Tên cơ sở dữ liệu", "Cơ quan chủ trì", "Tần suất cập nhật"),
        _row("1", "Cơ sở dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", "Hằng năm"),
        _row("2", "Cơ sở dữ liệu đăng ký doanh nghiệp", "Sở Tài chính", "Hằng tháng"),
    ]
    stream = BlockStream(blocks=[RawTable(rows=rows, page=1, after_break=False, pages=[1])], page_count=1)
    document = build_document(stream, source="t.docx", sha256="0", fmt=SourceFormat.DOCX, size_bytes=1)
    assert document.tables[0].header == ["STT", "Tên cơ sở dữ liệu", "Cơ quan chủ trì", "Tần suất cập nhật"]
    entries = [(entry.number, entry.title, entry.unit, entry.frequency_raw) for entry in document.catalog]
    assert entries == [
        ("1", "Cơ sở dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", "Hằng năm"),
        ("2", "Cơ sở dữ liệu đăng ký doanh nghiệp", "Sở Tài chính", "Hằng tháng"),
    ]


# KH 2242/KH-SCT Lào Cai (23/4/2026), the task table of its inspection team:
# Trangsct/skill-sct@3821ed3bb6381b6340da81feaa135a329b025137:
# hl-vlncn-sct-vn/skills/hl-vlncn-sct-vn/vi-du-thuc-te/KH-2242_23.4.2026_Kiem-tra-cap-GCN-28-don-vi.docx
# Each row's TT cell is an empty paragraph numbered by Word ("1.", "2.", …): the number is all it shows.


def _numbered_cell_docx() -> bytes:
    document = new_docx()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))  # abstract definitions come before the instances
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="7"><w:abstractNumId w:val="70"/></w:num>'))
    table = document.add_table(rows=3, cols=3)
    for col, text in enumerate(["TT", "Nhiệm vụ thực hiện", "Người thực hiện"]):
        table.cell(0, col).text = text
    for row, (task, person) in enumerate([("Xây dựng bài kiểm tra, đáp án", "Vũ Việt Linh"),
                                          ("Tổ chức chấm bài", "Nguyễn Thị Loan")], start=1):
        table.cell(row, 0).paragraphs[0]._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr>')
        )
        table.cell(row, 1).text = task
        table.cell(row, 2).text = person
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_number_cell_numbered_by_word_keeps_its_number() -> None:
    stream = read_docx(_numbered_cell_docx(), "kh2242.docx")
    tables = [block for block in stream.blocks if isinstance(block, RawTable)]
    assert [row[0].text for row in tables[0].rows] == ["TT", "1.", "2."]
