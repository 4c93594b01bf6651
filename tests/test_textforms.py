"""One implementation of each text primitive (issue #16): every preset equals the copy it replaced.

The reference definitions below are the former copies, verbatim in substance, kept as oracles:
Hypothesis draws arbitrary Unicode (other scripts' marks included, where the copies differed) and
Vietnamese text, and each preset must give exactly what its copy gave.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.textforms import fold, fold_uncached, modern_tone_placement, roman_value, to_roman

_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_ALPHABET = _VIETNAMESE + _VIETNAMESE.upper() + " \t\u00a0–-/.,;:()0123456789_\u0301\u0323"
vietnamese = st.text(alphabet=_ALPHABET, max_size=40)
anything = st.text(max_size=30)


def _old_markup_fold(text: str) -> str:  # extract/markup.py
    decomposed = unicodedata.normalize("NFD", text.translate(str.maketrans({"đ": "d", "Đ": "D"})))
    marks = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
    return " ".join(marks.sub("", decomposed).lower().split())


def _old_nlp_fold(text: str) -> str:  # nlp/text.py (its slow path; the fast path was tested equal)
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _old_matching_fold(text: str) -> str:  # matching/text.py
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
        if base != char and base.isascii():
            table[code] = base.lower()
    return unicodedata.normalize("NFC", text).lower().translate(table)


def _old_catalog_fold(text: str) -> str:  # catalog/exports/view.py
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", "d")


def _old_toneless(text: str) -> str:  # extract/pdf/layout.py, keeps case
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@settings(max_examples=300, deadline=None)
@given(st.one_of(vietnamese, anything))
def test_each_preset_equals_the_copy_it_replaced(text: str) -> None:
    assert fold(text, collapse_spaces=True, marks="diacritic_blocks") == _old_markup_fold(text)
    assert fold(text) == _old_nlp_fold(text)
    assert fold_uncached(text) == _old_nlp_fold(text)
    assert fold(text, marks="latin") == _old_matching_fold(text)
    assert fold(text, marks="nonspacing") == _old_catalog_fold(text)
    assert fold(text, keep_case=True) == _old_toneless(text)


@given(vietnamese)
def test_the_presets_agree_on_vietnamese(text: str) -> None:
    # On the genre's own letters every way of choosing marks is the same fold.
    expected = fold(text)
    for marks in ("nonspacing", "diacritic_blocks", "latin"):
        assert fold(text, marks=marks) == expected  # type: ignore[arg-type]


def test_the_differences_kept_as_parameters() -> None:
    from extract.markup import fold as label_fold

    assert label_fold("Đơn vị  quản lý") == "don vi quan ly"
    assert label_fold("TÊN TẬP DỮ LIỆU") == "ten tap du lieu"
    assert fold("Văn hoá – Xã hội") == "van hoa – xa hoi"
    assert fold("Đơn vị  quản\u00a0lý", collapse_spaces=True, marks="diacritic_blocks") == "don vi quan ly"
    assert fold("Đơn vị  quản\u00a0lý") == "don vi  quan\u00a0ly"  # spacing as printed
    assert fold("SởY Đức", keep_case=True) == "SoY Duc"
    # Marks of other scripts: Devanagari vowel sign (ccc 0, Mn),
    # combining grapheme joiner (ccc 0, Mn, in the diacritic block), a Cyrillic letter that
    # decomposes, and a mark in the combining-marks-for-symbols block.
    assert fold("क\u0941") == "क\u0941" and fold("क\u0941", marks="nonspacing") == "क"
    assert fold("a\u034fb") == "a\u034fb" and fold("a\u034fb", marks="diacritic_blocks") == "ab"
    assert fold("й") == "и" and fold("й", marks="latin") == "й"
    assert fold("a\u20d0") == "a" and fold("a\u20d0", marks="latin") == "a\u20d0"
    with pytest.raises(ValueError):
        fold("a", keep_case=True, marks="latin")


def test_modern_tone_placement() -> None:
    assert modern_tone_placement("hoá học, thuỷ lợi, Hoà Bình, THUỶ") == "hóa học, thủy lợi, Hòa Bình, THỦY"
    # closed syllables and "qu" keep their mark
    assert modern_tone_placement("hoàn thuyền quý") == "hoàn thuyền quý"
    # a digit or "_" (nlp's compound-word joiner) ends a syllable
    assert modern_tone_placement("thuỷ_lợi hoá1") == "thủy_lợi hóa1"


def test_matching_normalize_moves_the_tone_before_a_segmentation_joint() -> None:
    # matching's own copy required a non-word character after the vowels, so "thuỷ_lợi" (nlp's
    # segmented key) kept the old placement and did not equal "thủy lợi".
    from matching.text import normalize

    assert normalize("thuỷ_lợi") == normalize("thủy lợi") == "thủy lợi"


def test_roman_round_trip() -> None:
    for value in range(1, 4000):
        assert roman_value(to_roman(value), below=4000) == value


def test_roman_limits() -> None:
    assert roman_value("XCIX") == 99 and roman_value("C") is None
    assert roman_value("XXXIX", below=40) == 39 and roman_value("XL", below=40) is None
    assert roman_value("IIII") is None and roman_value("VX") is None and roman_value("") is None
    assert roman_value("iv") is None
    assert to_roman(0) == ""


_OCR_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")


@given(st.text(alphabet="IVXLC", max_size=8))
def test_roman_under_40_is_the_former_ocr_pattern(text: str) -> None:
    assert (roman_value(text, below=40) is not None) == (bool(text) and _OCR_ROMAN.match(text) is not None)


def test_the_three_syllable_tests_share_an_inventory_and_keep_their_strictness() -> None:
    # OCR post-correction checks spelling (tone against coda, k/c before front vowels);
    # legacy-encoding evidence checks letters and marks; PDF cell gluing checks the toneless shape.
    from extract.legacy.syllables import is_vietnamese_syllable
    from extract.ocr.syllables import is_valid_syllable
    from extract.pdf.layout import one_syllable

    for word in ("hoạch", "nghiêng", "Quyết", "đường"):
        assert is_valid_syllable(word) and is_vietnamese_syllable(word) and one_syllable(word)
    assert not is_valid_syllable("tòp") and is_vietnamese_syllable("tòp") and one_syllable("tòp")
    assert not is_valid_syllable("kan") and is_vietnamese_syllable("kan") and one_syllable("kan")
    assert not is_vietnamese_syllable("aoa") and one_syllable("aoa")
    assert not is_vietnamese_syllable("hóà") and not is_valid_syllable("Tên đơn")


def test_tone_placement_shortcut_is_the_full_pattern() -> None:
    # The one-class scan only skips texts the full pattern leaves as they are.
    from extract.textforms import _OLD_TO_NEW, _OLD_TONE_RE

    texts = ["Văn hoá", "THUỶ LỢI", "quý", "hoàn thành", "khoẻ_mạnh", "Hoà2", "toà án", "xoá đói", "dữ liệu", ""]
    texts += [pair + tail for pair in _OLD_TO_NEW for tail in ("", " x", "n", "_a")]
    for text in texts:
        assert modern_tone_placement(text) == _OLD_TONE_RE.sub(lambda m: _OLD_TO_NEW[m.group(1)], text)
