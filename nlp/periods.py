"""Time expressions → quarters (YYYY-Qn), with start/end dates and recurring deadlines.

Handles the genre's wordings: roman or arabic quarters, lists and ranges ("Quý III, IV/2026",
"Quý III-IV/2026", "quý 2 năm 2026"), halves ("6 tháng đầu/cuối năm 2026"), months ("Tháng
9/2026", "tháng 3 - 5/2026"), dates and deadlines ("trước ngày 30/6/2026"), years and spans ("năm
2026", "Giai đoạn 2026-2030"), recurring deadlines ("trước ngày 20 hằng tháng" → monthly:20). A
missing year is taken from ``default_year`` (the document's year) and the reason says so.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from extract.model import Period
from nlp.text import fold_uncached, normalize_text_uncached

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QNUM = r"(?:iv|iii|ii|i|[1-4])(?![a-z0-9])"
_YEAR = r"(?:19|20)\d{2}"
_SEP_LIST = r"\s*(?:,|;|va|\+)\s*"
_SEP_RANGE = r"\s*(?:-|den|toi)\s*"

_QUARTER_RE = re.compile(
    rf"\bquy\s+(?P<items>{_QNUM}(?:(?:{_SEP_LIST}|{_SEP_RANGE})(?:quy\s+)?{_QNUM})*)"
    rf"(?:\s*(?:/|nam|-)\s*(?P<year>{_YEAR}))?"
)
_QUARTER_ITEM_RE = re.compile(rf"({_SEP_RANGE})?(?:quy\s+)?({_QNUM})")
# "6 tháng đầu năm", "nửa cuối năm", and the same with any count of months: "9 tháng đầu năm" is
# January to September, "3 tháng cuối năm" October to December.
_HALF_RE = re.compile(
    rf"\b(?:(?P<n>\d{{1,2}}|sau|ba|chin)\s+thang|nua(?:\s+nam)?)\s+(?P<which>dau|cuoi)(?:\s+nam)?"
    rf"(?:\s*(?:/|nam)?\s*(?P<year>{_YEAR}))?"
)
_MONTH_WORDS = {"sau": 6, "ba": 3, "chin": 9}
_DATE_RE = re.compile(
    rf"\b(?:(?P<d>\d{{1,2}})(?P<s>[/.-])(?P<m>\d{{1,2}})(?P=s)(?P<y>{_YEAR})"
    rf"|(?P<d2>\d{{1,2}})\s+thang\s+(?P<m2>\d{{1,2}})\s+nam\s+(?P<y2>{_YEAR}))\b"
)
_DAY_MONTH_RE = re.compile(r"\b(?:ngay|truoc|den|han)\s+(?:ngay\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?![/\d])")
_MONTH_RE = re.compile(
    rf"\bthang\s+(?P<m1>\d{{1,2}})(?:(?P<sep>{_SEP_RANGE}|{_SEP_LIST})(?:thang\s+)?(?P<m2>\d{{1,2}}))?"
    rf"(?:\s*(?:/|nam)\s*(?P<year>{_YEAR}))?(?!\d)"
)
_MONTH_SLASH_RE = re.compile(rf"(?<![\d/])(?P<m>\d{{1,2}})\s*/\s*(?P<year>{_YEAR})\b")
_YEAR_SPAN_RE = re.compile(rf"\b(?P<y1>{_YEAR})\s*(?:-|den|toi)\s*(?:nam\s+)?(?P<y2>{_YEAR})\b")
_YEAR_RE = re.compile(rf"\b(?:nam\s+)?(?P<y>{_YEAR})\b")
# "hết/cuối năm" is the last quarter, "đầu năm" the first, "giữa năm" June-July; the year may be
# left to the document ("Hoàn thành cuối năm"), but not "đầu năm học" (a school year starts in September).
_YEAR_PART_RE = re.compile(rf"\b(?P<part>het|cuoi|dau|giua)\s+nam(?!\s+hoc)(?:\s+(?P<y>{_YEAR})\b)?")
_YEAR_PART_MONTHS = {"het": (10, 12), "cuoi": (10, 12), "dau": (1, 3), "giua": (6, 7)}
_DEADLINE_RE = re.compile(r"\b(?:truoc|cham nhat|han chot|den)\s+(?:ngay\s+)?$")
_RECURRING_DAY_RE = re.compile(r"\bngay\s+(?P<d>\d{1,2})\s+(?:hang|hàng|moi)\s+thang\b")
_RECURRING_MONTH_OF_YEAR_RE = re.compile(r"\bthang\s+(?P<m>\d{1,2})\s+(?:hang|moi)\s+nam\b")
_RECURRING_WORDS = (
    # "Định kỳ 6 tháng", "6 tháng/lần", "06 tháng một lần", "mỗi 6 tháng": twice a year, before "hằng năm" (a cell that
    # says both, "định kỳ 6 tháng và hằng năm", asks for the more frequent).
    (
        re.compile(
            r"\b(?:dinh ky|hang|moi)\s+(?:0?6|sau)\s+thang\b|\b(?:0?6|sau)\s+thang\s*(?:/|mot)\s*lan\b"
            r"|\b(?:0?2|hai)\s+lan\s*/\s*nam\b"
        ),
        "semiannual",
    ),
    (re.compile(r"\b(?:0?1|mot)\s+lan\s*/\s*nam\b"), "annual"),
    (re.compile(r"\b(?:hang|moi)\s+thang\b|\bdinh ky\s+thang\b"), "monthly"),
    (re.compile(r"\b(?:hang|moi)\s+quy\b|\bdinh ky\s+quy\b"), "quarterly"),
    (re.compile(r"\b(?:hang|moi)\s+nam\b|\bdinh ky\s+nam\b"), "annual"),
    (re.compile(r"\b(?:hang|moi)\s+tuan\b"), "weekly"),
    (re.compile(r"\bthuong xuyen\b|\blien tuc\b"), "continuous"),
)


class _Span(NamedTuple):  # a tuple: built thousands of times a second, a frozen dataclass costs 3x
    start: tuple[int, int, int]  # year, month, day
    end: tuple[int, int, int]


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS[month - 1]


def _quarter_span(year: int, first: int, last: int) -> _Span:
    return _Span((year, 3 * first - 2, 1), (year, 3 * last, _days_in_month(year, 3 * last)))


def _month_span(year: int, first: int, last: int) -> _Span:
    return _Span((year, first, 1), (year, last, _days_in_month(year, last)))


def _quarter_number(token: str) -> int:
    return _ROMAN.get(token, 0) or int(token)


def _valid_date(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= _days_in_month(y, m)


class _Parser:
    def __init__(self, text: str, default_year: int | None) -> None:
        self.text = text
        self.default_year = default_year
        self.spans: list[_Span] = []
        self.reasons: list[str] = []
        self.consumed: list[tuple[int, int]] = []

    def _free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.consumed)

    def _year_near(self, position: int) -> int | None:
        """An explicit year later in the text ('Quý III, Quý IV năm 2026'), else the document's year."""
        later = _YEAR_RE.search(self.text, position)
        if later:
            self.consumed.append(later.span())
            return int(later.group("y"))
        if self.default_year:
            self.reasons.append(f"năm lấy từ năm của văn bản ({self.default_year}) / year from the document")
            return self.default_year
        return None

    def quarters(self) -> None:
        previous: tuple[int, _Span] | None = None  # end offset and span of the previous quarter group
        for match in _QUARTER_RE.finditer(self.text):
            if previous and _SEP_RANGE_RE.fullmatch(self.text[previous[0] : match.start()]):
                range_start = previous[1]
            else:
                range_start = None
            year = int(match.group("year")) if match.group("year") else self._year_near(match.end())
            self.consumed.append(match.span())
            if year is None:
                self.reasons.append(f"không rõ năm của '{match.group(0)}' / quarter without a year")
                continue
            numbers: list[int] = []
            for item in _QUARTER_ITEM_RE.finditer(match.group("items")):
                number = _quarter_number(item.group(2))
                if item.group(1) and numbers and number > numbers[-1]:
                    numbers.extend(range(numbers[-1] + 1, number + 1))
                else:
                    numbers.append(number)
            for number in numbers:
                self.spans.append(_quarter_span(year, number, number))
            if range_start is not None and numbers:
                # "Quý I/2026 - Quý II/2027": one range across the two groups.
                self.spans.append(_Span(range_start.start, _quarter_span(year, numbers[0], numbers[0]).end))
            if numbers:
                previous = (match.end(), _quarter_span(year, numbers[-1], numbers[-1]))
            self.reasons.append(f"quý {numbers} năm {year} / quarters")

    def halves(self) -> None:
        for match in _HALF_RE.finditer(self.text):
            if not self._free(*match.span()):
                continue
            count_text = match.group("n") or "6"
            count = _MONTH_WORDS.get(count_text) or int(count_text)
            if not 1 <= count <= 12:
                continue
            year = int(match.group("year")) if match.group("year") else self._year_near(match.end())
            self.consumed.append(match.span())
            if year is None:
                continue
            first_half = match.group("which") == "dau"
            if count == 6:
                self.spans.append(_quarter_span(year, 1, 2) if first_half else _quarter_span(year, 3, 4))
                self.reasons.append(f"6 tháng {'đầu' if first_half else 'cuối'} năm {year} / half year")
                continue
            self.spans.append(_month_span(year, 1, count) if first_half else _month_span(year, 13 - count, 12))
            which = "đầu" if first_half else "cuối"
            self.reasons.append(f"{count} tháng {which} năm {year} / first or last {count} months")

    def dates(self) -> None:
        found: list[tuple[re.Match[str], tuple[int, int, int]]] = []
        for match in _DATE_RE.finditer(self.text):
            if match.group("y"):
                y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
            else:
                y, m, d = int(match.group("y2")), int(match.group("m2")), int(match.group("d2"))
            if self._free(*match.span()) and _valid_date(y, m, d):
                found.append((match, (y, m, d)))
                self.consumed.append(match.span())
        if len(found) >= 2 and _RANGE_WORD_RE.search(self.text[found[0][0].end() : found[1][0].start()]):
            self.spans.append(_Span(found[0][1], found[1][1]))
            self.reasons.append("khoảng ngày / date range")
            found = found[2:]
        for _, date in found:
            self.spans.append(_Span(date, date))
            self.reasons.append(f"ngày {date[2]}/{date[1]}/{date[0]} / date")
        for match in _DAY_MONTH_RE.finditer(self.text) if "/" in self.text else ():
            if not self._free(*match.span()):
                continue
            d, m = int(match.group("d")), int(match.group("m"))
            year = self._year_near(match.end())
            self.consumed.append(match.span())
            if year is not None and _valid_date(year, m, d):
                self.spans.append(_Span((year, m, d), (year, m, d)))
                self.reasons.append(f"ngày {d}/{m}/{year} / date")

    def months(self) -> None:
        for match in _MONTH_RE.finditer(self.text) if "thang" in self.text else ():
            if not self._free(*match.span()):
                continue
            m1 = int(match.group("m1"))
            m2 = int(match.group("m2")) if match.group("m2") else m1
            if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
                continue
            year = int(match.group("year")) if match.group("year") else self._year_near(match.end())
            self.consumed.append(match.span())
            if year is None:
                continue
            sep = match.group("sep") or ""
            if _RANGE_WORD_RE.search(sep) and m2 >= m1:
                self.spans.append(_month_span(year, m1, m2))
            else:
                for month in sorted({m1, m2}):
                    self.spans.append(_month_span(year, month, month))
            self.reasons.append(f"tháng {m1}-{m2} năm {year} / months")
        for match in _MONTH_SLASH_RE.finditer(self.text) if "/" in self.text else ():
            month = int(match.group("m"))
            if self._free(*match.span()) and 1 <= month <= 12:
                year = int(match.group("year"))
                self.consumed.append(match.span())
                self.spans.append(_month_span(year, month, month))
                self.reasons.append(f"tháng {month}/{year} / month")

    def years(self) -> None:
        for match in _YEAR_PART_RE.finditer(self.text) if _YEAR_PART_HINT_RE.search(self.text) else ():
            if not self._free(*match.span()):
                continue
            part = match.group("part")
            if match.group("y"):
                year: int | None = int(match.group("y"))
            elif self.spans:
                continue  # "Quý IV/2026, cuối năm": the period is already stated
            else:
                year = self._year_near(match.end())
            self.consumed.append(match.span())
            if year is None:
                continue
            first, last = _YEAR_PART_MONTHS[part]
            self.spans.append(_month_span(year, first, last))
            if part in ("het", "cuoi"):
                self.reasons.append(f"hết năm {year} / end of year")
            else:
                self.reasons.append(f"{'đầu' if part == 'dau' else 'giữa'} năm {year} / start or middle of year")
        spans = (
            _YEAR_SPAN_RE.finditer(self.text) if ("-" in self.text or "den" in self.text or "toi" in self.text) else ()
        )
        for match in spans:
            y1, y2 = int(match.group("y1")), int(match.group("y2"))
            if self._free(*match.span()) and y1 <= y2 <= y1 + 50:
                self.consumed.append(match.span())
                self.spans.append(_Span((y1, 1, 1), (y2, 12, 31)))
                self.reasons.append(f"giai đoạn {y1}-{y2} / span of years")
        for match in _YEAR_RE.finditer(self.text):
            if self._free(*match.span()):
                year = int(match.group("y"))
                self.consumed.append(match.span())
                self.spans.append(_Span((year, 1, 1), (year, 12, 31)))
                self.reasons.append(f"năm {year} / year")


# Format specs ("{:02d}") are slow; a table of padded numbers is not (tens of thousands of cells a second).
_PAD2 = tuple(f"{n:02d}" for n in range(100))
_QUARTER_SUFFIX = ("-Q1", "-Q2", "-Q3", "-Q4")


def _iso(date: tuple[int, int, int]) -> str:
    year, month, day = date
    if 1000 <= year <= 9999 and 0 <= month < 100 and 0 <= day < 100:
        return f"{year}-{_PAD2[month]}-{_PAD2[day]}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _quarter_range(span: _Span) -> range:
    # Quarters numbered year * 4 + (quarter - 1), so a span is one range; at most 400 per span.
    (start_year, start_month, _), (end_year, end_month, _) = span
    first = start_year * 4 + (start_month - 1) // 3
    last = end_year * 4 + (end_month - 1) // 3
    return range(first, min(last, first + 399) + 1)


def _quarters_of(spans: list[_Span]) -> list[str]:
    keys: Iterable[int]
    if len(spans) == 1:
        keys = _quarter_range(spans[0])
        if keys and keys[0] >> 2 == keys[-1] >> 2:  # within one year, the commonest case
            year = str(keys[0] >> 2)
            return [year + suffix for suffix in _QUARTER_SUFFIX[keys[0] & 3 : (keys[-1] & 3) + 1]]
    else:
        merged: set[int] = set()
        for span in spans:
            merged.update(_quarter_range(span))
        keys = sorted(merged)
    return [str(key >> 2) + _QUARTER_SUFFIX[key & 3] for key in keys]


# Every recurring wording below contains one of these; most cells contain none.
_RECURRING_HINT_RE = re.compile(r"hang|hàng|moi|dinh ky|thuong xuyen|lien tuc|lan\b")


def _recurring(text: str) -> str:
    if not _RECURRING_HINT_RE.search(text):
        return ""
    day = _RECURRING_DAY_RE.search(text)
    if day:
        return f"monthly:{int(day.group('d'))}"
    month = _RECURRING_MONTH_OF_YEAR_RE.search(text)
    if month:
        return f"annual:{int(month.group('m'))}"
    for pattern, name in _RECURRING_WORDS:
        if pattern.search(text):
            return name
    return ""


_SEP_RANGE_RE = re.compile(_SEP_RANGE)
_YEAR_PART_HINT_RE = re.compile(r"(?:het|cuoi|dau|giua) nam")
_RANGE_WORD_RE = re.compile(r"-|den|toi")
_ANY_YEAR_RE = re.compile(_YEAR)
_EDGE = " .;,:"


def _period_key(raw: str) -> str:
    """The matching form of a time expression: folded, trailing punctuation dropped."""
    # Uncached steps: the result is cached per raw string (_parse) and per key (_parse_key).
    return " ".join(fold_uncached(normalize_text_uncached(raw)).split()).strip(_EDGE)


_ParsedFields = tuple[tuple[str, ...], str, str, str, tuple[str, ...]]


@lru_cache(maxsize=200_000)
def _parse(raw: str, default_year: int | None) -> _ParsedFields:
    # The caches hold plain tuples of strings, which the garbage collector stops tracking, not
    # Period records: 200,000 cached records (a dict, two lists and a set each) made every full
    # collection walk them, a third of the cold time. Each call builds its own record instead.
    return _parse_key(_period_key(raw), default_year)


# The commonest cells, answered by one full-match regex without the general parser ("quý iii/2026",
# "quy iii, iv/2026", "thang 9/2026", "truoc ngay 30/6/2026", "nam 2026", "6 thang dau nam 2026").
# tests/test_nlp_periods.py checks that both paths agree.
_FAST_RE = re.compile(
    rf"^(?:quy (?P<q1>{_QNUM})(?:(?P<qsep> ?, ?| va | ?- ?| den )(?:quy )?(?P<q2>{_QNUM}))?"
    rf" ?(?:/|nam) ?(?P<qy>{_YEAR})"
    rf"|thang (?P<m>\d{{1,2}}) ?(?:/|nam) ?(?P<my>{_YEAR})"
    rf"|(?:truoc |den |trong )?(?:ngay )?(?P<d>\d{{1,2}})(?P<ds>[/.-])(?P<dm>\d{{1,2}})(?P=ds)(?P<dy>{_YEAR})"
    rf"|nam (?P<y>{_YEAR})"
    rf"|(?:6|06|sau) thang (?P<half>dau|cuoi) nam (?P<hy>{_YEAR})"
    rf"|giai doan (?P<y1>{_YEAR}) ?- ?(?P<y2>{_YEAR}))$"
)


def _fast_parse(text: str) -> _ParsedFields | None:
    match = _FAST_RE.match(text)
    if match is None:
        return None
    # The last group of each alternative names the form; reading single groups is cheaper than groupdict().
    form = match.lastgroup
    if form == "qy":
        year = int(match["qy"])
        q1, qsep, q2 = match.group("q1", "qsep", "q2")
        first = _quarter_number(q1)
        if q2:
            last = _quarter_number(q2)
            if _RANGE_WORD_RE.search(qsep) and last > first:
                numbers = list(range(first, last + 1))
            else:
                numbers = sorted({first, last})
        else:
            numbers = [first]
        # One year's quarters in order: the first starts the period, the last ends it.
        return (
            tuple(f"{year}-Q{number}" for number in numbers),
            _iso(_quarter_span(year, numbers[0], numbers[0]).start),
            _iso(_quarter_span(year, numbers[-1], numbers[-1]).end),
            "",
            (f"quý {numbers} năm {year} / quarters",),
        )
    if form == "my":
        month, year = int(match["m"]), int(match["my"])
        if not 1 <= month <= 12:
            return None
        span, reason = _month_span(year, month, month), f"tháng {month}-{month} năm {year} / months"
    elif form == "dy":
        y, m, d = int(match["dy"]), int(match["dm"]), int(match["d"])
        if not (1 <= m <= 12 and _valid_date(y, m, d)):
            return None
        day = _iso((y, m, d))
        return (f"{y}-Q{(m - 1) // 3 + 1}",), day, day, "", (f"ngày {d}/{m}/{y} / date",)
    elif form == "y":
        year = int(match["y"])
        span, reason = _Span((year, 1, 1), (year, 12, 31)), f"năm {year} / year"
    elif form == "y2":
        y1, y2 = int(match["y1"]), int(match["y2"])
        if not y1 <= y2 <= y1 + 50:
            return None
        span, reason = _Span((y1, 1, 1), (y2, 12, 31)), f"giai đoạn {y1}-{y2} / span of years"
    else:
        year = int(match["hy"])
        first_half = match["half"] == "dau"
        span = _quarter_span(year, 1, 2) if first_half else _quarter_span(year, 3, 4)
        reason = f"6 tháng {'đầu' if first_half else 'cuối'} năm {year} / half year"
    return tuple(_quarters_of([span])), _iso(span.start), _iso(span.end), "", (reason,)


@lru_cache(maxsize=200_000)
def _parse_key(text: str, default_year: int | None) -> _ParsedFields:
    fast = _fast_parse(text)
    if fast is not None:
        return fast
    period = _parse_general(text, default_year)
    return tuple(period.quarters), period.start, period.end, period.recurring, tuple(period.reasons)


# "2025 và những năm tiếp theo", "từ năm 2026 trở đi": a start with no end, no quarters (docs/gold-conventions.md, NQ
# 03/2025/NQ-CP's annex: three such tasks were given the four quarters of 2025).
_OPEN_ENDED_RE = re.compile(
    rf"^(?:tu\s+)?(?:nam\s+)?(?P<y>{_YEAR})\s*(?:,|va)?\s*"
    r"(?:(?:nhung|cac)\s+nam\s+(?:tiep\s+theo|sau(?:\s+do)?)|tro\s+di)$"
)


def _parse_general(text: str, default_year: int | None) -> Period:
    raw = text
    open_ended = _OPEN_ENDED_RE.match(text)
    if open_ended:
        year = int(open_ended["y"])
        return Period(raw=raw, start=f"{year}-01-01", reasons=[f"từ năm {year}, không có mốc kết thúc / open-ended"])
    recurring = _recurring(text)
    parser = _Parser(text, default_year)
    if recurring and not _ANY_YEAR_RE.search(text):
        return Period(raw=raw, recurring=recurring, reasons=[f"thời hạn lặp lại '{recurring}' / recurring deadline"])
    # Each pass only where its key word or separator occurs: most cells need one or two passes.
    if "quy" in text:
        parser.quarters()
    has_month_word = "thang" in text
    if has_month_word or "nua " in text:
        parser.halves()
    if has_month_word or "/" in text or text.count("-") >= 2 or text.count(".") >= 2:
        parser.dates()
    if has_month_word or "/" in text:
        parser.months()
    parser.years()
    if recurring:
        parser.reasons.append(f"thời hạn lặp lại '{recurring}' / recurring deadline")
    if not parser.spans:
        reasons = parser.reasons or ["không nhận ra mốc thời gian / no time expression recognised"]
        return Period(raw=raw, recurring=recurring, reasons=reasons)
    start = min(span.start for span in parser.spans)
    end = max(span.end for span in parser.spans)
    return Period(
        raw=raw,
        quarters=_quarters_of(parser.spans),
        start=_iso(start),
        end=_iso(end),
        recurring=recurring,
        reasons=parser.reasons,
    )


def parse_period(raw: str, *, default_year: int | None = None) -> Period:
    """Normalise a time expression; never raises (an unreadable one has no quarters and says why)."""
    if not isinstance(raw, str):
        raw = ""
    try:
        quarters, start, end, recurring, reasons = _parse(raw, default_year)
        return Period(
            raw=raw, quarters=list(quarters), start=start, end=end, recurring=recurring, reasons=list(reasons)
        )
    except Exception as exc:  # noqa: BLE001 - lenient by contract
        return Period(raw=raw, reasons=[f"lỗi khi phân tích thời gian: {exc} / period parsing failed"])


# Spans of time expressions in running text, matched on the folded text (same length as the NFC
# text it came from), for the entity finder.
PERIOD_SPAN_RE = re.compile(
    "|".join(
        [
            r"\b(?:truoc|den|tu)?\s*ngay\s+\d{1,2}\s+(?:hang|moi)\s+thang\b",
            rf"\b(?:truoc\s+|den\s+|trong\s+)?(?:ngay\s+)?\d{{1,2}}(?P<sep>[/.-])\d{{1,2}}(?P=sep){_YEAR}\b",
            re.sub(r"\?P<\w+>", "?:", _QUARTER_RE.pattern),
            re.sub(r"\?P<\w+>", "?:", _HALF_RE.pattern),
            rf"\bthang\s+\d{{1,2}}(?:\s*(?:-|den)\s*(?:thang\s+)?\d{{1,2}})?\s*(?:/|nam)\s*{_YEAR}\b",
            rf"\bgiai doan\s+{_YEAR}\s*-\s*{_YEAR}\b",
            rf"\b(?:het\s+|cuoi\s+|trong\s+)?nam\s+{_YEAR}\b",
        ]
    )
)
