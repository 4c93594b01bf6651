"""Text helpers for matching: accent folding for blocking, accented comparison text for scoring.

Blocking folds accents so that a typo in a tone mark still lands two titles in the same block;
scoring keeps the accents, because folding merges different words (mầm/mẫm, giáo/giao,
nghèo/nghẽo) and would link near neighbours that are different datasets.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from itertools import filterfalse

from extract.textforms import fold_uncached, modern_tone_placement
from matching.memo import BoundedMemo

# Administrative abbreviations expanded before comparing, so "kết quả giải quyết TTHC" and
# "kết quả giải quyết thủ tục hành chính" compare as equal (reported in the link's reasons).
ABBREVIATIONS: dict[str, str] = {
    "tthc": "thủ tục hành chính",
    "csdl": "cơ sở dữ liệu",
    "ccvc": "công chức viên chức",
    "cbccvc": "cán bộ công chức viên chức",
    "pcgd": "phổ cập giáo dục",
    "cchc": "cải cách hành chính",
    "gplx": "giấy phép lái xe",
    "attp": "an toàn thực phẩm",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "kcn": "khu công nghiệp",
    "ccn": "cụm công nghiệp",
    "đkkd": "đăng ký kinh doanh",
    "gtvt": "giao thông vận tải",
    "tnmt": "tài nguyên môi trường",
    "nn&ptnt": "nông nghiệp phát triển nông thôn",
    "khcn": "khoa học công nghệ",
    "cntt": "công nghệ thông tin",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ttpvhcc": "trung tâm phục vụ hành chính công",
    "dvc": "dịch vụ công",
    "vh": "văn hóa",
    "xh": "xã hội",
}

# Generic heads that name the genre, not the dataset ("Dữ liệu về ...", "CSDL về ...").
_GENERIC_HEAD_WORDS = ("cơ sở dữ liệu", "dữ liệu", "thông tin", "tập dữ liệu", "nhóm dữ liệu")
_GENERIC_HEAD = re.compile(r"^(?:(?:" + "|".join(_GENERIC_HEAD_WORDS) + r")\s+(?:về\s+)?)+")
# The genre's own words, wherever they stand ("hồ sơ CSDL sức khỏe" after a reordering).
_GENERIC_ANYWHERE = re.compile(r"\b(?:cơ sở dữ liệu|dữ liệu)\b")
_PLACE_TAIL = re.compile(r"\btrên địa bàn(?: (?:tỉnh|xã|huyện|thành phố|phường))?\b")
# Function words carry no identity; locality words are kept ("hợp tác xã" is a dataset).
STOPWORDS = frozenset(
    "các của và về trên tại được cho theo những với trong có đã là từ đến để do bởi một".split()
)
NEGATORS = frozenset({"phi", "không", "ngoài", "chưa", "trừ"})
# Qualifiers: words that say how a dataset is kept or which act produced it, not what it is about.
# "Dữ liệu (đăng ký) khai sinh", "người có công (với cách mạng)", "văn bản (điện tử)/(đi, đến)",
# "số hóa hồ sơ (thủ tục hành chính)", "(đánh giá) mức độ hài lòng". They are set aside from the
# *core* of the title; a pair whose cores agree is compared on its cores, and a qualifier on one side
# only costs little — but only when the shared core still identifies the dataset (compare.py).
_QUALIFIERS = re.compile(
    r"\b(?:đăng ký|đánh giá|điện tử|đi,? đến|đi|với cách mạng|thủ tục hành chính|quản lý|"
    r"cập nhật|tổng hợp|theo dõi|của tỉnh|của xã|cấp,? đổi|cấp mới|cấp lại)\b"
)
# Counting words: "số hộ nghèo", "tỷ lệ nghèo" are figures, "hộ nghèo" is a list of households.
_COUNT = re.compile(
    r"(?<!biển )\b(?:số lượng|tỷ lệ|tỉ lệ|thống kê|chỉ số|mật độ|số (?!hóa|liệu|điện|ký|hiệu|hộ tịch)\w+)"
)
_COUNT_WORDS = ("số", "tỷ lệ", "tỉ lệ", "thống kê", "mật độ")  # in every match of _COUNT (~1 title in 9)
# What the printed title says the row is, by its first words: a dataset, a directory, a figure.
_HEADS = [
    ("dữ liệu", re.compile(r"^(?:cơ sở dữ liệu|csdl|dữ liệu|tập dữ liệu|hệ thống thông tin)\b")),
    ("danh mục", re.compile(r"^(?:danh mục|danh sách)\b")),
    ("thống kê", re.compile(r"^(?:thống kê|số liệu|báo cáo)\b")),
]
_LIST_WORDS = ("danh sách", "danh mục", "hồ sơ", "thông tin")
_LIST = re.compile(r"\b(?:" + "|".join(_LIST_WORDS) + r")\b")

_WORD = re.compile(r"[\w&]+")


@lru_cache(maxsize=400_000)
def fold(text: str) -> str:
    """Lowercase without diacritics (đ → d): for blocking keys only (precomposed Latin letters)."""
    return fold_uncached(text, marks="latin")


@lru_cache(maxsize=400_000)
def normalize(text: str) -> str:
    """NFC, lowercase, new-style tone placement, punctuation to spaces, whitespace collapsed."""
    text = modern_tone_placement(unicodedata.normalize("NFC", text).lower()).replace("_", " ")
    # nlp's title keys join compound words with "_" (word segmentation); compare syllables. The words are
    # the runs of [\w&] between the rest: found in one pass rather than substituted, then split. Most titles
    # (~70 %) are words and spaces only (`isalnum` is what \w matches, "_" aside): their split is
    # those runs, ~2× cheaper than the search.
    if text.replace(" ", "").isalnum():
        return " ".join(text.split())
    return " ".join(_WORD.findall(text))


@dataclass(frozen=True, slots=True)
class ComparisonText:
    full: str  # the normalised title key with abbreviations expanded
    content: str  # without the generic head, the place tail and function words
    tokens: frozenset[str]  # content tokens, accented
    expanded: tuple[str, ...]  # abbreviations that were expanded, as printed in capitals
    counts: bool  # names a figure (số hộ, tỷ lệ) rather than a list
    lists: bool
    printed: str  # the printed title, normalised: duplicates within one document are judged on it
    head: str  # "dữ liệu", "danh mục", "thống kê" or "" from the printed title's first words
    core: str = ""  # content without qualifiers ("" when nothing would be left)
    core_tokens: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()  # content words that only qualify (đăng, ký, điện, tử…)


_new_text = ComparisonText.__new__
_TEXT_SLOTS = [getattr(ComparisonText, f.name).__set__ for f in dataclass_fields(ComparisonText)]
(_set_full, _set_content, _set_tokens, _set_expanded, _set_counts, _set_lists, _set_printed, _set_head, _set_core,
 _set_core_tokens, _set_qualifiers) = _TEXT_SLOTS  # fmt: skip


def _trusted_text(
    full: str, content: str, tokens: frozenset[str], expanded: tuple[str, ...], counts: bool, lists: bool,
    printed: str, head: str, core: str, core_tokens: frozenset[str], qualifiers: frozenset[str],
) -> ComparisonText:
    """`ComparisonText(full, …, qualifiers)`, its slots set directly: the frozen __init__'s 11 object.__setattr__
    calls were ~a third of building the texts of ~59,000 titles (tests/test_title_text_shortcuts.py compares)."""
    text = _new_text(ComparisonText)
    _set_full(text, full)
    _set_content(text, content)
    _set_tokens(text, tokens)
    _set_expanded(text, expanded)
    _set_counts(text, counts)
    _set_lists(text, lists)
    _set_printed(text, printed)
    _set_head(text, head)
    _set_core(text, core)
    _set_core_tokens(text, core_tokens)
    _set_qualifiers(text, qualifiers)
    return text


def comparison_text(title_key: str, description: str = "", printed: str = "") -> ComparisonText:
    """`printed` is the title as printed: nlp's key may already have expanded an abbreviation."""
    title = title_text(title_key, printed)
    # The description only tells a figure from a list when the title does not say. Most rows' titles say, or their
    # descriptions say neither (88,170 of 100,686 benchmark rows): their text is the title's, found without a memo of
    # every (title, description) (~80,000 entries, ~0.1 CPU-s to fill, at 100,000 rows).
    if title.counts or title.lists or not any(_description_kind(description)):
        return title
    return _described_text(title_key, description, printed)


@lru_cache(maxsize=200_000)
def _described_text(title_key: str, description: str, printed: str) -> ComparisonText:
    """The text of a title that names neither a figure nor a list, with a description that names one."""
    title = title_text(title_key, printed)
    names_count, names_list = _description_kind(description)
    counts = title.counts or (not title.lists and names_count)
    lists = title.lists or (not counts and names_list)
    return ComparisonText(
        full=title.full, content=title.content, tokens=title.tokens, expanded=title.expanded, counts=counts,
        lists=lists, printed=title.printed, head=title.head, core=title.core, core_tokens=title.core_tokens,
        qualifiers=title.qualifiers,
    )  # fmt: skip


@lru_cache(maxsize=20_000)
def _description_kind(description: str) -> tuple[bool, bool]:
    """Whether a description starts by naming a figure, a list: once per description (100,000 rows have
    ~80,000 distinct titles with their descriptions, but 166 distinct descriptions)."""
    desc = normalize(description)
    return bool(_COUNT.match(desc)), bool(_LIST.match(desc))


_INTERNED: dict[frozenset[str], frozenset[str]] = {}


def _interned(words: frozenset[str]) -> frozenset[str]:
    """One object per distinct word set (100,000 rows: 59,000 titles, 19,000 distinct sets of words): the
    memos keyed by word sets (compare.py, coverage.py) then match on identity, not by comparing sets."""
    if len(_INTERNED) > 400_000:
        _INTERNED.clear()
    return _INTERNED.setdefault(words, words)


_NO_WORDS = frozenset[str]()

_TITLE_TEXTS: BoundedMemo[tuple[str, str], ComparisonText] = BoundedMemo(200_000)


def title_text(title_key: str, printed: str) -> ComparisonText:
    """comparison_text without a description (`counts`: the title names a figure; `lists`: a list), once
    per title: 100,000 rows have ~80,000 distinct (title, description) but ~59,000 distinct titles.
    A plain memo rather than lru_cache, so that texts computed by a forked child can be put in it."""
    key = (title_key, printed)
    found = _TITLE_TEXTS.get(key)
    if found is None:
        found = _TITLE_TEXTS.put(key, _title_text_uncached(title_key, printed))
    return found


# ComparisonText's fields as a plain tuple: pickling 30,000 slotted records one Python call each
# took ~0.3 s a side, their fields as tuples a fraction of that.
TitleFields = tuple[
    str, str, frozenset[str], tuple[str, ...], bool, bool, str, str, str, frozenset[str], frozenset[str]
]


def title_text_fields(titles: Sequence[tuple[str, str]]) -> list[TitleFields]:
    """The title texts of (title key, printed title) pairs as field tuples (for `remember_title_texts`)."""
    return [
        (t.full, t.content, t.tokens, t.expanded, t.counts, t.lists, t.printed, t.head, t.core, t.core_tokens,
         t.qualifiers)
        for t in (title_text(key, printed) for key, printed in titles)
    ]  # fmt: skip


def remember_title_texts(titles: Sequence[tuple[str, str]], fields: Sequence[TitleFields]) -> None:
    """Put title texts computed elsewhere (`title_text_fields` in a forked child) in the memo, their word
    sets interned as if computed here."""
    for key, (full, content, tokens, expanded, counts, lists, printed, head, core, core_tokens, qualifiers) in zip(
        titles, fields, strict=True
    ):
        if key not in _TITLE_TEXTS:
            _TITLE_TEXTS[key] = _trusted_text(
                full, content, _interned(tokens), expanded, counts, lists, printed, head, core,
                _interned(core_tokens), _interned(qualifiers),
            )  # fmt: skip


def _title_text_uncached(title_key: str, printed: str) -> ComparisonText:
    # ~59,000 distinct titles at 100,000 rows: each step below is skipped when its trigger is absent
    # (a pattern cannot match without its literal words), which keeps every text the same.
    normalized = normalize(title_key)
    words = normalized.split()
    printed_text = normalize(printed)
    # Without nlp's key (every title of the benchmark), the printed title is the key.
    expanded = _abbreviations_in(words if printed_text == normalized else printed_text.split())
    if ABBREVIATIONS.keys().isdisjoint(words):
        full = normalized
    else:
        out: list[str] = []
        for word in words:
            long = ABBREVIATIONS.get(word)
            if long is not None:
                expanded.append(word.upper())
                out.extend(long.split())
            else:
                out.append(word)
        full = " ".join(out)
    content = _GENERIC_HEAD.sub("", full) if full.startswith(_GENERIC_HEAD_WORDS) else full
    if "trên địa bàn" in content:
        content = _PLACE_TAIL.sub(" ", content)
    if "dữ liệu" in content:
        content = _GENERIC_ANYWHERE.sub(" ", content)
    content_words = list(filterfalse(STOPWORDS.__contains__, content.split()))
    unqualified, qualified = _QUALIFIERS.subn(" ", content)  # ~1 title in 5 has a qualifier
    core_words = list(filterfalse(STOPWORDS.__contains__, unqualified.split())) if qualified else content_words
    content = " ".join(content_words) or full
    tokens = _interned(frozenset(content_words))
    # Without a qualifier the core is the content: its words are the tokens, and no word only qualifies.
    core_tokens = _interned(frozenset(core_words)) if qualified and core_words else tokens
    return _trusted_text(
        full,
        content,
        tokens,
        tuple(dict.fromkeys(expanded)),
        _has(_COUNT, _COUNT_WORDS, content),  # counts
        _has(_LIST, _LIST_WORDS, full),  # lists
        printed_text,
        next((name for name, pattern in _HEADS if pattern.match(printed_text)), ""),  # head
        # core: without a qualifier the content itself (the same words joined again before: an equal second str
        # per title, ~26,000 more strings for the title child to pickle and this process to unpickle)
        " ".join(core_words) if qualified and core_words else content,
        core_tokens,
        _interned(tokens - core_tokens if qualified and core_words else _NO_WORDS),  # qualifiers
    )


def _has(pattern: re.Pattern[str], words: tuple[str, ...], text: str) -> bool:
    """`pattern` is found in `text`; `words`: what every match contains, to skip most searches."""
    return any(word in text for word in words) and pattern.search(text) is not None


def _abbreviations_in(words: list[str]) -> list[str]:
    """The words of a printed title that are abbreviations, in capitals (most titles have none)."""
    if ABBREVIATIONS.keys().isdisjoint(words):
        return []
    return [w.upper() for w in words if w in ABBREVIATIONS]


def document_frequencies(texts: Sequence[ComparisonText]) -> Counter[str]:
    """How many of the texts have each content word, counted once per distinct set of words (100,000 rows
    have 19,000): the counts and their order are those of counting word by word, text by text."""
    df: Counter[str] = Counter()
    for words, count in Counter(t.tokens for t in texts).items():
        df.update(dict.fromkeys(words, count))
    return df


def blocking_tokens(text: ComparisonText) -> list[str]:
    """Folded content tokens of two letters or more (single letters block everything together)."""
    return blocking_tokens_of(text.tokens)


def blocking_tokens_of(tokens: frozenset[str]) -> list[str]:
    """`blocking_tokens` of a text with these content tokens."""
    return sorted({fold(t) for t in tokens if len(t) > 1})
