"""Position-aligned tables (extract/aligned_tables.py) on the unruled catalog fixtures.

The words come from pdfplumber, as the PDF reader's would; the tables found on every page,
handed to the stitcher as unruled fragments (it joins a row cut by a page break and gives a
sub-row the number and title above), must hold every gold catalog row with its exact number,
title and unit.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from extract.aligned_tables import AlignedTable, Word, find_aligned_tables
from extract.blocks import RawCell, RawTable
from extract.markup import fold
from extract.model import RowKind, Table
from extract.structure.tables import join_cell_lines, stitch_tables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "unruled"
GOLD = ROOT / "corpus" / "gold"
SEEDS = ("dong_cuu_ke_hoach_2026", "hung_yen_ke_hoach_du_lieu_mo")
TARGET_RECALL = 0.95
_RULE_THICKNESS = 3.0  # a rectangle thinner than this is drawn as a rule


def _collapse(text: str) -> str:
    """A cell's lines joined as the stitcher joins them ("Phòng VH–" / "XH" is one word)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", join_cell_lines(text))).strip()


@cache
def _pages(name: str) -> list[list[AlignedTable]]:
    tables: list[list[AlignedTable]] = []
    with pdfplumber.open(DATA / f"{name}.pdf") as pdf:
        for page in pdf.pages:
            words = [
                Word(
                    text=raw["text"],
                    x0=raw["x0"],
                    x1=raw["x1"],
                    top=raw["top"],
                    bottom=raw["bottom"],
                    bold="bold" in raw["fontname"].lower(),
                )
                for raw in page.extract_words(extra_attrs=["fontname"])
            ]
            rules = [(line["top"], line["x0"], line["x1"]) for line in page.lines if line["height"] < _RULE_THICKNESS]
            rules += [
                ((rect["top"] + rect["bottom"]) / 2, rect["x0"], rect["x1"])
                for rect in page.rects
                if rect["height"] < _RULE_THICKNESS
            ]
            tables.append(find_aligned_tables(words, h_rules=rules, page_width=float(page.width)))
    return tables


def _column_roles(header: list[str]) -> tuple[int, int, int]:
    """(number, title, unit) columns of a header, by label."""
    labels = [fold(_collapse(label)) for label in header]
    title = next(i for i, label in enumerate(labels) if label.startswith("ten"))
    unit = next(i for i, label in enumerate(labels) if "don vi" in label or "co quan" in label)
    return 0, title, unit


def _raw_tables(name: str) -> list[RawTable]:
    """The blocks the PDF reader would hand over: one fragment per table and page."""
    return [
        RawTable(
            rows=[[RawCell(text=text, page=number) for text in row] for row in table.rows],
            page=number,
            ruled=False,
            after_break=position == 0 and number > 1,
        )
        for number, page_tables in enumerate(_pages(name), start=1)
        for position, table in enumerate(page_tables)
    ]


def _flatten(name: str) -> list[tuple[str, str, str]]:
    """(number, title, unit) of every data row after the stitcher joined the page fragments."""
    items, _ = stitch_tables(_raw_tables(name), source=name)
    entries: list[tuple[str, str, str]] = []
    for table in items:
        if not isinstance(table, Table):
            continue
        number_col, title_col, unit_col = _column_roles(table.header)
        entries.extend(
            (
                _collapse(row.cells[number_col].text),
                _collapse(row.cells[title_col].text),
                _collapse(row.cells[unit_col].text),
            )
            for row in table.rows
            if row.kind is RowKind.DATA
        )
    return entries


def _recall(seed: str, name: str) -> tuple[float, list[tuple[str, str, str]]]:
    gold = json.loads((GOLD / f"{seed}.json").read_text(encoding="utf-8"))["catalog"]
    found = _flatten(name)
    missing = []
    remaining = list(found)
    for row in gold:
        key = (_collapse(row["number"]), _collapse(row["title"]), _collapse(row["unit"]))
        if key in remaining:
            remaining.remove(key)
        else:
            missing.append(key)
    return 1 - len(missing) / len(gold), missing


@pytest.mark.parametrize("variant", ["hrules", "borderless"])
@pytest.mark.parametrize("seed", SEEDS)
def test_unruled_fixture_tables_hold_every_gold_row(seed: str, variant: str) -> None:
    recall, missing = _recall(seed, f"{seed}_{variant}")
    assert recall >= TARGET_RECALL, f"recall {recall:.3f}; missing {missing[:5]}"


@pytest.mark.parametrize("page_number", [1, 2])
def test_no_table_is_found_in_running_text(page_number: int) -> None:
    """The body of a ruled plan (paragraphs, numbered headings, the national header) has none."""
    with pdfplumber.open(ROOT / "corpus" / "docs" / "bac_ninh_ke_hoach_2026.pdf") as pdf:
        page = pdf.pages[page_number - 1]
        words = [
            Word(raw["text"], raw["x0"], raw["x1"], raw["top"], raw["bottom"], "bold" in raw["fontname"].lower())
            for raw in page.extract_words(extra_attrs=["fontname"])
        ]
    assert len(words) > 100
    assert find_aligned_tables(words, page_width=float(page.width)) == []


# ---------------------------------------------------------------- a hand-made page

_SIZE = 12.0
_CHAR = 6.0  # a word's width per character
_SPACE = 3.0  # a word space, a quarter of the font size


def _line(top: float, *pieces: tuple[float, str], bold: bool = False) -> list[Word]:
    """The words of one printed line: each piece starts at its x and is set with word spaces."""
    words: list[Word] = []
    for x, text in pieces:
        for token in text.split():
            width = _CHAR * len(token)
            words.append(Word(token, x, x + width, top, top + _SIZE, bold))
            x += width + _SPACE
    return words


def _page() -> list[Word]:
    # columns start at 60 (number), 100 (title), 250 (unit), 360 (frequency); labels are centred
    return [
        *_line(50, (60, "Tài liệu kèm theo gồm các danh mục sau đây"), bold=True),
        *_line(80, (64, "TT"), (130, "Tên dữ liệu"), (270, "Đơn vị"), (370, "Tần suất"), bold=True),
        *_line(94, (64, "I"), (100, "LĨNH VỰC Y TẾ"), bold=True),
        *_line(108, (64, "1"), (100, "Dữ liệu cơ sở"), (250, "Sở Y tế"), (360, "Năm hoặc đột")),
        *_line(122, (100, "khám bệnh"), (360, "xuất")),
        *_line(136, (64, "2"), (100, "Dữ liệu giá thuốc"), (250, "Sở Y tế"), (360, "Quý")),
        # a sub-row: "Bệnh" and "Tháng" would have fitted on the line above, so they do not wrap it
        *_line(150, (250, "Bệnh viện"), (360, "Tháng")),
        *_line(164, (64, "3"), (100, "Dữ liệu dược"), (250, "Sở Y tế và các"), (360, "Năm")),
        *_line(178, (250, "Bệnh viện")),
        *_line(200, (60, "2. Nhóm dữ liệu giáo dục và đào tạo của tỉnh trong năm")),
    ]


def test_hand_made_table_rows_groups_and_sub_rows() -> None:
    (table,) = find_aligned_tables(_page(), page_width=595.0)
    assert table.header_rows == 1
    assert table.rows == [
        ["TT", "Tên dữ liệu", "Đơn vị", "Tần suất"],
        ["I", "LĨNH VỰC Y TẾ", "", ""],
        ["1", "Dữ liệu cơ sở\nkhám bệnh", "Sở Y tế", "Năm hoặc đột\nxuất"],
        ["2", "Dữ liệu giá thuốc", "Sở Y tế", "Quý"],
        ["", "", "Bệnh viện", "Tháng"],
        ["3", "Dữ liệu dược", "Sở Y tế và các\nBệnh viện", "Năm"],
    ]
    assert table.bbox[1] == 80 and table.bbox[3] == 178 + _SIZE  # the heading below is not in it


def test_horizontal_rules_separate_rows() -> None:
    """With rules, a line under a rule starts a row even when it would read as a wrapped line."""
    words = [word for word in _page() if word.top != 200]
    rule_under_row_1 = (120.0 + 0.5, 55.0, 420.0)
    (table,) = find_aligned_tables(words, h_rules=[rule_under_row_1], page_width=595.0)
    assert table.rows[2:4] == [["1", "Dữ liệu cơ sở", "Sở Y tế", "Năm hoặc đột"], ["", "khám bệnh", "", "xuất"]]


def test_big_gap_ends_the_table() -> None:
    words = [word for word in _page() if word.top < 170]
    words += _line(170 + 4 * _SIZE, (100, "Dữ liệu khác"), (250, "Sở khác"))
    (table,) = find_aligned_tables(words, page_width=595.0)
    assert table.rows[-1][0] == "3" and table.bbox[3] == 164 + _SIZE


# ---------------------------------------------------------------- what is not a table


def _justified(top: float, text: str, left: float = 60.0, right: float = 540.0) -> list[Word]:
    """A justified line: its spaces stretched evenly so it runs from ``left`` to ``right``."""
    tokens = text.split()
    gap = (right - left - sum(_CHAR * len(token) for token in tokens)) / (len(tokens) - 1)
    words: list[Word] = []
    x = left
    for token in tokens:
        words.append(Word(token, x, x + _CHAR * len(token), top, top + _SIZE))
        x += _CHAR * len(token) + gap
    return words


def test_justified_prose_is_not_a_table() -> None:
    """Stretched spaces put column labels at piece starts and line up by chance: not a table."""
    lines = [
        "Tên đơn vị Thời gian thực hiện Nội dung công việc giao",
        "1. Các cơ quan đơn vị chủ động triển khai kế hoạch này",
        "theo đúng quy định hiện hành và báo cáo kết quả về",
        "Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 hằng năm",
        "để tổng hợp báo cáo cấp trên theo quy định pháp luật",
    ]
    words = [word for k, line in enumerate(lines) for word in _justified(100 + 16 * k, line)]
    assert find_aligned_tables(words, page_width=595.0) == []
    # the hand-made table keeps its uneven gaps, so it is still found
    assert len(find_aligned_tables(_page(), page_width=595.0)) == 1


def test_signature_and_recipients_block_is_not_a_table() -> None:
    words = [
        *_line(80, (60, "TT"), (130, "Tên đơn vị nhận"), (330, "Thời gian"), bold=True),
        *_line(100, (60, "1."), (130, "Sở Tư pháp"), (330, "Quý II")),
        *_line(114, (60, "Nơi nhận:"), (330, "TM. ỦY BAN NHÂN DÂN")),
        *_line(128, (60, "- Như trên;"), (350, "KT. CHỦ TỊCH")),
        *_line(142, (60, "- Lưu: VT."), (340, "PHÓ CHỦ TỊCH")),
    ]
    assert find_aligned_tables(words, page_width=595.0) == []
