"""Scoring candidate pairs in forked workers, in consecutive chunks, so the order of the result is the
order of the pairs (the dataset stage, matching.reconcile, and the concept stage, matching.concepts).

The caller puts what the workers read (features, representatives) in a module global before calling:
forked workers share it copy-on-write instead of receiving it pickled.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

import numpy as np

PARALLEL_MIN_PAIRS = 50_000  # below this, forking costs more than it saves

Scored = list[tuple[int, int, float, list[str]]]
Chunk = tuple[np.ndarray, np.ndarray, float]


def score_in_chunks(
    score_chunk: Callable[[Chunk], Scored], pairs: np.ndarray, titles: np.ndarray, floor: float, workers: int
) -> Scored:
    """`score_chunk` over (pairs, titles, floor), in this process or in `workers` forked ones."""
    if workers <= 1 or len(pairs) < PARALLEL_MIN_PAIRS:
        return score_chunk((pairs, titles, floor))
    parts = workers * 8
    chunks = zip(np.array_split(pairs, parts), np.array_split(titles, parts), strict=True)
    jobs = [(chunk, chunk_titles, floor) for chunk, chunk_titles in chunks]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return [row for part in pool.map(score_chunk, jobs) for row in part]
