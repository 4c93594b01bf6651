"""Marks a block reading of a multi-line cell gave to the line above, and sentence stops before a
lower-case word, read again word by word (extract/ocr/greyread.py).

QĐ 09/2025 row 26 came back "Ủy ban. chỉ đạo … kinh tế biên … 2030. tâm nhìn": the tone marks
stacked over the circumflexes of lines 2 and 3 went to the line above (the hook of "triển" read as
the "." of "ban."), and the comma after "2030" as a period.
"""

from __future__ import annotations

import numpy as np
import pytest

from extract.ocr.engine import Word
from extract.ocr.greyread import prefer_grey_marks
from realdocs import real

PAD = 5  # greyread's margin at 200 dpi


class _WordEngine:
    """Stands in for Tesseract: what the image shows at a word's left edge, and the boxes asked for."""

    def __init__(self, readings: dict[int, str]) -> None:
        self.readings = readings
        self.asked: dict[int, tuple[int, int, int, int]] = {}

    def set_image(self, image: np.ndarray, dpi: int) -> None:
        pass

    def words(self, psm: int, rect: tuple[int, int, int, int] | None = None) -> list[Word]:
        assert rect is not None
        left = rect[0] + PAD
        self.asked[left] = rect
        return [Word(self.readings[left], 0.9, left, 10, 40, 25, 1, 1, 1)] if left in self.readings else []


def _word(text: str, left: int, top: int) -> Word:
    return Word(text, 0.96, left, top, 50, 26, 1, 1, 1)


def _read(lines: list[list[Word]], readings: dict[int, str], ink_above: list[int]) -> tuple[list[str], _WordEngine]:
    binary = np.full((120, 500), 255, np.uint8)
    for left in ink_above:  # a mark left out of the box of the word at ``left``, just above it
        binary[52:58, left + 10 : left + 20] = 0
    engine = _WordEngine(readings)
    fixed, _, _ = prefer_grey_marks(engine, binary, 200, lines, binary)  # type: ignore[arg-type]
    return [word.text for line in fixed for word in line], engine


def test_a_mark_lost_to_the_line_above_is_read_back_from_a_raised_box() -> None:
    lines = [
        [_word("Ủy", 10, 10), _word("ban", 70, 10)],
        [_word("tê", 10, 60), _word("biên", 70, 60), _word("kinh", 130, 60), _word("tâm", 190, 60)],
        [_word("tống", 250, 60)],
    ]
    # "biển" adds the hook; "tằm" has the tone on the wrong hat: the tone is taken, the circumflex kept;
    # "kinh" has no ink above it and is not read again; "tê" read again as "tô" (other letters) stays.
    readings = {10: "tô", 70: "biển", 190: "tằm", 250: "tổng"}
    texts, engine = _read(lines, readings, ink_above=[10, 70, 190, 250])
    assert texts == ["Ủy", "ban", "tê", "biển", "kinh", "tầm", "tổng"]
    assert sorted(engine.asked) == [10, 70, 190, 250]
    assert engine.asked[70][1] == 60 - 13  # raised by half the word's height
    # a word open to the hook slip keeps its own box: raised, the line above's feet blur the hook
    assert engine.asked[250][1] == 60 - PAD
    # the first line has nothing above it inside the cell: ink there is no lost mark
    texts, engine = _read([[_word("biên", 70, 60)]], {70: "biển"}, ink_above=[70])
    assert texts == ["biên"] and not engine.asked


@pytest.mark.parametrize(
    ("line", "reread", "expected"),
    [
        (["bạn.", "chỉ"], "bạn", ["bạn", "chỉ"]),  # a speck before a lower-case word: dropped
        (["2030.", "tâm"], "2030,", ["2030,", "tâm"]),  # a comma read as a period
        (["2030.", "Tâm"], "2030,", ["2030.", "Tâm"]),  # before a capital a period is a period
        (["năm.", "tâm"], "nắm;", ["năm.", "tâm"]),  # only a comma or nothing replaces it, marks stay
        (["2030.", "tâm"], "2036,", ["2030.", "tâm"]),  # other letters: the reading is not the same word
    ],
)
def test_a_sentence_stop_before_a_lower_case_word_is_questioned(
    line: list[str], reread: str, expected: list[str]
) -> None:
    words = [_word(text, 10 + 100 * index, 10) for index, text in enumerate(line)]
    texts, _ = _read([words], {10: reread}, ink_above=[])
    assert texts == expected


def test_row_26_of_a_real_scan_reads_as_printed() -> None:
    from extract.blocks import RawTable
    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    path = real("09-2025-QD-TTg.pdf")
    result = ocr_page(render_pdf_page(path.read_bytes(), path.name, 2))
    rows = [[cell.text for cell in row] for block in result.blocks if isinstance(block, RawTable) for row in block.rows]
    row = next(row for row in rows if row[0] == "26")
    assert " ".join(row[1].split()) == (
        "Ủy ban chỉ đạo quốc gia về thực hiện Chiến lược phát triển bền vững kinh tế biển Việt Nam "
        "đến năm 2030, tầm nhìn đến năm 2045"
    )
    made = {(c.original, c.corrected, c.reason) for c in result.corrections}
    assert {("tâm", "tầm", "grey_reading"), ("2030.", "2030,", "grey_reading"), ("bạn.", "bạn", "grey_reading")} <= made
