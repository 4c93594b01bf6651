"""Text normalisation for Vietnamese administrative documents.

``normalize_text`` is the one entry point every other module uses before matching: NFC, one
tone-mark placement ("hoá" → "hóa", "thuỷ" → "thủy", the modern placement that underthesea's
``text_normalize`` also produces), markup residue from conversion removed, dashes and spacing
unified. It is idempotent and total (never raises), which the Hypothesis tests check.

``fold`` is the matching form: lower case, diacritics and "đ" removed. Two spellings of the same
name ("Văn hoá – Xã hội", "VĂN HÓA - XÃ HỘI") fold to the same string.

``correct_slips`` fixes OCR and typing slips only where the correction is certain (the document's
own place name one letter off, a semicolon inside a số hiệu); the caller keeps the original.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from extract.markup import strip_markup
from extract.textforms import fold as shared_fold
from extract.textforms import fold_uncached as shared_fold_uncached
from extract.textforms import modern_tone_placement

_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_DASH_RE = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACED_DASH_RE = re.compile(r"(?<=\S) *- +(?=\S)|(?<=\S) +- *(?=\S)")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,;:.!?)\]])")
_SPACE_AFTER_OPEN_RE = re.compile(r"([(\[]) +")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def _one_pass(text: str) -> str:
    # Every substitution is guarded by a cheap test for the characters it acts on: most cells
    # need one or two of them, and the guards keep a pass at a few microseconds.
    text = unicodedata.normalize("NFC", text)
    ascii_only = text.isascii()
    text = _tidy_spacing(_plain_characters(text, ascii_only), ascii_only)
    if not ascii_only:
        text = modern_tone_placement(text)
        text = unicodedata.normalize("NFC", text)
    return text


def _plain_characters(text: str, ascii_only: bool) -> str:
    """Line ends, invisible characters, entities, markup and dashes, each made plain."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not ascii_only:
        text = _INVISIBLE_RE.sub("", text)
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if "<" in text or "*" in text or "_" in text or "~" in text or "#" in text:
        text = strip_markup(text, entities=False)
    if not ascii_only:
        text = _DASH_RE.sub("-", text)
    return text


def _tidy_spacing(text: str, ascii_only: bool) -> str:
    """One space between words, none inside brackets or before punctuation, at most one blank line."""
    if not ascii_only or "\t" in text or "  " in text:
        text = _HSPACE_RE.sub(" ", text)
    if "-" in text:
        text = _SPACED_DASH_RE.sub(" - ", text)
    if " " in text:
        text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    if "(" in text or "[" in text:
        text = _SPACE_AFTER_OPEN_RE.sub(r"\1", text)
    if "\n" in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
        text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


# Anything a pass could change. Most cells are already clean, and one search is far cheaper than
# the dozen substitutions of a pass (the benchmark needs tens of thousands of cells per second).
# Every whitespace character but space and newline (form feed, vertical tab, separators): the full
# pass turns it into a space. Spelled out rather than [^\S \n] because one character class is
# scanned several times faster than a class and an alternation; a test checks it against str.isspace.
_ODD_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NEEDS_WORK_CHARS_RE = re.compile("[<*_#~\u00ad\u2000-\u2015\u2060\u2212\ufe58\ufe63\ufeff\uff0d" + _ODD_SPACE + "]")
_NEEDS_WORK_SPACING = (
    "  ",
    " ,",
    " ;",
    " :",
    " .",
    " !",
    " ?",
    " )",
    " ]",
    "( ",
    "[ ",
    "\n\n\n",
    "\n ",
    " \n",
)
# Literal alternations: one C-level scan instead of a Python loop over substrings.
_NEEDS_WORK_SPACING_RE = re.compile("|".join(re.escape(pair) for pair in _NEEDS_WORK_SPACING))
_ONE_SIDED_DASH_RE = re.compile(r"(?<=\S)-(?= )|(?<= )-(?=\S)")
# A superset of _OLD_TONE_RE (any o/u before a toned vowel), with its open-syllable condition so
# closed syllables ("hoạch", "đoạn", "toàn") do not send a clean cell through the full pass.
# The "not after q" test comes last so the search can scan for the vowel pair first.
_OLD_TONE_QUICK_RE = re.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?<![qQ]..)(?![^\W\d_])")


def _needs_work(text: str) -> bool:
    if not text:
        return False
    if text[0].isspace() or text[-1].isspace() or _NEEDS_WORK_CHARS_RE.search(text):
        return True
    if _NEEDS_WORK_SPACING_RE.search(text):
        return True
    # "&" alone ("Sở GD&ĐT") is left as it is: entities are unescaped only beside a ";".
    if "&" in text and ";" in text:
        return True
    if "-" in text and _ONE_SIDED_DASH_RE.search(text):
        return True
    return not text.isascii() and (not unicodedata.is_normalized("NFC", text) or bool(_OLD_TONE_QUICK_RE.search(text)))


def _normalize_slow(text: str) -> str:
    # A pass can expose new markup (``<<b>b>``) or a new spacing pair; iterate to the fixpoint.
    for _ in range(6):
        normalized = _one_pass(text)
        if normalized == text:
            break
        text = normalized
    return text


@lru_cache(maxsize=200_000)
def normalize_text(text: str) -> str:
    """NFC, one tone-mark placement, markup removed, dashes and spacing unified. Idempotent, total."""
    return normalize_text_uncached(text)


def normalize_text_uncached(text: str) -> str:
    """``normalize_text`` without its memo, for callers that cache what they derive from the text
    (a memo entry per distinct period string would only cost time and memory)."""
    if not isinstance(text, str):
        return ""
    if not _needs_work(text):
        return text
    # A cell whose only fault is whitespace at its edges (a trailing space or newline, very common
    # in table cells) needs no pass: whitespace composes with nothing under NFC, and every rule of a
    # pass that looks at a neighbour of the edge (spaced dashes, space before punctuation) needs a
    # non-space character on the outer side. tests/test_nlp_text.py checks this against the passes.
    stripped = text.strip()
    if stripped and stripped != text and not _needs_work(stripped):
        return stripped
    for _ in range(6):
        normalized = _one_pass(text)
        if normalized == text or not _needs_work(normalized):
            return normalized
        text = normalized
    return text


def fold(text: str) -> str:
    """Lower case without diacritics ("Văn hoá – Xã hội" → "van hoa – xa hoi"), for matching only."""
    return shared_fold(text)


def fold_uncached(text: str) -> str:
    """``fold`` without its memo (see ``normalize_text_uncached``)."""
    return shared_fold_uncached(text)


# ---------------------------------------------------------------- slips

_LEVEL_WORDS = r"(?:tỉnh|Tỉnh|TỈNH|xã|Xã|XÃ|huyện|Huyện|phường|Phường|thành phố|Thành phố|thị xã|thị trấn)"
_NUMBER_SLIP_RE = re.compile(r"(\d+/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*)[;:,.](?=[A-ZĐ][A-Za-zĐđ]*\b)")


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


def _place_slip_re(place: str) -> re.Pattern[str]:
    syllables = len(place.split())
    words = r"\s+".join([r"[^\W\d_]+"] * syllables)
    return re.compile(rf"(\b{_LEVEL_WORDS}\s+)({words})(?![^\W\d_])")


@lru_cache(maxsize=4096)
def correct_slips(text: str, *, context_place: str = "") -> tuple[str, list[str]]:
    """Fix slips whose correction is certain; return the corrected text and one reason per fix.

    - The document's own place name one letter off after a level word ("tỉnh Hà lĩnh" in a Hà Tĩnh
      document → "tỉnh Hà Tĩnh"): the level word and the shared first syllable make it certain.
    - A semicolon, colon, comma or dot between the parts of a số hiệu ("47/2020/NĐ;CP" → "NĐ-CP").
    """
    reasons: list[str] = []
    if not text:
        return text, reasons
    place = normalize_text(context_place).strip()
    # "xã Đông Cứu" → "Đông Cứu": the level word is matched separately.
    place = re.sub(rf"^{_LEVEL_WORDS}\s+", "", place)
    if len(place.split()) >= 2 and len(place) >= 6:
        first_syllable = place.split()[0]

        def fix_place(match: re.Match[str]) -> str:
            level, candidate = match.group(1), match.group(2)
            if candidate.split()[0] != first_syllable or candidate.lower() == place.lower():
                return match.group(0)
            if _edit_distance_at_most_one(candidate.lower(), place.lower()):
                reasons.append(f"sửa lỗi chính tả địa danh '{candidate}' → '{place}' / place-name slip fixed")
                return level + place
            return match.group(0)

        text = _place_slip_re(place).sub(fix_place, text)

    def fix_number(match: re.Match[str]) -> str:
        reasons.append(f"sửa dấu phân cách trong số hiệu '{match.group(0)}' / separator slip in a number")
        return match.group(1) + "-"

    text = _NUMBER_SLIP_RE.sub(fix_number, text)
    return text, reasons
