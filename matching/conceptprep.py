"""The concept stage started before the datasets exist: what it needs of the rows alone, computed early.

`reconcile(workers > 1)` on many rows, with no decision to replay, forks the concept stage right before it scores
the candidate pairs (matching/reconcile.py `_matched`): while this process scores and clusters (one core idle on
a quiet machine), the child computes each row's wording (`row_wordings`) and parses the titles and signs the words
of the first row of each wording (`coverage.title_items`, `row_signatures`, memoised by title or words, so the
representatives chosen later find them: a representative's title and words are its wording's first row's in
nearly every case, and any other is computed then). It then waits for the rows' datasets (`forked.Late.send`, as
numbers: `dataset_labels`) and finishes `link_concepts` as the child forked after the clustering did.
The output is the same by construction: the memos only hold what the stage would compute, and the wordings are
`row_wordings`' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching import forked
from matching.concepts import ConceptOutput, link_concepts, row_wordings
from matching.coverage import row_signatures, title_items
from matching.features import EntryFeatures


@dataclass(frozen=True, slots=True)
class ConceptPrep:
    words: list[str]  # row_wordings(features)


def prepare(features: Sequence[EntryFeatures]) -> ConceptPrep:
    """The rows' wordings, and the memos of their first rows' parsed titles and signatures warmed."""
    words = row_wordings(features)
    # Each wording's first row (the last value a dict keeps, so the rows go in reversed).
    first = dict(zip(reversed(words), range(len(words) - 1, -1, -1), strict=True))
    rows = [features[k] for k in first.values()]
    for title in {f.title for f in rows}:
        title_items(title)  # covering_pairs parses every representative's title (~0.4 CPU-s cold)
    row_signatures(rows)
    return ConceptPrep(words)


def dataset_labels(dataset_ids: Sequence[str]) -> np.ndarray:
    """Each row's dataset as a number (datasets numbered as they first appear): all `link_concepts` reads of them."""
    numbers: dict[str, int] = {}
    add = numbers.setdefault
    return np.fromiter((add(d, len(numbers)) for d in dataset_ids), dtype=np.int64, count=len(dataset_ids))


def start_concepts(features: Sequence[EntryFeatures], floor: float, workers: int) -> forked.Late[ConceptOutput]:
    """The concept stage forked now (`prepare` at once), finished when `send(dataset_labels(ids))` gives the
    datasets; computed here as `reconcile` did before when the child fails."""

    def finish(prep: ConceptPrep, labels: np.ndarray) -> ConceptOutput:
        return link_concepts(features, labels.tolist(), floor, workers=workers, split=True, words=prep.words)

    def compute(labels: np.ndarray) -> ConceptOutput:
        return link_concepts(features, labels.tolist(), floor, workers=workers, split=True)

    return forked.start_late(lambda: prepare(features), finish, compute, len(features))
