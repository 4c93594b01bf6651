"""nlp.titles and nlp.citations: title keys and số hiệu keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from test_nlp_strategies import any_text

from nlp import normalize_number, title_key
from nlp.citations import suggest_number


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dữ liệu đăng ký khai sinh", "Đăng ký khai sinh"),
        ("CSDL về quản lý đầu tư công", "Dữ liệu quản lý đầu tư công"),
        ("Cơ sở dữ liệu về hộ kinh doanh", "Danh sách hộ kinh doanh"),
        ("Dữ liệu tiếp nhận hồ sơ TTHC", "Dữ liệu tiếp nhận hồ sơ thủ tục hành chính"),
        ("Hồ sơ CCVC", "Hồ sơ công chức, viên chức"),
        ("Dữ liệu các thư viện trên địa bàn tỉnh", "Thông tin về thư viện"),
        ("Tình hình PCGD", "Tình hình phổ cập giáo dục"),
        ("Dữ liệu về GPLX", "Giấy phép lái xe"),
        ("Số trường THPT", "số trường trung học phổ thông"),
        ("Dữ liệu cơ sở ATTP", "Cơ sở an toàn thực phẩm"),
        ("Danh mục KCN", "Danh sách khu công nghiệp"),
        ("Dữ liệu BHXH", "Bảo hiểm xã hội"),
        ("CSDL về Quản lý số liệu các tuyến đường bộ tỉnh Hà Tĩnh", "Quản lý số liệu các tuyến đường bộ"),
        ("Dữ liệu cán bộ, công chức xã", "CBCC"),
        ("Dữ liệu văn hoá", "Dữ liệu văn hóa"),
    ],
)
def test_same_dataset_same_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dữ liệu đăng ký khai sinh", "Dữ liệu đăng ký kết hôn"),
        ("Dữ liệu hộ nghèo, cận nghèo", "Dữ liệu bảo trợ xã hội"),
    ],
)
def test_different_datasets_different_keys(a: str, b: str) -> None:
    assert title_key(a) != title_key(b)


def test_compounds_stay_whole() -> None:
    assert title_key("Dữ liệu đăng ký khai sinh") == "đăng_ký khai_sinh"


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_title_key_is_idempotent_nfc_total(title: str) -> None:
    key = title_key(title)
    assert unicodedata.is_normalized("NFC", key)
    assert title_key(key) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("47/2020/NĐ;CP", "47/2020/NĐ-CP"),
        ("47/2020/NĐ-CP", "47/2020/NĐ-CP"),
        ("47 / 2020 / NĐ - CP", "47/2020/NĐ-CP"),
        ("47/2020/ND-CP", "47/2020/NĐ-CP"),
        ("Số: 47/2020/nđ-cp", "47/2020/NĐ-CP"),
        ("47/2020/NĐ–CP", "47/2020/NĐ-CP"),
        ("2439/QĐ-TTg", "2439/QĐ-TTg"),
        ("2439/QĐ.TTg", "2439/QĐ-TTg"),
        ("60/2024/QH15", "60/2024/QH15"),
        ("22/TTr-STTTT", "22/TTr-STTTT"),
        ("24/TTr-SKHCCN", "24/TTr-SKHCCN"),  # unknown issuer code kept as printed
        ("/KH-UBND", "/KH-UBND"),
        ("", ""),
    ],
)
def test_normalize_number(raw: str, key: str) -> None:
    assert normalize_number(raw) == key


def test_known_issuer_correction_is_only_proposed() -> None:
    proposed, reasons = suggest_number("24/TTr-SKHCCN")
    assert proposed == "24/TTr-SKHCN" and reasons
    assert suggest_number("22/TTr-STTTT") == ("22/TTr-STTTT", [])


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_normalize_number_is_idempotent_and_total(raw: str) -> None:
    key = normalize_number(raw)
    assert normalize_number(key) == key
