"""Write the Word files of ``tests/data/genre/``, their LibreOffice PDFs and scans (run again to refresh them).

    PYTHONPATH=. .venv/bin/python tests/data/make_genre_files.py   (the corpus renderer is not an installed package)

These are documents of the genre written for the tests, not taken from the seeds: other issuers
(a department under its province committee, a commune), other column wordings and orders, a
sharing level ticked in sub-columns, a header whose two columns are separated by a tab or sit in
one table cell with a soft line break. The text files beside them are written by hand. Every output is
byte-identical from run to run (the corpus renderer's fixed ZIP times and PDF dates; scans seeded by name).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from corpus.render.docx_writer import normalise_zip
from corpus.render.pdf import convert_to_pdf
from corpus.render.scan import render_scan

GENRE = Path(__file__).resolve().parent / "genre"


def _save(document: DocxDocument, target: Path) -> None:
    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(normalise_zip(buffer.getvalue()))  # fixed ZIP timestamps: the same bytes every run


def _fill(table: Table, rows: list[tuple[str, ...]]) -> None:
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value


def department_decision() -> Path:
    """Quyết định of a Sở: committee and department in one header cell, a task table, an open-data list."""
    document = Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "UBND TỈNH PHÚ THỌ\nSỞ KHOA HỌC VÀ CÔNG NGHỆ"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for text in (
        "Số: 24/QĐ-SKHCN\tPhú Thọ, ngày 07/02/2026",
        "QUYẾT ĐỊNH",
        "Ban hành Danh mục dữ liệu mở của Sở Khoa học và Công nghệ năm 2026",
        "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09 tháng 4 năm 2020 của Chính phủ về quản lý, kết nối và "
        "chia sẻ dữ liệu số của cơ quan nhà nước;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Ban hành kèm theo Quyết định này Danh mục dữ liệu mở và kế hoạch thực hiện.",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
        "PHỤ LỤC I",
        "NHIỆM VỤ TRIỂN KHAI",
    ):
        document.add_paragraph(text)
    tasks = document.add_table(rows=1, cols=5)
    tasks.style = "Table Grid"
    labels = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    for cell, label in zip(tasks.rows[0].cells, labels, strict=True):
        cell.text = label
    _fill(
        tasks,
        [
            ("1", "Công bố danh mục dữ liệu mở", "Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Tháng 9/2026"),
            ("2", "Cập nhật dữ liệu lên cổng dữ liệu mở", "Trung tâm Thông tin và Thống kê KH&CN",
             "Các phòng chuyên môn", "Thường xuyên"),
        ],
    )  # fmt: skip
    document.add_paragraph("PHỤ LỤC II")
    document.add_paragraph("DANH MỤC DỮ LIỆU MỞ")
    catalog = document.add_table(rows=1, cols=6)
    catalog.style = "Table Grid"
    labels = ["STT", "Tên tập dữ liệu", "Mô tả nội dung", "Đơn vị quản lý", "Tần suất cập nhật", "Ghi chú"]
    for cell, label in zip(catalog.rows[0].cells, labels, strict=True):
        cell.text = label
    _fill(
        catalog,
        [
            ("1", "Dữ liệu doanh nghiệp khoa học và công nghệ", "Tên, địa chỉ, lĩnh vực", "Phòng Quản lý khoa học",
             "6 tháng/lần", ""),
            ("2", "Dữ liệu nhiệm vụ KH&CN cấp tỉnh", "Tên nhiệm vụ, chủ nhiệm, kinh phí", "Phòng Quản lý khoa học",
             "Khi có sự thay đổi", ""),
            ("3", "Dữ liệu tiêu chuẩn đo lường chất lượng", "", "Chi cục TĐC", "Năm", ""),
        ],
    )  # fmt: skip
    target = GENRE / "so_khcn_quyet_dinh.docx"
    _save(document, target)
    return target


def commune_plan_with_ticked_sharing() -> Path:
    """Kế hoạch of a commune: tab-separated header, a two-row header with "x" under the sharing level."""
    document = Document()
    for text in (
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ AN BÌNH\tĐộc lập - Tự do - Hạnh phúc",
        "Số: 15/KH-UBND\tAn Bình, ngày 10 tháng 5 năm 2026",
        "KẾ HOẠCH",
        "Phát triển dữ liệu số xã An Bình năm 2026",
        "PHỤ LỤC",
        "DANH MỤC DỮ LIỆU CỦA XÃ AN BÌNH",
    ):
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=7)
    table.style = "Table Grid"
    top = table.rows[0].cells
    for col, label in ((0, "STT"), (1, "Tên dữ liệu"), (2, "Đơn vị quản lý"), (3, "Mức độ chia sẻ"),
                       (6, "Tần suất cập nhật")):  # fmt: skip
        top[col].text = label
    top[3].merge(top[5])
    for col in (0, 1, 2, 6):
        table.cell(0, col).merge(table.cell(1, col))
    below = table.rows[1].cells
    for col, label in ((3, "Mặc định"), (4, "Theo yêu cầu"), (5, "Nội bộ")):
        below[col].text = label
    rows: list[tuple[str, ...]] = [
        ("I", "LĨNH VỰC VĂN HÓA - XÃ HỘI"),
        ("1", "Dữ liệu người có công", "Phòng VH-XH", "x", "", "", "Năm"),
        ("2", "Dữ liệu bảo trợ xã hội", "", "", "x", "", "Quý"),
        ("II", "LĨNH VỰC KINH TẾ"),
        ("3", "Dữ liệu hộ kinh doanh", "Phòng Kinh tế", "x", "", "", "Khi có thay đổi"),
        ("4", "Dữ liệu quỹ đất công ích", "Phòng Kinh tế", "", "", "", "Năm"),
    ]
    for values in rows:
        cells = table.add_row().cells
        if len(values) == 2:
            cells[0].text = values[0]
            cells[1].merge(cells[6]).text = values[1]
        else:
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    table.cell(3, 2).merge(table.cell(4, 2)).text = "Phòng VH-XH"  # one unit cell over two rows
    target = GENRE / "an_binh_ke_hoach.docx"
    _save(document, target)
    return target


def main() -> None:
    GENRE.mkdir(exist_ok=True)
    for docx in (department_decision(), commune_plan_with_ticked_sharing()):
        pdf = docx.with_suffix(".pdf")
        convert_to_pdf(docx, pdf)
        # scanned the way the corpus scans are: 200 dpi, seal, signature, skew, JPEG
        render_scan(pdf, docx.with_name(f"{docx.stem}_scan.pdf"))


if __name__ == "__main__":
    main()
