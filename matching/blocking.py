"""Candidate pairs by blocking: an inverted index over accent-folded title tokens.

Comparing all pairs is quadratic (10^10 pairs at 100,000 entries), so each entry is put in the
blocks of its few rarest title words; words so common that their block would be huge (document
frequency above the cut-off) are not used as keys. Inside a block a cheap vectorised prefilter
(rapidfuzz ``cdist`` over folded, sorted words) keeps the pairs worth the full comparison.
Folding is right here and wrong for scoring: a tone typo must not split a block.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from matching.scope import Scope
from matching.text import ComparisonText, blocking_tokens_of, fold

KEYS_PER_ENTRY = 3
WILDCARD = "*"  # entries whose scope is unknown are compared with every scope
PREFILTER_CUTOFF = 55  # on 0..100; far below any calibrated threshold, so recall is kept
# Blocks up to this size are prefiltered together (`_pairs_within`: a call per block costs more than their
# few pairs); a bigger block's own cdist call compares its ~k²/2 pairs faster than listing them (the concept
# stage's blocks reach ~250 rows).
BULK_BLOCK = 24


class Blockable(Protocol):
    """What blocking reads of a row: its text and its document's scope (an `EntryFeatures`, or a `BlockRow`)."""

    @property
    def text(self) -> ComparisonText: ...

    @property
    def scope(self) -> Scope: ...


@dataclass(frozen=True, slots=True)
class BlockRow:
    """A row for blocking before its features are built (matching/reconcile.py blocks in a forked child while
    this process builds them)."""

    text: ComparisonText
    scope: Scope


@dataclass(frozen=True, slots=True)
class BlockingStats:
    entries: int
    blocks: int
    largest_block: int
    dropped_tokens: int  # tokens above the document-frequency cut-off
    compared: int  # pairs the prefilter looked at
    candidates: int


def default_max_df(n: int) -> int:
    return max(100, min(2000, n // 50))


def _scope_key(feature: Blockable) -> str:
    scope = feature.scope
    return f"{scope.level}|{scope.province}" if scope.level and scope.province else WILDCARD


def block_keys(
    features: Sequence[Blockable], max_df: int, *, split_scopes: bool = False
) -> tuple[dict[tuple[str, str], list[int]], int]:
    """Block key (scope, token) → members. Without `split_scopes` every scope is the wildcard."""
    # Once per distinct set of words (100,000 rows have ~19,000), weighted by the rows that have it.
    rows = Counter(f.text.tokens for f in features)
    of_words = {words: blocking_tokens_of(words) for words in rows}
    df: Counter[str] = Counter()
    for words, count in rows.items():
        for token in of_words[words]:
            df[token] += count
    dropped = sum(1 for count in df.values() if count > max_df)
    usable = {words: _keys(tokens, df, max_df) for words, tokens in of_words.items()}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    scopes: dict[int, str] = {}  # by the id of a document's scope, shared by its rows (alive in `features`)
    for index, f in enumerate(features):
        scope = WILDCARD
        if split_scopes:
            scope = scopes.get(id(f.scope), "")
            if not scope:
                scope = scopes[id(f.scope)] = _scope_key(f)
        for key in usable[f.text.tokens]:
            blocks[(scope, key)].append(index)
    return blocks, dropped


def _keys(toks: list[str], df: Counter[str], max_df: int) -> list[str]:
    ranked = sorted(toks, key=lambda t: (df[t], t))
    usable = [t for t in ranked if 2 <= df[t] <= max_df][:KEYS_PER_ENTRY]
    if not usable and len(ranked) >= 2:
        # Every word is common: the pair of the two rarest still makes a small block.
        usable = [ranked[0] + "|" + ranked[1]]
    elif not usable and ranked:
        usable = [ranked[0]]
    return usable


def _sorted_folded(content: str) -> str:
    return " ".join(sorted(fold(content).split()))


def _pairs_between(
    left: list[int], right: list[int] | None, texts: list[str], n: int, workers: int
) -> tuple[np.ndarray | None, int]:
    """Prefiltered pairs within `left` (right is None) or between `left` and `right`, as codes i*n+j."""
    other = left if right is None else right
    compared = len(left) * (len(left) - 1) // 2 if right is None else len(left) * len(right)
    threads = workers if compared > 20_000 else 1  # threads only pay off on big blocks
    matrix = process.cdist(
        [texts[i] for i in left], [texts[i] for i in other], scorer=fuzz.ratio,
        score_cutoff=PREFILTER_CUTOFF, dtype=np.uint8, workers=threads,
    )  # fmt: skip
    if right is None:
        matrix = np.triu(matrix, k=1)
    rows, cols = np.nonzero(matrix)
    if not rows.size:
        return None, compared
    a = np.asarray(left, dtype=np.int64)[rows]
    b = np.asarray(other, dtype=np.int64)[cols]
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b) * n + np.maximum(a, b), compared


def _pairs_within(
    blocks: Sequence[list[int]], texts: Sequence[str], n: int, workers: int
) -> tuple[np.ndarray | None, int]:
    """Prefiltered pairs within each of `blocks`, as sorted distinct codes i*n+j: `_pairs_between(block, None)`
    of every block, merged. A pair's prefilter score is its own, so each distinct pair is scored once, all
    at once (rapidfuzz's cpdist), rather than once per block it is in by ~18,000 cdist calls and their numpy
    steps (~0.7 CPU-s at 100,000 rows); blocks of one size are paired by one index array."""
    by_size: dict[int, list[list[int]]] = defaultdict(list)
    for block in blocks:
        by_size[len(block)].append(block)
    found = []
    compared = 0
    for size, same_size in by_size.items():
        compared += len(same_size) * (size * (size - 1) // 2)
        rows, cols = np.triu_indices(size, k=1)
        grid = np.asarray(same_size, dtype=np.int64)
        a, b = grid[:, rows].reshape(-1), grid[:, cols].reshape(-1)
        keep = a != b
        a, b = a[keep], b[keep]
        found.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not found:
        return None, compared
    codes = _unique(np.concatenate(found))
    strings = np.empty(len(texts), dtype=object)
    strings[:] = texts
    scores = process.cpdist(strings[codes // n], strings[codes % n], scorer=fuzz.ratio,
                            score_cutoff=PREFILTER_CUTOFF, dtype=np.uint8, workers=workers)  # fmt: skip
    codes = codes[scores > 0]
    return (codes if len(codes) else None), compared


def _unique(codes: np.ndarray) -> np.ndarray:
    """`np.unique(codes)` by a sort and a mask: numpy 2.4's took 0.67 CPU-s on the 667,000 pair codes of
    100,000 rows (it hashes them), this 0.03, the same sorted distinct codes."""
    ordered = np.sort(codes)
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return ordered[starts]


def candidate_pairs(
    features: Sequence[Blockable],
    *,
    max_df: int | None = None,
    workers: int = 1,
    split_scopes: bool = False,
) -> tuple[np.ndarray, BlockingStats]:
    """Pairs (i, j), i < j, of feature indices worth scoring, as an (n, 2) int64 array.

    With `split_scopes`, entries of different known scopes (level and province) are never paired:
    only valid when the scope penalties alone keep such pairs under the threshold.
    """
    n = len(features)
    blocks, dropped = block_keys(features, max_df or default_max_df(n), split_scopes=split_scopes)
    of_content: dict[str, str] = {}  # rows share their wordings
    texts = []
    for f in features:
        text = of_content.get(f.text.content)
        if text is None:
            text = of_content[f.text.content] = _sorted_folded(f.text.content)
        texts.append(text)
    by_token: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for (scope, token), members in blocks.items():
        by_token[token][scope] = members
    found: list[np.ndarray] = []
    compared = 0
    largest = max((len(m) for m in blocks.values()), default=0)
    within: list[list[int]] = []
    for scopes in by_token.values():
        wildcard = scopes.get(WILDCARD, [])
        for scope, members in scopes.items():
            if 2 <= len(members) <= BULK_BLOCK:
                within.append(members)
            elif len(members) > BULK_BLOCK:
                codes, count = _pairs_between(members, None, texts, n, workers)
                compared += count
                if codes is not None:
                    found.append(codes)
            if scope != WILDCARD and wildcard:
                codes, count = _pairs_between(members, wildcard, texts, n, workers)
                compared += count
                if codes is not None:
                    found.append(codes)
    codes, count = _pairs_within(within, texts, n, workers)
    compared += count
    if codes is not None:
        found.append(codes)
    if found:
        codes = _unique(np.concatenate(found))
        pairs = np.stack([codes // n, codes % n], axis=1)
    else:
        pairs = np.empty((0, 2), dtype=np.int64)
    stats = BlockingStats(
        entries=n,
        blocks=len(blocks),
        largest_block=largest,
        dropped_tokens=dropped,
        compared=compared,
        candidates=int(pairs.shape[0]),
    )
    return pairs, stats
