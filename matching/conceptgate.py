"""`concept_may_reach` for many pairs at once (numpy), for the concept stage.

At 100,000 rows the concept stage gates ~290,000 pairs of representatives, one Python call each:
~260,000 needed the certain penalty and ~240,000 the covering test, which passed for ~550. Here the
description bonus and the certain penalty are array steps (the penalty counts the short words found
on one side only: bit sets over the few short words the titles have, each step the scalar one's, in
float64), and the covering test runs only for the pairs whose folded words could stand in one another
(a 64-bit signature of each title's words, a necessary condition: a pair failing it fails the test).
tests/test_conceptgate.py compares the gate with the scalar one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from matching.bounds import _codes, _differ, first_rows
from matching.compare import (
    CONCEPT_MAX_BONUS,
    DESCRIPTION_WEIGHT,
    HEAD_MISMATCH,
    ROUNDING_SLACK,
    TOKEN_MISMATCH,
    TOKEN_MISMATCH_CAP,
    TOKEN_MISMATCH_FIRST,
    TYPO_SIMILARITY,
    _concept_score,
    _covered_concept,
    description_similarity,
)
from matching.coverage import COVERED_TITLE, covering, may_cover, may_cover_by_items
from matching.features import EntryFeatures
from matching.text import fold
from matching.titlesim import RowTexts, title_similarities_where

SHORT = 4  # words under this many letters are never typos (compare._certain_penalty_of)
# The most common words (64 a column) whose one-sided count bounds the blocked pairs' words' penalty before their
# titles are compared (gated_titles): 8 leave ~27,000 of ~240,000 pairs at 100,000 rows (all 25: ~25,000) in
# ~0.1 CPU-s (all 25: ~0.5).
WORDS_GATE_COLUMNS = 8


def _popcount(bits: np.ndarray) -> np.ndarray:
    """Set bits per row of an (n, k) uint64 array."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(bits).sum(axis=1, dtype=np.int64)
    return np.unpackbits(bits.view(np.uint8), axis=1).sum(axis=1, dtype=np.int64)


def _bit_sets(sets: list[frozenset[str]], numbers: dict[str, int], width: int) -> np.ndarray:
    """Row k: the bits of sets[k]'s words' numbers, `width` 64-bit words (one array step, not one numpy
    scalar step per word)."""
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    bits = np.fromiter((numbers[w] for words in sets for w in words), dtype=np.uint64, count=int(sizes.sum()))
    out = np.zeros((len(sets), width), dtype=np.uint64)
    np.bitwise_or.at(out, (np.repeat(np.arange(len(sets)), sizes), bits // 64), np.uint64(1) << (bits % 64))
    return out


@dataclass(frozen=True, slots=True)
class GateRows:
    """What the gates read of each row, computed once per concept stage (~0.1 CPU-s at 100,000 rows, which
    both `gated_titles` and `concept_may_reach_many` paid): its short words and the short words it excuses
    (qualifiers, its place's names) as bit sets, and its head's code."""

    short: np.ndarray  # (n, width) uint64: the row's words under SHORT letters
    excuses: np.ndarray  # (n, width) uint64: its short qualifiers and the short words naming its place
    heads: np.ndarray  # head code per row (bounds._codes: 0 for none)
    words: WordRows  # for `words_penalties_at_least`, in `gated_titles` and in the second gate

    @classmethod
    def of(cls, features: Sequence[EntryFeatures]) -> GateRows:
        of_tokens: dict[frozenset[str], frozenset[str]] = {}  # a row's short words, once per word set
        for f in features:
            if f.text.tokens not in of_tokens:
                of_tokens[f.text.tokens] = frozenset(w for w in f.text.tokens if len(w) < SHORT)
        short = sorted(frozenset().union(*of_tokens.values()))
        numbers = {w: k for k, w in enumerate(short)}
        width = max(1, (len(short) + 63) // 64)
        words = _bit_sets([of_tokens[f.text.tokens] for f in features], numbers, width)
        soft = _bit_sets([frozenset(w for w in f.text.qualifiers if w in numbers) for f in features], numbers, width)
        # A short word whose folded form names either row's place is excused (whatever side it stands on).
        named = {p: frozenset(w for w in short if fold(w) in p) for p in {f.locality for f in features}}
        places = _bit_sets([named[f.locality] for f in features], numbers, width)
        return cls(short=words, excuses=soft | places, heads=_codes([f.text.head for f in features]),
                   words=WordRows.of(features))  # fmt: skip

    def certain_penalties(self, pairs: np.ndarray) -> np.ndarray:
        """`_certain_penalty(features[i], features[j])` of each pair, as float64."""
        left, right = pairs[:, 0], pairs[:, 1]
        words, excuses = self.short, self.excuses
        unexplained = _popcount((words[left] ^ words[right]) & ~(excuses[left] | excuses[right]))
        steps = np.minimum(
            TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * (unexplained - 1).astype(np.float64), TOKEN_MISMATCH_CAP
        )
        penalty = np.where(unexplained > 0, 0.0 + steps, 0.0)
        return np.where(_differ(self.heads, pairs), penalty + HEAD_MISMATCH, penalty)

    def words_bounds(self, pairs: np.ndarray, columns: int | None = None) -> np.ndarray:
        """What `concept_may_reach_by_words` takes off a pair's bound: its words' penalty at least, and the heads'
        (`columns`: WordRows.penalties_at_least's, a lower bound of it)."""
        return self.words.penalties_at_least(pairs, columns) + np.where(_differ(self.heads, pairs), HEAD_MISMATCH, 0.0)


def certain_penalties_many(features: Sequence[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """`_certain_penalty(features[i], features[j])` of each pair, as float64."""
    return GateRows.of(features).certain_penalties(pairs)


def concept_may_reach_many(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float,
    rows: GateRows | None = None, bonus: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """`concept_may_reach(features[i], features[j], title, floor)` of each pair, as a boolean array. `rows`
    (GateRows.of(features)) and `bonus` (description_bonuses of the pairs) when the caller has them."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    rows = GateRows.of(features) if rows is None else rows
    bonus = description_bonuses(features, pairs) if bonus is None else bonus
    bound = titles.astype(np.float64) + bonus + ROUNDING_SLACK
    passed = bound >= floor
    bound = np.where(passed, bound - rows.certain_penalties(pairs), bound)
    reach = passed & (bound >= floor)  # gated_titles: the same steps with the largest bonus
    lifted = COVERED_TITLE + CONCEPT_MAX_BONUS
    if lifted >= floor:
        _covering_may_reach(features, pairs, reach, ~reach & (bound < lifted))
    return reach


def _covering_may_reach(features: Sequence[EntryFeatures], pairs: np.ndarray, reach: np.ndarray,
                        tested: np.ndarray) -> None:  # fmt: skip
    """`reach` set where a tested pair's titles cover one another (the word and item signatures first: the
    representatives' titles are parsed by then, covering_pairs)."""
    tested[tested] = may_cover_by_items(features, pairs[tested])
    for k in np.flatnonzero(tested).tolist():
        reach[k] = covering(features[int(pairs[k, 0])], features[int(pairs[k, 1])]) is not None


def description_bonuses(features: Sequence[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """`_concept_score`'s description term of each pair (0 where either row has none), as float64."""
    left, right = pairs[:, 0], pairs[:, 1]
    descriptions = _codes([f.description for f in features])
    described = (descriptions[left] > 0) & (descriptions[right] > 0)
    bonus = np.zeros(len(pairs), dtype=np.float64)
    if described.any():
        first = first_rows(descriptions)
        n = int(descriptions.max()) + 1
        distinct, inverse = np.unique(descriptions[left[described]] * n + descriptions[right[described]],
                                      return_inverse=True)  # fmt: skip
        texts = [(features[first[c // n]].description, features[first[c % n]].description) for c in distinct.tolist()]
        values = [DESCRIPTION_WEIGHT * (description_similarity(*sorted(pair)) - 0.5) for pair in texts]
        bonus[described] = np.asarray(values, dtype=np.float64)[inverse.reshape(-1)]
    return bonus


def _rows_of_bits(values: list[int], width: int) -> np.ndarray:
    """Python ints as rows of `width` 64-bit words (bit k of a value: bit k % 64 of word k // 64)."""
    data = b"".join(value.to_bytes(width * 8, "little") for value in values)
    return np.frombuffer(data, dtype="<u8").reshape(len(values), width).astype(np.uint64)


@dataclass(frozen=True, slots=True)
class WordRows:
    """Each row's words, the long words typo-near them and the words it excuses (its qualifiers, the words naming
    its place, folded as compare does), as bit sets over the rows' words, numbered most common first: the first
    columns then hold the words most pairs share or lack (`penalties_at_least(columns=…)`). Built once per concept
    stage (~0.25 CPU-s at 100,000 rows: one `cdist` of the words against the long ones, one int per word set)."""

    words: np.ndarray  # (n, width) uint64
    nearby: np.ndarray  # (n, width) uint64: the long words typo-near one of the row's
    excused: np.ndarray  # (n, width) uint64

    @classmethod
    def of(cls, features: Sequence[EntryFeatures]) -> WordRows:
        sets = list(dict.fromkeys(f.text.tokens for f in features))
        frequency = Counter(w for tokens in sets for w in tokens)
        vocabulary = sorted(frequency, key=lambda w: (-frequency[w], w))
        numbers = {w: k for k, w in enumerate(vocabulary)}
        width = max(1, (len(vocabulary) + 63) // 64)
        long_words = [w for w in vocabulary if len(w) >= SHORT]  # shorter words are never typos
        near: dict[str, int] = {}  # a word -> the long words typo-near it
        for start in range(0, len(vocabulary) if long_words else 0, 1024):  # a bounded matrix at a time
            close = process.cdist(vocabulary[start : start + 1024], long_words, scorer=fuzz.ratio,
                                  score_cutoff=TYPO_SIMILARITY - 1)  # fmt: skip
            rows, columns = np.nonzero(close)
            for row, column in zip((rows + start).tolist(), columns.tolist(), strict=True):
                near[vocabulary[row]] = near.get(vocabulary[row], 0) | 1 << numbers[long_words[column]]
        own, typos = [], []
        for tokens in sets:
            bits = reached = 0
            for word in tokens:
                bits |= 1 << numbers[word]
                reached |= near.get(word, 0)
            own.append(bits)
            typos.append(reached)
        set_of = {tokens: k for k, tokens in enumerate(sets)}
        row_set = np.fromiter((set_of[f.text.tokens] for f in features), dtype=np.int64, count=len(features))
        folded = [fold(w) for w in vocabulary]
        named = {p: sum(1 << k for k, w in enumerate(folded) if w in p) for p in {f.locality for f in features}}
        excused = _rows_of_bits(
            [sum(1 << numbers[w] for w in f.text.qualifiers if w in numbers) | named[f.locality] for f in features],
            width,
        )
        return cls(_rows_of_bits(own, width)[row_set], _rows_of_bits(typos, width)[row_set], excused)

    def penalties_at_least(self, pairs: np.ndarray, columns: int | None = None) -> np.ndarray:
        """`words_penalties_at_least` of each pair; with `columns`, counting only the words of the first `columns`
        64-bit words (the most common words): fewer one-sided words, so a lower bound still, ~5× cheaper."""
        words, nearby, excused = (a[:, :columns] for a in (self.words, self.nearby, self.excused))
        left, right = pairs[:, 0], pairs[:, 1]
        kept = ~(excused[left] | excused[right])
        one_sided = _popcount(words[left] & ~words[right] & ~nearby[right] & kept)
        one_sided += _popcount(words[right] & ~words[left] & ~nearby[left] & kept)
        steps = np.minimum(
            TOKEN_MISMATCH_FIRST + TOKEN_MISMATCH * (one_sided - 1).astype(np.float64), TOKEN_MISMATCH_CAP
        )
        return np.where(one_sided > 0, steps, 0.0)


def words_penalties_at_least(features: Sequence[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """A lower bound of `_words_penalty(features[i], features[j])[0]` of each pair, by bit sets over the rows'
    words, without a typo search per word: the penalty of the words found on one side only (no equal or
    typo-near word on the other side, compare._unmatched), places and qualifiers excused. When the shared core
    identifies the pair that is its penalty; otherwise the qualifiers count too (or 0.04 stands for none), so
    more. Typo neighbours (fuzz.ratio, one table over the words of all rows) are taken a little wide, from 79
    instead of 80: a word counted here is one-sided there too."""
    return WordRows.of(features).penalties_at_least(pairs)


def concept_may_reach_by_words(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float,
    rows: GateRows | None = None, bonus: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """False for pairs (past `concept_may_reach_many`) whose concept score stays under `floor` (> 0): its bound
    with `words_penalties_at_least` for the certain penalty, unless the titles cover one another. At 100,000
    rows ~26,000 of the ~49,000 pairs past the first gate, which `concept_scores_many` then need not score
    (the one-sided words' typo searches, ~1 CPU-s). `rows` and `bonus` as for `concept_may_reach_many`."""
    reach = np.ones(len(pairs), dtype=bool)
    if len(pairs) == 0 or floor <= 0.0:  # the score is clipped at 0, which reaches a floor under 0
        return reach
    rows = GateRows.of(features) if rows is None else rows
    bonus = description_bonuses(features, pairs) if bonus is None else bonus
    bound = titles.astype(np.float64) + bonus + ROUNDING_SLACK
    bound -= rows.words_bounds(pairs)
    reach = bound >= floor
    if COVERED_TITLE + CONCEPT_MAX_BONUS >= floor:
        _covering_may_reach(features, pairs, reach, ~reach)
    return reach


def title_gate(titles: np.ndarray, floor: float) -> np.ndarray:
    """The concept stage's first gate (concepts._scored_pairs): a title that even the largest description
    bonus leaves under the floor (covering pairs pass it apart)."""
    return titles + CONCEPT_MAX_BONUS >= floor


def gated_titles(
    features: Sequence[EntryFeatures], pairs: np.ndarray, floor: float, workers: int = 1,
    rows: GateRows | None = None, texts: RowTexts | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The pairs that may pass `title_gate`, `concept_may_reach_many` and `concept_may_reach_by_words` (a mask) and
    their `title_similarities`: every other pair fails one of them whatever its title (at 100,000 rows ~7 in 8 of
    the concept stage's 457,000 blocked pairs even at title 1.0), so it is left out, its title not compared in
    full (titlesim.title_similarities_where).

    Exact: a pair outside fails the title gate, or `concept_may_reach_many`'s bound or
    `concept_may_reach_by_words`' with the largest description bonus (each bound only grows with the title and
    the bonus, each step rounding alike; the words' penalty counted over the most common words only,
    WORDS_GATE_COLUMNS, is no more than the second gate's), and its words cannot pass the covering signature
    (`may_cover`), which the covering test needs. `texts`: the features' `RowTexts`, when already computed."""
    rows = GateRows.of(features) if rows is None else rows
    penalties = rows.certain_penalties(pairs)
    coverable = may_cover(features, pairs)
    if floor > 0.0:  # concept_may_reach_by_words lets every pair through below
        # The second gate's penalty where the first's leaves a pair a chance (~240,000 pairs, ~27,000 left).
        most = 1.0 + CONCEPT_MAX_BONUS + ROUNDING_SLACK
        open_ = np.flatnonzero(~coverable & (most - penalties >= floor))
        penalties[open_] = np.maximum(penalties[open_], rows.words_bounds(pairs[open_], WORDS_GATE_COLUMNS))

    def wanted(titles: np.ndarray, rows: np.ndarray) -> np.ndarray:
        bound = titles.astype(np.float64) + CONCEPT_MAX_BONUS + ROUNDING_SLACK
        reach = (bound >= floor) & (bound - penalties[rows] >= floor)
        return coverable[rows] | (title_gate(titles, floor) & reach)

    return title_similarities_where(features, pairs, wanted, workers, texts)


def concept_scores_many(features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray) -> list[float]:
    """`pair_scores(features[i], features[j], title)[1]` (the concept score) of each pair: its steps without
    the dataset score's, and the covering test only where the word signature allows it."""
    if len(pairs) == 0:
        return []
    coverable = may_cover(features, pairs).tolist()
    lifted = COVERED_TITLE + CONCEPT_MAX_BONUS
    out = []
    for (i, j), title, cover in zip(pairs.tolist(), titles.tolist(), coverable, strict=True):
        a, b = features[i], features[j]
        if a.number and (a.document, a.table, a.group, a.number) == (b.document, b.table, b.group, b.number):
            out.append(0.0)  # sub-rows of one numbered item (compare._scored_reaching)
            continue
        title = round(title, 4)
        concept = round(max(0.0, min(1.0, _concept_score(a, b, title, None))), 4)
        if cover and concept < lifted:
            covered = _covered_concept(a, b, None)
            if covered is not None and covered > concept:
                concept = round(max(0.0, min(1.0, covered)), 4)
        out.append(concept)
    return out
