"""fold() is cached and regex-based for speed; it must equal the plain definition on the genre's text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from extract.markup import fold

_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_ALPHABET = _VIETNAMESE + _VIETNAMESE.upper() + " \t–-/.,;:()0123456789"


def _plain_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(str.maketrans({"đ": "d", "Đ": "D"})))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_fold_equals_the_plain_definition(text: str) -> None:
    assert fold(text) == _plain_fold(text)


def test_fold_examples() -> None:
    assert fold("Đơn vị  quản lý") == "don vi quan ly"
    assert fold("TÊN TẬP DỮ LIỆU") == "ten tap du lieu"
