"""The dataset stage's bounds and scores of many pairs in two halves, one in a forked child (matching/forked.py).

After the title ratios the parent's path to the clustering is serial: `score_upper_bounds` then `kept_scores`
(~1.1 CPU-s at 100,000 rows, half of it the one-sided words of ~44,000 distinct pairs of word sets) while the
second core waits. The pairs are split by their pair of word-set codes (`RowCodes.words`), every other
distinct pair to the child, so that no words penalty is computed on both sides; the rows' codes are computed
once, before the fork (each half computing its own had cost as much as the split saved: session 12). The child
sends its kept pairs back as arrays, and `batchscore.merged` puts them in the pairs' order: the same
`KeptScores` as scoring all pairs at once (tests/test_halves.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching import forked
from matching.batchscore import KeptArrays, KeptScores, kept_arrays, merged
from matching.bounds import score_upper_bounds
from matching.compare import EntryFeatures
from matching.rowcodes import RowCodes


def bounded_kept_scores(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float, codes: RowCodes,
    *, fork: bool = False,
) -> KeptScores:  # fmt: skip
    """`kept_scores` of the pairs whose `score_upper_bounds` reaches `floor`; with `fork`, in two halves."""
    if not fork or len(pairs) == 0:
        return _bounded(features, pairs, titles, floor, codes).scores_of(features)
    words = codes.words
    n = int(words.max()) + 1
    _, distinct = np.unique(words[pairs[:, 0]] * n + words[pairs[:, 1]], return_inverse=True)
    theirs = (distinct.reshape(-1) % 2).astype(bool)
    mine, other = np.flatnonzero(~theirs), np.flatnonzero(theirs)
    child = forked.start(lambda: _bounded(features, pairs[other], titles[other], floor, codes))
    own = _bounded(features, pairs[mine], titles[mine], floor, codes).renumbered(mine)
    return merged([own, child.result().renumbered(other)]).scores_of(features)


def _bounded(
    features: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float, codes: RowCodes
) -> KeptArrays:
    keep = np.flatnonzero(score_upper_bounds(features, pairs, titles, codes) >= floor)
    return kept_arrays(features, pairs[keep], titles[keep], floor, codes).renumbered(keep)
