"""Lists of units as printed, rewritten before a cell is split into units (``nlp.units``).

Two forms name units by a noun said once:

- a class of committees by their level words: "UBND các huyện, thị xã, thành phố" is the class "UBND
  cấp huyện", not three units; since 2025 the communes' level is "xã, phường, đặc khu", printed with or
  without "các" ("UBND xã, phường", KH 308/KH-UBND Hà Nội 2025; "Ủy ban nhân dân các xã, phường, đặc khu
  Cồn Cỏ", CT 06/CT-UBND Quảng Trị 2025, where the one special zone is named within the class);
- named units after a plural noun and a colon: "các Sở: Tài chính, Xây dựng" is "Sở Tài chính, Sở Xây dựng".
"""

from __future__ import annotations

import re

_COMMITTEE = r"(UBND|Ủy ban nhân dân|ủy ban nhân dân|Uỷ ban nhân dân)"
_LEVEL_WORDS = r"(?:thành phố|thị xã|thị trấn|phường|quận|xã|huyện|đặc khu)"
# A special zone named at the end of the class is one of the class ("… đặc khu Cồn Cỏ"), not the place of all.
_ZONE_NAME = r"(?:(?<=đặc khu)\s+[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*)*)?"
_CLASS_LIST_RE = re.compile(
    rf"\b{_COMMITTEE}\s+các\s+(huyện|quận|xã|phường)(?:\s*,\s*{_LEVEL_WORDS})*{_ZONE_NAME}"
    # Without "các" a second level word is needed: "UBND xã" alone is the document's own commune.
    rf"|\b{_COMMITTEE}\s+(xã|phường)(?:\s*,\s*(?:phường|xã|thị trấn|đặc khu))+{_ZONE_NAME}(?![^\W\d_])"
)
_LEVEL_OF = {"phường": "xã"}  # the class of wards and communes is the commune level

# "các Sở: Tài chính, Xây dựng" names the units "Sở Tài chính, Sở Xây dựng" (unlike the class above):
# the noun is repeated before every comma piece of the list, up to a semicolon or the end.
_NAMED_LIST_RE = re.compile(r"(?:các|những)\s+(Sở|Bộ|Ban|Phòng|Cục|Chi cục)\s*:\s*([^;:\n]+)", re.IGNORECASE)


def _class(match: re.Match[str]) -> str:
    committee = match.group(1) or match.group(3)
    level = match.group(2) or match.group(4)
    if match.group(4):  # the form without "các" is only read for communes and wards
        level = _LEVEL_OF.get(level, level)
    return f"{committee} cấp {level}"


def _named_list(match: re.Match[str]) -> str:
    noun = match.group(1)
    pieces = [piece.strip() for piece in match.group(2).split(",")]
    return ", ".join(piece if piece[:1].islower() else f"{noun} {piece}" for piece in pieces if piece)


def rewrite_lists(text: str) -> str:
    """``text`` with its classes of committees and its named lists written out as ``nlp.units`` reads them."""
    if " các " in text or "xã, " in text or "phường, " in text:
        text = _CLASS_LIST_RE.sub(_class, text)
    if ":" in text:
        text = _NAMED_LIST_RE.sub(_named_list, text)
    return text
