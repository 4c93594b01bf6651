"""Readers and table cells of the session-21 trial (docs/realdocs-trial.md, "Session 21 (rd21a)").

Real files in ``tests/data/realdocs21a/``: KH 3024/KH-SCT Lào Cai 2026 (Trangsct/skill-sct@3821ed3, a task table
whose "Người thực hiện" cells hold one person a paragraph) and D3_KT1.doc (hpbaotho/04-quanly-vanban-quanhuyen@
50021bc, a grade list of 2012 set as tab-separated lines inside one frame). The task-table tests rebuild a Word
table from real rows: NQ 03/NQ-CP's annex II (``../shared/realdocs``), its units set one a paragraph as KH 3024
sets its persons.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document as new_docx

from extract.api import extract_bytes
from extract.blocks import Paragraph, RawTable
from extract.docx_reader import read_docx
from extract.model import Document, RowKind
from nlp.document import normalize_document

DATA = Path(__file__).parent / "data" / "realdocs21a"
KH_3024 = DATA / "KH-3024-SCT-LaoCai-2026.docx"
D3_KT1 = DATA / "D3_KT1.doc"

# NQ 03/NQ-CP annex II, row 19 (task cut to its first clause), as printed; its partners one a paragraph.
NQ03_HEADER = ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
NQ03_ROW_19 = [
    ("19.",),
    (
        "Rà soát để sửa đổi một số quy định trong Luật Thuế thu nhập doanh nghiệp; Luật Thuế thu nhập cá nhân;",
        "Nghiên cứu chính sách không áp dụng thuế thu nhập doanh nghiệp đối với tổ chức khoa học và công nghệ.",
    ),
    ("Bộ Tài chính",),
    ("Bộ Khoa học và Công nghệ", "Bộ Giáo dục và Đào tạo"),
    ("2025",),
]


def _word_table(header: list[str], rows: list[list[tuple[str, ...]]], *, before: tuple[str, ...] = ()) -> bytes:
    """A Word document with one table, each cell's lines its own paragraphs."""
    document = new_docx()
    for text in before:
        document.add_paragraph(text)
    grid = document.add_table(rows=1 + len(rows), cols=len(header))
    for cell, label in zip(grid.rows[0].cells, header, strict=True):
        cell.text = label
    for row, values in zip(grid.rows[1:], rows, strict=True):
        for cell, lines in zip(row.cells, values, strict=True):
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _tasks_doc(content: bytes) -> Document:
    return normalize_document(extract_bytes(content, "fixture.docx"))


def test_a_word_cell_hands_its_paragraphs_on_as_lines() -> None:
    # KH 3024's first task row: three persons, one a paragraph, read as one run "Đỗ Mạnh Cường Vũ Việt Linh …".
    stream = read_docx(KH_3024.read_bytes(), KH_3024.name)
    table = next(block for block in stream.blocks if isinstance(block, RawTable) and len(block.rows) > 5)
    cell = table.rows[1][2]
    assert cell.paragraphs == ("Đỗ Mạnh Cường", "Vũ Việt Linh", "Nguyễn Thị thúy Nhung")
    assert cell.text == "Đỗ Mạnh Cường Vũ Việt Linh Nguyễn Thị thúy Nhung"  # the text every rule reads: unchanged
    assert table.rows[4][2].paragraphs == ()  # one paragraph: nothing to keep apart


def test_a_persons_column_keeps_its_printed_text() -> None:
    # Guard (passes on main too): "Người thực hiện" names persons, no unit reader splits it, so its Cell.text stays
    # the paragraphs joined by one space, as the gold conventions print a cell.
    doc = extract_bytes(KH_3024.read_bytes(), KH_3024.name)
    [table] = doc.tables
    assert table.rows[1].cells[2].text == "Đỗ Mạnh Cường Vũ Việt Linh Nguyễn Thị thúy Nhung"
    assert not [task for task in doc.tasks if task.provenance.table]


def test_partners_one_a_paragraph_are_separate_units() -> None:
    doc = _tasks_doc(_word_table(NQ03_HEADER, [list(NQ03_ROW_19)], before=("PHỤ LỤC II",)))
    [task] = [task for task in doc.tasks if task.provenance.table]
    assert task.lead_raw == "Bộ Tài chính"
    assert task.partner_raw == "Bộ Khoa học và Công nghệ\nBộ Giáo dục và Đào tạo"
    assert task.norm is not None
    assert [unit.unit_id for unit in task.norm.partners] == ["bo_khcn@Việt Nam", "bo_gddt@Việt Nam"]
    # the task's own text is prose wrapped over two paragraphs: joined by one space, in the cell and the task
    row = doc.tables[0].rows[1]
    assert row.cells[1].text == " ".join(NQ03_ROW_19[1])
    assert task.content == " ".join(NQ03_ROW_19[1])
    assert row.cells[3].text == task.partner_raw


def test_a_joint_lead_and_partner_cell_splits_at_its_paragraphs() -> None:
    # "Cơ quan chủ trì/phối hợp" in one column (KH 753's layout): the first unit leads, the others partner.
    header = ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì/phối hợp", "Thời gian hoàn thành"]
    row = [
        ("19.",),
        NQ03_ROW_19[1][:1],
        ("Bộ Tài chính", "Bộ Khoa học và Công nghệ", "Bộ Giáo dục và Đào tạo"),
        ("2025",),
    ]
    doc = _tasks_doc(_word_table(header, [row]))
    [task] = [task for task in doc.tasks if task.provenance.table]
    assert task.lead_raw == "Bộ Tài chính"
    assert task.norm is not None
    assert [unit.unit_id for unit in task.norm.partners] == ["bo_khcn@Việt Nam", "bo_gddt@Việt Nam"]


def test_a_unit_cell_of_one_paragraph_is_unchanged() -> None:
    # Guard (passes on main too): a lead printed on one line, commas inside, stays one line.
    row: list[tuple[str, ...]] = [
        ("1.",),
        ("Xây dựng kế hoạch triển khai Chương trình hành động của Chính phủ.",),
        ("Các bộ, ngành, địa phương",),
        ("",),
        ("01/2025",),
    ]
    doc = _tasks_doc(_word_table(NQ03_HEADER, [row]))
    [task] = [task for task in doc.tasks if task.provenance.table]
    assert task.lead_raw == "Các bộ, ngành, địa phương"
    assert doc.tables[0].rows[1].cells[2].text == "Các bộ, ngành, địa phương"


# D3_KT1.doc's first lines, as LibreOffice hands the frame over: one box, each line a paragraph, tabs between fields.
D3_LINES = [
    "ĐIỂM VẤN ĐÁP MÔN TỔ CHỨC CÔNG TÁC KẾ TOÁN",
    "( CHUYÊN ĐỀ XÃ PHƯỜNG)",
    "STT\tHọ và tên\tNgày sinh\tNơi sinh\tĐiểm",
    "1\tNguyễn Ngọc Anh\t25/08/1989\tNghệ An\t9",
    "2\tVũ Thị Chi\t22/08/1989\tNam Định\t10",
    "3\tTrịnh Thị Chung\t10/02/1989\tThanh Hóa\t7",
    "29\tLê Việt Hùng\t05/04/1987\tThanh Hóa",
    "58        Nguyễn Thị Hiếu                                     9",
]


def _boxed(lines: list[str]) -> bytes:
    document = new_docx()
    box = document.add_table(rows=1, cols=1)
    box.cell(0, 0).text = lines[0]
    for line in lines[1:]:
        box.cell(0, 0).add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_list_set_with_tabs_in_a_box_is_a_table() -> None:
    stream = read_docx(_boxed(D3_LINES), "D3_KT1.docx")
    paragraphs = [block.text for block in stream.blocks if isinstance(block, Paragraph)]
    [table] = [block for block in stream.blocks if isinstance(block, RawTable)]
    assert paragraphs == [D3_LINES[0], D3_LINES[1], "58 Nguyễn Thị Hiếu 9"]
    assert [cell.text for cell in table.rows[0]] == ["STT", "Họ và tên", "Ngày sinh", "Nơi sinh", "Điểm"]
    assert [cell.text for cell in table.rows[1]] == ["1", "Nguyễn Ngọc Anh", "25/08/1989", "Nghệ An", "9"]
    # a line without its last field: a row padded on the right, with a warning; the line set with spaces: a warning
    assert [cell.text for cell in table.rows[4]] == ["29", "Lê Việt Hùng", "05/04/1987", "Thanh Hóa", ""]
    assert {code for code, _, _ in stream.warnings} == {"tab_table_row_short", "tab_table_tail_unread"}


def test_a_box_of_prose_with_a_stray_tab_stays_a_box() -> None:
    # Guard (passes on main too): fewer than three tab-separated lines, or columns that do not agree, make no list.
    lines = ["Nơi nhận:\t- Như trên;", "- Lưu: VT.", "GIÁM ĐỐC"]
    [block] = read_docx(_boxed(lines), "box.docx").blocks
    assert isinstance(block, RawTable) and len(block.rows) == 1
    irregular = ["a\tb", "c\td\te", "f\tg\th\ti", "j\tk\tl\tm\tn"]
    [block] = read_docx(_boxed(irregular), "box.docx").blocks
    assert isinstance(block, RawTable) and len(block.rows) == 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed")
def test_d3_kt1_grade_list_is_read() -> None:
    # Main read nothing from it: no table, no section, only the three metadata warnings.
    doc = extract_bytes(D3_KT1.read_bytes(), D3_KT1.name)
    [table] = doc.tables
    assert table.header == ["STT", "Họ và tên", "Ngày sinh", "Nơi sinh", "Điểm"]
    data = [row for row in table.rows if row.kind is RowKind.DATA]
    assert len(data) == 57
    assert [cell.text for cell in data[0].cells][:3] == ["1", "Nguyễn Ngọc Anh", "25/08/1989"]
    assert [cell.text for cell in data[2].cells] == ["3", "Trịnh Thị Chung", "10/02/1989", "Thanh Hóa", "7"]
    assert {"tab_table_row_short", "tab_table_tail_unread"} <= {w.code for w in doc.warnings}


def _legacy_font_paragraph(runs: list[str], font: str) -> bytes:
    document = new_docx()
    paragraph = document.add_paragraph()
    for text in runs:
        paragraph.add_run(text).font.name = font
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_legacy_font_run_beside_unicode_runs_is_not_converted_again() -> None:
    # D3_KT1.doc as LibreOffice copies it: Word's Unicode text under the TCVN3 font's name, a line cut into runs;
    # "Thanh Hóa" alone holds no letter past U+00FF and was read as TCVN3 ("Thanh Húa", "NgỔy sinh").
    content = _legacy_font_paragraph(
        ["3\t", "Trịnh Thị Chung\t", "10/02/1989\t", "Thanh Hóa\t", "7"], ".vn time;Times New Roman"
    )
    [paragraph] = read_docx(content, "D3_KT1.docx").blocks
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "3 Trịnh Thị Chung 10/02/1989 Thanh Hóa 7"


def test_a_tcvn3_paragraph_is_still_converted() -> None:
    # Guard (passes on main too): runs of real TCVN3 bytes in .VnTime hold no Unicode letter, so they convert.
    content = _legacy_font_paragraph(["KÕ ho¹ch ", "sè 15"], ".VnTime")
    [paragraph] = read_docx(content, "tcvn3.docx").blocks
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "Kế hoạch số 15"
