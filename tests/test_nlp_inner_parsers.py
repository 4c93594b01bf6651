"""The inner parsers are total themselves (issue #16 "tests that cannot fail").

``parse_period``, ``parse_sharing``, ``parse_frequency`` and ``title_key`` each wrap their parser in a
lenient ``except Exception`` so one bad cell never stops a document; their "is total" properties
therefore hold even if the parser inside always raised. These properties call the inner parsers
directly, and check the wrappers on known wordings, so a parser that breaks cannot hide behind its
safety net.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import frequency, periods, sharing, titles

any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from(
    ["Quý III, IV/2026", "Hàng năm", "Nội bộ/ theo quy định", "Dữ liệu hộ nghèo", "", "  ", "6 tháng đầu năm 2026"]
)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_inner_parsers_never_raise(raw: str) -> None:
    periods._parse(raw, 2026)
    sharing._parse(raw, False)
    sharing._parse(raw, True)
    if raw.strip():
        frequency._parse(raw)
    titles._clean(raw.replace("_", " "), frozenset())


def _broken(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError("parser broken")


@pytest.mark.parametrize(
    ("module", "call", "expected"),
    [
        (periods, lambda: periods.parse_period("Quý III, IV/2026").quarters, ["2026-Q3", "2026-Q4"]),
        (sharing, lambda: sharing.parse_sharing("Nội bộ"), "internal"),
        (frequency, lambda: frequency.parse_frequency("Hàng năm"), ["ANNUAL"]),
    ],
)
def test_a_broken_inner_parser_is_seen(
    monkeypatch: pytest.MonkeyPatch, module: object, call: object, expected: object
) -> None:
    """The known wordings pin the real answer; with the parser broken the same call must differ."""
    assert call() == expected  # type: ignore[operator]
    monkeypatch.setattr(module, "_parse", _broken)
    assert call() != expected  # type: ignore[operator]


def test_title_key_pins_its_answer() -> None:
    titles.title_key.cache_clear()
    assert titles.title_key("Cơ sở dữ liệu hộ nghèo trên địa bàn tỉnh") == titles.title_key("Dữ liệu hộ nghèo")
