"""Pairwise comparison of catalog entries: a score in [0, 1] and the reasons for it.

Like splink's comparison levels, every component that moved the score is named in Vietnamese
words in the link's reasons, so a reviewer sees why two rows were (or were not) linked:
"tiêu đề giống 0.93 sau khi mở rộng TTHC; cùng loại đơn vị: Văn phòng HĐND và UBND".

The weights are fixed by what each level means; the decision threshold on top of the score is
calibrated on gold data (matching/calibrate.py), not chosen by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from matching.coverage import COVERED_TITLE, covering
from matching.features import EntryFeatures
from matching.memo import BoundedMemo
from matching.scope import LEVEL_NAMES
from matching.text import (
    NEGATORS,
    ComparisonText,
    fold,
)
from nlp.units import unit_types_agree

# Weights of the comparison levels (score points on a 0..1 scale).
DESCRIPTION_WEIGHT = 0.10  # description similarity, centred on 0.5
UNIT_AGREE = 0.04
UNIT_DISAGREE = -0.04  # small: the same dataset under two units is a unit_conflict, not two datasets
GROUP_AGREE = 0.02
TOKEN_MISMATCH_FIRST = 0.15  # one extra content word: "dịch vụ" vs "dịch vụ công" are two datasets
TOKEN_MISMATCH = 0.06  # per further content word found on one side only
TOKEN_MISMATCH_CAP = 0.35
TYPO_SIMILARITY = 80  # a word this close (0..100) to one on the other side is a typo of it (công/cung: 75)
NEGATION_MISMATCH = 0.30  # "đất nông nghiệp" vs "đất phi nông nghiệp"
COUNT_VS_LIST = 0.25  # "số hộ nghèo" (a figure) vs "hộ nghèo" (a list)
HEAD_MISMATCH = 0.25  # "Danh mục cơ sở giáo dục" (a directory) vs "Dữ liệu cơ sở giáo dục" (the dataset)
LEVEL_MISMATCH = 0.50  # commune vs province
# Two provinces never share a dataset: their pairs are compared at the concept level only (no
# dataset link, whatever the score), so identical titles of two provinces become one concept.
PROVINCE_MISMATCH = 1.0
QUALIFIER_MISMATCH = 0.04  # "đăng ký khai sinh" vs "khai sinh": a qualifier on one side, the core agrees
IDENTIFIES = 1.0  # summed specificity (IDF / log N) of the shared core words that still identify a dataset
SAME_DOCUMENT = 0.25  # a plan rarely lists one dataset twice: only near-identical rows are duplicates
SAME_DOCUMENT_EXEMPT = 0.97  # title similarity at which a same-document pair is a likely duplicate


# The best score a pair from two different known scopes can reach: every bonus, one scope penalty.
MAX_BONUS = DESCRIPTION_WEIGHT * 0.5 + UNIT_AGREE + GROUP_AGREE  # the most a pair gains beyond its title
CONCEPT_MAX_BONUS = DESCRIPTION_WEIGHT * 0.5  # the most a pair's concept score gains beyond its title
MAX_SCORE_ACROSS_SCOPES = (
    1.0 + DESCRIPTION_WEIGHT * 0.5 + UNIT_AGREE + GROUP_AGREE - min(LEVEL_MISMATCH, PROVINCE_MISMATCH)
)


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float  # dataset level: the same dataset of one publisher (0 across provinces)
    reasons: list[str]
    concept: float = 0.0  # concept level: the same kind of data, whatever the locality


_UNMATCHED: BoundedMemo[tuple[frozenset[str], frozenset[str]], frozenset[str]] = BoundedMemo(400_000)


def _unmatched(left: frozenset[str], right: frozenset[str]) -> frozenset[str]:
    """Words of `left` with no equal or near-equal (typo) word in `right`; accents count.

    Memoised by the two word sets (one object per distinct set, text._interned): the words penalty's
    own memo also keys on qualifiers and places, so 100,000 rows ask this of the same two sets again
    (186,000 calls, 114,000 distinct)."""
    key = (left, right)
    found = _UNMATCHED.get(key)
    if found is None:
        found = _UNMATCHED.put(key, _unmatched_uncached(left, right))
    return found


def _unmatched_uncached(left: frozenset[str], right: frozenset[str]) -> frozenset[str]:
    missing = set()
    for word in left - right:
        # Short words are never typos: their search is skipped (the same set, ~half the searches).
        if len(word) >= 4 and (
            process.extractOne(word, right, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY) is not None
        ):
            continue
        missing.add(word)
    return frozenset(missing)


@lru_cache(maxsize=200_000)
def description_similarity(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a, b) / 100.0


def title_similarity(a: ComparisonText, b: ComparisonText) -> float:
    if a.full == b.full:
        return 1.0
    sort_ratio = fuzz.token_sort_ratio(a.content, b.content)
    set_ratio = fuzz.token_set_ratio(a.content, b.content)
    core = fuzz.token_sort_ratio(a.core, b.core)
    return max(fuzz.ratio(a.full, b.full), (sort_ratio + set_ratio) / 2, core) / 100.0


def _soft(feature: EntryFeatures, other: EntryFeatures) -> frozenset[str]:
    """Words that may stand on one side only at little cost: qualifiers and the own place's name."""
    return feature.text.qualifiers | other.text.qualifiers


def _certain_penalty(a: EntryFeatures, b: EntryFeatures) -> float:
    """The part of the content penalties no typo, qualifier or place name can excuse.

    Words under four letters found on one side only are never typos (qualifiers and place names
    excepted: they cost less, see score_pair); a different kind of list is always a penalty.
    """
    ta, tb = a.text, b.text
    if ta.tokens is tb.tokens:
        # The same words (one interned set): only the heads can differ. Not through the memo, whose 8-value
        # key costs more than this (about half of the ~54,000 distinct pairs `bounds` asks at 100,000 rows).
        return HEAD_MISMATCH if ta.head and tb.head and ta.head != tb.head else 0.0
    return _certain_penalty_of(
        ta.tokens, tb.tokens, ta.qualifiers, tb.qualifiers, a.locality, b.locality, ta.head, tb.head
    )


@lru_cache(maxsize=200_000)
def _certain_penalty_of(
    mine: frozenset[str], theirs: frozenset[str], my_soft: frozenset[str], their_soft: frozenset[str],
    my_place: frozenset[str], their_place: frozenset[str], my_head: str, their_head: str,
) -> float:  # fmt: skip
    # Cached: templates repeat, so a run meets the same pairs of word sets again and again.
    soft, places = my_soft | their_soft, my_place | their_place
    unexplained = sum(1 for w in mine ^ theirs if len(w) < 4 and w not in soft and fold(w) not in places)
    penalty = 0.0
    if unexplained:
        penalty += min(TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * (unexplained - 1), TOKEN_MISMATCH_CAP)
    if my_head and their_head and my_head != their_head:
        penalty += HEAD_MISMATCH
    return penalty


def score_upper_bound(a: EntryFeatures, b: EntryFeatures, title: float) -> float:
    """A cheap bound no lower than `score_pair(a, b, title).score`, to skip hopeless pairs."""
    bound = title + MAX_BONUS - _certain_penalty(a, b)
    if a.scope.level and b.scope.level and a.scope.level != b.scope.level:
        bound -= LEVEL_MISMATCH
    if a.scope.province and b.scope.province and a.scope.province != b.scope.province:
        bound -= PROVINCE_MISMATCH
    if a.document == b.document and title < SAME_DOCUMENT_EXEMPT:
        bound -= SAME_DOCUMENT
    return bound


def concept_upper_bound(a: EntryFeatures, b: EntryFeatures, title: float, *, own_description: bool = False) -> float:
    """A cheap bound no lower than `score_pair(a, b, title).concept` (the concept level has no scope terms).

    `own_description`: the pair's description term instead of the most any pair could add (a tighter
    bound, for a stage that scores many pairs: it halves the pairs scored at the concept stage).
    """
    bound = concept_bound_before_covering(a, b, title, own_description=own_description)
    if bound < COVERED_TITLE + CONCEPT_MAX_BONUS and covering(a, b) is not None:
        return max(bound, COVERED_TITLE + CONCEPT_MAX_BONUS)
    return bound


ROUNDING_SLACK = 0.001  # the score rounds the title and itself to 4 decimals: each may add up to 0.00005


def concept_bound_before_covering(
    a: EntryFeatures, b: EntryFeatures, title: float, *, own_description: bool = False
) -> float:
    """`concept_upper_bound` without its covering test, which can only raise it: when this reaches a
    floor, so does the bound, and the covering test (the costlier part) is not needed."""
    if not own_description:
        return title + CONCEPT_MAX_BONUS - _certain_penalty(a, b)
    return _concept_bound_before_penalty(a, b, title) - _certain_penalty(a, b)


def _concept_bound_before_penalty(a: EntryFeatures, b: EntryFeatures, title: float) -> float:
    bonus = 0.0
    if a.description and b.description:
        bonus = DESCRIPTION_WEIGHT * (description_similarity(*sorted((a.description, b.description))) - 0.5)
    return title + bonus + ROUNDING_SLACK


def concept_may_reach(a: EntryFeatures, b: EntryFeatures, title: float, floor: float) -> bool:
    """`concept_upper_bound(a, b, title, own_description=True) >= floor`, cheapest steps first: under the
    floor before its certain penalty, a pair can only reach it by the covering test (~40 % of the concept
    stage's pairs skip the penalty)."""
    bound = _concept_bound_before_penalty(a, b, title)
    if bound >= floor:
        bound -= _certain_penalty(a, b)
        if bound >= floor:
            return True
    # Under the floor, the covering test is all that can raise the bound, to COVERED_TITLE + CONCEPT_MAX_BONUS.
    lifted = COVERED_TITLE + CONCEPT_MAX_BONUS
    return lifted >= floor and bound < lifted and covering(a, b) is not None


def _identifies(a: EntryFeatures, b: EntryFeatures) -> tuple[bool, float]:
    shared = a.text.core_tokens & b.text.core_tokens
    weight = sum(a.idf.get(w, 1.0) for w in shared)
    return weight >= IDENTIFIES, weight


class _PairMemo:
    """Results of pure functions of two rows' words, kept for the run whose specificities (idf) they used.

    A 100,000-row archive has ~450,000 candidate pairs but ~47,000 distinct pairs of word sets: the
    templates repeat. Keyed by the frozensets the function reads (their hashes are cached by Python).
    """

    LIMIT = 400_000  # entries per table before it is dropped (memory)

    def __init__(self) -> None:
        self._tables: dict[int, tuple[Mapping[str, float], dict[Any, Any]]] = {}

    def table(self, idf: Mapping[str, float]) -> dict[Any, Any]:
        found = self._tables.get(id(idf))
        if found is None or found[0] is not idf or len(found[1]) > self.LIMIT:
            if len(self._tables) >= 4:
                self._tables.clear()
            found = (idf, {})
            self._tables[id(idf)] = found
        return found[1]


_WORDS_MEMO = _PairMemo()


def _words_penalty(a: EntryFeatures, b: EntryFeatures) -> tuple[float, tuple[str, ...], frozenset[str]]:
    """The one-sided words' penalty, its reasons, and the one-sided words (for the negation level)."""
    ta, tb = a.text, b.text
    key = (ta.tokens, tb.tokens, ta.qualifiers, tb.qualifiers, ta.core_tokens, tb.core_tokens, a.locality, b.locality)
    table = _WORDS_MEMO.table(a.idf)
    found = table.get(key)
    if found is None:
        found = table[key] = _words_penalty_uncached(a, b)
    return found


def _words_penalty_uncached(a: EntryFeatures, b: EntryFeatures) -> tuple[float, tuple[str, ...], frozenset[str]]:
    penalty, verdict, one_sided = words_verdict(a, b)
    return penalty, words_reasons(verdict), one_sided


# What the one-sided words' reason says, before it is written (`words_reasons`): whether only qualifiers differ,
# each side's words it names, and the number it shows (the shared core's weight, or the penalty). The dataset stage
# keeps these for ~22,000 distinct pairs of word sets and writes the texts where the reasons are written, in a
# forked child (matching/batchscore.py), not on the path to the clustering.
WordsVerdict = tuple[bool, AbstractSet[str], AbstractSet[str], float]


def words_verdict(a: EntryFeatures, b: EntryFeatures) -> tuple[float, WordsVerdict | None, frozenset[str]]:
    """`_words_penalty` without writing its reason: the penalty, what the reason says (None: no reason), and the
    one-sided words."""
    places = a.locality | b.locality
    # A title naming its own province ("… tỉnh Hà Tĩnh") says where, not what.
    only_a = {w for w in _unmatched(a.text.tokens, b.text.tokens) if fold(w) not in places}
    only_b = {w for w in _unmatched(b.text.tokens, a.text.tokens) if fold(w) not in places}
    one_sided = frozenset(only_a | only_b)
    if not one_sided:
        return 0.0, None, one_sided
    soft = _soft(a, b)
    hard_a, hard_b = only_a - soft, only_b - soft
    identifies, weight = _identifies(a, b)
    if not (hard_a or hard_b) and identifies:
        return QUALIFIER_MISMATCH, (True, only_a, only_b, weight), one_sided
    if not identifies:
        hard_a, hard_b = only_a, only_b
    # Scaling each word's cost by its IDF was tried (a common word costing half): the same held-out
    # F1 on the linking gold, and precision 0.996 -> 0.984 on the synthetic benchmark; not kept.
    extra = len(hard_a) + len(hard_b) - 1
    penalty = min(TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * extra, TOKEN_MISMATCH_CAP)
    return penalty, (False, hard_a, hard_b, penalty), one_sided


def words_reasons(verdict: WordsVerdict | None) -> tuple[str, ...]:
    """The one-sided words' reason (none or one text) from `words_verdict`'s verdict."""
    if verdict is None:
        return ()
    qualifiers_only, left, right, number = verdict
    words = " / ".join(" ".join(sorted(side)) or "∅" for side in (left, right))
    if qualifiers_only:
        core = f"phần lõi chung đủ nhận diện ({number:.1f})"
        return (f"chỉ khác từ bổ nghĩa: {words}; {core} (-{QUALIFIER_MISMATCH:.2f})",)
    return (f"từ chỉ có ở một bên: {words} (-{number:.2f})",)


def score_pair(a: EntryFeatures, b: EntryFeatures, title: float | None = None) -> PairScore:
    """Dataset-level score (`score`) and concept-level score (`concept`) of two rows, with reasons.

    The concept score is what the titles, descriptions and kinds of list say; the dataset score adds
    who keeps the data (unit type, group, document level, same document). Rows of two provinces get
    no dataset score at all: the same title in two provinces is one concept, two datasets.
    """
    scored = _scored_reaching(a, b, title, [], -math.inf)
    assert scored is not None  # no score is under -inf
    return scored


def score_reaching(a: EntryFeatures, b: EntryFeatures, title: float, floor: float) -> PairScore | None:
    """`score_pair(a, b, title)` when its score reaches `floor`, else None. The dropped pairs skip the
    covering test, which only moves the concept score and adds a reason (~30 % of the dataset stage's
    scoring at 100,000 rows, where 28 % of the pairs it scores are dropped)."""
    return _scored_reaching(a, b, title, [], floor)


def pair_scores(a: EntryFeatures, b: EntryFeatures, title: float | None = None) -> tuple[float, float]:
    """`score_pair`'s (score, concept) without writing its reasons: the same steps, in the same order,
    so the same floats. For pairs that are mostly dropped (reasons are written for kept links only)."""
    scored = _scored_reaching(a, b, title, None, -math.inf)
    assert scored is not None
    return scored.score, scored.concept


def dataset_score(a: EntryFeatures, b: EntryFeatures, title: float) -> float:
    """`score_pair(a, b, title).score` alone: the same steps without the reasons or the covering test,
    which only moves the concept score. Placing a row needs the score of each candidate and the reasons
    of the few links it keeps (the covering test and the reasons were ~30 % of its scoring at 3,000 documents)."""
    scored = _scored_reaching(a, b, title, None, -math.inf, concept=False)
    assert scored is not None  # no score is under -inf
    return scored.score


def _scored_reaching(
    a: EntryFeatures, b: EntryFeatures, title: float | None, reasons: list[str] | None, floor: float,
    *, concept: bool = True,
) -> PairScore | None:  # fmt: skip
    """score_pair, or None when its score is under `floor`; reasons are written into `reasons` unless it is None.
    `concept` False: the concept score is left without the covering test (the dataset score is the same)."""
    if a.number and (a.document, a.table, a.group, a.number) == (b.document, b.table, b.group, b.number):
        # Sub-rows under one number (an item split by unit or period) are parts, not duplicates.
        if 0.0 < floor:
            return None
        return PairScore(score=0.0, reasons=[f"dòng con của cùng mục {a.number or '?'}"])
    if title is None:
        title = title_similarity(a.text, b.text)
    title = round(title, 4)
    if reasons is not None:
        reasons.append(_title_reason(a, b, title))
    # Each step adds to the score in the order it always did: the sums, hence the rounding, stay the same.
    score = _concept_score(a, b, title, reasons)
    concept_score = round(max(0.0, min(1.0, score)), 4)
    score = round(max(0.0, min(1.0, _dataset_score(a, b, title, score, reasons))), 4)
    if score < floor:
        return None
    if not concept:
        return PairScore(score=score, reasons=[], concept=concept_score)
    covered = _covered_concept(a, b, reasons) if concept_score < COVERED_TITLE + CONCEPT_MAX_BONUS else None
    if covered is not None and covered > concept_score:
        concept_score = round(max(0.0, min(1.0, covered)), 4)
    return PairScore(score=score, reasons=reasons or [], concept=concept_score)


def _covered_concept(a: EntryFeatures, b: EntryFeatures, reasons: list[str] | None) -> float | None:
    """The concept score when one title lists every item of the other (matching/coverage.py), else None.

    Concept level only: the dataset score above is left as it was. The one-sided words' penalty is
    replaced by the covering; the kinds of list, figures, heads and descriptions still count.
    """
    found = covering(a, b)
    if found is None:
        return None
    score = COVERED_TITLE
    if a.text.counts != b.text.counts:
        score -= COUNT_VS_LIST
    if a.text.head and b.text.head and a.text.head != b.text.head:
        score -= HEAD_MISMATCH
    if a.description and b.description:
        score += DESCRIPTION_WEIGHT * (description_similarity(*sorted((a.description, b.description))) - 0.5)
    if reasons is not None:
        extra = "; ".join(found.extra) or "∅"
        reasons.append(
            f"mức khái niệm: mọi mục của một bên có trong bên kia ({'; '.join(found.shared)}), liệt kê thêm: {extra}"
            f" ({score:.2f}) / concept level: one title lists every item of the other"
        )
    return score


@lru_cache(maxsize=10_000)
def _expanded_suffix(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    expanded = tuple(dict.fromkeys(left + right))
    return " sau khi mở rộng " + ", ".join(expanded) if expanded else ""


def _title_reason(a: EntryFeatures, b: EntryFeatures, title: float) -> str:
    return f"tiêu đề giống {title:.2f}" + _expanded_suffix(a.text.expanded, b.text.expanded)


def _concept_score(a: EntryFeatures, b: EntryFeatures, title: float, reasons: list[str] | None) -> float:
    """The title similarity less what the words, negations, kinds of list and heads say; plus the descriptions."""
    score = title
    penalty, word_reasons, one_sided = _words_penalty(a, b)
    score -= penalty
    if reasons is not None:
        reasons += word_reasons
    negations = one_sided & NEGATORS
    if negations:
        score -= NEGATION_MISMATCH
        if reasons is not None:
            reasons.append(f"phủ định chỉ ở một bên: {', '.join(sorted(negations))}")
    if a.text.counts != b.text.counts and (a.text.lists or b.text.lists or title < 1.0):
        score -= COUNT_VS_LIST
        if reasons is not None:
            reasons.append("một bên là số liệu đếm (số/tỷ lệ), bên kia là danh sách")
    if a.text.head and b.text.head and a.text.head != b.text.head:
        score -= HEAD_MISMATCH
        if reasons is not None:
            reasons.append(f"khác loại tập: {a.text.head} / {b.text.head}")
    if a.description and b.description:
        desc = description_similarity(*sorted((a.description, b.description)))
        score += DESCRIPTION_WEIGHT * (desc - 0.5)
        if reasons is not None:
            reasons.append(f"mô tả giống {desc:.2f}")
    return score


def _dataset_score(
    a: EntryFeatures, b: EntryFeatures, title: float, score: float, reasons: list[str] | None
) -> float:
    """The concept score moved by who keeps the data: unit type, group, document level, province, document."""
    notes: list[str] = [] if reasons is None else reasons
    if a.unit_types and b.unit_types:
        change, reason = _unit_change(a.unit_types, b.unit_types, a.unit_label, b.unit_label)
        score += change
        notes.append(reason)
    if a.group and a.group == b.group:
        score += GROUP_AGREE
        if reasons is not None:
            notes.append(f"cùng nhóm: {a.group}")
    if a.scope.level and b.scope.level and a.scope.level != b.scope.level:
        score -= LEVEL_MISMATCH
        if reasons is not None:
            notes.append(f"khác cấp văn bản: {LEVEL_NAMES.get(a.scope.level)} / {LEVEL_NAMES.get(b.scope.level)}")
    if a.scope.province and b.scope.province and a.scope.province != b.scope.province:
        score -= PROVINCE_MISMATCH
        if reasons is not None:
            notes.append(f"khác tỉnh: {a.scope.province} / {b.scope.province} — chỉ so ở mức khái niệm")
    if a.document == b.document and not (
        title >= SAME_DOCUMENT_EXEMPT and fuzz.ratio(a.text.printed, b.text.printed) / 100.0 >= SAME_DOCUMENT_EXEMPT
    ):
        score -= SAME_DOCUMENT
        notes.append("cùng một văn bản, tiêu đề không trùng")
    return score


@lru_cache(maxsize=20_000)
def _unit_change(mine: frozenset[str], theirs: frozenset[str], my_label: str, their_label: str) -> tuple[float, str]:
    """What the two rows' unit types add to the score, and why (both rows name a unit type)."""
    if mine & theirs:
        return UNIT_AGREE, f"cùng loại đơn vị: {my_label}"
    if unit_types_agree(mine, theirs):
        return UNIT_AGREE, f"đơn vị và đơn vị trực thuộc: {my_label} / {their_label}"
    return UNIT_DISAGREE, f"khác loại đơn vị: {my_label} / {their_label}"
