"""nlp.periods: every wording of the issue, ranges and lists, defaults, recurring deadlines."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_nlp_strategies import any_text

from nlp import parse_period

Q = re.compile(r"^\d{4}-Q[1-4]$")


@pytest.mark.parametrize(
    ("raw", "quarters", "start", "end"),
    [
        ("Quý II/2026.", ["2026-Q2"], "2026-04-01", "2026-06-30"),
        ("Quý III, IV/2026.", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Quý III-IV/2026", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Quý III – IV/2026", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Quý I đến Quý III năm 2026", ["2026-Q1", "2026-Q2", "2026-Q3"], "2026-01-01", "2026-09-30"),
        ("quý 2 năm 2026", ["2026-Q2"], "2026-04-01", "2026-06-30"),
        ("Quý III, Quý IV năm 2026", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Quý IV/2026 - Quý I/2027", ["2026-Q4", "2027-Q1"], "2026-10-01", "2027-03-31"),
        ("6 tháng đầu năm 2026", ["2026-Q1", "2026-Q2"], "2026-01-01", "2026-06-30"),
        ("6 tháng cuối năm 2026", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Tháng 9/2026", ["2026-Q3"], "2026-09-01", "2026-09-30"),
        ("tháng 9 năm 2026", ["2026-Q3"], "2026-09-01", "2026-09-30"),
        ("Tháng 3 - 5/2026", ["2026-Q1", "2026-Q2"], "2026-03-01", "2026-05-31"),
        ("trước ngày 30/6/2026", ["2026-Q2"], "2026-06-30", "2026-06-30"),
        ("Trước ngày 30 tháng 6 năm 2026", ["2026-Q2"], "2026-06-30", "2026-06-30"),
        ("Từ ngày 01/7/2026 đến ngày 31/12/2026", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("năm 2026", ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"], "2026-01-01", "2026-12-31"),
        ("Đến hết năm 2025", ["2025-Q4"], "2025-10-01", "2025-12-31"),
        ("Quý II", ["2026-Q2"], "2026-04-01", "2026-06-30"),  # year from the document
        ("Quý III, IV", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        ("Trước 15/10", ["2026-Q4"], "2026-10-15", "2026-10-15"),
        ("Quý I, II, III/2026", ["2026-Q1", "2026-Q2", "2026-Q3"], "2026-01-01", "2026-09-30"),
        ("Từ tháng 3/2026 đến tháng 6/2026", ["2026-Q1", "2026-Q2"], "2026-03-01", "2026-06-30"),
        # the start, middle or end of a year, with or without its year
        ("Đầu năm 2027", ["2027-Q1"], "2027-01-01", "2027-03-31"),
        ("Cuối năm 2026", ["2026-Q4"], "2026-10-01", "2026-12-31"),
        ("Giữa năm 2026", ["2026-Q2", "2026-Q3"], "2026-06-01", "2026-07-31"),
        ("Hoàn thành trong đầu năm", ["2026-Q1"], "2026-01-01", "2026-03-31"),
        ("Cuối năm", ["2026-Q4"], "2026-10-01", "2026-12-31"),
        ("Quý IV/2026, cuối năm", ["2026-Q4"], "2026-10-01", "2026-12-31"),
        # N months from the start or the end of a year
        ("9 tháng đầu năm 2026", ["2026-Q1", "2026-Q2", "2026-Q3"], "2026-01-01", "2026-09-30"),
        ("3 tháng đầu năm 2026", ["2026-Q1"], "2026-01-01", "2026-03-31"),
        ("03 tháng cuối năm 2026", ["2026-Q4"], "2026-10-01", "2026-12-31"),
        ("Chín tháng đầu năm 2026", ["2026-Q1", "2026-Q2", "2026-Q3"], "2026-01-01", "2026-09-30"),
        ("Trong 2 tháng cuối năm", ["2026-Q4"], "2026-11-01", "2026-12-31"),
        ("Nửa đầu năm 2026", ["2026-Q1", "2026-Q2"], "2026-01-01", "2026-06-30"),
        ("6 tháng cuối năm", ["2026-Q3", "2026-Q4"], "2026-07-01", "2026-12-31"),
        # lists, months and deadlines as a demanding user writes them
        ("Quý I, II và III/2026", ["2026-Q1", "2026-Q2", "2026-Q3"], "2026-01-01", "2026-09-30"),
        ("Tháng 3, 4/2026", ["2026-Q1", "2026-Q2"], "2026-03-01", "2026-04-30"),
        ("Trước 15/7", ["2026-Q3"], "2026-07-15", "2026-07-15"),
        ("Trong quý III", ["2026-Q3"], "2026-07-01", "2026-09-30"),
        ("Hoàn thành trước 31/12", ["2026-Q4"], "2026-12-31", "2026-12-31"),
        ("Trong tháng 10", ["2026-Q4"], "2026-10-01", "2026-10-31"),
        ("Cuối quý II/2026", ["2026-Q2"], "2026-04-01", "2026-06-30"),
        ("Tháng 12/2026 - Quý I/2027", ["2026-Q4", "2027-Q1"], "2026-12-01", "2027-03-31"),
    ],
)
def test_period_table(raw: str, quarters: list[str], start: str, end: str) -> None:
    period = parse_period(raw, default_year=2026)
    assert (period.quarters, period.start, period.end) == (quarters, start, end)
    assert period.reasons


def test_span_of_years() -> None:
    period = parse_period("Giai đoạn 2026-2030")
    assert period.quarters[0] == "2026-Q1" and period.quarters[-1] == "2030-Q4" and len(period.quarters) == 20


def test_missing_year_without_default_gives_no_quarters_and_says_why() -> None:
    period = parse_period("Quý II")
    assert period.quarters == [] and period.reasons


def test_missing_year_reason_names_the_document_year() -> None:
    assert any("2026" in r for r in parse_period("Quý II", default_year=2026).reasons)


@pytest.mark.parametrize(
    ("raw", "recurring"),
    [
        ("trước ngày 20 hằng tháng", "monthly:20"),
        ("gửi về trước ngày 25 hàng tháng", "monthly:25"),
        ("trong tháng 12 hằng năm", "annual:12"),
        ("Hằng quý", "quarterly"),
        ("Thường xuyên", "continuous"),
    ],
)
def test_recurring_deadlines(raw: str, recurring: str) -> None:
    period = parse_period(raw, default_year=2026)
    assert period.recurring == recurring
    assert period.quarters == []


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_parse_period_is_total(raw: str) -> None:
    period = parse_period(raw, default_year=2026)
    assert all(Q.match(q) for q in period.quarters)
    assert period.quarters == sorted(set(period.quarters))
    assert unicodedata.is_normalized("NFC", period.raw) or period.raw == raw
    assert parse_period(raw, default_year=2026) == period


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        [
            "quy {q}/{y}",
            "quy {q}, {q2}/{y}",
            "quy {q}-{q2}/{y}",
            "quy {q} nam {y}",
            "thang {m}/{y}",
            "truoc ngay {d}/{m}/{y}",
            "ngay {d}.{m}.{y}",
            "nam {y}",
            "6 thang dau nam {y}",
            "6 thang cuoi nam {y}",
            "quy {q2} den quy {q}/{y}",
            "giai doan {y}-{d}{m}",
            "giai doan {y} - 20{d}",
        ]
    ),
    st.sampled_from(["i", "ii", "iii", "iv", "1", "2", "3", "4"]),
    st.sampled_from(["i", "ii", "iii", "iv", "2", "4"]),
    st.integers(0, 14),
    st.integers(0, 33),
    st.integers(1890, 2110),
)
def test_fast_path_agrees_with_the_general_parser(form: str, q: str, q2: str, m: int, d: int, y: int) -> None:
    from nlp.periods import _fast_parse, _parse_general

    text = form.format(q=q, q2=q2, m=m, d=d, y=y)
    fast = _fast_parse(text)
    general = _parse_general(text, 2026)
    if fast is not None:
        assert fast[:4] == (tuple(general.quarters), general.start, general.end, general.recurring)


def _walk_quarters(spans: list[tuple[tuple[int, int, int], tuple[int, int, int]]]) -> list[str]:
    # The reference: step quarter by quarter from each span's start, at most 400 steps per span.
    keys: set[tuple[int, int]] = set()
    for (year, month, _), (end_year, end_month, _) in spans:
        quarter, end_quarter = (month - 1) // 3 + 1, (end_month - 1) // 3 + 1
        steps = 0
        while (year, quarter) <= (end_year, end_quarter) and steps < 400:
            keys.add((year, quarter))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
            steps += 1
    return [f"{year}-Q{quarter}" for year, quarter in sorted(keys)]


_dates = st.tuples(st.integers(1, 2600), st.integers(1, 12), st.integers(1, 28))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_dates, _dates), min_size=1, max_size=4))
def test_quarter_ranges_agree_with_a_quarter_by_quarter_walk(
    spans: list[tuple[tuple[int, int, int], tuple[int, int, int]]],
) -> None:
    from nlp.periods import _quarters_of, _Span

    assert _quarters_of([_Span(start, end) for start, end in spans]) == _walk_quarters(spans)


@settings(max_examples=300, deadline=None)
@given(st.integers(-20000, 20000), st.integers(0, 120), st.integers(0, 120))
def test_iso_dates_agree_with_zero_padded_formatting(year: int, month: int, day: int) -> None:
    from nlp.periods import _iso

    assert _iso((year, month, day)) == f"{year:04d}-{month:02d}-{day:02d}"


def test_each_call_gets_its_own_record() -> None:
    # Records are built per call from cached plain values: changing one caller's list cannot leak.
    first = parse_period("Quý III, IV/2026")
    second = parse_period("Quý III, IV/2026")
    assert first == second and first.quarters is not second.quarters
    first.quarters.append("1999-Q1")
    assert parse_period("Quý III, IV/2026").quarters == ["2026-Q3", "2026-Q4"]


def test_school_year_is_not_the_start_of_a_calendar_year() -> None:
    # "đầu năm học 2026-2027" starts in September: never Q1 of 2026
    period = parse_period("Đầu năm học 2026-2027", default_year=2026)
    assert "đầu năm" not in " ".join(period.reasons)


@given(st.integers(1, 12), st.sampled_from(["đầu", "cuối"]), st.integers(1990, 2099))
def test_first_and_last_months_of_a_year(count: int, which: str, year: int) -> None:
    period = parse_period(f"{count} tháng {which} năm {year}")
    first, last = (1, count) if which == "đầu" else (13 - count, 12)
    assert period.start == f"{year}-{first:02d}-01"
    assert period.end[:7] == f"{year}-{last:02d}"
    assert period.quarters == [f"{year}-Q{q}" for q in range((first - 1) // 3 + 1, (last - 1) // 3 + 2)]
