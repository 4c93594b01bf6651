"""matching.text skips a pattern when the words every match needs are absent: the title texts must be those of
applying every pattern every time (the reference below, the code before session 14), on real titles."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from extract.textforms import modern_tone_placement
from matching.text import (
    _COUNT,
    _GENERIC_ANYWHERE,
    _GENERIC_HEAD,
    _HEADS,
    _LIST,
    _PLACE_TAIL,
    _QUALIFIERS,
    _TITLE_TEXTS,
    ABBREVIATIONS,
    STOPWORDS,
    ComparisonText,
    _described_text,
    comparison_text,
    normalize,
    remember_title_texts,
    title_text_fields,
)

ROOT = Path(__file__).resolve().parents[1]
_NON_WORD = re.compile(r"[^\w&]+")


def _normalize(text: str) -> str:
    text = modern_tone_placement(unicodedata.normalize("NFC", text).lower())
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def _reference(title_key: str, printed: str) -> tuple[object, ...]:
    """Every pattern applied to every title, in the order and on the strings comparison_text uses."""
    words = _normalize(title_key).split()
    expanded = [w.upper() for w in _normalize(printed).split() if w in ABBREVIATIONS]
    out: list[str] = []
    for word in words:
        if word in ABBREVIATIONS:
            expanded.append(word.upper())
            out.extend(ABBREVIATIONS[word].split())
        else:
            out.append(word)
    full = " ".join(out)
    content = _GENERIC_ANYWHERE.sub(" ", _PLACE_TAIL.sub(" ", _GENERIC_HEAD.sub("", full)))
    core_words = [w for w in _QUALIFIERS.sub(" ", content).split() if w not in STOPWORDS]
    content_words = [w for w in content.split() if w not in STOPWORDS]
    content = " ".join(content_words) or full
    printed_text = _normalize(printed)
    return (
        full, content, frozenset(content_words), tuple(dict.fromkeys(expanded)), bool(_COUNT.search(content)),
        bool(_LIST.search(full)), printed_text, next((n for n, p in _HEADS if p.match(printed_text)), ""),
        " ".join(core_words) if core_words else content,
        frozenset(core_words) if core_words else frozenset(content_words),
        frozenset(content_words) - frozenset(core_words) if core_words else frozenset(),
    )  # fmt: skip


def _titles() -> list[str]:
    titles = [
        e["title"]
        for d in json.loads((ROOT / "matching" / "data" / "linking_gold.json").read_text(encoding="utf-8"))["documents"]
        for e in d["entries"]
    ]
    for path in sorted((ROOT / "corpus" / "gold").glob("*.json")):
        titles += [item["title"] for item in json.loads(path.read_text(encoding="utf-8")).get("catalog", [])]
    # Each skipped step's trigger, and its near misses: "dữ_liệu" (a segmented key), upper case, old tones.
    titles += [
        "CSDL về TTHC_điện tử trên địa bàn tỉnh", "NN&PTNT dữ_liệu", "Thông tin về Dữ liệu về dữ liệu",
        "SỐ LƯỢNG hộ nghèo; tỷ lệ", "Tỉ lệ hoá đơn thuỷ lợi", "biển số xe", "số hóa hồ sơ", "TRÊN ĐỊA BÀN xã",
        "Danh mục CCVC đăng ký", "Hồ sơ (điện tử)", "mật độ dân số", "thống kê", "trên địa bànx", "",
    ]  # fmt: skip
    return titles


def test_title_texts_are_every_pattern_applied() -> None:
    titles = _titles()
    assert len(titles) > 400
    titles += [t.upper().replace("HÓA", "HOÁ") for t in titles]
    # The printed title apart from the key as well (nlp's segmented keys, an abbreviation expanded by nlp).
    pairs = [(t, t) for t in titles] + [(t.replace(" ", "_"), t) for t in titles]
    pairs += list(zip(titles, titles[1:], strict=False))
    for key, printed in pairs:
        t = comparison_text(key, "", printed)
        found = (t.full, t.content, t.tokens, t.expanded, t.counts, t.lists, t.printed, t.head, t.core,
                 t.core_tokens, t.qualifiers)  # fmt: skip
        assert found == _reference(key, printed), (key, printed)
        assert t == ComparisonText(*found)  # every slot set (text._trusted_text), as the constructor sets them


@pytest.mark.parametrize("text", ["Dữ liệu: đất_đai & nhà ở (2024)", "a_b&c--d", "  TTHC  ", "_", "&", "Hoà–bình"])
def test_normalize_finds_the_same_words(text: str) -> None:
    assert normalize(text) == _normalize(text)


def test_remembered_title_texts_are_the_computed_ones() -> None:
    """A forked child's texts (`title_text_fields`), put in the memo by `remember_title_texts`: equal records."""
    pairs = [(t, t) for t in _titles()]
    computed = [comparison_text(key, "", printed) for key, printed in pairs]
    fields = title_text_fields(pairs)
    _TITLE_TEXTS.clear()
    _described_text.cache_clear()  # the memo comparison_text keeps (titles with a telling description)
    remember_title_texts(pairs, fields)
    remembered = [_TITLE_TEXTS[pair] for pair in pairs]
    assert remembered == computed
