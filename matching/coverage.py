"""Concept level: a title that lists another's items ("quy hoạch xây dựng, quy hoạch đô thị" ⊇ "quy hoạch đô thị").

A sector database and a list titled with many more words are often the same kind of data: Hà Tĩnh's
"CSDL về đăng ký doanh nghiệp" and Hưng Yên's "Dữ liệu thông tin doanh nghiệp, danh sách doanh
nghiệp đăng ký mới, thay đổi, tạm ngừng, …". Word-overlap ratios punish the longer title for every
word the shorter lacks, so this module compares the *structure* of the titles instead: a title's
head phrase (before its first preposition: của, trong, tại, về …) is split into the items it
enumerates (commas, "và", "/", parentheses); a title **covers** another when every item of the other
is one of its items, both say the same after the preposition, and every content word of the other
is among its words. The test is structural, not a word list fitted on the gold, so it applies to
unseen catalogs; what keeps it from linking a sector to its sub-lists:

* an item is compared whole: "cơ sở giáo dục" is not the item "cơ sở giáo dục nghề nghiệp" (a
  sub-type), "di sản văn hóa" not "di sản văn hóa phi vật thể quốc gia";
* only the head phrase enumerates: in "dự án đầu tư của doanh nghiệp, hợp tác xã …" the co-operatives
  are whose projects, not a listed item; "doanh nghiệp … tại cụm công nghiệp" is not "cụm công nghiệp";
* every word of the covered title must stand in the covering one, qualifiers included: "văn bản điện
  tử" is not covered by "quản lý văn bản và điều hành tác nghiệp";
* kinds of list, figures and heads are still checked by the concept score (compare.py).

Parts a title spells out in "(bao gồm …)" or "gồm …" are dropped: they enumerate the parts of what it
names ("di sản văn hóa (bao gồm di sản văn hóa vật thể và phi vật thể)" is "di sản văn hóa").
Used at the concept level only: two datasets of one publisher are not one because one lists more.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from extract.textforms import modern_tone_placement
from matching.memo import BoundedMemo
from matching.text import (
    _GENERIC_HEAD,
    _GENERIC_HEAD_WORDS,
    _PLACE_TAIL,
    _QUALIFIERS,
    ABBREVIATIONS,
    STOPWORDS,
    fold,
)

if TYPE_CHECKING:
    from matching.features import EntryFeatures

# "(bao gồm A và B)", ", gồm A, B" and " bao gồm …" to the end: the parts of what the title names.
_PARTS = re.compile(r"\((?:bao gồm|gồm)[^)]*\)?|[,;(]\s*(?:bao gồm|gồm)\b.*$|\s(?:bao gồm|gồm)\s.*$")
# The first preposition ends the head phrase; what follows says whose, where or for what.
# ("theo dõi", "cho vay" are verbs, not prepositions.)
_PREPOSITION = re.compile(
    r"\b(?:của|trong|tại|ở|về|cho(?! vay)|phục vụ|thuộc|theo(?! dõi)|đối với|do|được|trên|bằng)\b"
)
_ITEM_BREAK = re.compile(r"[,;/()+]|\s(?:và|hoặc)\s|\s-\s")
# An item's own "list of …", "records of …": "danh sách doanh nghiệp đăng ký mới" lists doanh nghiệp.
_LEADS = ("danh sách", "danh mục", "thông tin", "hồ sơ", "cơ sở dữ liệu", "dữ liệu", "tập dữ liệu")
_ITEM_LEAD = re.compile(rf"^(?:(?:{'|'.join(_LEADS)})\s+)+")
# A bare level word closing the title is the own place ("cán bộ, công chức xã"); not "hợp tác xã", "cấp xã".
LEVEL_WORDS = frozenset({"xã", "tỉnh", "huyện", "phường"})
_LEVEL_TAIL = re.compile(rf"(?<!hợp tác)(?<!cấp)\s(?:{'|'.join(sorted(LEVEL_WORDS))})$")
_LEVEL_ENDS = tuple(LEVEL_WORDS)
_NON_WORD = re.compile(r"[^\w&,;/()+\-]+")
# A character neither of a word, nor a space, nor a mark: most titles have none, and one search finds that
# (~3× cheaper than substituting each run of spaces).
_ODD = re.compile(r"[^\w\s&,;/()+\-]")
_MARKS = ",;/()+"  # spaced apart: each is a word of its own
_ABBREVIATED = ABBREVIATIONS.get

COVERING_BLOCK = 200  # an item listed by more titles than this is not a blocking key (covering_pairs)
# What a covered pair's titles count for: less than a qualifier on one side (1 - 0.04), more than one
# unexplained word (1 - 0.15). Fixed by meaning like compare.py's weights; only thresholds are fitted.
COVERED_TITLE = 0.90


@dataclass(frozen=True, slots=True)
class TitleItems:
    items: tuple[frozenset[str], ...]  # the head phrase's items, each as its content words
    tail: frozenset[str]  # content words after the first preposition
    labels: tuple[str, ...] = ()  # the items as printed words, in order (for reasons)


@dataclass(frozen=True, slots=True)
class Covering:
    shared: tuple[str, ...]  # the covered title's items, as words
    extra: tuple[str, ...]  # the items only the covering title lists


# Not content words: the function words and the marks standing as words of their own (title_items spaces them).
_NOT_CONTENT = STOPWORDS | frozenset(",;/()+-")


def _words(part: str) -> frozenset[str]:
    return frozenset(part.split()) - _NOT_CONTENT


@lru_cache(maxsize=200_000)
def title_items(printed: str) -> TitleItems:
    """The items and the tail of a printed title (punctuation matters here, so not nlp's title key)."""
    text = modern_tone_placement(unicodedata.normalize("NFC", printed).lower()).replace("_", " ")
    # Punctuation spaced by str.replace (~10× cheaper here than a substitution with a group reference); the
    # words are split below, so the spaces around a mark need not be single. An abbreviation's expansion is
    # words one space apart (tests/test_concept_coverage.py), so it is joined as it is.
    for mark in _MARKS:
        if mark in text:
            text = text.replace(mark, f" {mark} ")
    words = (_NON_WORD.sub(" ", text) if _ODD.search(text) else text).split()
    text = " ".join([_ABBREVIATED(w, w) for w in words])
    # Each substitution only where its literal words stand (most titles have none): ~1-3 µs a regex call.
    if text.startswith(_GENERIC_HEAD_WORDS):
        text = _GENERIC_HEAD.sub("", text)
    if "trên địa bàn" in text:
        text = _PLACE_TAIL.sub(" ", text)
    if "gồm" in text:
        text = _PARTS.sub(" ", text)
    found = _PREPOSITION.search(text)
    head, tail = (text[: found.start()], text[found.end() :]) if found else (text, "")
    items, labels = [], []
    for part in _ITEM_BREAK.split(head):
        part = " ".join(_QUALIFIERS.sub(" ", part).split())
        # Each substitution only where its anchor can match (most parts have neither): ~1 µs a regex call.
        if part.startswith(_LEADS):
            part = _ITEM_LEAD.sub("", part)
        part = (_LEVEL_TAIL.sub("", " " + part) if part.endswith(_LEVEL_ENDS) else part).strip()
        item = _words(part)
        if item:
            items.append(item)
            labels.append(" ".join(w for w in part.split() if w in item))
    return TitleItems(items=tuple(items), tail=_words(_QUALIFIERS.sub(" ", tail)), labels=tuple(labels))


def _without_places(words: frozenset[str], places: frozenset[str]) -> frozenset[str]:
    if not places:  # most titles name no place of their pair (_placeless): nothing to fold and test
        return words
    kept = frozenset(w for w in words if fold(w) not in places)
    # "… tỉnh Hà Tĩnh": the level word goes with the own place's name.
    return kept - LEVEL_WORDS if kept != words else kept


@lru_cache(maxsize=200_000)
def _folded_words(title: str) -> frozenset[str]:
    """The folded forms of a title's item and tail words: all that `_without_places` compares with places."""
    parsed = title_items(title)
    return frozenset(fold(w) for words in (*parsed.items, parsed.tail) for w in words)


def _placeless(title: str, places: frozenset[str]) -> tuple[frozenset[frozenset[str]], frozenset[str]]:
    """A title's items and tail without the own place's words.

    Keyed by the places the title names, not by the pair's places: most titles name none of either row's
    places, so one entry per title serves every pair it meets (keyed by the pair's places, ~40,000 of the
    stage's ~48,000 tests computed it again at 100,000 rows)."""
    return _placeless_of(title, places & _folded_words(title))


@lru_cache(maxsize=200_000)
def _placeless_of(title: str, named: frozenset[str]) -> tuple[frozenset[frozenset[str]], frozenset[str]]:
    parsed = title_items(title)
    items = frozenset(_without_places(i, named) for i in parsed.items) - {frozenset()}
    return items, _without_places(parsed.tail, named)


def _covers(
    big: tuple[str, frozenset[str]], small: tuple[str, frozenset[str]], places: frozenset[str]
) -> Covering | None:
    """Whether the title `big` (printed title, content words) lists every item of `small`."""
    # Cheap first (this runs on every pair scored): the covered title's words must all stand opposite.
    if any(w not in LEVEL_WORDS and fold(w) not in places for w in small[1] - big[1]):
        return None
    inner, big_tail = _placeless(big[0], places)
    mine, small_tail = _placeless(small[0], places)
    if not mine or not mine <= inner or big_tail != small_tail:
        return None
    big_items, small_items = title_items(big[0]), title_items(small[0])

    def label(items: TitleItems, wanted: frozenset[frozenset[str]]) -> tuple[str, ...]:
        named = (t for i, t in zip(items.items, items.labels, strict=True) if _without_places(i, places) in wanted)
        return tuple(dict.fromkeys(named))

    return Covering(shared=label(small_items, mine), extra=label(big_items, inner - mine))


@lru_cache(maxsize=200_000)
def _words_stand_in(big: frozenset[str], small: frozenset[str], places: frozenset[str], more: frozenset[str]) -> bool:
    """_covers's first test on words alone, cached: templates repeat, so word sets meet again and again."""
    return not any(w not in LEVEL_WORDS and fold(w) not in places and fold(w) not in more for w in small - big)


def covering(a: EntryFeatures, b: EntryFeatures) -> Covering | None:
    """How one title lists every item of the other, or None (see the module's rules)."""
    mine, theirs, here, there = a.text.tokens, b.text.tokens, a.locality, b.locality
    if not (_words_stand_in(mine, theirs, here, there) or _words_stand_in(theirs, mine, here, there)):
        return None  # neither title's words all stand in the other: neither _covers can pass
    return _covering_of((a.title, mine), (b.title, theirs), here, there)


@lru_cache(maxsize=200_000)
def _covering_of(
    a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]], here: frozenset[str], there: frozenset[str]
) -> Covering | None:
    # Cached: everything covering reads of a row is its printed title, its words and its place, and
    # templates repeat (~560,000 calls at 100,000 rows). Covering is frozen, so sharing it is safe.
    places = here | there
    if len(a[1]) >= len(b[1]):
        return _covers(a, b, places) or _covers(b, a, places)
    return _covers(b, a, places) or _covers(a, b, places)


# Bits per signature. 64 let ~4 in 10 pairs through whose words fail `_words_stand_in` (a title and its
# place offer ~12 bits): each then cost a covering test, and in gated_titles a full title comparison.
SIGNATURE_BITS = 256


def _signature(words: set[str]) -> int:
    bits = 0
    for word in words:
        bits |= 1 << (hash(word) % SIGNATURE_BITS)
    return bits


# The two signatures of a row's words and places, by (words, places): rows share them, and the concept
# stage asks for its representatives' three times (covering_pairs, the gate, the scores).
_SIGNATURES: BoundedMemo[tuple[frozenset[str], frozenset[str]], tuple[int, int]] = BoundedMemo(400_000)


def may_cover(features: Sequence[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """False for pairs neither of whose titles' words can all stand in the other (coverage._words_stand_in):
    a word of the smaller title must be one of the bigger's, or name a place, or be a level word."""
    needed, present = row_signatures(features)
    left, right = pairs[:, 0], pairs[:, 1]
    return ~(needed[right] & ~present[left]).any(axis=1) | ~(needed[left] & ~present[right]).any(axis=1)


# The last rows `row_signatures` was asked for and their array (read-only): the concept stage asks again and again
# for its representatives' (covering_pairs, the gate of each part, three times in the scores of each part), and
# each call looked up every row's pair in `_SIGNATURES` and joined them again (~0.02-0.04 CPU-s a call at 15,000
# rows, ~0.15 on the concept child's path). The rows are kept as a list of their own, compared by identity
# (frozen features: the same objects give the same signatures), so a caller's list changed since cannot match.
_LAST_ROWS: list[tuple[list[EntryFeatures], np.ndarray]] = []


def row_signatures(features: Sequence[EntryFeatures]) -> np.ndarray:
    """Each row's two signatures (what its words need, what they offer) as (2, rows, SIGNATURE_BITS / 64) 64-bit
    words, memoised by (words, places), and the last rows' array kept (read-only): a caller about to fork computes
    them first, so that both processes find them (concepts.blocked_or_covering)."""
    for rows_seen, found_array in _LAST_ROWS:
        if len(rows_seen) == len(features) and all(map(operator.is_, rows_seen, features)):
            return found_array
    array = _row_signatures(features)
    array.flags.writeable = False
    _LAST_ROWS[:] = [(list(features), array)]
    return array


def _row_signatures(features: Sequence[EntryFeatures]) -> np.ndarray:
    rows = []
    for f in features:
        key = (f.text.tokens, f.locality)
        found = _SIGNATURES.get(key)
        if found is None:
            folded = {w: fold(w) for w in f.text.tokens}
            found = _SIGNATURES.put(key, (
                _signature({v for w, v in folded.items() if w not in LEVEL_WORDS and v not in f.locality}),
                _signature(set(folded.values()) | set(f.locality)),
            ))  # fmt: skip
        rows.append(found)
    size = SIGNATURE_BITS // 8
    data = b"".join(bits.to_bytes(size, "little") for row in rows for bits in row)
    words = np.frombuffer(data, dtype="<u8").astype(np.uint64).reshape(len(rows), 2, size // 8)
    return words.transpose(1, 0, 2)


# Each row's parsed title in four 64-bit numbers, by (printed title, places): its tail's hash, a signature of its
# items, of its title's folded words and of its places (may_cover_by_items).
_ITEM_ROWS: BoundedMemo[tuple[str, frozenset[str]], tuple[int, int, int, int]] = BoundedMemo(400_000)
_MASK = (1 << 64) - 1


def _bits(values: frozenset[str] | frozenset[frozenset[str]] | tuple[frozenset[str], ...]) -> int:
    bits = 0
    for value in values:
        bits |= 1 << (hash(value) % 64)
    return bits


def may_cover_by_items(features: Sequence[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """`may_cover`, and False for pairs whose titles cannot list one another's items: where neither title names
    a place of the pair (a word of its folded items or tail among their places), `_covers` compares the parsed
    titles as they are, so one's items must all be the other's and their tails equal; by a hash of each tail and
    64-bit signatures of the items, necessary conditions. Parses the titles of the rows of the pairs `may_cover`
    passes (title_items): for a caller that has (covering_pairs); at 100,000 rows it leaves ~9,000 of the concept
    gates' ~22,000 covering tests."""
    found = may_cover(features, pairs) if len(pairs) else np.zeros(0, dtype=bool)
    open_ = np.flatnonzero(found)
    if not len(open_):
        return found
    tested = pairs[open_]
    needed = np.unique(tested)  # a few thousand of the rows (covering_pairs: ~2,000 of 15,000)
    data = np.zeros((len(features), 4), dtype=np.uint64)
    data[needed] = np.array([_item_row(features[k]) for k in needed.tolist()], dtype=np.uint64)
    tails, items, words, places = data.T
    left, right = tested[:, 0], tested[:, 1]
    named = ((words[left] | words[right]) & (places[left] | places[right])) != 0  # maybe: then not tested here
    within = ((items[left] & ~items[right]) == 0) | ((items[right] & ~items[left]) == 0)
    found[open_] = named | ((tails[left] == tails[right]) & within)
    return found


def _item_row(feature: EntryFeatures) -> tuple[int, int, int, int]:
    key = (feature.title, feature.locality)
    found = _ITEM_ROWS.get(key)
    if found is None:
        parsed = title_items(feature.title)
        found = _ITEM_ROWS.put(key, (
            hash(parsed.tail) & _MASK, _bits(parsed.items), _bits(_folded_words(feature.title)),
            _bits(feature.locality),
        ))  # fmt: skip
    return found


def covering_pairs(features: Sequence[EntryFeatures], largest: int = COVERING_BLOCK) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of features one of which covers the other: the concept stage's extra blocking.

    Word-ratio blocking misses them (a short title against a long list). A title listing several
    items is indexed by each item; a title is paired with the titles listing all of its items and
    more, and with the titles listing exactly its items. Items shared by more than `largest` titles
    are not keys (they would pair a large part of the archive; such titles still meet through the
    ordinary blocking).
    """
    listed: dict[frozenset[str], list[int]] = defaultdict(list)  # item -> titles of several items listing it
    alike: dict[tuple[frozenset[frozenset[str]], frozenset[str]], list[int]] = defaultdict(list)
    for index, feature in enumerate(features):
        parsed = title_items(feature.title)
        items = frozenset(parsed.items)
        if not items:
            continue
        alike[(items, parsed.tail)].append(index)
        if len(items) > 1:
            for item in items:
                listed[item].append(index)
    candidates: set[tuple[int, int]] = set()
    for (items, _), members in alike.items():
        postings = sorted((listed.get(item, []) for item in items), key=len)
        if postings[0] and len(postings[0]) <= largest:
            wider = set(postings[0]).intersection(*postings[1:])
            candidates.update((min(i, j), max(i, j)) for i in members for j in wider if i != j)
        if 1 < len(members) <= largest:
            candidates.update((i, j) for i in members for j in members if i < j)
    if not candidates:
        return set()
    pairs = np.array(sorted(candidates), dtype=np.int64)
    # Signatures first: most candidates fail the covering test on their words or their items alone.
    found = pairs[may_cover_by_items(features, pairs)].tolist()
    return {(i, j) for i, j in found if covering(features[i], features[j]) is not None}
