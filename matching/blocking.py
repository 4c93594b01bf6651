"""Candidate pairs by blocking: an inverted index over accent-folded title tokens.

Comparing all pairs is quadratic (10^10 pairs at 100,000 entries), so each entry is put in the
blocks of its few rarest title words; words so common that their block would be huge (document
frequency above the cut-off) are not used as keys. Inside a block a cheap vectorised prefilter
(rapidfuzz ``cdist`` over folded, sorted words) keeps the pairs worth the full comparison.
Folding is right here and wrong for scoring: a tone typo must not split a block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
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


def _scope_key(scope: Scope) -> str:
    return f"{scope.level}|{scope.province}" if scope.level and scope.province else WILDCARD


def block_keys(
    features: Sequence[Blockable], max_df: int, *, split_scopes: bool = False
) -> tuple[dict[tuple[str, str], list[int]], int]:
    """Block key (scope, token) → members, in ascending order; the blocks in the order of their first member and
    key. Without `split_scopes` every scope is the wildcard."""
    n = len(features)
    if not n:
        return {}, 0
    # Once per distinct set of words (100,000 rows have ~19,000), weighted by the rows that have it. The rows'
    # sets and scopes are read and numbered by C loops (`map`, dicts), and each (row, key) is put in its block by
    # array steps: a Python loop appending each row to its ~3 blocks took ~0.3 CPU-s at 100,000 rows.
    row_words = list(map(_TOKENS, map(_TEXT, features)))
    numbers = _numbers(row_words)
    words_of = np.fromiter(map(numbers.__getitem__, row_words), dtype=np.int64, count=n)
    counts = np.bincount(words_of, minlength=len(numbers)).tolist()
    of_words = [blocking_tokens_of(words) for words in numbers]
    df = _frequencies(of_words, counts)
    dropped = sum(1 for count in df.values() if count > max_df)
    # Each set's tokens ranked by (frequency, token) as `_keys` ranks them: all tokens sorted once, then each set's
    # by that rank (a C key) rather than by a Python key function per set.
    rank = {token: k for k, token in enumerate(sorted(df, key=lambda t: (df[t], t)))}
    keys: dict[str, int] = {}  # each key's number
    usable = [
        [keys.setdefault(key, len(keys)) for key in _keys(sorted(tokens, key=rank.__getitem__), df, max_df)]
        for tokens in of_words
    ]
    scope_names, scope_of = _scopes(features, split_scopes)
    # Each row's keys in order, as (row, key) items: the rows' appends of a loop over the rows and their keys.
    per_words = np.fromiter(map(len, usable), dtype=np.int64, count=len(usable))
    flat_keys = np.fromiter((key for found in usable for key in found), dtype=np.int64, count=int(per_words.sum()))
    starts = np.cumsum(per_words) - per_words
    per_row = per_words[words_of]
    rows = np.repeat(np.arange(n, dtype=np.int64), per_row)
    offsets = np.arange(len(rows), dtype=np.int64) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    key_of = flat_keys[starts[words_of[rows]] + offsets]
    width = max(len(keys), 1)
    block_of = scope_of[rows] * width + key_of
    # A stable sort keeps each block's rows ascending; the blocks are listed by their first (row, key) item.
    order = np.argsort(block_of, kind="stable")
    distinct, first, sizes = np.unique(block_of, return_index=True, return_counts=True)
    ends = np.cumsum(sizes)
    members = rows[order].tolist()
    key_names = list(keys)
    blocks: dict[tuple[str, str], list[int]] = {}
    listed = np.argsort(first)
    for block, size, end in zip(distinct[listed].tolist(), sizes[listed].tolist(), ends[listed].tolist(), strict=True):
        blocks[(scope_names[block // width], key_names[block % width])] = members[end - size : end]
    return blocks, dropped


_TEXT, _TOKENS, _CONTENT, _SCOPE = attrgetter("text"), attrgetter("tokens"), attrgetter("content"), attrgetter("scope")


def _numbers(values: list[frozenset[str]]) -> dict[frozenset[str], int]:
    """Each distinct value's number, in order of first appearance."""
    distinct = dict.fromkeys(values)
    return dict(zip(distinct, range(len(distinct)), strict=True))


def _scopes(features: Sequence[Blockable], split_scopes: bool) -> tuple[list[str], np.ndarray]:
    """The scope keys (`_scope_key`) of the rows, numbered: the names, and each row's number. A document's rows
    share its scope object, so each distinct object's key is found once."""
    if not split_scopes:
        return [WILDCARD], np.zeros(len(features), dtype=np.int64)
    objects = list(map(_SCOPE, features))
    by_id = dict(zip(map(id, objects), objects, strict=True))  # alive in `features`: ids stay unique
    names: dict[str, int] = {}
    of_id = {key: names.setdefault(_scope_key(scope), len(names)) for key, scope in by_id.items()}
    return list(names), np.fromiter(map(of_id.__getitem__, map(id, objects)), dtype=np.int64, count=len(objects))


def _frequencies(of_words: list[list[str]], counts: list[int]) -> dict[str, int]:
    """How many rows have each token (`of_words`: each distinct set's tokens, `counts`: its rows), in order of
    first appearance: a count per token by one `bincount`, not an addition per (set, token)."""
    numbers: dict[str, int] = {}
    flat = [numbers.setdefault(token, len(numbers)) for tokens in of_words for token in tokens]
    weights = np.repeat(np.asarray(counts, dtype=np.int64), np.fromiter(map(len, of_words), dtype=np.int64))
    found = np.bincount(np.asarray(flat, dtype=np.int64), weights=weights, minlength=len(numbers))
    return dict(zip(numbers, found.astype(np.int64).tolist(), strict=True))  # float64 counts < 2**53: exact


def _keys(ranked: list[str], df: Mapping[str, int], max_df: int) -> list[str]:
    """The block keys of a set of tokens ranked by (frequency, token)."""
    usable = [t for t in ranked if 2 <= df[t] <= max_df][:KEYS_PER_ENTRY]
    if not usable and len(ranked) >= 2:
        # Every word is common: the pair of the two rarest still makes a small block.
        usable = [ranked[0] + "|" + ranked[1]]
    elif not usable and ranked:
        usable = [ranked[0]]
    return usable


def _sorted_folded(content: str) -> str:
    """The folded words of `content`, sorted. Word by word (`fold`'s memo holds each of the archive's few thousand
    words), not the whole text (one `fold_uncached` per distinct wording: ~59,000 at 100,000 rows): the same words,
    since folding maps no character to a space and none across one; a word that folds to nothing (a lone mark)
    is left out as the split of the folded text leaves it out (tests/test_match20b.py)."""
    return " ".join(sorted(filter(None, map(fold, content.split()))))


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
    contents = list(map(_CONTENT, map(_TEXT, features)))
    of_content = {content: _sorted_folded(content) for content in dict.fromkeys(contents)}  # rows share wordings
    texts = list(map(of_content.__getitem__, contents))
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
