"""Lists of units as printed, rewritten before a cell is split into units (``nlp.units``).

Two forms name units by a noun said once:

- a class of committees by their level words: "UBND các huyện, thị xã, thành phố" is the class "UBND cấp huyện",
  not three units; the special zones (đặc khu, since 2025) sit at the level of communes ("UBND các xã, phường, đặc
  khu");
- named units after a plural noun and a colon: "các Sở: Tài chính, Xây dựng" is "Sở Tài chính, Sở Xây dựng".
"""

from __future__ import annotations

import re

_CLASS_LIST_RE = re.compile(
    r"\b(UBND|Ủy ban nhân dân|ủy ban nhân dân)\s+các\s+(huyện|quận|xã|phường)"
    r"(?:\s*,\s*(?:thành phố|thị xã|thị trấn|phường|quận|xã|huyện|đặc khu))*"
)

# "các Sở: Tài chính, Xây dựng" names the units "Sở Tài chính, Sở Xây dựng" (unlike the class above):
# the noun is repeated before every comma piece of the list, up to a semicolon or the end.
_NAMED_LIST_RE = re.compile(r"(?:các|những)\s+(Sở|Bộ|Ban|Phòng|Cục|Chi cục)\s*:\s*([^;:\n]+)", re.IGNORECASE)


def _named_list(match: re.Match[str]) -> str:
    noun = match.group(1)
    pieces = [piece.strip() for piece in match.group(2).split(",")]
    return ", ".join(piece if piece[:1].islower() else f"{noun} {piece}" for piece in pieces if piece)


def rewrite_lists(text: str) -> str:
    """``text`` with its classes of committees and its named lists written out as ``nlp.units`` reads them."""
    if " các " in text:
        text = _CLASS_LIST_RE.sub(lambda m: f"{m.group(1)} cấp {m.group(2)}", text)
    if ":" in text:
        text = _NAMED_LIST_RE.sub(_named_list, text)
    return text
