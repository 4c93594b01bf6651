"""Dataset titles → a key for matching the same dataset across documents.

``title_key`` normalises the text, expands the genre's abbreviations (TTHC, CCVC, CBCC, PCGD,
KCN, ATTP, BHXH, CSDL, GPLX, THPT, …), drops generic heads ("Dữ liệu (về)", "CSDL (về)", "Cơ sở
dữ liệu", "Danh sách", "Danh mục", "Thông tin", …) and locality boilerplate ("trên địa bàn tỉnh",
"tỉnh Hà Tĩnh"), then segments the words with underthesea so that compounds stay whole
("đăng_ký khai_sinh"). The cleaning is iterated to its fixpoint and segmentation runs on the
cleaned text, so ``title_key`` is idempotent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.text import fold, normalize_text

# Expansions are keyed by the folded abbreviation and written with their marks.
TITLE_ABBREVIATIONS: dict[str, str] = {
    "tthc": "thủ tục hành chính",
    "ccvc": "công chức viên chức",
    "cbcc": "cán bộ công chức",
    "cbccvc": "cán bộ công chức viên chức",
    "pcgd": "phổ cập giáo dục",
    "kcn": "khu công nghiệp",
    "ccn": "cụm công nghiệp",
    "attp": "an toàn thực phẩm",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "csdl": "cơ sở dữ liệu",
    "gplx": "giấy phép lái xe",
    "thpt": "trung học phổ thông",
    "thcs": "trung học cơ sở",
    "gddt": "giáo dục đào tạo",
    "ktxh": "kinh tế xã hội",
    "dkkd": "đăng ký kinh doanh",
    "qsdd": "quyền sử dụng đất",
    "gcn": "giấy chứng nhận",
    "ubnd": "ủy ban nhân dân",
    "hdnd": "hội đồng nhân dân",
    "cntt": "công nghệ thông tin",
    "atgt": "an toàn giao thông",
    "hcc": "hành chính công",
    "dvc": "dịch vụ công",
    "nsnn": "ngân sách nhà nước",
    "ptnt": "phát triển nông thôn",
    "tnmt": "tài nguyên môi trường",
    "vhxh": "văn hóa xã hội",
    "ldtbxh": "lao động thương binh xã hội",
    "htx": "hợp tác xã",
    "dn": "doanh nghiệp",
    "dtm": "đánh giá tác động môi trường",
}
_GENERIC_HEADS = (
    "cơ sở dữ liệu",
    "tập dữ liệu",
    "bộ dữ liệu",
    "dữ liệu",
    "số liệu",
    "danh sách",
    "danh mục",
    "thông tin",
    "hệ thống",
    "về",
    "các",
    "của",
)
_HEAD_RE = re.compile(r"^(?:" + "|".join(re.escape(h) for h in _GENERIC_HEADS) + r")(?:\s+|$)")
_PUNCT_RE = re.compile(r"[^\w\s]|_")


def _expand(text: str) -> str:
    return " ".join(TITLE_ABBREVIATIONS.get(fold(tok), tok) for tok in text.split())


def _drop_locality(text: str, place_words: frozenset[str]) -> str:
    # "… trên địa bàn tỉnh Hà Tĩnh", "… trên địa bàn", "… tỉnh", "… cấp xã": the place says where the
    # catalog is, not what the dataset is.
    text = re.sub(
        r"\s*\b(?:trên|tại)\s+(?:phạm vi|địa bàn)(?:\s+toàn)?(?:\s+(?:tỉnh|xã|huyện|phường|thành phố|"
        r"thị xã))?(?:\s+\S+)*$",
        "",
        text,
    )
    text = re.sub(r"\s+(?:tỉnh|huyện|thành phố|thị xã)(?:\s+\S+){1,3}$", "", text)
    tokens = text.split()
    while len(tokens) > 1 and tokens[-1] in place_words:
        tokens.pop()
    popped = False
    while len(tokens) > 1 and tokens[-1] in {"tỉnh", "xã", "huyện", "phường"}:
        tokens.pop()
        popped = True
    if popped and len(tokens) > 1 and tokens[-1] == "cấp":
        tokens.pop()
    return " ".join(tokens)


def _clean_once(text: str, place_words: frozenset[str]) -> str:
    text = _PUNCT_RE.sub(" ", text.lower())
    text = " ".join(text.split())
    text = _expand(text)
    previous = None
    while previous != text:
        previous = text
        text = _HEAD_RE.sub("", text).strip()
    return _drop_locality(text, place_words)


def _clean(title: str, place_words: frozenset[str]) -> str:
    text = normalize_text(title)
    original = " ".join(_PUNCT_RE.sub(" ", text.lower()).split())
    for _ in range(8):
        cleaned = _clean_once(text, place_words)
        if cleaned == text:
            break
        text = cleaned
    # A title that is nothing but generic words keeps its words: an empty key would match everything.
    return text or original


@lru_cache(maxsize=1)
def _segmenter() -> object | None:
    try:
        from underthesea import word_tokenize
    except Exception:  # noqa: BLE001 - segmentation is an improvement, not a requirement
        return None
    return word_tokenize


@lru_cache(maxsize=100_000)
def _segment(text: str) -> str:
    tokenize = _segmenter()
    if tokenize is None or not text:
        return text
    try:
        words = tokenize(text)  # type: ignore[operator]
    except Exception:  # noqa: BLE001
        return text
    joined = " ".join("_".join(word.split()) for word in words if isinstance(word, str) and word.strip())
    # Keep the key a pure function of its syllables: if segmentation changed them, fall back.
    return joined if joined.replace("_", " ") == text else text


# Place names that end titles in the corpus genre ("… tỉnh Hà Tĩnh") are dropped only after a
# level word; a bare trailing proper name is kept because it may be part of the dataset's name.
_NO_PLACES: frozenset[str] = frozenset()


@lru_cache(maxsize=100_000)
def title_key(title: str) -> str:
    """The matching key of a dataset title; idempotent, NFC, never raises."""
    if not isinstance(title, str):
        return ""
    try:
        text = title.replace("_", " ")
        cleaned = _clean(text, _NO_PLACES)
        return normalize_text(_segment(cleaned))
    except Exception:  # noqa: BLE001 - lenient by contract
        return normalize_text(title).lower()
