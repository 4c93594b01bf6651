"""`score_reaching` for many pairs at once, for the dataset stage (numpy, in one process).

At 100,000 rows that stage scored ~350,000 pairs, one Python call each, in forked workers: each worker
computed again what the other had (the one-sided words of ~47,000 distinct pairs of word sets, unit
and description pairs), and the forks copied ~230,000 pages. Yet a pair's score only combines a few
terms, each a function of one of a few codes per row (word sets, description, units, group, scope,
document): here each term is computed once per distinct pair of codes and the sums are array steps,
each the scalar step in its order and in float64, so the scores are the same floats. Reasons are
written for the kept pairs only (compare.py's texts and helpers), in the scalar order; pairs under the
floor skip the covering test as `score_reaching` does. tests/test_batchscore.py compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from matching.bounds import _differ, first_rows
from matching.compare import (
    CONCEPT_MAX_BONUS,
    COUNT_VS_LIST,
    DESCRIPTION_WEIGHT,
    GROUP_AGREE,
    HEAD_MISMATCH,
    LEVEL_MISMATCH,
    NEGATION_MISMATCH,
    PROVINCE_MISMATCH,
    SAME_DOCUMENT,
    SAME_DOCUMENT_EXEMPT,
    WordsVerdict,
    _covered_concept,
    _expanded_suffix,
    _unit_change,
    description_similarity,
    words_reasons,
    words_verdict,
)
from matching.coverage import COVERED_TITLE
from matching.features import EntryFeatures
from matching.rowcodes import RowCodes
from matching.scope import LEVEL_NAMES
from matching.text import NEGATORS

Scored = list[tuple[int, int, float, list[str]]]


def _per_distinct(codes: np.ndarray, pairs: np.ndarray) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The distinct (left code, right code) of the pairs, and each pair's number among them."""
    n = int(codes.max()) + 1 if len(codes) else 1
    distinct, inverse = np.unique(codes[pairs[:, 0]] * n + codes[pairs[:, 1]], return_inverse=True)
    return [(c // n, c % n) for c in distinct.tolist()], inverse.reshape(-1)


def score_many(features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float) -> Scored:
    """`score_reaching(features[i], features[j], title, floor)` of each pair (i, j) with its title, as
    (i, j, score, reasons) for the pairs reaching `floor`, in the order of the pairs."""
    return kept_scores(features, pairs, titles, floor).with_reasons()


@dataclass(frozen=True, slots=True)
class KeptScores:
    """score_many's pairs reaching the floor, scored, with what their reasons need: the scores are enough
    to cluster, so the reasons (~1.3 of ~2.8 CPU-s at 100,000 rows: 257,000 lists, the covering test) can
    be written later, while a forked stage runs (matching/reconcile.py)."""

    features: Sequence[EntryFeatures]
    columns: tuple[list[int], list[int], list[float]]  # per kept pair: i, j, score
    # Per kept pair, what only the reasons read: title, concept score, then the terms' flags and numbers. Kept
    # as arrays: their ~3.6 million list items are made where the reasons are written (a forked child).
    reading: tuple[np.ndarray, ...]
    word_verdicts: list[WordsVerdict | None]  # per distinct pair of word sets: what its reason says (`words_reasons`)
    negation_reasons: list[str]
    unit_reasons: list[str]

    def scores(self) -> list[tuple[int, int, float]]:
        """(i, j, score) of each kept pair, in the order of the pairs."""
        return list(zip(*self.columns, strict=True))

    def with_reasons(self) -> Scored:
        """(i, j, score, reasons) of each kept pair, in the order of the pairs."""
        return list(zip(*self.columns, self.reasons(), strict=True))

    def reasons(self) -> list[list[str]]:
        """The reasons of each kept pair, in the order of the pairs. Equal texts are one shared str (~6,000
        distinct of ~1,000,000 at 100,000 rows), so that the lists pickle small (matching/reconcile.py
        writes them in a forked child)."""
        return _reasons(self)


def kept_scores(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float,
    codes: RowCodes | None = None,
) -> KeptScores:  # fmt: skip
    """score_many without the reasons yet (KeptScores.with_reasons writes them). `codes`: the rows'
    `RowCodes`, when the caller has them (`score_upper_bounds` reads them too)."""
    if len(pairs) == 0:
        return KeptScores(features, ([], [], []), tuple(np.empty(0) for _ in range(14)), [], [], [])
    codes = RowCodes.of(features) if codes is None else codes
    left, right = pairs[:, 0], pairs[:, 1]
    # Sub-rows under one number (compare.py: parts, not duplicates) score 0 with one reason.
    place = codes.place
    sub_row = (place[left] > 0) & (place[left] == place[right])

    # The title, rounded as the scalar path rounds it: once per distinct float32 value.
    values, which = np.unique(titles, return_inverse=True)
    title = np.asarray([round(v, 4) for v in values.tolist()], dtype=np.float64)[which.reshape(-1)]

    # One-sided words: penalty, reasons and negations once per distinct pair of what they read.
    words = codes.words
    first = first_rows(words)
    distinct, word_of = _per_distinct(words, pairs)
    penalties: list[float] = []
    # The reasons' texts are written from the verdicts where the reasons are written (`_reasons`, in a forked child
    # at 100,000 rows): ~22,000 texts fewer on the path to the clustering. Not through `_words_penalty`'s memo: each
    # pair of word sets comes once here (the codes are its key), so the memo would only cost its keys.
    word_verdicts: list[WordsVerdict | None] = []
    negation_reasons: list[str] = []
    for x, y in distinct:
        a, b = features[first[x]], features[first[y]]
        if a.text.tokens is b.text.tokens:
            # The same words (one interned set): none on one side only, so no penalty, reason or negation, as
            # `_words_penalty` finds after its memo and two `_unmatched` look-ups (~20,000 of ~44,000 at
            # 100,000 rows: the rows differ by their qualifiers or place only).
            penalties.append(0.0)
            word_verdicts.append(None)
            negation_reasons.append("")
            continue
        penalty, verdict, one_sided = words_verdict(a, b)
        negations = one_sided & NEGATORS
        penalties.append(penalty)
        word_verdicts.append(verdict)
        negation_reasons.append(f"phủ định chỉ ở một bên: {', '.join(sorted(negations))}" if negations else "")
    negated = np.asarray([bool(r) for r in negation_reasons], dtype=bool)[word_of]

    counts, lists = codes.counts, codes.lists
    counted = (counts[left] != counts[right]) & (lists[left] | lists[right] | (title < 1.0))
    heads = _differ(codes.head, pairs)

    descriptions = codes.description
    described = (descriptions[left] > 0) & (descriptions[right] > 0)
    desc = np.zeros(len(pairs), dtype=np.float64)
    if described.any():
        first_desc = first_rows(descriptions)
        distinct, desc_of = _per_distinct(descriptions, pairs[described])
        found = [
            description_similarity(*sorted((features[first_desc[x]].description, features[first_desc[y]].description)))
            for x, y in distinct
        ]  # fmt: skip
        desc[described] = np.asarray(found, dtype=np.float64)[desc_of]

    # _concept_score's steps, in its order.
    score = title - np.asarray(penalties, dtype=np.float64)[word_of]
    score = np.where(negated, score - NEGATION_MISMATCH, score)
    score = np.where(counted, score - COUNT_VS_LIST, score)
    score = np.where(heads, score - HEAD_MISMATCH, score)
    score = np.where(described, score + DESCRIPTION_WEIGHT * (desc - 0.5), score)
    concept = score

    # _dataset_score's steps, in its order.
    units = codes.unit
    united = (units[left] > 0) & (units[right] > 0)
    unit_change = np.zeros(len(pairs), dtype=np.float64)
    unit_reason_of = np.zeros(len(pairs), dtype=np.int64)
    unit_reasons: list[str] = []
    if united.any():
        first_unit = first_rows(units)
        distinct, unit_of = _per_distinct(units, pairs[united])
        changes = []
        for x, y in distinct:
            fa, fb = features[first_unit[x]], features[first_unit[y]]
            change, reason = _unit_change(fa.unit_types, fb.unit_types, fa.unit_label, fb.unit_label)
            changes.append(change)
            unit_reasons.append(reason)
        unit_change[united] = np.asarray(changes, dtype=np.float64)[unit_of]
        unit_reason_of[united] = unit_of
    score = np.where(united, score + unit_change, score)
    groups = codes.group
    grouped = (groups[left] > 0) & (groups[left] == groups[right])
    score = np.where(grouped, score + GROUP_AGREE, score)
    levels = _differ(codes.level, pairs)
    score = np.where(levels, score - LEVEL_MISMATCH, score)
    provinces = _differ(codes.province, pairs)
    score = np.where(provinces, score - PROVINCE_MISMATCH, score)
    documents = codes.document
    same_document = documents[left] == documents[right]
    for k in np.flatnonzero(same_document & (title >= SAME_DOCUMENT_EXEMPT)).tolist():
        printed = features[int(left[k])].text.printed, features[int(right[k])].text.printed
        same_document[k] = not fuzz.ratio(*printed) / 100.0 >= SAME_DOCUMENT_EXEMPT
    score = np.where(same_document, score - SAME_DOCUMENT, score)

    # Rounded (in Python: numpy rounds otherwise) where it may reach the floor: rounding to 4 decimals
    # moves a score by at most 0.00005, so one 0.001 under a positive floor stays under it.
    final = np.full(len(pairs), -np.inf)
    near = np.flatnonzero(score >= floor - 0.001) if floor > 0.001 else np.arange(len(pairs))
    # Once per distinct value (equal floats round alike; ~257,000 scores at 100,000 rows, fewer values).
    values, which = np.unique(score[near], return_inverse=True)
    final[near] = np.asarray([round(max(0.0, min(1.0, s)), 4) for s in values.tolist()], dtype=np.float64)[
        which.reshape(-1)
    ]
    kept = (final >= floor) & ~sub_row
    rows = np.flatnonzero(kept | (sub_row & (0.0 >= floor)))
    # A sub-row scores 0 whatever `final` says (compare.py: parts, not duplicates).
    final[sub_row] = 0.0
    columns = (left[rows].tolist(), right[rows].tolist(), final[rows].tolist())
    reading = tuple(
        column[rows] for column in (
            title, concept, word_of, counted, heads, described, desc, united, unit_reason_of, grouped, levels,
            provinces, same_document, sub_row,
        )
    )  # fmt: skip
    return KeptScores(features, columns, reading, word_verdicts, negation_reasons, unit_reasons)


def _reasons(kept: KeptScores) -> list[list[str]]:
    features, word_verdicts, negation_reasons, unit_reasons = (
        kept.features, kept.word_verdicts, kept.negation_reasons, kept.unit_reasons
    )
    word_reasons: dict[int, tuple[str, ...]] = {}  # written once per distinct pair of word sets
    # The texts of a value (or pair of values), written once: ~257,000 pairs at 100,000 rows have ~10,000
    # title values and few heads, levels and provinces.
    said: dict[tuple[float, tuple[str, ...], tuple[str, ...]], str] = {}
    described: dict[float, str] = {}
    grouped: dict[str, str] = {}
    pairs: dict[tuple[str, str, str], str] = {}
    sub_rows: dict[str, str] = {}
    out: list[list[str]] = []
    append = out.append
    reading = [column.tolist() for column in kept.reading]
    rows = zip(kept.columns[0], kept.columns[1], zip(*reading, strict=True), strict=True)
    for (i, j, row), lifted in zip(rows, _under_lifted(reading[1]), strict=True):
        t, _, w, count, head, described_, d, unit, u, group, level, province, same, sub = row
        a, b = features[i], features[j]
        if sub:
            number = a.number or "?"
            text = sub_rows.get(number)
            if text is None:
                text = sub_rows[number] = f"dòng con của cùng mục {number}"
            append([text])
            continue
        # compare._title_reason's text, its suffix "" for neither side expanded
        ea, eb = a.text.expanded, b.text.expanded
        title = said.get((t, ea, eb))
        if title is None:
            title = said[t, ea, eb] = f"tiêu đề giống {t:.2f}" + (_expanded_suffix(ea, eb) if ea or eb else "")
        worded = word_reasons.get(w)
        if worded is None:
            worded = word_reasons[w] = words_reasons(word_verdicts[w])
        reasons = [title, *worded]
        if negation_reasons[w]:
            reasons.append(negation_reasons[w])
        if count:
            reasons.append(COUNTED)
        if head:
            reasons.append(_pair_text(pairs, "head", a.text.head, b.text.head))
        if described_:
            text = described.get(d)
            if text is None:
                text = described[d] = f"mô tả giống {d:.2f}"
            reasons.append(text)
        if unit:
            reasons.append(unit_reasons[u])
        if group:
            text = grouped.get(a.group)
            if text is None:
                text = grouped[a.group] = f"cùng nhóm: {a.group}"
            reasons.append(text)
        if level:
            reasons.append(_pair_text(pairs, "level", a.scope.level, b.scope.level))
        if province:
            reasons.append(_pair_text(pairs, "province", a.scope.province, b.scope.province))
        if same:
            reasons.append(SAME_DOCUMENT_REASON)
        if lifted:
            _covered_concept(a, b, reasons)  # only its reason counts here: the stage keeps the dataset score
        append(reasons)
    return out


COUNTED = "một bên là số liệu đếm (số/tỷ lệ), bên kia là danh sách"
SAME_DOCUMENT_REASON = "cùng một văn bản, tiêu đề không trùng"


def _pair_text(written: dict[tuple[str, str, str], str], kind: str, left: str, right: str) -> str:
    """The reason `kind` says of two differing values (compare.py's texts), written once per pair of values."""
    text = written.get((kind, left, right))
    if text is None:
        if kind == "head":
            text = f"khác loại tập: {left} / {right}"
        elif kind == "level":
            text = f"khác cấp văn bản: {LEVEL_NAMES.get(left)} / {LEVEL_NAMES.get(right)}"
        else:
            text = f"khác tỉnh: {left} / {right} — chỉ so ở mức khái niệm"
        written[kind, left, right] = text
    return text


def _under_lifted(concepts: list[float]) -> list[bool]:
    """`round(max(0.0, min(1.0, c)), 4) < COVERED_TITLE + CONCEPT_MAX_BONUS` of each concept score: where a
    covering could still lift it. By arrays, in Python (its rounding) only within 0.001 of the bound:
    rounding to 4 decimals moves a score by at most 0.00005."""
    bound = COVERED_TITLE + CONCEPT_MAX_BONUS
    clipped = np.minimum(np.maximum(np.asarray(concepts, dtype=np.float64), 0.0), 1.0)
    under = clipped < bound - 0.001
    for k in np.flatnonzero(~under & (clipped < bound + 0.001)).tolist():
        under[k] = round(max(0.0, min(1.0, concepts[k])), 4) < bound
    return under.tolist()
