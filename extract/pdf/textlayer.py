"""Is a page's text layer Vietnamese, or the invisible output of a scanner's OCR that knew no Vietnamese?

Scanner software often lays a Latin-only OCR layer under the page image: "C6c sd, ban, ngdnh thuQc
tinh" for "Các sở, ban, ngành thuộc tỉnh" (Thông báo 493/TB-UBND Lâm Đồng, 2025). Read as text, it
gives a document with no number, no date, no issuer and garbled tasks, and no warning. Such a page is
left to OCR like a page without a text layer.

Measured per page (session 13, docs/realdocs-trial.md): that notice's three pages have no word with a
Vietnamese mark (share 0.00) and 21-24 % of words with a digit between letters ("C6c", "tr6n");
every page of the real set's text PDFs, of the corpus renderings and of QĐ 2093/QĐ-BYT (170 pages)
has a share of 0.40 or more and at most 6 % such words.

A second scanner family garbles with symbols rather than digits ("BO GIAO Dl)C vA DAo T~O", "c§u", "h<;>c") and
writes no space between its words, placing each word by itself (the Trường ĐH Tây Đô scans of session 18: BC 635,
TB 534, TB 561, QĐ 539, a QĐ bổ nhiệm). Joined, such a layer is a few long tokens, so its words are taken from their
positions (the page's ``extract_words``) before they are counted. Such a page is unreadable when it has no marks,
some of its words carry a digit or a symbol between letters, and its plain words are mostly Vietnamese syllables
stripped of their marks ("khao sat nguoi hoc"). The last test is what keeps an English page (an annex) as text:
it has no marks either, but its words are mostly not Vietnamese syllables, and it has no garble to speak of.

Measured per page (session 18, fitted on the five Tây Đô scans, 18 pages, words by position): marked share
0.00-0.01, words with a digit or symbol between letters 3.5-19.8 %, whole words that are syllables 48-80 %.
Reported on 790 distinct text pages (corpus renderings, every PDF of the real set, the realdocs17/18 trial's
CV 7432, the benchmark archive's PDFs): marked share 0.40 or more by the joined layer, 0.54 or more by words, so
none is judged unreadable; an English paragraph has 17 % syllables.

A page whose whole text layer is an e-signature's caption is a scan too: a certifying office's signing
tool writes its caption into the page's content ("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 25/12/2025; 09:27:28;
+07:00" over the image of Tờ trình 519/TTr-CAT-PC06, session 16), and read as text that page gave no
number, date or issuer. Such a page is left to OCR as well; the caption is printed on the image.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from extract.ocr.syllables import is_valid_syllable, skeleton

_WORD = re.compile(r"\w+")
_GARBLED = re.compile(r"[^\W\d_]+\d[^\W\d_]+")  # a digit read for a marked vowel: "C6c", "d6n", "tr6n"
_MIN_WORDS = 40  # a caption or a stamp alone says nothing of the page
_MAX_SHARE = 0.1  # Vietnamese text marks more than a third of its words
_MIN_GARBLED = 0.1
# A digit or a symbol between letters ("Dl)C", "T~O", "c§u", "h<;>c", "C6c"); hyphens, apostrophes, dots, slashes,
# commas, colons and ampersands join letters in ordinary text ("KH&ĐT", "và/hoặc", "e.g.").
_GARBLED_ANY = re.compile(r"[^\W\d_](?:\d|[^\w\s\-'’./,:&])+[^\W\d_]")
_ADDRESS = re.compile(r"://|^www\.|@\w+\.")  # a URL or an e-mail address joins letters with '?', '=', '@'
_MIN_GARBLED_ANY = 0.03
_MIN_SYLLABLES = 0.4  # Vietnamese stripped of its marks: 48-80 %; English: under 20 %
_SPACELESS = 12  # mean characters per token; text runs 4-7


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


def unreadable_layer(text: str, words: Callable[[], Iterable[str]] | None = None) -> bool:
    """Whether ``text`` (a page's text layer) is Latin OCR of a Vietnamese page rather than Vietnamese.

    ``words`` gives the page's words by position; it is asked for only when the layer has no spaces to split on.
    """
    tokens = text.split()
    if words is not None and tokens and sum(map(len, tokens)) / len(tokens) > _SPACELESS:
        tokens = [token for word in words() for token in word.split()]
        text = " ".join(tokens)
    words_ = [word for word in _WORD.findall(text) if word.isalpha()]
    if len(tokens) < _MIN_WORDS or len(words_) < _MIN_WORDS:
        return False
    marked = sum(1 for word in words_ if skeleton(word) != word.lower() and is_valid_syllable(word))
    if marked / len(words_) >= _MAX_SHARE:
        return False
    if sum(1 for token in tokens if _GARBLED.search(token)) / len(tokens) >= _MIN_GARBLED:
        return True
    garbled = sum(1 for token in tokens if _GARBLED_ANY.search(token) and not _ADDRESS.search(token))
    plain = [token for token in tokens if token.isalpha()]
    syllables = sum(1 for token in plain if is_valid_syllable(token))
    return garbled / len(tokens) >= _MIN_GARBLED_ANY and syllables >= _MIN_SYLLABLES * len(plain) > 0
