"""Is a page's text layer Vietnamese, or the invisible output of a scanner's OCR that knew no Vietnamese?

Scanner software often lays a Latin-only OCR layer under the page image: "C6c sd, ban, ngdnh thuQc
tinh" for "Các sở, ban, ngành thuộc tỉnh" (Thông báo 493/TB-UBND Lâm Đồng, 2025). Read as text, it
gives a document with no number, no date, no issuer and garbled tasks, and no warning. Such a page is
left to OCR like a page without a text layer.

Measured per page (session 13, docs/realdocs-trial.md): that notice's three pages have no word with a
Vietnamese mark (share 0.00) and 21-24 % of words with a digit between letters ("C6c", "tr6n");
every page of the real set's text PDFs, of the corpus renderings and of QĐ 2093/QĐ-BYT (170 pages)
has a share of 0.40 or more and at most 6 % such words.

A page whose whole text layer is an e-signature's caption is a scan too: a certifying office's signing
tool writes its caption into the page's content ("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 25/12/2025; 09:27:28;
+07:00" over the image of Tờ trình 519/TTr-CAT-PC06, session 16), and read as text that page gave no
number, date or issuer. Such a page is left to OCR as well; the caption is printed on the image.
"""

from __future__ import annotations

import re

from extract.ocr.syllables import is_valid_syllable, skeleton

_WORD = re.compile(r"\w+")
_GARBLED = re.compile(r"[^\W\d_]+\d[^\W\d_]+")  # a digit read for a marked vowel: "C6c", "d6n", "tr6n"
_MIN_WORDS = 40  # a caption or a stamp alone says nothing of the page
_MAX_SHARE = 0.1  # Vietnamese text marks more than a third of its words
_MIN_GARBLED = 0.1


# "SAO Y; <office>; 25/12/2025; 09:27:28; +07:00": fields separated by semicolons, ending in the signing time.
_SEMICOLON_CAPTION = re.compile(
    r"[^;]{1,80}(?:;[^;]{1,80}){0,3};\s*\d{1,2}[./-]\d{1,2}[./-]\d{4}\s*;\s*\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:;\s*[+-]\d{2}:?\d{2})?"
)
# "Ký bởi: … Email: … Cơ quan: … Thời gian ký: 09.02.2021 12:16:11 +07:00": labelled fields, the time last.
_CAPTION_LABEL = re.compile(r"(?:Người\s+ký|Ký\s+bởi|Email|Cơ\s+quan|Chức\s+vụ|Thời\s+gian\s+ký)\s*:")
_SIGNING_TIME = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:[T\s]+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:[+-]\d{2}:?\d{2})?"
)
_CAPTION_FIELD_WORDS = 12


def signature_caption_only(text: str) -> bool:
    """Whether ``text`` (a page's text layer) is nothing but an e-signature's caption."""
    text = " ".join(text.split())
    if not text or len(text.split()) >= _MIN_WORDS:
        return False
    if _SEMICOLON_CAPTION.fullmatch(text):
        return True
    labels = list(_CAPTION_LABEL.finditer(text))
    if not labels or labels[0].start() != 0 or not labels[-1].group(0).startswith("Thời"):
        return False
    values = [text[label.end() : after.start()] for label, after in zip(labels, labels[1:], strict=False)]
    # Each field a short value; after "Thời gian ký" the time and nothing else (no text of the page).
    return all(len(value.split()) <= _CAPTION_FIELD_WORDS for value in values) and bool(
        _SIGNING_TIME.fullmatch(text[labels[-1].end() :].strip())
    )


def unreadable_layer(text: str) -> bool:
    """Whether ``text`` (a page's text layer) is Latin OCR of a Vietnamese page rather than Vietnamese."""
    tokens = text.split()
    words = [word for word in _WORD.findall(text) if word.isalpha()]
    if len(tokens) < _MIN_WORDS or len(words) < _MIN_WORDS:
        return False
    marked = sum(1 for word in words if skeleton(word) != word.lower() and is_valid_syllable(word))
    garbled = sum(1 for token in tokens if _GARBLED.search(token))
    return marked / len(words) < _MAX_SHARE and garbled / len(tokens) >= _MIN_GARBLED
