"""Numerals and labels repaired from evidence: roman numerals recounted from the image, row numbers
and group numerals from their column, letter labels from their list, capital-letter diacritics
from the words they form; and two scans of documents that are not seeds, read end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extract.ocr.capitals import fix_capital_run
from extract.ocr.cellfix import correct_readings
from extract.ocr.cells import CellReading
from extract.ocr.engine import Symbol, Word
from extract.ocr.grid import GridCell
from extract.ocr.layout import relabel_letters
from extract.ocr.numbering import out_of_sequence
from extract.ocr.roman import recount_roman

GENRE = Path(__file__).resolve().parent / "data" / "genre"
CAP = 24  # cap height in pixels at 200 dpi
PITCH = 12  # advance of a serif capital I


def _numeral_image(stems: int) -> np.ndarray:
    """Serif I's whose serifs touch (as on a 200 dpi scan), a "/" and a digit-like blob."""
    image = np.full((60, 200), 255, np.uint8)
    top = 10
    for index in range(stems):
        left = 10 + index * PITCH
        image[top : top + CAP, left + 3 : left + 6] = 0  # the stem
    right = 10 + stems * PITCH
    image[top : top + 3, 10 : right - 2] = 0  # serifs run together along the top
    image[top + CAP - 3 : top + CAP, 10 : right - 2] = 0  # and the bottom
    for row in range(CAP):  # "/": a diagonal, never a full-height column
        image[top + row, right + 8 - row // 3 : right + 10 - row // 3] = 0
    image[top : top + CAP, right + 16 : right + 30] = 0  # "2"
    return image


def _word(text: str, symbols: list[tuple[str, int, int]]) -> Word:
    placed = tuple(Symbol(char, 0.95, left, 10, width, CAP) for char, left, width in symbols)
    right = max(left + width for _, left, width in symbols)
    return Word(text, 0.5, 10, 10, right - 10, CAP, 1, 1, 1, placed)


def test_a_roman_numeral_is_recounted_from_its_stems() -> None:
    # Three touching I's read as two, the second box one I too wide: the image has three stems.
    misread = _word("II/2026", [("I", 10, 9), ("I", 22, 21), ("/", 46, 10), ("2", 62, 14)])
    words, corrections = recount_roman([misread], _numeral_image(3), 4)
    assert words[0].text == "III/2026"
    assert [(c.original, c.corrected, c.reason, c.page) for c in corrections] == [("II/2026", "III/2026", "roman", 4)]


def test_a_v_in_front_is_kept_and_only_the_i_stems_are_counted() -> None:
    # A group label "VII" read "VI": a V's slanted strokes ink no full-height column.
    image = _numeral_image(2)
    for row in range(CAP):  # a V in front of the two stems
        image[10 + row, 2 + row // 6 : 4 + row // 6] = 0
    misread = _word("VI", [("V", 2, 8), ("I", 10, 21)])
    words, _ = recount_roman([misread], image, 9)
    assert words[0].text == "VII"


def test_a_right_roman_numeral_and_a_number_are_left_alone() -> None:
    right = _word("II/2026", [("I", 10, 9), ("I", 22, 9), ("/", 34, 10), ("2", 50, 14)])
    number = _word("11/2026", [("1", 10, 9), ("1", 22, 9), ("/", 34, 10), ("2", 50, 14)])
    words, corrections = recount_roman([right, number], _numeral_image(2), 4)
    assert [word.text for word in words] == ["II/2026", "11/2026"]
    assert corrections == []


def _text_line(top: int, *texts: str) -> list[Word]:
    words, left = [], 100
    for text in texts:
        words.append(Word(text, 0.9, left, top, 12 * len(text), 25, 1, 1, 1))
        left += 12 * len(text) + 10
    return words


def test_a_letter_label_read_as_a_look_alike_follows_its_list() -> None:
    words = (
        _text_line(0, "e)", "Dữ", "liệu", "thủ", "tục")
        + _text_line(40, "f)", "Dữ", "liệu", "hộ", "tịch;")
        + _text_line(80, "ø)", "Dữ", "liệu", "đất", "đai")
    )
    fixed, corrections = relabel_letters(words, 4)
    assert [word.text for word in fixed if word.left == 100] == ["e)", "f)", "g)"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("ø)", "g)", "label")]


def test_a_look_alike_without_a_list_before_it_stays() -> None:
    words = _text_line(0, "a)", "Mục", "đích") + _text_line(40, "9)", "Dữ", "liệu")
    fixed, corrections = relabel_letters(words, 4)
    assert [word.text for word in fixed] == [word.text for word in words]
    assert corrections == []


def _cell(row: int, col: int, text: str, col_span: int = 1, confidence: float = 0.95) -> CellReading:
    words = [Word(part, confidence, 10 + 40 * i, 5, 30, 25, 1, 1, 1) for i, part in enumerate(text.split())]
    grid_cell = GridCell(row, col, 1, col_span, col * 100, row * 40, col * 100 + 100, row * 40 + 40)
    return CellReading(grid_cell, text, confidence, words)


def _table(*rows: tuple[str, str] | tuple[str, str, int], unsure: frozenset[str] = frozenset()) -> list[CellReading]:
    cells = []
    for row, item in enumerate(rows):
        cells.append(_cell(row, 0, item[0], confidence=0.6 if item[0] in unsure else 0.95))
        cells.append(_cell(row, 1, item[1], item[2] if len(item) == 3 else 1))
    return cells


def test_an_unsure_row_number_breaking_its_sequence_by_one_glyph_is_restored() -> None:
    numbers = ["STT", "51", "52", "53", "34", "55", "56"]
    readings = _table(*((number, "Dữ liệu") for number in numbers), unsure=frozenset({"34"}))
    fixed, corrections = correct_readings(readings, 9)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == ["STT", "51", "52", "53", "54", "55", "56"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("34", "54", "number")]


def test_a_confident_row_number_out_of_sequence_is_flagged_not_changed() -> None:
    numbers = ["STT", "51", "52", "53", "34", "55", "56"]
    readings = _table(*((number, "Dữ liệu") for number in numbers))
    fixed, corrections = correct_readings(readings, 9)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == numbers
    assert corrections == []
    assert [fixed[i].text for i in out_of_sequence(fixed)] == ["34"]


def test_a_row_number_that_fits_a_neighbour_is_never_overwritten() -> None:
    # "17" read as "L7": the 18 after it follows its own neighbour 19 and stays 18.
    numbers = ["15", "16", "L7", "18", "19", "20"]
    readings = _table(*((number, "Dữ liệu") for number in numbers), unsure=frozenset({"L7", "18"}))
    fixed, corrections = correct_readings(readings, 9)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == ["15", "16", "17", "18", "19", "20"]
    assert [(c.original, c.corrected) for c in corrections] == [("L7", "17")]


def test_a_row_number_spelt_with_look_alike_glyphs_is_read_as_digits() -> None:
    numbers = ["8", "9", "10", "II", "12", "13", "14"]
    readings = _table(*((number, "Bộ Tư pháp") for number in numbers))
    fixed, corrections = correct_readings(readings, 1)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == ["8", "9", "10", "11", "12", "13", "14"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("II", "11", "number")]


def test_a_number_two_glyphs_away_or_a_real_gap_is_kept() -> None:
    readings = _table(*((number, "Dữ liệu") for number in ["1", "2", "3", "85", "5", "6", "9", "10"]))
    fixed, _ = correct_readings(readings, 9)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == ["1", "2", "3", "85", "5", "6", "9", "10"]


def test_group_numerals_read_as_look_alikes_follow_the_roman_sequence() -> None:
    # A group row: its label in the number column, its title spanning the columns to the right.
    readings = [
        _cell(0, 0, "1"),
        _cell(0, 1, "LĨNH VỰC VĂN HÓA", col_span=2),
        _cell(1, 0, "1"),
        _cell(1, 1, "Dữ liệu"),
        _cell(1, 2, "Năm"),
        _cell(2, 0, "2"),
        _cell(2, 1, "Dữ liệu"),
        _cell(2, 2, "Quý"),
        _cell(3, 0, "H"),
        _cell(3, 1, "LĨNH VỰC KINH TẾ", col_span=2),
        _cell(4, 0, "3"),
        _cell(4, 1, "Dữ liệu"),
        _cell(4, 2, "Năm"),
    ]
    fixed, corrections = correct_readings(readings, 1)
    assert [reading.text for reading in fixed if reading.cell.col == 0] == ["I", "1", "2", "II", "3"]
    assert {(c.original, c.corrected, c.reason) for c in corrections} == {
        ("1", "I", "group_numeral"),
        ("H", "II", "group_numeral"),
    }


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("LINH VỨC VĂN HOA - XA HOI", "LĨNH VỰC VĂN HÓA - XÃ HỘI"),  # marks dropped and swapped on capitals
        ("DANH MUC CO SO DU LIEU:", "DANH MỤC CƠ SỞ DỮ LIỆU:"),
        # Left alone: right readings, function words, and marked syllables that are no word together.
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("DANH MỤC DỮ LIỆU CỦA XÃ AN BÌNH", "DANH MỤC DỮ LIỆU CỦA XÃ AN BÌNH"),
        ("TRẦN THỊ LAN", "TRẦN THỊ LAN"),
        ("Văn hoa", "Văn hoa"),  # not capitals: the per-syllable rules decide
    ],
)
def test_capital_line_diacritics(read: str, expected: str) -> None:
    assert " ".join(fix_capital_run(read.split())) == expected


# ---------------------------------------------------------------- held-out scans (not seeds)

AN_BINH = GENRE / "an_binh_ke_hoach_scan.pdf"
SO_KHCN = GENRE / "so_khcn_quyet_dinh_scan.pdf"


@pytest.mark.skipif(not AN_BINH.exists(), reason="scan not in tests/data/genre")
def test_an_binh_scan_reads_like_its_twin() -> None:
    from danhmuc.pipeline import process_file

    entries = process_file(AN_BINH).catalog
    assert [(e.group, e.number, e.title) for e in entries] == [
        ("I LĨNH VỰC VĂN HÓA - XÃ HỘI", "1", "Dữ liệu người có công"),
        ("I LĨNH VỰC VĂN HÓA - XÃ HỘI", "2", "Dữ liệu bảo trợ xã hội"),
        ("II LĨNH VỰC KINH TẾ", "3", "Dữ liệu hộ kinh doanh"),
        ("II LĨNH VỰC KINH TẾ", "4", "Dữ liệu quỹ đất công ích"),
    ]
    assert [e.frequency_raw for e in entries] == ["Năm", "Quý", "Khi có thay đổi", "Năm"]


@pytest.mark.skipif(not SO_KHCN.exists(), reason="scan not in tests/data/genre")
def test_so_khcn_scan_reads_like_its_twin() -> None:
    from danhmuc.pipeline import process_file

    document = process_file(SO_KHCN)
    assert document.metadata.number == "24/QĐ-SKHCN"
    assert document.metadata.date == "2026-02-07"
    assert [(e.number, e.title, e.unit) for e in document.catalog] == [
        ("1", "Dữ liệu doanh nghiệp khoa học và công nghệ", "Phòng Quản lý khoa học"),
        ("2", "Dữ liệu nhiệm vụ KH&CN cấp tỉnh", "Phòng Quản lý khoa học"),
        ("3", "Dữ liệu tiêu chuẩn đo lường chất lượng", "Chi cục TĐC"),
    ]


# ---------------------------------------------------------------- grey second reading


class _GreyEngine:
    """Stands in for Tesseract: the grey image's reading of whatever rectangle is asked for."""

    def __init__(self, readings: dict[int, str]) -> None:
        self.readings = readings  # word left edge -> what the grey image shows there
        self.asked: list[tuple[int, int, int, int]] = []

    def set_image(self, image: np.ndarray, dpi: int) -> None:
        pass

    def words(self, psm: int, rect: tuple[int, int, int, int] | None = None) -> list[Word]:
        assert rect is not None
        self.asked.append(rect)
        left = rect[0] + 5
        return [Word(self.readings[left], 0.96, left, 10, 40, 25, 1, 1, 1)] if left in self.readings else []


def test_grey_reading_restores_marks_the_threshold_lost() -> None:
    from extract.ocr.greyread import prefer_grey_marks

    line = [
        Word("đối,", 0.96, 100, 10, 40, 25, 1, 1, 1),  # sắc: its hỏi twin "đổi" is a word, so re-read
        Word("biến", 0.97, 150, 10, 40, 25, 1, 1, 1),
        Word("hiện", 0.97, 200, 10, 40, 25, 1, 1, 1),  # the grey image loses the dot below: kept
        Word("vé", 0.97, 250, 10, 40, 25, 1, 1, 1),  # a different mark, not an extra one: kept
    ]
    engine = _GreyEngine({100: "đổi,", 150: "biển", 200: "hiên", 250: "vẽ"})
    lines, corrections, agreed = prefer_grey_marks(engine, np.zeros((60, 400), np.uint8), 200, [line])  # type: ignore[arg-type]
    assert [word.text for word in lines[0]] == ["đổi,", "biển", "hiện", "vé"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [
        ("đối,", "đổi,", "grey_reading"),
        ("biến", "biển", "grey_reading"),
    ]
    assert {"đổi", "biển"} <= agreed
    assert len(engine.asked) == 3  # "hiện" (nặng, confident) is not open to the slip: not re-read


def _heading_image(stems: int) -> np.ndarray:
    """A heading's "II." / "III.": serif I's touching, then a period (ink at the baseline only)."""
    image = np.full((60, 200), 255, np.uint8)
    for index in range(stems):
        left = 10 + index * PITCH
        image[10 : 10 + CAP, left + 3 : left + 6] = 0
    right = 10 + stems * PITCH
    image[10 : 13, 10 : right - 2] = 0
    image[10 + CAP - 3 : 10 + CAP, 10 : right - 2] = 0
    image[10 + CAP - 4 : 10 + CAP, right + 2 : right + 6] = 0  # "."
    return image


def _heading(numeral: str, symbols: list[tuple[str, int, int]]) -> list[Word]:
    first = _word(numeral, symbols)
    title = Word("ĐỐI", 0.9, 120, 10, 40, CAP, 1, 1, 1)
    return [first, title]


@pytest.mark.parametrize(
    ("read", "symbols", "stems", "expected"),
    [
        ("IH.", [("I", 10, 9), ("H", 22, 12), (".", 36, 4)], 2, "II."),  # two I's read "IH"
        ("LH.", [("L", 10, 12), ("H", 22, 21), (".", 48, 4)], 3, "III."),
        ("IL.", [("I", 10, 9), ("L", 22, 12), (".", 36, 4)], 2, "II."),
    ],
)
def test_a_heading_numeral_read_with_h_or_l_is_recounted_from_its_stems(
    read: str, symbols: list[tuple[str, int, int]], stems: int, expected: str
) -> None:
    words, corrections = recount_roman(_heading(read, symbols), _heading_image(stems), 2)
    assert words[0].text == expected
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [(read, expected, "roman")]


def test_an_h_inside_a_line_or_before_lower_case_is_no_numeral() -> None:
    words = _heading("IH.", [("I", 10, 9), ("H", 22, 12), (".", 36, 4)])
    lower = [words[0], Word("đối", 0.9, 120, 10, 40, CAP, 1, 1, 1)]
    fixed, corrections = recount_roman(lower, _heading_image(2), 2)
    assert fixed[0].text == "IH." and corrections == []


def test_a_code_column_is_repaired_from_its_own_pattern_and_the_rest_flagged() -> None:
    # Page 2 of QĐ 09/2025/QĐ-TTg as danhmuc read it: agency codes "G" + two digits.
    codes = ["Mã cấp 1", "G18", "G19", "_ò__G20", "G2I", "G22", "G27", "G28 ò", "G30", "– G35", "GIố6", "K$7"]
    readings = [_cell(row, 0, str(row)) for row in range(len(codes))]
    readings += [_cell(row, 1, code) for row, code in enumerate(codes)]
    fixed, corrections = correct_readings(readings, 2)
    column = [reading.text for reading in fixed if reading.cell.col == 1]
    assert column[1:10] == ["G18", "G19", "G20", "G21", "G22", "G27", "G28", "G30", "G35"]
    assert column[10:] == ["GIố6", "K$7"]  # not a code of the column's shape once look-alikes are read
    assert ("G2I", "G21", "code") in {(c.original, c.corrected, c.reason) for c in corrections}
    from extract.ocr.columns import off_pattern

    assert [fixed[i].text for i in off_pattern(fixed)] == ["GIố6", "K$7"]


def _code_cell(row: int, symbols: list[tuple[str, int, int]]) -> CellReading:
    """A one-word code cell whose characters have the given (text, left, width) boxes."""
    text = "".join(char for char, _, _ in symbols)
    boxes = tuple(Symbol(char, 0.95, left, 10, width, 27) for char, left, width in symbols)
    word = Word(text, 0.5, 10, 10, 70, 30, 1, 1, 1, boxes)
    return CellReading(GridCell(row, 1, 1, 1, 100, row * 40, 200, row * 40 + 40), text, 0.5, [word])


def test_a_code_character_read_twice_over_the_same_ink_is_dropped() -> None:
    # Page 1 of QĐ 09/2025/QĐ-TTg: "G16" read "GIố6", the "ố" box (53-65) lying half over the "6" (59-75).
    codes = ["G01", "G02", "G03", "G06", "G08"]
    readings = [_cell(row, 1, code) for row, code in enumerate(codes)]
    readings.append(_code_cell(5, [("G", 10, 27), ("I", 43, 8), ("ố", 53, 12), ("6", 59, 16)]))
    # the same reading with the "ố" in ink of its own: which digit was lost cannot be told, so it stays
    readings.append(_code_cell(6, [("G", 10, 27), ("I", 43, 8), ("ố", 53, 12), ("6", 70, 16)]))
    fixed, corrections = correct_readings(readings, 1)
    assert [reading.text for reading in fixed][5:] == ["G16", "GIố6"]
    assert ("GIố6", "G16", "code") in {(c.original, c.corrected, c.reason) for c in corrections}
    from extract.ocr.columns import off_pattern

    assert [fixed[i].text for i in off_pattern(fixed)] == ["GIố6"]


def test_a_column_of_words_is_no_code_column() -> None:
    names = ["Tên cơ quan", "Bộ Công an", "Bộ Y tế", "G01", "Bộ Tư pháp"]
    readings = [_cell(row, 0, name) for row, name in enumerate(names)]
    fixed, corrections = correct_readings(readings, 1)
    from extract.ocr.columns import off_pattern

    assert [reading.text for reading in fixed] == names
    assert off_pattern(fixed) == []
