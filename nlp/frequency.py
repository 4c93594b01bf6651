"""Update frequencies → codes of the EU frequency vocabulary used by the gold format.

Codes: DAILY, WEEKLY, MONTHLY, QUARTERLY, ANNUAL_2 (every 6 months), ANNUAL (including "Năm
học"), IRREG (khi có thay đổi, khi có nhu cầu, đột xuất), CONT (thường xuyên, liên tục), OTHER
(multi-year spans such as "5 năm (2021-2025)" or "Giai đoạn 2021-2030", and any stated frequency
that is not recognised). Several frequencies in one cell ("Tháng, quý", "Quý; Năm") give several
codes, in printed order.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.text import fold, normalize_text

# Order matters: longer, more specific wordings first, so "6 tháng" is not read as "tháng" and
# "năm học" not as "năm"; each match consumes its text.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"giai doan|\b\d+\s*nam\s*\(|\b(?:[2-9]|[1-9]\d)\s*nam(?:\s*/\s*lan|\s+mot\s+lan)?\b|tam nhin", "OTHER"),
    (
        r"\b0?6\s*thang(?:\s*/\s*lan|\s+mot\s+lan)?\b|\bsau\s+thang\b|nua nam|ban nien|\b2\s+lan\s*/\s*nam",
        "ANNUAL_2",
    ),
    (
        r"khi co (?:su )?thay doi|khi co (?:nhu cau|yeu cau|bien dong|phat sinh)|dot xuat|khi phat sinh"
        r"|theo yeu cau|khong (?:thuong xuyen|dinh ky)|khi can",
        "IRREG",
    ),
    (r"thuong xuyen|lien tuc|truc tuyen|thoi gian thuc|tuc thoi|real ?time|hang gio", "CONT"),
    (r"\b0?3\s*thang(?:\s*/\s*lan)?\b|\bquy\b", "QUARTERLY"),
    (r"\btuan\b", "WEEKLY"),
    (r"\bngay\b|hang ngay|daily", "DAILY"),
    (r"\b(?:1|01|12)\s*thang\b|\bthang\b", "MONTHLY"),
    (r"nam hoc|\bnam\b|\b1\s*nam\s*/\s*lan|\bannual", "ANNUAL"),
)
_COMPILED = tuple((re.compile(pattern), code) for pattern, code in _PATTERNS)


@lru_cache(maxsize=100_000)
def _parse(raw: str) -> tuple[str, ...]:
    text = fold(normalize_text(raw))
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, code in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and end > a for a, b in taken):
                continue
            taken.append((start, end))
            found.append((start, code))
    codes: list[str] = []
    for _, code in sorted(found):
        if code not in codes:
            codes.append(code)
    if "OTHER" in codes and len(codes) > 1:
        # "Giai đoạn 2021-2030, tầm nhìn đến năm 2050" names years, not an annual frequency.
        codes = ["OTHER"]
    if not codes and re.search(r"[a-z]", text):
        codes = ["OTHER"]
    return tuple(codes)


def parse_frequency(raw: str) -> list[str]:
    """EU frequency codes named in a cell, in printed order; [] when none is stated. Never raises."""
    if not isinstance(raw, str) or not raw.strip():
        return []
    try:
        return list(_parse(raw))
    except Exception:  # noqa: BLE001 - lenient by contract: an unreadable cell states no frequency
        return []
