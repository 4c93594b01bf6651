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

A cell of several lines read as a block loses marks another way: a tone mark stacked over a
circumflex or breve ("ầ", "ể") sits in the narrow gap between two lines, and Tesseract's line finder
gives it to the line above, where it is dropped or read as a speck ("bạn." over "triển"); the word
below comes back without it ("tâm" for "tầm", "biên" for "biển", QĐ 09/2025 row 26). A word of a
second or later line with ink just above its box is read again on its box raised by half its
height, which gives the mark back; the same rule takes the marks (same letters, every mark kept
and more). And a sentence stop glued to a word before a lower-case word (Vietnamese capitalises
after a period) is questioned: the word read alone is asked whether the mark is a comma or nothing
("2030." for "2030,"); only the punctuation is taken from that reading. These add few reads: 4
words on Đông Cứu p. 8 (52 multi-line cells, 23 reads before), 11 on QĐ 09/2025 p. 2.
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
# A word is suspected of a mark lost to the line above when this many ink pixels lie in the strip
# ABOVE_STRIP of its height above its box (a mark is 20-60 px at 200 dpi, a speck of dust 1-4).
ABOVE_STRIP = 0.3
MIN_MARK_INK = 6
# Its second reading takes a box raised by this share of its height: at 0.3 the stacked mark of
# "tầm" is still cut off (read "tâm"), at 0.5 every lost mark of QĐ 09/2025 row 26 comes back.
MARK_REACH = 0.5
_STOP = re.compile(r"^(.*?\w)([.,]?)$", re.UNICODE | re.DOTALL)


def prefer_grey_marks(
    engine: Engine, grey: np.ndarray, dpi: int, lines: list[list[Word]], binary: np.ndarray | None = None
) -> tuple[list[list[Word]], list[Correction], frozenset[str]]:
    """``lines`` (the binary reading) with each word the grey reading reads with the marks the
    threshold lost replaced; ``grey`` is the same canvas before thresholding, ``binary`` after (where
    ink lost to the line above is looked for; None: not looked for). Also the syllables
    both readings agree on or taken from the grey one: evidence from the image that a dictionary
    lacking a compound ("giá vé", "biển số") must not overrule."""
    engine.set_image(grey, dpi)
    canvas = _Canvas(engine, binary, max(4, dpi // 40), *grey.shape[:2])
    fixed_lines: list[list[Word]] = []
    corrections: list[Correction] = []
    agreed: set[str] = set()
    for number, line in enumerate(lines):
        fixed: list[Word] = []
        for position, word in enumerate(line):
            kept, correction = canvas.reread(lines, number, position, word, agreed)
            fixed.append(kept)
            if correction is not None:
                corrections.append(correction)
        fixed_lines.append(fixed)
    return fixed_lines, corrections, frozenset(agreed)


@dataclasses.dataclass(frozen=True)
class _Canvas:
    """The grey canvas set on the engine, for reading one word again on its own box."""

    engine: Engine
    binary: np.ndarray | None
    pad: int
    height: int
    width: int

    def reread(self, lines: list[list[Word]], number: int, position: int, word: Word,
               agreed: set[str]) -> tuple[Word, Correction | None]:  # fmt: skip
        """The word as the grey reading corrects it (with the correction), or as it was (None)."""
        slip = _open_to_slip(word.text)
        # A word open to the slip is read on its own box as before: raised, the box takes in the
        # line above's feet and the hook comes back a stroke again ("K tống số" in Hưng Yên p. 12).
        lost = not slip and number > 0 and self.binary is not None and _ink_above(self.binary, word)
        stop = _stop_before_lower_case(lines, number, position)
        if not (slip or lost or stop):
            return word, None
        other = self._read_alone(word, lost)
        if slip and other is not None and other.text == word.text:
            agreed.update(_SYLLABLE.findall(unicodedata.normalize("NFC", word.text.lower())))
        taken = None if other is None else _taken(word.text, other.text, slip=slip, lost=lost, stop=stop)
        if other is None or taken is None:
            return word, None
        if _marks(taken) != _marks(word.text) and (slip or not _open_to_slip(taken)):
            # Chosen on the image's evidence: the dictionary pass must not turn it back ("biển số").
            # A stroke read from a raised box may be the hook again: the dictionary may still judge it.
            agreed.update(_SYLLABLE.findall(unicodedata.normalize("NFC", taken.lower())))
        symbols = other.symbols if taken == other.text else word.symbols
        correction = Correction(None, word.text, taken, word.text, "grey_reading")
        return dataclasses.replace(word, text=taken, symbols=symbols), correction

    def _read_alone(self, word: Word, lost: bool) -> Word | None:
        # Raised, the box reaches the lost mark; the usual margin on top of that takes in the
        # line above's feet, read as a mark ("tằm" for "tầm").
        pad = self.pad
        above = round(MARK_REACH * word.height) if lost else pad
        top, left = max(0, word.top - above), max(0, word.left - pad)
        bottom, right = min(self.height, word.bottom + pad), min(self.width, word.right + pad)
        others = self.engine.words(PSM_SINGLE_WORD, (left, top, right - left, bottom - top))
        return others[0] if len(others) == 1 else None


def _taken(read: str, other: str, *, slip: bool, lost: bool, stop: bool) -> str | None:
    """The word as the second reading ``other`` corrects ``read``, or None: its marks when they are
    the marks ``read`` lost (hook for stroke too, for a word open to that slip), and its last mark
    in place of a sentence stop before a lower-case word when it is a comma or nothing. A word read
    again for a mark lost above takes only added marks: the hook for the stroke is judged for the
    words open to that slip alone."""
    if other == read:
        return None
    if slip and _lost_marks(read, other):
        return other
    head, tail = _stop_split(read)
    other_head, other_tail = _stop_split(other)
    head_taken = head
    if lost:
        head_taken = other_head if _more_marks(head, other_head) else _tone_found_above(head, other_head) or head
    if stop and tail == "." and other_tail in ("", ",") and skeleton(head.lower()) == skeleton(other_head.lower()):
        tail = other_tail
    taken = head_taken + tail
    return taken if taken != read else None


def _tone_found_above(read: str, other: str) -> str | None:
    """``read``, a syllable without a tone mark, with the tone ``other`` found above it, when the two
    have the same letters and that syllable is known. A tone stacked over a circumflex can come back
    on the wrong hat ("tằm" for "tầm"), while the first reading, without the tone, had the hat right."""
    word, found = unicodedata.normalize("NFC", read), unicodedata.normalize("NFC", other)
    if not word.isalpha() or not found.isalpha() or skeleton(word.lower()) != skeleton(found.lower()):
        return None
    base, tone = tone_key(word.lower()).split("|")
    other_tone = tone_key(found.lower()).split("|")[1]
    if tone or not other_tone:
        return None
    spelt = lexicon().display.get(f"{base}|{other_tone}")
    if spelt is None:
        return None
    if word.isupper() and len(word) > 1:
        return spelt.upper()
    return spelt[:1].upper() + spelt[1:] if word[:1].isupper() else spelt


def _stop_split(text: str) -> tuple[str, str]:
    """The word and its last mark when that is a period or a comma ("2030." -> "2030", ".")."""
    match = _STOP.match(text)
    return (match.group(1), match.group(2)) if match is not None else (text, "")


def _ink_above(binary: np.ndarray, word: Word) -> bool:
    """Ink in the strip just above the word's box, over the word: a mark its box left out."""
    strip_top = max(0, word.top - max(2, round(ABOVE_STRIP * word.height)))
    region = binary[strip_top : max(strip_top, word.top), max(0, word.left) : max(0, word.right)]
    return int(np.count_nonzero(region < 128)) >= MIN_MARK_INK


def _stop_before_lower_case(lines: list[list[Word]], number: int, position: int) -> bool:
    """The word ends with one period and the next word of the cell begins with a lower-case letter."""
    text = lines[number][position].text
    if not text.endswith(".") or text.endswith("..") or len(text) < 2:
        return False
    if position + 1 < len(lines[number]):
        following = lines[number][position + 1].text
    elif number + 1 < len(lines) and lines[number + 1]:
        following = lines[number + 1][0].text
    else:
        return False
    return following[:1].isalpha() and following[:1].islower()


def _open_to_slip(text: str) -> bool:
    lex = lexicon()
    for syllable in _SYLLABLE.findall(unicodedata.normalize("NFC", text.lower())):
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
    if _more_marks(binary, grey):
        return True
    if not _same_letters(binary, grey):
        return False
    mine, theirs = _marks(binary), _marks(grey)
    if _ACUTE in mine and _HOOK in theirs:
        return sorted(m if m != _ACUTE else _HOOK for m in mine) == sorted(theirs)
    return False


def _more_marks(read: str, other: str) -> bool:
    """Same letters; ``other`` has every mark of ``read`` and more."""
    if not _same_letters(read, other):
        return False
    mine, theirs = _marks(read), _marks(other)
    return len(theirs) > len(mine) and all(theirs.count(mark) >= mine.count(mark) for mark in set(mine))


def _same_letters(read: str, other: str) -> bool:
    return (
        len(read) == len(other)
        and skeleton(read.lower()) == skeleton(other.lower())
        and [c.isupper() for c in read] == [c.isupper() for c in other]
    )
