"""A second reading, from the grey image, of the cell lines whose marks binarisation may have lost.

Cells are recognised after an Otsu threshold fitted to the cell (it made lone digits reliable), but
on a 200 dpi grey scan the threshold also thins the small marks above a vowel: the hook of the hỏi
tone comes out as a sắc stroke ("đối" for "đổi", "biến" for "biển", "bố" for "bổ") and a grave
accent can vanish ("tiên" for "tiền"). The grey image keeps them; it loses others (a dot below, the
stroke of "đ"). So where the two readings of a word have the same letters, the grey one is taken
only when it carries every mark of the binary one and more, or the hook where the binary one has
the stroke — the confidences do not tell (both readings come back at 0.96-0.97).

Only the words open to that slip are read again, each on its own box (psm 8): a sắc syllable
whose hỏi twin is a word. Unsure words are left to the lexicon (cellfix), which has the evidence
for them. On a table page reading whole cells twice cost 1.8x plain Tesseract, the candidate
lines 1.62x, candidate and unsure words up to 1.7x (noisy); the budget is 1.5x.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import numpy as np

from extract.ocr.engine import PSM_SINGLE_WORD, Engine, Word
from extract.ocr.postcorrect import Correction, lexicon, skeleton, tone_key

_ACUTE, _HOOK = "\u0301", "\u0309"
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
ALIGN = 6  # pixels: the same word's box in the two readings
_TWINS = {"sac": "hoi"}  # the tone the threshold turns into the key's tone


def prefer_grey_marks(
    engine: Engine, grey: np.ndarray, dpi: int, lines: list[list[Word]]
) -> tuple[list[list[Word]], list[Correction], frozenset[str]]:
    """``lines`` (the binary reading) with each word the grey reading reads with the marks the
    threshold lost replaced; ``grey`` is the same canvas before thresholding. Also the syllables
    both readings agree on or taken from the grey one: evidence from the image that a dictionary
    lacking a compound ("giá vé", "biển số") must not overrule."""
    fixed_lines: list[list[Word]] = []
    corrections: list[Correction] = []
    agreed: set[str] = set()
    pad = max(4, dpi // 40)
    engine.set_image(grey, dpi)
    height, width = grey.shape[:2]
    for line in lines:
        fixed: list[Word] = []
        for word in line:
            if not _open_to_slip(word):
                fixed.append(word)
                continue
            top, left = max(0, word.top - pad), max(0, word.left - pad)
            bottom, right = min(height, word.bottom + pad), min(width, word.right + pad)
            others = engine.words(PSM_SINGLE_WORD, (left, top, right - left, bottom - top))
            other = others[0] if len(others) == 1 else None
            if other is not None and other.text == word.text:
                agreed.update(_SYLLABLE.findall(unicodedata.normalize("NFC", word.text.lower())))
            if other is None or other.text == word.text or not _lost_marks(word.text, other.text):
                fixed.append(word)
                continue
            # Chosen on the image's evidence: the dictionary pass must not turn it back ("biển số").
            agreed.update(_SYLLABLE.findall(unicodedata.normalize("NFC", other.text.lower())))
            corrections.append(Correction(None, word.text, other.text, word.text, "grey_reading"))
            fixed.append(dataclasses.replace(word, text=other.text, symbols=other.symbols))
        fixed_lines.append(fixed)
    return fixed_lines, corrections, frozenset(agreed)


def _open_to_slip(word: Word) -> bool:
    lex = lexicon()
    for syllable in _SYLLABLE.findall(unicodedata.normalize("NFC", word.text.lower())):
        base, _, tone = tone_key(syllable).partition("|")
        twin = _TWINS.get(tone)
        if twin is not None and f"{base}|{twin}" in lex.unigrams:
            return True
    return False


def _marks(text: str) -> list[str]:
    spelt = unicodedata.normalize("NFD", text.replace("đ", "d\u0335").replace("Đ", "D\u0335"))
    return [char for char in spelt if unicodedata.combining(char)]


def _lost_marks(binary: str, grey: str) -> bool:
    """Same letters; the grey reading has every mark of the binary one and more, or the hook of
    hỏi where the binary one has the sắc stroke and is otherwise the same."""
    if len(binary) != len(grey) or skeleton(binary.lower()) != skeleton(grey.lower()):
        return False
    if [c.isupper() for c in binary] != [c.isupper() for c in grey]:
        return False
    mine, theirs = _marks(binary), _marks(grey)
    if len(theirs) > len(mine) and all(theirs.count(mark) >= mine.count(mark) for mark in set(mine)):
        return True
    if _ACUTE in mine and _HOOK in theirs:
        return sorted(m if m != _ACUTE else _HOOK for m in mine) == sorted(theirs)
    return False
