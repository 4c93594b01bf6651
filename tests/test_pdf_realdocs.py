"""Page tables of real typed PDFs of the genre (../shared/realdocs, not committed; skipped when absent).

Figures were counted by hand on the printed pages (see realdocs/gold where written): the
Bộ Tư pháp list is one 7-column ruled grid of 111 rows plus its header on page 1; the
Gia Lai annex is one 9-column grid of 86 rows with its header repeated on each of 8 pages; the
Đồng Nai data catalog has 6 datasets of one merged unit; its process diagrams are not tables.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache

import pytest
from pypdf import PdfReader, PdfWriter

from extract.api import extract_bytes
from extract.blocks import BlockStream, Paragraph, RawTable
from extract.pdf import source as pdf_source
from extract.pdf.layout import one_syllable
from extract.pdf_reader import read_pdf
from extract.structure.tables import join_cell_lines
from realdocs import REALDOCS

pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason=f"real documents not found at {REALDOCS}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _data(name: str, first: int | None = None, last: int | None = None) -> bytes:
    data = (REALDOCS / name).read_bytes()
    if first is None:
        return data
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for index in range(first - 1, last or first):
        writer.add_page(reader.pages[index])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def _stream(name: str) -> BlockStream:
    return read_pdf(_data(name), name)


def _tables(stream: BlockStream) -> list[RawTable]:
    return [block for block in stream.blocks if isinstance(block, RawTable)]


def _text(stream: BlockStream) -> str:
    parts = [block.text if isinstance(block, Paragraph) else "" for block in stream.blocks]
    parts += [cell.text for table in _tables(stream) for row in table.rows for cell in row]
    return "\n".join(parts)


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", join_cell_lines(text))).strip()


def test_btp_list_is_one_ruled_grid_row_by_ruled_row() -> None:
    tables = _tables(_stream("BTP-1043-danhmuc-VBQPPL.pdf"))
    assert len(tables) == 52 and all(table.ruled for table in tables)
    # page 23 draws one column border at two places in different rows: still 7 columns
    assert {len(row) for table in tables for row in table.rows} == {7}
    assert sum(len(table.rows) for table in tables) == 1 + 111
    first = [_cell(cell.text) for cell in tables[0].rows[2]]
    assert first[:3] == ["1", "Luật Đất đai (số 45/2013/QH13 ngày 29/11/2013)", "Toàn bộ văn bản"]
    assert first[5] == "Hiệu lực thi hành ngày 05/7/2014"


def test_control_characters_are_hyphens_where_the_page_shows_one() -> None:
    stream = _stream("BTP-1043-danhmuc-VBQPPL.pdf")
    text = _text(stream)
    assert not CONTROL.search(text)
    assert "15/2015/TTLT-BTNMT-BNV" in text.replace("\n", "")  # U+0002 at a line end, in a cell
    assert not [code for code, _, _ in stream.warnings if code == "control_chars_dropped"]


def test_gia_lai_annex_grid_and_a_cell_whose_closing_rule_is_missing() -> None:
    tables = _tables(_stream("QD-2061-UBND-phuluc-danhmuc-sanpham.pdf"))
    assert len(tables) == 8 and {len(row) for table in tables for row in table.rows} == {9}
    assert sum(len(table.rows) - 1 for table in tables) == 86  # the header repeats on each page
    rows = {_cell(row[1].text): [_cell(cell.text) for cell in row] for table in tables for row in table.rows}
    assert (
        rows["CH.TC.06"][2]
        == "Thực hiện thủ tục liên quan đến việc mua sắm của cơ quan, đơn vị bằng hình thức mời thầu"
    )
    assert rows["CH.VT.01"][8] == (
        "Tiếp nhận văn bản đến, phát hành văn bản đi trên hệ thống văn phòng điện tử, văn bản giấy, văn bản mật"
    )


def test_dong_nai_catalog_has_six_datasets_with_their_merged_unit() -> None:
    document = extract_bytes(_data("DongNai-CSDL-yeu-cau-ky-thuat.pdf", 162, 164), "DongNai.pdf")
    entries = document.catalog
    assert [entry.title for entry in entries] == [
        "Khu công nghiệp trên địa bàn tỉnh Đồng Nai",
        "Thông tin doanh nghiệp trong các khu công nghiệp tỉnh Đồng Nai",
        "Lao động trong các khu công nghiệp",
        "Cấp phép đầu tư",
        "Quy hoạch xây dựng",
        "Dữ liệu về môi trường",
    ]
    assert all(entry.unit.startswith("Ban Quản lý các Khu công nghiệp, Khu kinh tế") for entry in entries)
    assert [entry.frequency_raw for entry in entries][:3] == ["Hằng năm", "Hằng năm", "6 tháng/lần"]


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_dong_nai_diagrams_are_not_tables(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf_source.BACKEND_VARIABLE, backend)
    stream = read_pdf(_data("DongNai-CSDL-yeu-cau-ky-thuat.pdf", 25, 31), "DongNai.pdf")
    warned = {(code, page) for code, _, page in stream.warnings}
    assert ("rotated_text_dropped", 1) in warned  # page 25: the architecture picture's rotated labels
    assert {("diagram_not_table", 3), ("diagram_not_table", 6), ("diagram_not_table", 7)} <= warned
    headers = [_cell(cell.text) for table in _tables(stream) for cell in table.rows[0]]
    assert not any(text.startswith("Quy trình") for text in headers)
    assert "HCÁS" not in _text(stream)
    assert {tuple(_cell(cell.text) for cell in table.rows[0]) for table in _tables(stream)} >= {
        ("Bước", "Tên", "Mô tả", "Thông tin đầu vào", "Thông tin đầu ra")
    }


@pytest.mark.parametrize(
    "name",
    [
        "KH-3070-UBND-BimSon.pdf",
        "TB-565-UBND-QuangNgai-2024-ketluan.pdf",
        "CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf",
        "QD-142-UBND-NgaiGiao-2024-phancong.pdf",
    ],
)
def test_prose_documents_have_no_phantom_tables_and_clean_words(name: str) -> None:
    """White paint, justified prose, the signature and Nơi nhận blocks are not tables."""
    stream = _stream(name)
    assert [table for table in _tables(stream) if not table.borderless] == []
    text = _text(stream)
    assert not CONTROL.search(text)
    glued = [
        token
        for token in re.findall(r"[^\W\d_]+", text)
        if not token.isascii() and not token.isupper() and not one_syllable(token)
    ]
    assert glued == [], glued[:10]  # no lost spaces ("Vềviệc")
