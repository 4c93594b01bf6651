"""Is a page's text layer Vietnamese, or the invisible output of a scanner's OCR that knew no Vietnamese?

Scanner software often lays a Latin-only OCR layer under the page image: "C6c sd, ban, ngdnh thuQc
tinh" for "Các sở, ban, ngành thuộc tỉnh" (Thông báo 493/TB-UBND Lâm Đồng, 2025). Read as text, it
gives a document with no number, no date, no issuer and garbled tasks, and no warning. Such a page is
left to OCR like a page without a text layer.

Measured per page (session 13, docs/realdocs-trial.md): that notice's three pages have no word with a
Vietnamese mark (share 0.00) and 21-24 % of words with a digit between letters ("C6c", "tr6n");
every page of the real set's text PDFs, of the corpus renderings and of QĐ 2093/QĐ-BYT (170 pages)
has a share of 0.40 or more and at most 6 % such words.
"""

from __future__ import annotations

import re

from extract.ocr.syllables import is_valid_syllable, skeleton

_WORD = re.compile(r"\w+")
_GARBLED = re.compile(r"[^\W\d_]+\d[^\W\d_]+")  # a digit read for a marked vowel: "C6c", "d6n", "tr6n"
_MIN_WORDS = 40  # a caption or a stamp alone says nothing of the page
_MAX_SHARE = 0.1  # Vietnamese text marks more than a third of its words
_MIN_GARBLED = 0.1


def unreadable_layer(text: str) -> bool:
    """Whether ``text`` (a page's text layer) is Latin OCR of a Vietnamese page rather than Vietnamese."""
    tokens = text.split()
    words = [word for word in _WORD.findall(text) if word.isalpha()]
    if len(tokens) < _MIN_WORDS or len(words) < _MIN_WORDS:
        return False
    marked = sum(1 for word in words if skeleton(word) != word.lower() and is_valid_syllable(word))
    garbled = sum(1 for token in tokens if _GARBLED.search(token))
    return marked / len(words) < _MAX_SHARE and garbled / len(tokens) >= _MIN_GARBLED
