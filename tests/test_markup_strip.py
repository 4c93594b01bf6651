"""One markup stripper (extract.markup.strip_markup) for the text reader and structure parsing.

Structure parsing had its own pattern: it dropped every "*" and every <sup>/<sub> tag, so a
printed footnote mark "(*)" became "()" (the title of the real BTP-1043 list) and "1m<sup>2</sup>"
became "1m2". The one difference it keeps, as a parameter, is the "* " bullet of DOCX/PDF lists.
"""

from __future__ import annotations

import pytest

from extract.markup import clean_inline, strip_markup
from extract.structure.numbering import clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1m<sup>2</sup>", "1m²"),
        ("1m <sup>2</sup>", "1m²"),
        ("LIÊN NGÀNH NĂM 2021(*)", "LIÊN NGÀNH NĂM 2021(*)"),
        ("**II. NHIỆM VỤ**", "II. NHIỆM VỤ"),
        ("## 1. Mục tiêu", "1. Mục tiêu"),
        ("<b>Stt</b>", "Stt"),
        ("Số: ______", "Số: ______"),
        ("<5 tuổi", "<5 tuổi"),
        ("a\u00a0 b", "a b"),
    ],
)
def test_structure_and_reader_strip_the_same_way(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected
    assert clean_inline(raw) == expected


def test_star_bullet_is_the_kept_difference() -> None:
    # DOCX/PDF lists print "*" as a bullet glyph; the text reader keeps a lone star as printed.
    assert clean_text("* Yêu cầu chung phần mềm") == "Yêu cầu chung phần mềm"
    assert clean_inline("* Yêu cầu chung phần mềm") == "* Yêu cầu chung phần mềm"
    assert strip_markup("(*) Ghi chú", star_bullets=True) == "(*) Ghi chú"


def test_strip_markup_keeps_whitespace_and_lines() -> None:
    assert strip_markup("a  <b>b</b>\n<i>c</i><br>d") == "a  b\nc\nd"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # nlp's own patterns gave "1m 2", "Dữ liệu ()" and "Số:" for these.
        ("1m<sup>2</sup>", "1m²"),
        ("Dữ liệu dân cư (*)", "Dữ liệu dân cư (*)"),
        ("Số: ______", "Số: ______"),
        ("<5 tuổi", "<5 tuổi"),
        ("~~Dữ liệu cũ~~", "Dữ liệu cũ"),
        ("## **II. NHIỆM VỤ**\n## 1. Mục tiêu", "II. NHIỆM VỤ\n1. Mục tiêu"),
        ("Sở GD&ĐT; R&amp;D", "Sở GD&ĐT; R&D"),
    ],
)
def test_normalised_values_are_stripped_like_the_reader(raw: str, expected: str) -> None:
    from nlp.text import normalize_text

    assert normalize_text(raw) == expected
    assert clean_inline(raw, keep_breaks=True) == expected
