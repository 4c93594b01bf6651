"""Roman numerals made of "I"s, recounted from the image: "Quý III" comes back as "Quý II".

Serif capitals I stand so close that their serifs touch on a 200 dpi scan, and the LSTM then reads
two of them as one (its box one "I" too wide), or glues one to the "/" after it, or reads one as a
"1" ("II1/2026"). The text alone cannot tell "II" from "III"; the image can: every "I" is a vertical
stem inked over the full cap height, while the serifs that join the strokes, a "/", "," or ";" ink
only part of each column. Counting the runs of fully inked columns in front of the digits counts
the I's (on the corpus scans it matched every one of 20 quarter numerals, misread or not).
"""

from __future__ import annotations

import dataclasses
import re

import cv2
import numpy as np

from extract.ocr.engine import Word
from extract.ocr.postcorrect import Correction

# A token that is a roman numeral ending in I's as read (V, X in front): stems read as "I", "1", "l"
# or "|", at least one "I" (a bare "1" or "11" is a number), then a separator or nothing.
_ROMAN = re.compile(r"^(X{0,3}V?)([I1l|]*I[I1l|]*)([/⁄,.;:)].*)?$")
_STEM_GLYPHS = set("I1l|")
_DIGITS_AFTER = set("023456789")  # a year after "/" starts with one of these, never with a stem
# A column is part of a stem when ink covers this share of the cap height: a serif, a diagonal
# ("/") or a punctuation mark covers at most half of it.
STEM_COVER = 0.75
MAX_I_RUN = 3  # I, II, III: a fourth I is written IV


def recount_roman(words: list[Word], image: np.ndarray, page: int | None) -> tuple[list[Word], list[Correction]]:
    """``words`` with each I-only roman numeral spelt with as many I's as the image shows stems."""
    fixed: list[Word] = []
    corrections: list[Correction] = []
    for index, word in enumerate(words):
        match = _ROMAN.match(word.text)
        if match is None and _opens_heading(words, index):
            # "IH. ĐỐI TƯỢNG", "LH. NỘI DUNG": a heading's numeral whose stems came back as H or L.
            count = _stems(word, image, _HEADING_GLYPHS)
            if count is not None and 1 <= count <= MAX_I_RUN:
                text = "I" * count + "."
                if text != word.text:
                    context = " ".join(w.text for w in words[index : index + 4])[:60]
                    corrections.append(Correction(page, word.text, text, context, "roman"))
                    word = dataclasses.replace(word, text=text)
            fixed.append(word)
            continue
        count = _stems(word, image) if match is not None else None
        if match is None or count is None or not 1 <= count <= MAX_I_RUN:
            fixed.append(word)
            continue
        # A V or X in front inks no full-height column (its strokes slant), so only the I's count.
        text = match.group(1) + "I" * count + (match.group(3) or "")
        if text != word.text:
            context = " ".join(w.text for w in words[max(0, index - 2) : index + 3])[:60]
            corrections.append(Correction(page, word.text, text, context, "roman"))
            word = dataclasses.replace(word, text=text)
        fixed.append(word)
    return fixed, corrections


# A heading's numeral as the recogniser spells its stems: I, l, 1, |, and H (two stems joined by a
# serif) or L (a stem and a foot); it must hold an H or L, the I-only ones are handled above.
_HEADING = re.compile(r"^[I1l|HL]*[HL][I1l|HL]*\.$")
_HEADING_GLYPHS = _STEM_GLYPHS | {"H", "L"}


def _opens_heading(words: list[Word], index: int) -> bool:
    """The first word of its line, a numeral look-alike with a period, before a word in capitals."""
    word = words[index]
    if _HEADING.match(word.text) is None or index + 1 >= len(words):
        return False
    previous = words[index - 1] if index > 0 else None
    if previous is not None and (previous.block, previous.paragraph, previous.line) == (
        word.block,
        word.paragraph,
        word.line,
    ):
        return False
    following = words[index + 1]
    same_line = (following.block, following.paragraph, following.line) == (word.block, word.paragraph, word.line)
    letters = [char for char in following.text if char.isalpha()]
    return same_line and len(letters) >= 2 and all(char.isupper() for char in letters)


def _stems(word: Word, image: np.ndarray, glyphs: set[str] = _STEM_GLYPHS) -> int | None:
    """Runs of fully inked columns between the word's left edge and its first digit, or None when
    the word's characters carry no boxes (the CLI fallback) or the crop is empty."""
    stems = [symbol for symbol in word.symbols if symbol.text in glyphs]
    if not stems:
        return None
    top = max(0, min(symbol.top for symbol in stems))
    bottom = max(symbol.top + symbol.height for symbol in stems)
    digits = [symbol.left for symbol in word.symbols if symbol.text in _DIGITS_AFTER]
    right = min(digits) if digits else word.right
    left = max(0, word.left - 2)
    crop = image[top:bottom, left:right]
    if crop.size == 0 or bottom - top < 6:
        return None
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    full = ink.sum(axis=0) >= STEM_COVER * (bottom - top)
    return int(full[0]) + int(np.count_nonzero(full[1:] & ~full[:-1]))
