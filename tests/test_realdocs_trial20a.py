"""Session 20, helper rd20a (docs/realdocs-trial.md, "Session 20 (rd20a)"): tables of real documents.

Each test is a short snippet of a real document, its cells as the reader hands them over, pinning a
rule that failed on it. Sources are named with repository@commit:path.
"""

from __future__ import annotations

from extract.blocks import BlockStream, Paragraph, RawCell, RawTable
from extract.model import RowKind, SourceFormat, Table
from extract.structure.builder import build_document
from extract.structure.tables import stitch_tables

SCT = "Trangsct/skill-sct@3821ed3bb6381b6340da81feaa135a329b025137"
QLVB = "hpbaotho/04-quanly-vanban-quanhuyen@50021bc5f7066d9f17af69c5dc7be49cb53bfb86"


def _row(*texts: str) -> list[RawCell]:
    return [RawCell(text) for text in texts]


def _merged(text: str, span: int) -> list[RawCell]:
    return [RawCell(text, col_span=span) for _ in range(span)]


def _items(rows: list[list[RawCell]], *, borderless: bool = False) -> list[Paragraph | Table]:
    block = RawTable(rows=rows, page=1, after_break=False, pages=[1], borderless=borderless)
    items, _ = stitch_tables([block], source="t.docx")
    return items


def _table(rows: list[list[RawCell]]) -> Table:
    tables = [item for item in _items(rows) if isinstance(item, Table)]
    assert len(tables) == 1
    return tables[0]


# ---------------------------------------------------------------- total rows

# NĐ 178/2026/NĐ-CP, form 01 ("Biên bản bàn giao, tiếp nhận tài sản kết cấu hạ tầng"), part B's table:
# {SCT}:kccn-sct-vn/skills/kccn-sct-vn/van-ban-goc/ND-178-2026-tai-san-ket-cau-ha-tang.docx
# The form's body is one "Tổng cộng" row under a three-row header (labels, sub-labels, column numbers).


def test_a_forms_total_row_is_a_total() -> None:
    table = _table(
        [
            [
                *_row("STT", "Tên tài sản (Chi tiết theo từng tài sản)", "Địa chỉ", "Năm đưa vào sử dụng"),
                *_merged("Giá trị tài sản (đồng)", 2),
            ],
            [
                *(
                    RawCell(text, inherited=True)
                    for text in ("STT", "Tên tài sản (Chi tiết theo từng tài sản)", "Địa chỉ", "Năm đưa vào sử dụng")
                ),
                RawCell("Nguyên giá"),
                RawCell("Giá trị còn lại"),
            ],
            _row("1", "2", "3", "4", "5", "6"),
            _row("", "Tổng cộng", "", "", "", ""),
        ]
    )
    assert [row.kind for row in table.rows] == [RowKind.HEADER] * 3 + [RowKind.TOTAL]


# "Đề cương & dự toán chi tiết xây dựng phần mềm QLVB — Sở Y tế + Sở Công Thương" (.doc), section V's cost
# table: {QLVB}:"Ma nguon/Code/qlvb_v1/public/attach-file/2012/12/23/
# 2012_12_23_0302000000935452!~!De cuong & Du toan chi tiet xay dung phan mem QLVB - SYT + SCT.doc"
# Each group's heading is merged over the number, content and unit columns beside its subtotal; the
# grand total closes the table.
_COST_HEADER = _row("STT", "Nội dung", "ĐVT", "SL", "Đơn giá đã có VAT", "T.Tiền (VND)")
_TRAINING = "Đào tạo, hướng dẫn sử dụng và chuyển giao công nghệ"


def test_a_group_merged_over_its_number_sheds_its_subtotal_and_the_total_closes_the_table() -> None:
    table = _table(
        [
            _COST_HEADER,
            [*_merged(_TRAINING, 5), RawCell("5,200,000")],
            _row(
                "1",
                "Thù lao giảng viên - bao gồm cả tiền ăn (2 người x 5 ngày)",
                "người/ngày",
                "10",
                "290,000",
                "2,900,000",
            ),
            _row("2", "Chi phí ở cho giảng viên (2 phòng x 05 ngày)", "Phòng/ngày", "10", "170,000", "1,700,000"),
            _row("", "TỔNG CỘNG", "", "", "", "6,320,000"),
        ]
    )
    kinds = [row.kind for row in table.rows]
    assert kinds == [RowKind.HEADER, RowKind.GROUP, RowKind.DATA, RowKind.DATA, RowKind.TOTAL]
    # the total's blank number does not take the number of the row above
    assert table.rows[-1].cells[0].text == ""


def test_a_total_row_makes_no_task() -> None:
    # KH 2668/KH-UBND Bắc Giang (2010), page 4's cost table, ends with its total row, read by the OCR as
    # "Tông" (session 19 reported it a data row): vuhung/03-quanly-vanban-dieuhanh-songanh@
    # 64d17ff1ab2576fef3973a55899de315203b42b0:3_Manguon_sanpham/demo.qlvb.dev/sites/default/files/2012/
    # 006_xulycv/2012/04/KH2668_CNTT_UB.pdf (the two project rows as in test_realdocs_trial19c)
    rows = [
        _row("STT", "Nội dung thực hiện", "Thời gian", "Đơn vị chủ trì", "Kinh phí"),
        _row("1", "Đề án xây dựng mạng tin học diện rộng", "2008-2010", "Sở TT&TT và UBND các huyện", "1412"),
        _row("2", "Nâng cấp Trung tâm tích hợp dữ liệu của tỉnh", "2008", "Văn phòng UBND tỉnh", "955"),
        _row("", "Tông", "", "", "31,600"),
    ]
    stream = BlockStream(blocks=[RawTable(rows=rows, page=1, after_break=False, pages=[1])], page_count=1)
    document = build_document(stream, source="t.pdf", sha256="0", fmt=SourceFormat.PDF, size_bytes=1)
    assert [row.kind for row in document.tables[0].rows][-1] is RowKind.TOTAL
    assert [task.content for task in document.tasks] == [
        "Đề án xây dựng mạng tin học diện rộng",
        "Nâng cấp Trung tâm tích hợp dữ liệu của tỉnh",
    ]


def test_rows_that_only_open_like_a_total_stay_data() -> None:
    """Guard: "Cộng đồng …", "Tổng hợp …" and a total with words after it are content, not sums."""
    table = _table(
        [
            _row("STT", "Nội dung", "Đơn vị chủ trì", "Kinh phí"),
            _row("", "Cộng đồng dân cư", "", "120"),
            _row("", "Tổng hợp số liệu", "", "40"),
            _row("", "Tổng cộng: 25 nhiệm vụ", "", ""),
        ]
    )
    assert [row.kind for row in table.rows[1:]] == [RowKind.DATA] * 3


# ---------------------------------------------------------------- letter layout set as a borderless table

# BC/UBND Lào Cai, "Báo cáo công tác quản lý nhà nước về khoáng sản năm 2025":
# {SCT}:qlks-sct-vn/skills/qlks-sct-vn/van-ban-goc/BC-UBND-QLNN-khoang-san-nam-2025.docx
# and Sở Công Thương Lào Cai's monthly report on occupational safety:
# {SCT}:vbhc-vn/skills/vbhc-vn/examples/sct/bao-cao-ket-qua-thang-atvsld.docx
# The addressees sit beside their label in a borderless table: before, a header-less table of one row.


def test_the_addressees_beside_kinh_gui_are_no_table() -> None:
    for addressees in (
        "- Bộ Nông nghiệp và Môi trường; - Bộ Công Thương; - Bộ Xây dựng.",
        "- Cục Kỹ thuật an toàn và Môi trường công nghiệp; - Sở Nội vụ tỉnh Lào Cai.",
    ):
        items = _items([_row("Kính gửi:", addressees)], borderless=True)
        assert not [item for item in items if isinstance(item, Table)]
        assert [item.text for item in items if isinstance(item, Paragraph)][0] == "Kính gửi:"


def test_a_forms_signature_grid_is_no_table() -> None:
    # NĐ 178/2026's form 01 (above) and a blasting plan's approval block, Lào Cai 2026:
    # {SCT}:sd-vlncn-sct-vn/skills/sd-vlncn-sct-vn/vi-du-thuc-te/PANM-Mong-Son-chinh-sua-2026.docx
    witness = "ĐẠI DIỆN CƠ QUAN CHỨNG KIẾN (nếu có) (Ký, ghi rõ họ tên)"
    grids = [
        [
            _row("ĐẠI DIỆN BÊN NHẬN (Ký, ghi rõ họ tên, đóng dấu)", "ĐẠI DIỆN BÊN GIAO (Ký, ghi rõ họ tên, đóng dấu)"),
            _merged(witness, 2),
        ],
        [
            _row(
                "Phê duyệt (Người quản lý) Phạm Văn Đức",
                "Lào Cai, ngày tháng 07 năm 2026 Người lập phương án (Chỉ huy nổ mìn) Nguyễn Ngọc Tú",
            )
        ],
    ]
    for rows in grids:
        assert not [item for item in _items(rows, borderless=True) if isinstance(item, Table)]


def test_a_borderless_data_table_stays_a_table() -> None:
    """Guard: a borderless grid of numbered rows is data even when a cell names a representative."""
    rows = [
        _row("TT", "Nhiệm vụ thực hiện", "Người thực hiện"),
        _row("1.", "Rà soát hồ sơ đề nghị", "Đại diện bên nhận hồ sơ"),
        _row("2.", "Xây dựng bài kiểm tra, đáp án", "Vũ Việt Linh"),
    ]
    assert len([item for item in _items(rows, borderless=True) if isinstance(item, Table)]) == 1


# ---------------------------------------------------------------- the row numbering the columns

# Báo cáo of Sở Công Thương Bắc Ninh (10/2012), its annex "Giá trị SXCN, xuất nhập khẩu, tổng mức lưu chuyển
# hàng hóa" (page 7, a scan): vuhung/03-quanly-vanban-dieuhanh-songanh@64d17ff1ab2576fef3973a55899de315203b42b0:
# 3_Manguon_sanpham/demo.qlvb.dev/sites/default/files/2012/003_vanbanden/2012/10/170-bc-sct.pdf
# The row under the header numbers the text columns with letters and the computed ones with their formula;
# the OCR dropped one index ("8=4/1" read "=4/1"). Before, the row was data.


def test_a_reports_column_index_row_belongs_to_the_header() -> None:
    # the cells as the OCR grid gave them: "Stt" and "Chỉ tiêu" read as one cell over both columns
    stt = "Stt Chỉ tiêu"
    table = _table(
        [
            [
                *_merged(stt, 2),
                RawCell("ĐV tính"),
                RawCell("Kế hoạch năm 2012"),
                *_merged("Năm 2012", 2),
                *_merged("So sánh", 2),
            ],
            [
                *(RawCell(text, inherited=True) for text in (stt, stt, "ĐV tính", "Kế hoạch năm 2012")),
                *_row("TH tháng 9", "dự tính tháng 10", "ƯTH T10 so với T9/2012", "ƯTH 10 tháng so KH 2012"),
            ],
            _row("A", "B", "C", "1", "2", "3", "7=3/2", "=4/1"),
            _row("1", "Phân theo loại hình kinh tế", "Tỷ.đ", "6.780,0", "633,0", "646,6", "102,1", "82,5"),
            _row("", "- Kinh tế nhà nước", "Tỷ.đ", "1.348,0", "99,2", "111,4", "112,3", "71,0"),
        ]
    )
    assert [row.kind for row in table.rows] == [RowKind.HEADER] * 3 + [RowKind.DATA] * 2
    assert table.header[1:4] == ["Stt Chỉ tiêu", "ĐV tính", "Kế hoạch năm 2012"]
    assert table.header[4:6] == ["Năm 2012 TH tháng 9", "Năm 2012 dự tính tháng 10"]


def test_letters_alone_are_no_column_index() -> None:
    """Guard: a first row of capital letters only ("A | B | C") is not taken for the columns' numbering."""
    table = _table(
        [
            _row("Ký hiệu", "Tên khu vực", "Mã"),
            _row("A", "B", "C"),
            _row("D", "E", "F"),
        ]
    )
    assert [row.kind for row in table.rows][1:] != [RowKind.HEADER, RowKind.HEADER]


# ---------------------------------------------------------------- a narrow table's two-level header

# Phương án nổ mìn, Công ty CP Mông Sơn, Lào Cai 2026, its corner-point table (section 2.1):
# {SCT}:sd-vlncn-sct-vn/skills/sd-vlncn-sct-vn/vi-du-thuc-te/PANM-Mong-Son-chinh-sua-2026.docx
# Three columns: "Điểm góc" merged down over two header rows, "X (m) | Y (m)" under the coordinate system's label.
# Before, the sub-labels were a data row: a three-column table cannot leave two columns blank.


def test_the_sub_labels_of_a_narrow_table_are_header() -> None:
    system = "Tọa độ hệ VN 2000 (Kinh tuyến 105, múi chiếu 3°)"
    table = _table(
        [
            [RawCell("Điểm góc"), *_merged(system, 2)],
            [RawCell("Điểm góc", inherited=True), RawCell("X (m)"), RawCell("Y (m)")],
            _row("1", "2418 692", "490 216"),
            _row("5a", "2418 583", "490 912"),
        ]
    )
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.HEADER, RowKind.DATA, RowKind.DATA]
    assert table.header[1:] == [f"{system} X (m)", f"{system} Y (m)"]


def test_figures_under_a_spanning_label_stay_data() -> None:
    """Guard: a row of figures under a spanning label, beside a merged cell, is not a header level."""
    table = _table(
        [
            [RawCell("Điểm góc"), *_merged("Tọa độ", 2)],
            [RawCell("Điểm góc", inherited=True), RawCell("2418 692"), RawCell("490 216")],
            _row("2", "2418 691", "490 622"),
        ]
    )
    assert [row.kind for row in table.rows][1] is RowKind.DATA
