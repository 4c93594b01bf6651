"""Incremental matching: one new catalog row against the stored rows it may match, nothing else.

A full reconciliation compares every row with every other and re-clusters the archive; at a
hundred thousand documents that is hours and tens of GiB. Here a row arriving later is placed
among the datasets that already exist: it is compared with the *exemplars* of the datasets its
rarest title words point at (a dataset keeps at most GUARD_SAMPLE differently-worded members as
exemplars — the members the average-linkage guard of matching.cluster samples), and joins the
best dataset whose exemplars on average clear the threshold, or starts a new one. As in
matching.cluster, existing datasets never merge or split on their own (only reviewers' decisions
do that), so a dataset id once given stays.

The features of stored rows are rebuilt from their store rows (`StoredRow`), never from the
Document: what matching needs of a row is small and kept in columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from matching.cluster import GUARD_SAMPLE
from matching.compare import MAX_BONUS, _PairMemo, dataset_score, score_pair, score_upper_bound
from matching.concepts import wording_of
from matching.features import EntryFeatures, _group_label, _prior_df
from matching.scope import Scope
from matching.text import ComparisonText, blocking_tokens, comparison_text, fold, normalize
from matching.titlesim import titles_against

LOOKUP_TOKENS = 3  # the new row's rarest title words used to find its candidates
NEAR_MISSES = 3  # links kept per row beyond its best one: the best into each other dataset
WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class StoredRow:
    """What matching needs of one catalog row, as the store keeps it (catalog_entries + match tables)."""

    key: str
    document: str  # the document's sha256
    number: str
    table: int
    group: str
    title: str
    title_key: str
    description: str
    unit_types: tuple[str, ...]
    unit_label: str
    scope_level: str
    scope_province: str
    unit: str = ""  # as printed


def scope_key(level: str, province: str) -> str:
    return f"{level}|{province}" if level and province else WILDCARD


@lru_cache(maxsize=50_000)  # the rows of a batch and their candidates, not the archive
def _text(title_key: str, description: str, title: str) -> ComparisonText:
    return comparison_text(title_key or title, description, title)


class Specificity(Mapping[str, float]):
    """`compare.specificities` over the rows stored so far, read lazily from their word counts."""

    def __init__(self, df: Mapping[str, int], rows: int) -> None:
        self._df = df
        prior, prior_n = _prior_df()
        self._prior = prior
        self._n = rows + prior_n

    def __getitem__(self, word: str) -> float:
        if self._n < 3:
            raise KeyError(word)
        count = self._df.get(word, 0) + self._prior.get(word, 0)
        if count == 0:
            raise KeyError(word)
        return max(0.0, math.log(self._n / count)) / math.log(self._n)

    def __iter__(self) -> Iterator[str]:
        return iter(set(self._df) | set(self._prior))

    def __len__(self) -> int:
        return len(set(self._df) | set(self._prior))


def features_of(row: StoredRow, document: int, idf: Mapping[str, float]) -> EntryFeatures:
    scope = Scope(level=row.scope_level, province=row.scope_province)
    return EntryFeatures(
        index=0, key=row.key, document=document, number=row.number, table=row.table, title=row.title,
        text=_text(row.title_key, row.description, row.title), description=normalize(row.description),
        unit_types=frozenset(row.unit_types), unit_label=row.unit_label or "", group=_group_label(row.group),
        scope=scope, idf=idf, locality=frozenset(scope.province.split()),
    )  # fmt: skip


def text_of(row: StoredRow) -> ComparisonText:
    return _text(row.title_key, row.description, row.title)


def row_tokens(row: StoredRow) -> list[str]:
    """Folded title words a row is found by (the blocking index's keys)."""
    return blocking_tokens(_text(row.title_key, row.description, row.title))


def idf_words(row: StoredRow) -> frozenset[str]:
    return _text(row.title_key, row.description, row.title).tokens


def wording(row: StoredRow) -> str:
    return wording_of(features_of(row, 0, {}))


def sorted_folded(row: StoredRow) -> str:
    return _sorted_folded(row.title_key, row.description, row.title)


@lru_cache(maxsize=200_000)  # every row's candidates are prefiltered on it: computed once a row
def _sorted_folded(title_key: str, description: str, title: str) -> str:
    return " ".join(sorted(fold(_text(title_key, description, title).content).split()))


@dataclass(frozen=True, slots=True)
class Candidate:
    row: StoredRow
    dataset: str
    document: int


@dataclass(frozen=True, slots=True)
class ScoredLink:
    other: str  # the stored row's key
    score: float
    reasons: list[str]
    dataset: str


@dataclass(slots=True)
class Placement:
    dataset: str  # "" when the row starts a dataset of its own
    links: list[ScoredLink] = field(default_factory=list)  # the links kept: best first


def place(
    row: EntryFeatures,
    candidates: Sequence[Candidate],
    idf: Mapping[str, float],
    threshold: float,
    floor: float,
    *,
    cannot: Iterable[str] = (),
    must: str = "",
) -> Placement:
    """The dataset `row` joins among the candidates' datasets, and the links that explain it.

    `cannot`: datasets a reviewer's rejected link forbids; `must`: the dataset a confirmed link forces.
    """
    scored: list[tuple[float, str, int]] = []  # (score, key, candidate) of the links reaching the floor
    by_dataset: dict[str, list[float]] = {}
    others: dict[int, EntryFeatures] = {}
    # Each candidate's title_similarity, in C and in doubles (its very floats): most pairs are
    # hopeless on their title alone and never reach Python.
    titles = titles_against(row.text, [text_of(c.row) for c in candidates], np.float64).tolist()
    memo = _FEATURES.table(idf)
    for index, (candidate, title) in enumerate(zip(candidates, titles, strict=True)):
        score = 0.0
        # score_upper_bound is at most title + MAX_BONUS: under it a pair keeps the score 0, as it always did.
        if title + MAX_BONUS >= floor:
            other = _candidate_features(memo, candidate, idf)
            if score_upper_bound(other, row, title) >= floor:
                score = dataset_score(other, row, title)
                others[index] = other
        by_dataset.setdefault(candidate.dataset, []).append(score)
        if score >= floor:
            scored.append((score, candidate.row.key, index))
    scored.sort(key=lambda link: (-link[0], link[1]))
    forbidden = set(cannot)
    chosen = must
    if not chosen:
        for score, _, index in scored:
            if score < threshold:
                break
            dataset = candidates[index].dataset
            if dataset in forbidden:
                continue
            # Average linkage over the dataset's exemplars, as matching.cluster guards a merge.
            scores = by_dataset[dataset]
            if sum(scores) / len(scores) >= threshold:
                chosen = dataset
                break
    kept: list[ScoredLink] = []
    seen: set[str] = set()
    for score, key, index in scored:
        dataset = candidates[index].dataset
        if dataset in seen:
            continue
        seen.add(dataset)
        # Reasons for the links kept only: score_pair takes dataset_score's steps, so gives its score.
        reasons = score_pair(others[index], row, titles[index]).reasons
        kept.append(ScoredLink(key, score, reasons, dataset))
        if len(kept) > NEAR_MISSES:
            break
    return Placement(dataset=chosen, links=kept)


_FEATURES = _PairMemo()  # candidates' features under the specificities of the document being placed


def _candidate_features(memo: dict[Any, Any], candidate: Candidate, idf: Mapping[str, float]) -> EntryFeatures:
    """features_of a candidate, once a document: its rows share about half their candidates."""
    key = (candidate.row.key, candidate.document)  # a key names one stored row's content
    found = memo.get(key)
    if found is None:
        found = memo[key] = features_of(candidate.row, candidate.document, idf)
    return found


def becomes_exemplar(row: StoredRow, exemplar_wordings: Sequence[str]) -> bool:
    """A row is an exemplar of its dataset when worded unlike the ones it has, up to GUARD_SAMPLE."""
    if len(exemplar_wordings) >= GUARD_SAMPLE:
        return False
    return exemplar_text(row) not in exemplar_wordings


def exemplar_text(row: StoredRow) -> str:
    return f"{_text(row.title_key, row.description, row.title).full}|{','.join(sorted(row.unit_types))}"
