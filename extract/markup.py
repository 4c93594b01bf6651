"""Conversion residue in text: Markdown and HTML markup left behind by DOCX/PDF-to-text tools.

The gold (and every later stage) wants the text *as printed*: the markup carries emphasis but
no words, so it is removed, while what it meant is kept where it matters — a bold line is a
heading candidate (:func:`detect_emphasis`), ``<sup>2</sup>`` is a real superscript ("m²"),
``<br>`` is a line break. Nothing else is touched: typos, dashes and odd spacing such as
``( phân theo địa bàn )`` stay as printed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extract.textforms import fold_uncached

_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))

_SCRIPT_TAG = re.compile(r"\s*<(sup|sub)>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|mailto:[^\s<>]+|www\.[^\s<>]+)>", re.IGNORECASE)
# Inline formatting tags only: anything else in angle brackets may be real text ("<5 tuổi").
_INLINE_TAG = re.compile(
    r"</?(?:b|i|u|s|em|strong|span|font|mark|small|big|ins|del|strike|p|div)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
# A Markdown heading mark on a later line of a multi-line text (a cell, a normalised value).
_LATER_HEADING_MARK = re.compile(r"(?<=\n)[^\S\n]{0,3}#{1,6}[^\S\n]+")
# "~~x~~": Markdown strikethrough; the words were printed (struck through) and stay.
_TILDE_PAIR = re.compile(r"(?<!~)~~(?=[^\s~])(.+?)(?<=[^\s~])~~(?!~)")
_STAR_RUN = re.compile(r"\*{2,}")
_STAR_BULLET = re.compile(r"^\s*\*[^\S\n]+")
_SINGLE_STAR_PAIR = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
# "__x__" is emphasis; long runs of underscores are fill-in blanks ("Số: ______") and stay.
_UNDERSCORE_PAIR = re.compile(r"(?<![\w_])__(?=[^\s_])(.+?)(?<=[^\s_])__(?![\w_])")
_SPACES = re.compile(r"[^\S\n]+")
# Two bold spans written back to back ("**A****B**"): the converter glued separate lines.
_GLUED_BOLD = re.compile(r"(?<=[^\s*])\*{4,6}(?=[^\s*])")
_GLUED_HTML_BOLD = re.compile(r"(</(?:b|strong)>)\s*(<(?:b|strong)>)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Emphasis:
    bold: bool = False
    italic: bool = False
    heading_mark: bool = False  # a Markdown "#" heading


def _script(match: re.Match[str]) -> str:
    table = _SUPERSCRIPTS if match.group(1).lower() == "sup" else _SUBSCRIPTS
    inner = html.unescape(_INLINE_TAG.sub("", match.group(2))).strip()
    if inner and all(char in table for char in inner):
        return "".join(table[char] for char in inner)
    return inner


def strip_markup(text: str, *, star_bullets: bool = False, entities: bool = True) -> str:
    """Conversion markup removed, whitespace and normalisation form left as they are.

    The one markup stripper: ``<sup>2</sup>`` becomes "²", ``<br>`` a line break, inline tags,
    ``**bold**``, ``*italic*`` and ``__x__`` go, entities are unescaped; a lone "*" ("(*)", a
    footnote mark), fill-in blanks ("Số: ______") and "<5 tuổi" stay as printed. With
    ``star_bullets`` a line opening with "* " loses it: in DOCX/PDF text that star is the list's
    bullet glyph, which structure parsing reads like a dash. ``entities=False`` leaves "&…;" to
    the caller (nlp unescapes only beside a ";", so that "Sở GD&ĐT" is never touched).
    """
    text = _HEADING_MARK.sub("", text)
    if "#" in text and "\n" in text:
        text = _LATER_HEADING_MARK.sub("", text)
    if star_bullets:
        text = _STAR_BULLET.sub("", text)
    if "<" in text:
        text = _SCRIPT_TAG.sub(_script, text)
        text = _BREAK_TAG.sub("\n", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _INLINE_TAG.sub("", text)
    if "*" in text:
        text = _STAR_RUN.sub("", text)
        text = _SINGLE_STAR_PAIR.sub(r"\1", text)
    if "_" in text:
        text = _UNDERSCORE_PAIR.sub(r"\1", text)
    if "~" in text:
        text = _TILDE_PAIR.sub(r"\1", text)
    if entities and "&" in text:
        text = html.unescape(text)
    return text.replace("\u00a0", " ").replace("\u200b", "")


def clean_inline(text: str, *, keep_breaks: bool = False) -> str:
    """Remove conversion markup from one line (or one cell) and collapse whitespace.

    With ``keep_breaks`` a ``<br>`` (and any newline already in ``text``) stays a ``"\\n"``;
    otherwise it becomes a space. Leading/trailing whitespace of every line is trimmed.
    """
    text = unicodedata.normalize("NFC", strip_markup(unicodedata.normalize("NFC", text)))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if keep_breaks:
        return "\n".join(line for line in lines if line)
    return " ".join(line for line in lines if line)


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces (line breaks included), ends trimmed."""
    return " ".join(text.split())


def detect_emphasis(raw: str) -> Emphasis:
    """What the markup of a raw line says about it: bold (a heading candidate) or italic.

    A line that *starts* bold counts as bold: converters often open "**" on one line and
    close it lines later ("**KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH**").
    """
    heading = bool(_HEADING_MARK.match(raw))
    body = _HEADING_MARK.sub("", raw).strip()
    lowered = body.lower()
    bold = body.startswith("**") or body.startswith("__") or lowered.startswith(("<b>", "<strong>"))
    stars = len(body) - len(body.lstrip("*"))
    italic = stars in (1, 3) or lowered.startswith(("<i>", "<em>")) or lowered.startswith(("<b><i>", "**<i>"))
    if not bold and body.endswith("**") and "**" not in body[:-2]:
        bold = True  # the closing half of a bold span opened on an earlier line
    return Emphasis(bold=bold, italic=italic, heading_mark=heading)


def split_glued_headings(raw: str) -> list[str]:
    """Split one raw line holding several bold spans glued together into separate lines.

    ``"**PHỤ LỤC****Danh mục …****I. NGUYÊN TẮC …**"`` → three lines, each still wrapped in
    ``**`` so that :func:`detect_emphasis` sees them as bold.
    """
    marked = _GLUED_BOLD.sub("**\x00**", raw)
    marked = _GLUED_HTML_BOLD.sub("\\1\x00\\2", marked)
    if "\x00" not in marked:
        return [raw]
    parts = [part for part in marked.split("\x00") if part.strip(" *")]
    return parts or [raw]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free form for matching labels: "Đơn vị  quản lý" → "don vi quan ly".

    Whitespace (NBSP included) collapsed; only the Combining Diacritical Marks blocks removed
    (see :mod:`extract.textforms`). Cached: header and cell texts are folded again and again, and a
    memo of its own keeps keyword arguments out of the cache key, which would triple a lookup's cost.
    """
    return fold_uncached(text, collapse_spaces=True, marks="diacritic_blocks")
