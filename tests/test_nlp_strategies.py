"""Hypothesis strategies shared by the nlp tests (no tests here): arbitrary and Vietnamese-looking text."""

from __future__ import annotations

from hypothesis import strategies as st

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
ALPHABET = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "0123456789 \t\n-–—/;,.()&:*#<>_|"
# Fragments of the genre, so generated strings often look like real cells.
FRAGMENTS = [
    "Phòng",
    "Sở",
    "VH",
    "XH",
    "–",
    "-",
    "Quý",
    "III",
    "IV",
    "/2026",
    "năm",
    "tháng",
    "6 tháng đầu",
    "HĐND&UBND",
    "và",
    ",",
    ";",
    "xã",
    "tỉnh",
    "Công an",
    "(",
    ")",
    "<b>",
    "</b>",
    "**",
    "hoá",
    "thuỷ",
    "Dữ liệu",
    "CSDL",
    "về",
    "NĐ;CP",
    "47/2020/",
    "Nội bộ",
    "mặc định",
    "Năm học",
    "Khi có thay đổi",
    "các cơ quan, đơn vị",
    "trên địa bàn",
    "cấp huyện",
    " ",
]

vietnamese_text = st.text(alphabet=ALPHABET, max_size=80)
genre_text = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join)
any_text = st.one_of(st.text(max_size=80), vietnamese_text, genre_text)
