"""Structure of the OCR path without tesseract: lines from word boxes, side-by-side blocks,
table grids under stamps, and merged cells carried over page breaks."""

from __future__ import annotations

import cv2
import numpy as np

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.model import SourceFormat
from extract.ocr import _continue_page_breaks
from extract.ocr.cells import words_to_lines
from extract.ocr.engine import Word
from extract.ocr.grid import find_tables
from extract.ocr.layout import lay_out
from extract.structure import build_document

DPI = 200


def _words(text: str, left: int, top: int, height: int = 26, gap: int = 12) -> list[Word]:
    """Words of one printed line, 18 px per character."""
    words: list[Word] = []
    x = left
    for token in text.split():
        width = 18 * len(token)
        words.append(Word(token, 0.95, x, top, width, height, 1, 1, 1))
        x += width + gap
    return words


def _line_texts(words: list[Word]) -> list[str]:
    return [" ".join(word.text for word in line) for line in words_to_lines(words)]


def test_a_tall_word_does_not_pull_the_next_line_into_its_own() -> None:
    first = _words("các cơ quan, đơn vị thuộc UBND xã", 240, 230)
    # The comma's tail ran into the line below: the box reaches the next line's middle.
    first[2] = Word("quan,", 0.95, first[2].left, 237, first[2].width, 52, 1, 1, 1)
    second = _words("đơn vị có liên quan.", 240, 275)
    assert _line_texts(first + second) == ["các cơ quan, đơn vị thuộc UBND xã", "đơn vị có liên quan."]


def test_a_signer_name_in_a_tall_font_stays_under_the_title_and_loses_its_scribble() -> None:
    body = [word for top in range(100, 600, 46) for word in _words("các cơ quan, đơn vị thuộc UBND xã", 240, top)]
    title = _words("PHÓ CHỦ TỊCH", 240, 1674, height=50)
    name = _words("Nguyễn Văn Hải", 240, 1721, height=60)
    scribble = Word("xế", 0.31, 600, 1738, 33, 6, 1, 1, 1)  # a pen stroke of the signature
    blocks = [item.block for item in lay_out(body + title + name + [scribble], 6, 1650, DPI)]
    assert _texts(blocks)[-2:] == ["PHÓ CHỦ TỊCH", "Nguyễn Văn Hải"]


def _texts(blocks: list[Block]) -> list[str]:
    return [block.text if isinstance(block, Paragraph) else "TABLE" for block in blocks]


def test_one_wide_gap_is_not_a_two_column_block() -> None:
    words = [
        *_words("- Đơn vị phối hợp: Công an xã; các cơ quan, đơn vị thuộc UBND xã và", 240, 100),
        # A justified line with one wide gap, right under a full line.
        *_words("đơn vị có liên", 240, 146),
        *_words("quan.", 900, 146),
        *_words("2. Phát triển hạ tầng dữ liệu", 240, 210),
        *_words("- Nội dung:", 240, 272),
    ]
    blocks = [item.block for item in lay_out(words, 3, 1650, DPI)]
    assert not any(isinstance(block, RawTable) for block in blocks)
    assert "2. Phát triển hạ tầng dữ liệu" in _texts(blocks)


def test_header_lines_with_a_shared_gutter_are_a_two_column_block() -> None:
    words = [
        *_words("ỦY BAN NHÂN DÂN", 285, 160),
        *_words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 760, 160),
        *_words("XÃ ĐÔNG CỨU", 320, 212),
        *_words("Độc lập - Tự do - Hạnh phúc", 880, 212),
        *_words("KẾ HOẠCH", 770, 380),
    ]
    blocks = [item.block for item in lay_out(words, 1, 1650, DPI)]
    table = blocks[0]
    assert isinstance(table, RawTable) and table.borderless
    assert table.rows[0][0].text == "ỦY BAN NHÂN DÂN\nXÃ ĐÔNG CỨU"
    assert _texts(blocks)[1:] == ["KẾ HOẠCH"]


def test_label_lines_with_tab_stops_stay_text() -> None:
    words = [
        *_words("- Thời gian:", 240, 100),
        *_words("Quý III/2026.", 700, 100),
        *_words("- Đơn vị chủ trì:", 240, 160),
        *_words("Phòng Văn hóa - Xã hội.", 700, 160),
    ]
    blocks = [item.block for item in lay_out(words, 2, 1650, DPI)]
    assert _texts(blocks) == ["- Thời gian: Quý III/2026.", "- Đơn vị chủ trì: Phòng Văn hóa - Xã hội."]


def test_a_recipient_list_beside_the_signature_is_read_column_by_column() -> None:
    """The "Nơi nhận" list runs down the left while the signer's title and name sit at its right with
    blank lines between (the seal was there): one block, the whole list first, then the signature,
    also for the list's lines below the signer's name."""
    recipients = ["- Thường trực Tỉnh ủy;", "- CT, PCT UBND tỉnh;", "- Các Sở, ban ngành tỉnh;",
                  "- Báo Quảng Ngãi;", "- Lưu: VT, KTbngoc602."]
    words = [*_words("Nơi nhận:", 240, 400), *_words("CHỦ TỊCH", 1100, 400)]
    for index, text in enumerate(recipients):
        words += _words(text, 240, 440 + 40 * index)
    words += _words("Đặng Văn Minh", 1060, 440 + 40 * 3)  # beside the fourth recipient, blank lines above
    blocks = [item.block for item in lay_out(words, 3, 1650, DPI)]
    assert len(blocks) == 1
    table = blocks[0]
    assert isinstance(table, RawTable) and table.borderless
    assert table.rows[0][0].text.split("\n") == ["Nơi nhận:", *recipients]
    assert table.rows[0][1].text.split("\n") == ["CHỦ TỊCH", "Đặng Văn Minh"]


def test_a_full_line_below_closes_the_side_by_side_block() -> None:
    words = [
        *_words("Nơi nhận:", 240, 400), *_words("CHỦ TỊCH", 1100, 400),
        *_words("- Như trên;", 240, 440), *_words("Đặng Văn Minh", 1060, 440),
        *_words("Văn bản này có hiệu lực kể từ ngày ký và thay thế các văn bản trước", 240, 480),
    ]
    blocks = [item.block for item in lay_out(words, 3, 1650, DPI)]
    assert isinstance(blocks[0], RawTable) and blocks[0].borderless
    assert _texts(blocks)[1:] == ["Văn bản này có hiệu lực kể từ ngày ký và thay thế các văn bản trước"]


def _guess(text: str, left: int, top: int) -> Word:
    return Word(text, 0.0, left, top, 18 * len(text), 26, 1, 1, 1)


def test_a_mark_read_at_no_confidence_away_from_text_is_dropped_a_misread_word_is_kept() -> None:
    body = [word for top in range(100, 400, 46) for word in _words("các cơ quan, đơn vị thuộc UBND xã", 240, top)]
    misread = _guess("ích:", 240 + 18 * 3 + 12, 500)  # "1. Mục đích:" with its "đ" lost
    stroke = _guess("ảNgu", 1300, 560)  # a signature stroke, alone at the right
    words = body + _words("Mục", 240, 500) + [misread, stroke]
    texts = _texts([item.block for item in lay_out(words, 1, 1650, DPI)])
    assert "Mục ích:" in texts[-1]
    assert not any("ảNgu" in text for text in texts)


def test_on_a_page_read_badly_throughout_nothing_is_dropped_for_its_confidence() -> None:
    words = [
        Word(word.text, 0.3, word.left, word.top, word.width, word.height, 1, 1, 1)
        for top in range(100, 400, 46)
        for word in _words("các cơ quan, đơn vị thuộc UBND xã", 240, top)
    ] + [_guess("ảNgu", 1300, 560)]
    texts = _texts([item.block for item in lay_out(words, 1, 1650, DPI)])
    assert any("ảNgu" in text for text in texts)


def _table_image(erase: tuple[int, int, int, int] | None, gap: tuple[int, int] | None) -> np.ndarray:
    page = np.full((700, 1400), 255, np.uint8)
    xs, ys = [100, 400, 800, 1300], [100, 200, 300, 400, 500]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 3)
    if gap is not None:  # no line at all: a merged cell
        page[gap[0] - 3 : gap[0] + 4, gap[1] + 5 : gap[1] + 395] = 255
    if erase is not None:  # part of a line cleaned away with a stamp's ink
        y, x0, x1, _ = erase
        page[y - 3 : y + 4, x0:x1] = 255
    return cv2.threshold(page, 128, 255, cv2.THRESH_BINARY_INV)[1]


def test_a_line_half_erased_by_a_stamp_still_separates_rows() -> None:
    ink = _table_image(erase=(300, 1030, 1300, 0), gap=(200, 400))
    (grid,) = find_tables(ink, DPI)
    spans = {(cell.row, cell.col): (cell.row_span, cell.col_span) for cell in grid.cells}
    assert spans[(0, 1)] == (2, 1)  # the real merge: no line under row 1 in column 2
    assert spans[(1, 2)] == (1, 1) and spans[(2, 2)] == (1, 1)  # the stamped line is still a boundary


def _cell(text: str, *, span: int = 1, inherited: bool = False, page: int = 1) -> RawCell:
    return RawCell(text, row_span=span, page=page, inherited=inherited)


HEADER = ["TT", "Tên cơ sở dữ liệu", "Tên đơn vị quản lý", "Mô tả"]


def _fragment(page: int, rows: list[list[RawCell]], *, after_break: bool) -> RawTable:
    header = [_cell(text, page=page) for text in HEADER]
    return RawTable(rows=[header, *rows], page=page, after_break=after_break, pages=[page])


def test_a_unit_merged_over_a_page_break_is_carried_to_the_rows_it_covers() -> None:
    page_two = _fragment(
        2, [[_cell("1", page=2), _cell("CSDL về kinh tế", page=2), _cell("Sở Kế\nhoạch và\nĐầu tư", page=2),
             _cell("- Mục đích: phục vụ", page=2)]], after_break=False
    )
    page_three = _fragment(
        3,
        [
            [_cell("", page=3), _cell("", page=3), _cell("", span=3, page=3), _cell("các huyện.", page=3)],
            [_cell("2", page=3), _cell("CSDL về dự án", page=3), _cell("", inherited=True, page=3),
             _cell("- Mục đích: quản lý", page=3)],
            [_cell("3", page=3), _cell("CSDL về doanh nghiệp", page=3), _cell("", inherited=True, page=3),
             _cell("- Mục đích: đăng ký", page=3)],
        ],
        after_break=True,
    )
    blocks = _continue_page_breaks([Paragraph("DANH MỤC", page=2), page_two, Paragraph("3", page=3), page_three])
    carried = blocks[-1]
    assert isinstance(carried, RawTable)
    assert [row[2].text for row in carried.rows[2:]] == ["Sở Kế\nhoạch và\nĐầu tư"] * 2
    assert all(row[2].inherited for row in carried.rows[2:])

    document = build_document(
        _stream(blocks), source="scan.pdf", sha256="0" * 64, fmt=SourceFormat.PDF, size_bytes=1
    )
    assert [entry.unit for entry in document.catalog] == ["Sở Kế hoạch và Đầu tư"] * 3


def test_a_unit_broken_by_the_page_joins_its_tail_before_being_carried() -> None:
    page_one = _fragment(
        1, [[_cell("29"), _cell("CSDL về đất đai"), _cell("Sở Tài\nnguyên"), _cell("- Mục đích")]], after_break=False
    )
    page_two = _fragment(
        2,
        [
            [_cell("", page=2), _cell("", page=2), _cell("và Môi\ntrường", span=2, page=2), _cell("tỉnh.", page=2)],
            [_cell("30", page=2), _cell("CSDL về môi trường", page=2), _cell("và Môi\ntrường", inherited=True, page=2),
             _cell("- Mục đích", page=2)],
        ],
        after_break=True,
    )
    carried = _continue_page_breaks([page_one, page_two])[-1]
    assert isinstance(carried, RawTable)
    assert carried.rows[2][2].text == "Sở Tài\nnguyên và Môi\ntrường"


def test_a_table_not_ending_its_page_carries_nothing() -> None:
    page_one = _fragment(
        1, [[_cell("1"), _cell("CSDL A"), _cell("Sở X", span=1), _cell("- Mục đích")]], after_break=False
    )
    page_two = _fragment(
        2, [[_cell("", page=2), _cell("", page=2), _cell("", span=2, page=2), _cell("tail", page=2)],
            [_cell("2", page=2), _cell("CSDL B", page=2), _cell("", inherited=True, page=2), _cell("x", page=2)]],
        after_break=True,
    )
    blocks = _continue_page_breaks([page_one, Paragraph("Nơi nhận:", page=1), page_two])
    carried = blocks[-1]
    assert isinstance(carried, RawTable) and carried.rows[2][2].text == ""


def _stream(blocks: list[Block]) -> BlockStream:
    return BlockStream(blocks=blocks, page_count=3)
