"""Per-run conversion for DOCX and HTML, per character for a PDF's text layer, where the font name says which
legacy encoding a run uses.

A run in ``.VnTime`` holds TCVN3 codes stored as cp1252 characters ("KÕ ho¹ch"); one in
``.VnTimeH`` uses the same codes but the font draws every letter as a capital; ``VNI-Times``
holds VNI. The font is strong evidence, so no statistics are needed — except that a run in a
legacy font may already contain real Unicode (someone changed the text, not the font), which
is recognised by letters a single-byte font cannot hold.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from extract.legacy.encodings import _TCVN3_FONT_TABLE, vni_to_unicode
from extract.legacy.tables import TCVN3_HIGH

FontEncoding = Literal["tcvn3", "tcvn3_caps", "vni"]

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
# ",Bold", "-BoldItalic", " Bold" ... after the family name
_STYLE_SUFFIX = re.compile(r"[,\-\s]+(bold|italic|oblique|regular|normal|semibold|black)\b.*$", re.IGNORECASE)
# cp1252 characters above U+00FF: a legacy-font run may contain them (bytes 0x80-0x9F)
_CP1252_EXTRA = set("ŒœŠšŸŽžƒˆ˜–—‘’‚“”„†‡•…‰‹›€™")
# A C1 control (U+0080-U+009F) in a .VnTime run can only be a VN1 capital; cp1252 punctuation
# stored as itself ("–" U+2013) is outside the table and stays punctuation.
_TCVN3_RUN_TABLE = {**_TCVN3_FONT_TABLE, **{byte: chr(TCVN3_HIGH[byte - 0x80]) for byte in range(0x80, 0xA0)}}


@lru_cache(maxsize=1024)
def legacy_font_encoding(font_name: str) -> FontEncoding | None:
    """The encoding a font implies: .VnTime -> tcvn3, .VnTimeH -> tcvn3_caps, VNI-Times -> vni, else None."""
    name = _SUBSET_PREFIX.sub("", font_name.strip())
    family = _STYLE_SUFFIX.sub("", name).strip()
    lowered = family.lower()
    if lowered.startswith(("vni-", "vni ", "vni_")) or lowered == "vni":
        return "vni"
    if lowered.startswith((".vn", "vn")) and not lowered.startswith("vni"):
        return "tcvn3_caps" if family.endswith("H") else "tcvn3"
    return None


def already_unicode(text: str) -> bool:
    """Letters a single-byte legacy font cannot hold ("ị", "ờ"): the text is Unicode whatever its font says."""
    return any(0x100 <= ord(char) <= 0x1EFF and char not in _CP1252_EXTRA for char in text)


_already_unicode = already_unicode


def convert_runs(text: str, font_name: str) -> str:
    """The Unicode NFC text of a run drawn in ``font_name``; unchanged when the font is not legacy."""
    encoding = legacy_font_encoding(font_name)
    if encoding is None or not text or _already_unicode(text):
        return text
    if encoding == "vni":
        return vni_to_unicode(text)
    converted = unicodedata.normalize("NFC", text.translate(_TCVN3_RUN_TABLE))
    return converted.upper() if encoding == "tcvn3_caps" else converted


# A PDF maker's ToUnicode map gives TCVN3's "ư" (byte 0xAD, the soft hyphen's place) as the minus sign: "Ch−¬ng"
# for "Chương" (a .VnTime Word file printed through PrimoPDF).
_PDF_TCVN3_ALIASES = {0x2212: chr(TCVN3_HIGH[0xAD - 0x80])}


def convert_char(char: str, encoding: FontEncoding) -> str:
    """One character of a PDF's text layer drawn in a TCVN3 font, as Unicode; VNI (a letter and its mark are two
    characters) and a character a single-byte font cannot hold are left as they are."""
    if encoding == "vni" or _already_unicode(char) and ord(char) not in _PDF_TCVN3_ALIASES:
        return char
    converted = _PDF_TCVN3_ALIASES.get(ord(char)) or char.translate(_TCVN3_RUN_TABLE)
    return converted.upper() if encoding == "tcvn3_caps" else converted
