"""nlp.frequency and nlp.sharing: the wordings of the issue and the gold format, and totality."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from test_nlp_strategies import any_text

from nlp import parse_frequency, parse_sharing
from nlp.sharing import SHARING_CODES

EU_CODES = {"DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL_2", "ANNUAL", "IRREG", "CONT", "OTHER"}


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        ("Năm", ["ANNUAL"]),
        ("Năm học", ["ANNUAL"]),
        ("Hằng năm", ["ANNUAL"]),
        ("6 tháng", ["ANNUAL_2"]),
        ("06 tháng", ["ANNUAL_2"]),
        ("6 tháng/lần", ["ANNUAL_2"]),
        ("Hằng quý", ["QUARTERLY"]),
        ("Quý", ["QUARTERLY"]),
        ("Quý; Năm", ["QUARTERLY", "ANNUAL"]),
        ("Tháng, quý", ["MONTHLY", "QUARTERLY"]),
        ("Hàng tháng", ["MONTHLY"]),
        ("Hằng tuần", ["WEEKLY"]),
        ("Hằng ngày", ["DAILY"]),
        ("Khi có thay đổi", ["IRREG"]),
        ("Khi có sự thay đổi", ["IRREG"]),
        ("Khi có nhu cầu", ["IRREG"]),
        ("Đột xuất", ["IRREG"]),
        ("Thường xuyên", ["CONT"]),
        ("3 tháng/lần", ["QUARTERLY"]),
        ("6 tháng một lần", ["ANNUAL_2"]),
        ("Khi có phát sinh", ["IRREG"]),
        ("Liên tục", ["CONT"]),
        ("Giai đoạn 2021-2030, tầm nhìn đến năm 2050", ["OTHER"]),
        ("5 năm (2021-2025)", ["OTHER"]),
        ("10 năm (2021-2030)", ["OTHER"]),
        ("", []),
        ("   ", []),
    ],
)
def test_frequency_table(raw: str, codes: list[str]) -> None:
    assert parse_frequency(raw) == codes


@pytest.mark.parametrize(
    ("raw", "open_list", "code"),
    [
        ("Nội bộ", False, "internal"),
        ("Nội bộ/ theo quy định", False, "internal"),
        ("Chia sẻ theo quy định", False, "by_regulation"),
        ("Theo quy định", False, "by_regulation"),
        ("Theo QĐ", False, "by_regulation"),
        ("Theo phân quyền", False, "role_based"),
        ("Có thể mở", False, "open"),
        ("Công khai", False, "open"),
        ("Dữ liệu mở, được chia sẻ theo hình thức mặc định.", False, "open"),
        ("Dữ liệu được chia sẻ theo hình thức chia sẻ dữ liệu mặc định.", False, "default"),
        ("Chia sẻ dữ liệu mặc định", False, "default"),
        (
            "Dữ liệu được chia sẻ theo hình thức chia sẻ dữ liệu theo yêu cầu đặc thù của từng cơ sở dữ liệu",
            False,
            "on_request",
        ),
        ("Theo yêu cầu đặc thù", False, "on_request"),
        ("Mật", False, "restricted"),
        ("Hạn chế", False, "restricted"),
        ("Mở", False, "open"),
        ("Theo thẩm quyền", False, "role_based"),
        ("Mặt bằng", False, ""),  # "mặt" is not "mật"
        ("", False, ""),
        ("", True, "open"),
        ("Nội bộ", True, "internal"),
        # NĐ 47/2020: shared with every agency is "mặc định"; conditional sharing is "theo yêu cầu đặc thù"
        ("Chia sẻ rộng rãi", False, "default"),
        ("Dùng chung toàn tỉnh", False, "default"),
        ("Chia sẻ toàn tỉnh", False, "default"),
        ("Chia sẻ cho tất cả các cơ quan nhà nước", False, "default"),
        ("Chia sẻ có điều kiện", False, "on_request"),
        ("Công khai trên Cổng thông tin", False, "open"),
        ("Không chia sẻ", False, "restricted"),
        ("Hạn chế chia sẻ", False, "restricted"),
        ("Không công khai", False, "restricted"),
        ("Chia sẻ", False, "by_regulation"),
    ],
)
def test_sharing_table(raw: str, open_list: bool, code: str) -> None:
    assert parse_sharing(raw, open_list=open_list) == code


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_parse_frequency_is_total(raw: str) -> None:
    codes = parse_frequency(raw)
    assert set(codes) <= EU_CODES and len(codes) == len(set(codes))
    assert parse_frequency(raw) == codes


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_parse_sharing_is_total(raw: str) -> None:
    assert parse_sharing(raw) in SHARING_CODES
    assert parse_sharing(raw, open_list=True) in SHARING_CODES
