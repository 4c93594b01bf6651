"""Vietnamese text primitives shared by every layer: accent folding, tone placement, roman numerals.

They live here, the lowest layer that needs them, so that ``extract`` uses them without importing
``nlp`` and ``nlp``/``matching``/``catalog`` use the same definitions. Each former copy is a
preset of one function; the differences the copies had are explicit parameters:

* ``fold(keep_case=...)``: matching forms are lower case; the PDF layout's syllable test keeps case.
* ``fold(collapse_spaces=...)``: table-label folding collapses every run of whitespace (NBSP
  included) to one space; the other folds keep spacing as it is.
* ``fold(marks=...)``: which marks a fold removes. All of them remove the Vietnamese diacritics
  and "đ" alike; they differ only on marks of other scripts (tests/test_textforms.py pins each):

  - ``"combining"``: every character with a non-zero canonical combining class (nlp, OCR, layout);
  - ``"nonspacing"``: every character of category Mn (catalog search);
  - ``"diacritic_blocks"``: the four Combining Diacritical Marks blocks (table labels);
  - ``"latin"``: no decomposition; precomposed letters of U+00C0–U+1EFF whose base is ASCII, and
    Mn marks of that range, only (matching's blocking keys).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Marks = Literal["combining", "nonspacing", "diacritic_blocks", "latin"]

_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})
_DIACRITIC_BLOCKS = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _combining_table() -> dict[int, str]:
    # One table lookup per precomposed Latin letter; the decomposing path only for what is left.
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base.isascii() and base != char:
            table[code] = base
    return table


def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
        if base != char and base.isascii():
            table[code] = base.lower()
    return table


_COMBINING_TABLE = _combining_table()
_LATIN_TABLE = _latin_table()


def _strip_combining(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_combining(text: str) -> str:
    folded = text.lower().translate(_COMBINING_TABLE)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded.translate(_COMBINING_TABLE).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_uncached(
    text: str, *, keep_case: bool = False, collapse_spaces: bool = False, marks: Marks = "combining"
) -> str:
    """``fold`` without its memo, for one-off texts that would only evict useful entries."""
    if marks == "combining":
        folded = _strip_combining(text) if keep_case else _fold_combining(text)
    elif marks == "diacritic_blocks":
        folded = _DIACRITIC_BLOCKS.sub("", unicodedata.normalize("NFD", text.translate(_D_STROKE)))
        folded = folded if keep_case else folded.lower()
    elif marks == "nonspacing":
        decomposed = unicodedata.normalize("NFD", text if keep_case else text.lower())
        folded = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").translate(_D_STROKE)
    else:
        if keep_case:
            raise ValueError("marks='latin' folds to lower case only")
        folded = unicodedata.normalize("NFC", text).lower().translate(_LATIN_TABLE)
    return " ".join(folded.split()) if collapse_spaces else folded


@lru_cache(maxsize=400_000)
def fold(text: str, *, keep_case: bool = False, collapse_spaces: bool = False, marks: Marks = "combining") -> str:
    """Text without diacritics, "đ" as "d": "Văn hoá – Xã hội" → "van hoa – xa hoi". For matching only.

    Cached: the same labels, cells and titles are folded again and again.
    """
    return fold_uncached(text, keep_case=keep_case, collapse_spaces=collapse_spaces, marks=marks)


# ---------------------------------------------------------------- tone placement

# Old-style placement puts the tone on the second vowel of an open "oa", "oe", "uy" syllable;
# the modern style (and underthesea) puts it on the first. Only open syllables move: "hoàn",
# "thuyền", "Huỳnh" keep their mark, and "quý" keeps it because "qu" is the consonant. A digit or
# "_" after the vowels ends the syllable too: nlp's word segmentation joins syllables with "_".
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ"}
_OLD_TO_NEW: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _tone_index, _toned_second in enumerate(_TONED[_second]):
        _toned_first = _TONED[_first][_tone_index]
        for _cased_first, _cased_toned_first in ((_first, _toned_first), (_first.upper(), _toned_first.upper())):
            for _cased_second, _cased_toned_second in (
                (_second, _toned_second),
                (_second.upper(), _toned_second.upper()),
            ):
                _OLD_TO_NEW[_cased_first + _cased_toned_second] = _cased_toned_first + _cased_second
_OLD_TONE_RE = re.compile(r"(?<![qQ])(" + "|".join(sorted(_OLD_TO_NEW, key=len, reverse=True)) + r")(?![^\W\d_])")


# Every old-style pair is one of "oOuU" and a toned a/e/y in an open syllable: a one-class scan (~2× faster
# than the full pattern's) finds whether a text has any, and most have none. The syllable test is the full
# pattern's: without it closed syllables ("toàn", "quản", "hoạch": ~30 % of catalog titles) went through it.
_OLD_TONE_HINT = re.compile(
    "[oOuU][" + "".join(sorted({pair[1] for pair in _OLD_TO_NEW})) + r"](?<![qQ]..)(?![^\W\d_])"
)


def modern_tone_placement(text: str) -> str:
    """Old-style tone marks moved to the modern vowel: "hoá" → "hóa", "THUỶ" → "THỦY"; NFC text."""
    if _OLD_TONE_HINT.search(text) is None:
        return text
    return _OLD_TONE_RE.sub(lambda m: _OLD_TO_NEW[m.group(1)], text)


# ---------------------------------------------------------------- syllable shape

# What every syllable test agrees on (OCR post-correction's full spelling rules, legacy-encoding
# evidence, PDF cell-line gluing): the five tone marks, the onsets, longest first, and the codas.
TONE_MARKS = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", *"bcdđghklmnprstvx")
ONSET_PATTERN = "|".join(onset for onset in ONSETS if len(onset) > 1) + "|[bcdđghklmnpqrstvx]"
CODA_PATTERN = "ch|ng|nh|[cmnpt]"


# ---------------------------------------------------------------- roman numerals

_ROMAN_STEPS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_ROMAN_VALUES = {letters: number for number, letters in _ROMAN_STEPS if len(letters) == 1}


def to_roman(value: int) -> str:
    """Upper-case roman numeral of a positive integer ("" for 0 or less)."""
    out = []
    for number, letters in _ROMAN_STEPS:
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def roman_value(text: str, *, below: int = 100) -> int | None:
    """The value of a well-formed (canonical, upper-case) roman numeral under ``below``, else None.

    Section numbers stop short of C (``below=100``); an OCR'd group number in a table, of XL
    (``below=40``): a longer "numeral" there is a misread word.
    """
    total = 0
    previous = 0
    for char in reversed(text):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total < below and to_roman(total) == text else None
