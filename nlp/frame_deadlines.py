"""Deadlines in running text: "trước ngày 10/02/2025", "trong tháng 3/2025", "Quý III/2026", as printed.

Split from :mod:`nlp.frames` (re-exported there: ``from nlp.frames import deadline_in`` still works); the printed
expression is normalised later by :mod:`nlp.periods`.
"""

from __future__ import annotations

import re

# Deadlines: a deadline word followed by a date, a month, a quarter or a year; or a bare quarter.
_DATE = (
    r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?|"
    r"tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})?|quý\s+[IVX1-4]+(?:\s*(?:/|năm)\s*\d{4})?|năm\s+\d{4}|"
    # a day of every month: "trước ngày 20 hằng tháng"
    r"\d{1,2}(?=\s+(?:hằng|hàng|mỗi)\s+tháng)"
)
# "… trong tháng 12 hằng năm", "trước ngày 15/12 hằng năm": a yearly (monthly …) deadline, which nlp.periods reads
# as recurring; cut before it, the date was read as one deadline in the document's year.
_RECURRENCE = r"(?:\s+(?:hằng|hàng|mỗi)\s+(?:năm|quý|tháng|tuần))?"
_DEADLINE_RE = re.compile(
    rf"(?<![^\W\d_])(?:trước|chậm\s+nhất(?:\s+(?:là|đến))?|hạn\s+chót|trong)\s+(?:ngày\s+)?(?:{_DATE})(?!\d)"
    rf"(?:\s*(?:,|và)\s*(?:ngày\s+)?(?:{_DATE})(?!\d))*{_RECURRENCE}"
    rf"|(?<![^\W\d_])quý\s+[IV]+\s*(?:/|năm)\s*\d{{4}}",
    re.IGNORECASE,
)
# "trong năm 2024" inside a description of scope ("kế hoạch vốn … trong năm 2024") is no deadline;
# only a date, a month or a quarter after "trong" is.
_SCOPE_YEAR_RE = re.compile(r"^trong\s+năm", re.IGNORECASE)


def deadline_in(text: str) -> str:
    """The first deadline of ``text`` as printed ("trước ngày 10/02/2025"), "" when none."""
    for match in _DEADLINE_RE.finditer(text):
        if not _SCOPE_YEAR_RE.match(match.group(0)):
            return " ".join(match.group(0).split())
    return ""


def sole_deadline_in(text: str) -> str:
    """The deadline of ``text`` when it names one date only, however often ("… trước ngày 01 tháng 7 năm 2028" in an
    item's last paragraph, CV 7432/UBND-XD Lào Cai 2026); "" when it names none or several."""
    dates = {
        " ".join(_DATE_ONLY_RE.search(match.group(0)).group(0).split())  # type: ignore[union-attr]
        for match in _DEADLINE_RE.finditer(text)
        if not _SCOPE_YEAR_RE.match(match.group(0))
    }
    return deadline_in(text) if len(dates) == 1 else ""


_DATE_ONLY_RE = re.compile(_DATE, re.IGNORECASE)
