"""Pairwise comparison of catalog entries: a score in [0, 1] and the reasons for it.

Like splink's comparison levels, every component that moved the score is named in Vietnamese
words in the link's reasons, so a reviewer sees why two rows were (or were not) linked:
"tiêu đề giống 0.93 sau khi mở rộng TTHC; cùng loại đơn vị: Văn phòng HĐND và UBND".

The weights are fixed by what each level means; the decision threshold on top of the score is
calibrated on gold data (matching/calibrate.py), not chosen by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from extract.model import CatalogEntry, Document
from matching.model import entry_key
from matching.scope import LEVEL_NAMES, Scope, document_scope
from matching.text import NEGATORS, ComparisonText, comparison_text, normalize
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
PROVINCE_MISMATCH = 0.50  # two provinces' catalogs
SAME_DOCUMENT = 0.25  # a plan rarely lists one dataset twice: only near-identical rows are duplicates
SAME_DOCUMENT_EXEMPT = 0.97  # title similarity at which a same-document pair is a likely duplicate


# The best score a pair from two different known scopes can reach: every bonus, one scope penalty.
MAX_BONUS = DESCRIPTION_WEIGHT * 0.5 + UNIT_AGREE + GROUP_AGREE  # the most a pair gains beyond its title
MAX_SCORE_ACROSS_SCOPES = 1.0 + DESCRIPTION_WEIGHT * 0.5 + UNIT_AGREE + GROUP_AGREE - min(
    LEVEL_MISMATCH, PROVINCE_MISMATCH
)


@dataclass(frozen=True, slots=True)
class EntryFeatures:
    index: int
    key: str
    document: int  # index of the document in the input list
    number: str
    table: int
    title: str
    text: ComparisonText
    description: str
    unit_types: frozenset[str]
    unit_label: str
    group: str
    scope: Scope


def title_key_of(entry: CatalogEntry) -> str:
    """nlp's title key when the entry was normalised, else the printed title."""
    if entry.norm is not None and entry.norm.title_key:
        return entry.norm.title_key
    return entry.title


def _unit_types(entry: CatalogEntry) -> tuple[frozenset[str], str]:
    if entry.norm is None:
        return frozenset(), entry.unit
    mentions = [m for m in entry.norm.units if m.unit_type and not m.collective]
    label = ", ".join(dict.fromkeys(m.canonical_name or m.raw for m in mentions)) or entry.unit
    return frozenset(m.unit_type for m in mentions), label


@lru_cache(maxsize=10_000)
def _group_label(group: str) -> str:
    # "1. Nhóm dữ liệu dân cư" and "I LĨNH VỰC GIÁO DỤC": drop the numbering, compare the words.
    words = normalize(group).split()
    while words and (words[0].isdigit() or set(words[0]) <= set("ivxlc")):
        words = words[1:]
    return " ".join(words)


def _document_features(first: int, doc_index: int, document: Document) -> list[EntryFeatures]:
    scope = document_scope(document)
    features = []
    for offset, entry in enumerate(document.catalog):
        unit_types, unit_label = _unit_types(entry)
        features.append(
            EntryFeatures(
                index=first + offset,
                key=entry_key(document, entry),
                document=doc_index,
                number=entry.number,
                table=entry.table,
                title=entry.title,
                text=comparison_text(title_key_of(entry), entry.description, entry.title),
                description=normalize(entry.description),
                unit_types=unit_types,
                unit_label=unit_label,
                group=_group_label(entry.group),
                scope=scope,
            )
        )
    return features


def build_features(documents: Sequence[Document]) -> list[EntryFeatures]:
    """Comparison features of every entry, in document order.

    Single process on purpose: measured on 50,000 entries, shipping the features back from
    forked workers (pickling) cost more than computing them.
    """
    features: list[EntryFeatures] = []
    for doc_index, document in enumerate(documents):
        features += _document_features(len(features), doc_index, document)
    return features


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    reasons: list[str]


def _unmatched(left: frozenset[str], right: frozenset[str]) -> set[str]:
    """Words of `left` with no equal or near-equal (typo) word in `right`; accents count."""
    missing = set()
    for word in left - right:
        typo = process.extractOne(word, right, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY)
        if len(word) >= 4 and typo is not None:
            continue
        missing.add(word)
    return missing


@lru_cache(maxsize=200_000)
def description_similarity(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a, b) / 100.0


def title_similarity(a: ComparisonText, b: ComparisonText) -> float:
    if a.full == b.full:
        return 1.0
    sort_ratio = fuzz.token_sort_ratio(a.content, b.content)
    set_ratio = fuzz.token_set_ratio(a.content, b.content)
    return max(fuzz.ratio(a.full, b.full), (sort_ratio + set_ratio) / 2) / 100.0


def _elementwise(left: list[str], right: list[str], scorer: Any, workers: int) -> np.ndarray:
    return process.cpdist(left, right, scorer=scorer, workers=workers, dtype=np.float32)


def title_similarities(features: Sequence[EntryFeatures], pairs: np.ndarray, workers: int = 1) -> np.ndarray:
    """`title_similarity` for many pairs at once (rapidfuzz cpdist), as float32 in [0, 1]."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.float32)
    left, right = pairs[:, 0].tolist(), pairs[:, 1].tolist()
    full_a = [features[i].text.full for i in left]
    full_b = [features[j].text.full for j in right]
    content_a = [features[i].text.content for i in left]
    content_b = [features[j].text.content for j in right]
    plain = _elementwise(full_a, full_b, fuzz.ratio, workers)
    by_sort = _elementwise(content_a, content_b, fuzz.token_sort_ratio, workers)
    by_set = _elementwise(content_a, content_b, fuzz.token_set_ratio, workers)
    same = np.fromiter((a == b for a, b in zip(full_a, full_b, strict=True)), dtype=bool, count=len(full_a))
    return np.where(same, 1.0, np.maximum(plain, (by_sort + by_set) / 2) / 100.0).astype(np.float32)


def score_upper_bound(a: EntryFeatures, b: EntryFeatures, title: float) -> float:
    """A cheap bound no lower than `score_pair(a, b, title).score`, to skip hopeless pairs.

    Exact penalties are applied as they are; of the word penalty only the part no typo can
    explain counts: words under four letters found on one side only are never typos.
    """
    bound = title + MAX_BONUS
    unexplained = sum(1 for w in a.text.tokens ^ b.text.tokens if len(w) < 4)
    if unexplained:
        bound -= min(TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * (unexplained - 1), TOKEN_MISMATCH_CAP)
    if a.scope.level and b.scope.level and a.scope.level != b.scope.level:
        bound -= LEVEL_MISMATCH
    if a.scope.province and b.scope.province and a.scope.province != b.scope.province:
        bound -= PROVINCE_MISMATCH
    if a.text.head and b.text.head and a.text.head != b.text.head:
        bound -= HEAD_MISMATCH
    if a.document == b.document and title < SAME_DOCUMENT_EXEMPT:
        bound -= SAME_DOCUMENT
    return bound


def score_pair(a: EntryFeatures, b: EntryFeatures, title: float | None = None) -> PairScore:
    if a.number and (a.document, a.table, a.group, a.number) == (b.document, b.table, b.group, b.number):
        # Sub-rows under one number (an item split by unit or period) are parts, not duplicates.
        return PairScore(score=0.0, reasons=[f"dòng con của cùng mục {a.number or '?'}"])
    if title is None:
        title = title_similarity(a.text, b.text)
    title = round(title, 4)
    score = title
    expanded = tuple(dict.fromkeys(a.text.expanded + b.text.expanded))
    reason = f"tiêu đề giống {title:.2f}"
    if expanded:
        reason += " sau khi mở rộng " + ", ".join(expanded)
    reasons = [reason]

    only_a = _unmatched(a.text.tokens, b.text.tokens)
    only_b = _unmatched(b.text.tokens, a.text.tokens)
    if only_a or only_b:
        extra = len(only_a) + len(only_b) - 1
        penalty = min(TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * extra, TOKEN_MISMATCH_CAP)
        score -= penalty
        words = " / ".join(" ".join(sorted(side)) or "∅" for side in (only_a, only_b))
        reasons.append(f"từ chỉ có ở một bên: {words} (-{penalty:.2f})")
    negations = (only_a | only_b) & NEGATORS
    if negations:
        score -= NEGATION_MISMATCH
        reasons.append(f"phủ định chỉ ở một bên: {', '.join(sorted(negations))}")
    if a.text.counts != b.text.counts and (a.text.lists or b.text.lists or title < 1.0):
        score -= COUNT_VS_LIST
        reasons.append("một bên là số liệu đếm (số/tỷ lệ), bên kia là danh sách")

    if a.text.head and b.text.head and a.text.head != b.text.head:
        score -= HEAD_MISMATCH
        reasons.append(f"khác loại tập: {a.text.head} / {b.text.head}")
    if a.description and b.description:
        desc = description_similarity(*sorted((a.description, b.description)))
        score += DESCRIPTION_WEIGHT * (desc - 0.5)
        reasons.append(f"mô tả giống {desc:.2f}")
    if a.unit_types and b.unit_types:
        if a.unit_types & b.unit_types:
            score += UNIT_AGREE
            reasons.append(f"cùng loại đơn vị: {a.unit_label}")
        elif unit_types_agree(a.unit_types, b.unit_types):
            score += UNIT_AGREE
            reasons.append(f"đơn vị và đơn vị trực thuộc: {a.unit_label} / {b.unit_label}")
        else:
            score += UNIT_DISAGREE
            reasons.append(f"khác loại đơn vị: {a.unit_label} / {b.unit_label}")
    if a.group and a.group == b.group:
        score += GROUP_AGREE
        reasons.append(f"cùng nhóm: {a.group}")

    if a.scope.level and b.scope.level and a.scope.level != b.scope.level:
        score -= LEVEL_MISMATCH
        reasons.append(
            f"khác cấp văn bản: {LEVEL_NAMES.get(a.scope.level)} / {LEVEL_NAMES.get(b.scope.level)}"
        )
    if a.scope.province and b.scope.province and a.scope.province != b.scope.province:
        score -= PROVINCE_MISMATCH
        reasons.append(f"khác tỉnh: {a.scope.province} / {b.scope.province}")
    if a.document == b.document and not (
        title >= SAME_DOCUMENT_EXEMPT
        and fuzz.ratio(a.text.printed, b.text.printed) / 100.0 >= SAME_DOCUMENT_EXEMPT
    ):
        score -= SAME_DOCUMENT
        reasons.append("cùng một văn bản, tiêu đề không trùng")
    return PairScore(score=round(max(0.0, min(1.0, score)), 4), reasons=reasons)
