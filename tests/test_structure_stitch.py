"""Document-level table structure: continuation over pages, layout grids, tables of contents, catalog evidence.

Crafted block streams pin each rule; the real documents (``../shared/realdocs``) check the figures
the rules were built for and are skipped, visibly, when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.api import extract_file
from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.model import Document, RowKind, SourceFormat, Table
from extract.structure.builder import build_document
from extract.structure.catalog import extract_catalog
from extract.structure.continuation import number_follows
from extract.structure.tables import stitch_tables
from realdocs import REALDOCS

HEADER = ["STT", "Tên văn bản", "Nội dung liên quan", "Nội dung giao quy định", "Văn bản quy định chi tiết",
          "Tình trạng", "Ghi chú"]


def _row(*texts: str, inherited: tuple[int, ...] = ()) -> list[RawCell]:
    return [RawCell(text, inherited=col in inherited) for col, text in enumerate(texts)]


def _data(number: str, name: str, page: int) -> list[RawCell]:
    return _row(number, f"Thông tư số {number}/2014/TT-BTNMT", "Toàn bộ văn bản",
                f"Khoản {number} Điều 3 giao Bộ trưởng quy định chi tiết", "", f"Hiệu lực ngày 0{page}/7/2014", name)


def _fragment(rows: list[list[RawCell]], page: int, *, after_break: bool = True) -> RawTable:
    return RawTable(rows=rows, page=page, after_break=after_break, pages=[page])


def _tables(blocks: list[Paragraph | RawTable]) -> tuple[list[Table], list[str]]:
    items, warnings = stitch_tables(blocks, source="t.pdf")
    return [item for item in items if isinstance(item, Table)], [warning.code for warning in warnings]


# ---------------------------------------------------------------- continuation without a repeated header


def test_table_continued_without_header_is_one_table_and_no_data_row_becomes_header() -> None:
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), _data("1", "", 1), _data("2", "", 1)], 1, after_break=False),
        Paragraph(text="2", page=2),  # the page number: furniture
        _fragment([_row("", "", "", "Khoản 9 Điều 96 giao Bộ trưởng", "Thông tư số 24/2014/TT-BTNMT",
                        "Hiệu lực thi hành ngày 05/7/2014", ""), _data("3", "", 2)], 2),
        _fragment([_data("4", "", 3), _data("5", "", 3)], 3),
    ]
    tables, warnings = _tables(blocks)
    assert len(tables) == 1
    table = tables[0]
    assert table.pages == [1, 2, 3]
    kinds = [row.kind for row in table.rows]
    assert kinds.count(RowKind.HEADER) == 1
    assert [row.cells[0].text for row in table.rows if row.kind is RowKind.DATA] == ["1", "2", "3", "4", "5"]
    # the row cut by the break is joined on cell by cell, columns kept
    second = [row for row in table.rows if row.kind is RowKind.DATA][1]
    assert second.cells[3].text.endswith("Khoản 9 Điều 96 giao Bộ trưởng")
    assert second.cells[4].text == "Thông tư số 24/2014/TT-BTNMT"
    assert all(len(row.cells) == 7 for row in table.rows)
    assert "table_continuation_uncertain" not in warnings


def test_a_fragment_with_its_own_header_after_a_break_starts_a_new_table() -> None:
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), _data("1", "", 1)], 1, after_break=False),
        _fragment([_row("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian", "Ghi chú"),
                   _row("1", "Xây dựng cơ sở dữ liệu", "Sở Tư pháp", "", "Cơ sở dữ liệu", "Quý IV/2026", "")], 2),
    ]
    tables, _ = _tables(blocks)
    assert len(tables) == 2
    assert tables[1].header[1] == "Tên nhiệm vụ"


def test_repeated_header_is_still_dropped() -> None:
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), _data("1", "", 1)], 1, after_break=False),
        _fragment([_row(*HEADER), _data("2", "", 2)], 2),
    ]
    tables, _ = _tables(blocks)
    assert len(tables) == 1
    assert [row.kind for row in tables[0].rows].count(RowKind.HEADER) == 1


def test_a_wider_fragment_with_a_stray_blank_column_is_lined_up() -> None:
    wide = [
        _row("19", "Thông tư số 330/2016/TT-BTC", "Toàn bộ văn bản", "", "", "", "", ""),
        _row("1", "Luật Tài nguyên môi trường biển", "Toàn bộ văn bản", "", "Khoản 3 Điều 11 giao Chính phủ",
             "Nghị định số 40/2016/NĐ-CP", "Hiệu lực thi hành từ ngày 15/7/2016", ""),
    ]
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), *[_data(str(n), "", 1) for n in range(1, 19)]], 1, after_break=False),
        _fragment(wide, 2),
    ]
    tables, warnings = _tables(blocks)
    assert len(tables) == 1
    last = tables[0].rows[-1]
    assert len(last.cells) == 7
    assert last.cells[3].text == "Khoản 3 Điều 11 giao Chính phủ"
    assert last.cells[5].text.startswith("Hiệu lực")
    assert "table_columns_misaligned" not in warnings


def test_continuation_on_width_alone_is_flagged() -> None:
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), _data("1", "", 1), _data("2", "", 1)], 1, after_break=False),
        _fragment([_data("7", "", 2)], 2),  # 7 after 2: the numbering does not continue
    ]
    tables, warnings = _tables(blocks)
    assert len(tables) == 1
    assert "table_continuation_uncertain" in warnings


@pytest.mark.parametrize(
    ("last", "number", "follows"),
    [
        (("18", "I."), "19", True),
        (("18", "I."), "18", True),  # a merged number printed again
        (("18", "I."), "20", False),
        (("", "I."), "1", True),  # first row under a group
        (("16", "II."), "III.", True),
        (("2.2", ""), "2.3", True),
        (("2", ""), "2.1", True),
        (("2.5", ""), "3", True),
        (("2.5", ""), "5", False),
    ],
)
def test_number_follows(last: tuple[str, str], number: str, follows: bool) -> None:
    assert number_follows(last, number) is follows


# ---------------------------------------------------------------- grids that are not tables


def test_prose_in_a_grid_becomes_paragraphs() -> None:
    line = "Trưởng các phòng ban, đơn vị liên quan căn cứ Kế hoạch này tổ chức thực hiện"
    tail = "nghiêm túc các nội dung được giao."
    grid = RawTable(rows=[_row(line, line), _row(tail, tail),
                          _row("2. Giao phòng Tài chính - Kế hoạch bố trí kinh phí thực hiện kế hoạch", "")], page=6)
    items, _ = stitch_tables([grid], source="t.pdf")
    assert not any(isinstance(item, Table) for item in items)
    assert [item.text for item in items if isinstance(item, Paragraph)] == [
        f"{line} nghiêm túc các nội dung được giao.",
        "2. Giao phòng Tài chính - Kế hoạch bố trí kinh phí thực hiện kế hoạch",
    ]


def _document(blocks: list[Paragraph | RawTable]) -> Document:
    stream = BlockStream(blocks=blocks, page_count=3)
    return build_document(stream, source="t.docx", sha256="0", fmt=SourceFormat.DOCX, size_bytes=1)


def test_table_of_contents_is_kept_out_of_sections() -> None:
    blocks: list[Paragraph | RawTable] = [
        Paragraph(text="MỤC LỤC", page=1),
        Paragraph(text="I. MỤC ĐÍCH, YÊU CẦU ........................ 2", page=1),
        Paragraph(text="1. Mục đích ..................................... 2", page=1),
        Paragraph(text="II. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU TRONG NĂM", page=1),
        Paragraph(text="2026 ............................................ 4", page=1),
        Paragraph(text="I. MỤC ĐÍCH, YÊU CẦU", page=2),
        Paragraph(text="1. Mục đích", page=2),
        Paragraph(text="Xây dựng cơ sở dữ liệu.", page=2),
        Paragraph(text="II. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU TRONG NĂM 2026", page=2),
    ]
    document = _document(blocks)
    assert [section.label for section in document.sections] == ["I.", "II."]
    assert document.sections[0].provenance.page == 2
    assert "table_of_contents_skipped" in [warning.code for warning in document.warnings]


def test_table_of_contents_set_as_a_table_is_not_a_table() -> None:
    contents = RawTable(rows=[_row("I. MỤC ĐÍCH, YÊU CẦU", "2"), _row("II. NHIỆM VỤ", "4"), _row("III. TỔ CHỨC", "9")],
                        page=1)
    document = _document([Paragraph(text="MỤC LỤC", page=1), contents, Paragraph(text="I. MỤC ĐÍCH, YÊU CẦU", page=2)])
    assert document.tables == []
    assert [section.label for section in document.sections] == ["I."]


# ---------------------------------------------------------------- catalog evidence


def _catalog(header: list[str], rows: list[list[str]]) -> tuple[int, list[str]]:
    table = RawTable(rows=[_row(*header), *[_row(*row) for row in rows]])
    items, _ = stitch_tables([table], source="t.docx")
    entries, warnings = extract_catalog(items, source="t.docx")
    return len(entries), [warning.code for warning in warnings]


def test_workflow_table_is_not_a_catalog() -> None:
    count, _ = _catalog(["Bước", "Tên", "Mô tả", "Thông tin đầu vào", "Thông tin đầu ra"],
                        [["1", "Chọn danh sách", "Cán bộ chọn danh sách", "Yêu cầu", "Danh sách"]])
    assert count == 0


def test_dataset_catalog_is_taken_without_warning() -> None:
    count, warnings = _catalog(["TT", "Đơn vị chủ trì cung cấp", "Tên tập dữ liệu", "Mô tả", "Tần suất cung cấp"],
                               [["1", "Ban Quản lý", "Dữ liệu doanh nghiệp", "Thông tin doanh nghiệp", "Hằng năm"]])
    assert count == 1
    assert "catalog_weak_evidence" not in warnings


def test_bare_name_column_with_two_catalog_columns_is_taken_with_a_warning() -> None:
    count, warnings = _catalog(["TT", "Tên", "Đơn vị quản lý", "Tần suất cập nhật"],
                               [["1", "Đất đai", "Sở Tài nguyên và Môi trường", "Hằng năm"]])
    assert count == 1
    assert "catalog_weak_evidence" in warnings


# ---------------------------------------------------------------- real documents


def _real(name: str) -> Path:
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"real document {name} not found under {REALDOCS} (../shared/realdocs is absent)")
    return path


def test_btp_list_of_legal_documents_is_one_table() -> None:
    document = extract_file(_real("BTP-1043-danhmuc-VBQPPL.pdf"))
    assert len(document.tables) == 1
    table = document.tables[0]
    assert len(table.header) == 7
    assert table.pages[0] == 1 and table.pages[-1] == 52
    assert [row.kind for row in table.rows].count(RowKind.HEADER) == 1
    assert all(len(row.cells) == 7 for row in table.rows)
    assert [row.cells[0].text for row in table.rows if row.kind is RowKind.GROUP] == ["I.", "II.", "III."]
    # the gold counts 111 rows (3 groups, 63 items, 45 sub-items under merged cells)
    assert sum(1 for row in table.rows if row.kind is not RowKind.HEADER) >= 105
    assert document.catalog == []


def test_dong_nai_docx_has_one_six_row_catalog() -> None:
    document = extract_file(_real("DongNai-CSDL-yeu-cau-ky-thuat.docx"))
    assert len(document.tables) == 24
    assert len(document.catalog) == 6
    assert {entry.table for entry in document.catalog} == {24}


def test_markdown_task_table_stays_a_table() -> None:
    document = extract_file(_real("NQ-03-2025-NQ-CP-PL2-nhiemvu-transcription.md"))
    assert len(document.tables) == 1
    assert sum(1 for row in document.tables[0].rows if row.kind is RowKind.DATA) >= 140
    assert document.catalog == []


def test_prose_boxes_in_a_plan_are_not_tables() -> None:
    document = extract_file(_real("KH-3070-UBND-BimSon.pdf"))
    assert document.tables == []


def test_borderless_grid_of_paragraphs_is_not_a_table() -> None:
    left = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn bản hướng dẫn thi hành"
    right = "Xét đề nghị của Giám đốc Sở Thông tin và Truyền thông tại Tờ trình số 12/TTr-STTTT ngày 5 tháng 3 năm 2026"
    grid = RawTable(rows=[_row(left, right), _row(right, left)], borderless=True)
    items, _ = stitch_tables([grid], source="t.docx")
    assert not any(isinstance(item, Table) for item in items)
    assert [item.text for item in items if isinstance(item, Paragraph)][0] == f"{left} {right}"
    # the same grid with lines and a numbered first column is data
    numbered = RawTable(rows=[_row("STT", "Nội dung"), _row("1", left), _row("2", right)])
    items, _ = stitch_tables([numbered], source="t.docx")
    assert any(isinstance(item, Table) for item in items)


def test_row_starting_a_page_under_merged_cells_is_a_row_of_its_own() -> None:
    item = _row("1", "Luật Đất đai (số 45/2013/QH13 ngày 29/11/2013)", "Toàn bộ văn bản",
                "Khoản 3 Điều 31 giao Bộ trưởng quy định việc lập bản đồ địa chính.",
                "Thông tư số 25/2014/TT-BTNMT ngày 19/5/2014 quy định về bản đồ địa chính",
                "Hiệu lực thi hành ngày 05/7/2014", "")
    # page 2: the number and name cells are merged over this row and the next (the reader marks
    # the next row's cells inherited); this row fills only the columns right of them
    first = [RawCell("", row_span=2), RawCell("", row_span=2), RawCell("", row_span=2), RawCell(""),
             RawCell("Thông tư số 33/2017/TT-BTNMT ngày 29/9/2017"), RawCell("Hiệu lực thi hành từ ngày 05/12/2017"),
             RawCell("")]
    second = _row("", "", "", "Khoản 3 Điều 64 giao Chính phủ quy định chi tiết",
                  "Nghị định số 43/2014/NĐ-CP", "Hiệu lực thi hành ngày 01/7/2014", "", inherited=(0, 1, 2))
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*HEADER), item], 1, after_break=False),
        _fragment([first, second], 2),
    ]
    tables, _ = _tables(blocks)
    data = [row for row in tables[0].rows if row.kind is RowKind.DATA]
    assert len(data) == 3
    assert data[0].cells[4].text == "Thông tư số 25/2014/TT-BTNMT ngày 19/5/2014 quy định về bản đồ địa chính"
    assert data[1].cells[4].text == "Thông tư số 33/2017/TT-BTNMT ngày 29/9/2017"


def test_code_names_cut_across_lines_are_glued_back() -> None:
    from extract.structure.tables import join_cell_lines

    assert join_cell_lines("TONG_VON_DAU_T\nU_USD") == "TONG_VON_DAU_TU_USD"
    assert join_cell_lines("NGAY_DIEU_CHINH\n_GCNDKDN") == "NGAY_DIEU_CHINH_GCNDKDN"
    assert join_cell_lines("Sở Kế hoạch\nvà Đầu tư") == "Sở Kế hoạch và Đầu tư"
    assert join_cell_lines("MA_SO\nthuế doanh nghiệp") == "MA_SO thuế doanh nghiệp"


def test_repeated_header_with_a_glued_tail_is_still_the_header() -> None:
    header = _row("Trường dữ liệu", "Ký hiệu trường dữ liệu", "Kiểu dữ liệu", "Độ dài", "Mô tả")
    glued = _row("Trường dữ liệu", "Ký hiệu trường dữ liệu", "Kiểu dữ liệu", "Độ dài", "Mô tả nước thải")
    blocks: list[Paragraph | RawTable] = [
        _fragment([header, _row("Mã số thuế", "MA_SO_THUE", "Chuỗi ký tự", "15", "")], 1, after_break=False),
        _fragment([glued, _row("Địa chỉ", "DIA_CHI", "Chuỗi ký tự", "500", "")], 2),
    ]
    tables, _ = _tables(blocks)
    assert len(tables) == 1
    assert [row.kind for row in tables[0].rows].count(RowKind.HEADER) == 1


# ---------------------------------------------------------------- a two-level header cut by a page break


def _field(name: str, symbol: str, page: int) -> list[RawCell]:
    return _row(name, symbol, "Chuỗi ký tự", "String", "50", "")


def test_a_header_cut_by_a_page_break_is_one_header_not_a_phantom_table() -> None:
    """Đồng Nai p.133-134: the header's labels set high in their two-row cells stay on p.133 (with the
    spanning "Kiểu dữ liệu" read as one cell), those set low go to p.134 with the sub-labels."""
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row("", "Ký hiệu trường dữ liệu", "Kiểu dữ liệu", "", "Mô tả")], 133, after_break=False),
        Paragraph(text="133", page=133),  # the page number between the halves: furniture
        _fragment(
            [_row("Trường dữ liệu", "", "Tiếng việt", "Tiếng anh", "Độ dài", ""),
             _field("Tên công ty", "MA_CONGTY", 134), _field("Mã số thuế", "MA_SO_THUE", 134)],
            134,
        ),
    ]
    tables, _ = _tables(blocks)
    assert len(tables) == 1
    table = tables[0]
    assert table.header == ["Trường dữ liệu", "Ký hiệu trường dữ liệu", "Kiểu dữ liệu Tiếng việt",
                            "Kiểu dữ liệu Tiếng anh", "Độ dài", "Mô tả"]
    assert table.pages == [133, 134]
    assert [row.cells[1].text for row in table.rows if row.kind is RowKind.DATA] == ["MA_CONGTY", "MA_SO_THUE"]


@pytest.mark.parametrize(
    "upper",
    [
        ["Trường dữ liệu", "Ký hiệu", "Kiểu dữ liệu", "Độ dài", "Mô tả"],  # a complete header: a table of its own
        ["", "Ký hiệu", "Kiểu dữ liệu", "Ghi chú", "Mô tả"],  # "Ghi chú" over "Tiếng anh": two labels, one column
    ],
)
def test_a_label_row_ending_a_page_is_not_joined_to_the_next_pages_header_without_evidence(upper: list[str]) -> None:
    blocks: list[Paragraph | RawTable] = [
        _fragment([_row(*upper)], 133, after_break=False),
        _fragment(
            [_row("Trường dữ liệu", "", "Tiếng việt", "Tiếng anh", "Độ dài"), _field("Tên công ty", "MA_CONGTY", 134)],
            134,
        ),
    ]
    tables, _ = _tables(blocks)
    assert len(tables) == 2


# ---------------------------------------------------------------- the session-13 trial (docs/realdocs-trial.md)


def test_a_received_box_stamp_is_not_a_table() -> None:
    # The "received" stamps of two real scans, as OCR read them (CT 07/CT-UBND Quảng Ngãi 2018; QĐ 1380/QĐ-TTg).
    stamps = [
        RawTable(rows=[[RawCell("ITTUISTO TETN VUVƯISUO ĐPSV GŒ", col_span=2)] * 2,
                       [RawCell("CV ĐẾN"), RawCell("Ngày:42.L..A....„A.........\nCh uyên Van010000080160000001100")]],
                 page=1),
        RawTable(rows=[[RawCell("CỔNG THÔNG TTR ĐIỆN TỬ CHÍNH PHỦ,")], [RawCell("ĐẾN Nzà..c1.Lb|.202 5...")]], page=1),
    ]
    for stamp in stamps:
        items, warnings = stitch_tables([stamp], source="t.pdf")
        assert not [item for item in items if isinstance(item, Table)]
        assert [warning.code for warning in warnings] == ["received_stamp_skipped"]
    # A small table of the text that reads "đến" is a table; so is a title box "ĐẾN NĂM 2030".
    kept = [
        RawTable(rows=[[RawCell("Thời gian"), RawCell("Từ ngày 01/3 đến ngày 05/3/2025")]], page=1),
        RawTable(rows=[[RawCell("TẦM NHÌN")], [RawCell("ĐẾN NĂM 2030")]], page=1),
    ]
    for table in kept:
        items, _ = stitch_tables([table], source="t.pdf")
        assert [item for item in items if isinstance(item, Table)]


def test_a_four_column_header_grid_is_layout() -> None:
    # Công văn giao 3653/VPCP (Lâm Đồng, 2026): the header table, a spacer column and a subject line spanning three.
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    date = "Lâm Đồng, ngày tháng 4 năm 2026"
    subject = "V/v triển khai thực hiện Công văn số 3653/VPCP-CĐS"
    header = RawTable(
        rows=[
            [RawCell("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG"), RawCell(motto, col_span=2), RawCell(motto, col_span=2),
             RawCell("")],
            [RawCell("Số: /UBND-NC"), RawCell(date, col_span=2), RawCell(date, col_span=2), RawCell("")],
            [RawCell(subject, col_span=3), RawCell(subject, col_span=3), RawCell(subject, col_span=3), RawCell("")],
        ],
        ruled=False,
        borderless=True,
    )
    items, _ = stitch_tables([header], source="t.docx")
    assert not [item for item in items if isinstance(item, Table)]
    assert any(isinstance(item, Paragraph) and item.text == "Số: /UBND-NC" for item in items)
