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

import heapq
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from matching.cluster import GUARD_SAMPLE
from matching.compare import (
    MAX_BONUS,
    ROUNDING_SLACK,
    EntryFeatures,
    PairScore,
    _group_label,
    _prior_df,
    score_pair,
    score_upper_bound,
    title_similarity,
)
from matching.concepts import wording_of
from matching.scope import Scope
from matching.text import ComparisonText, blocking_tokens, comparison_text, fold, normalize
from matching.titlesim import titles_against

LOOKUP_TOKENS = 3  # the new row's rarest title words used to find its candidates
NEAR_MISSES = 3  # links kept per row beyond its best one: the best into each other dataset
WILDCARD = "*"
GATE_SLACK = 1e-3  # the gate's float32 titles may differ from title_similarity's in the last digits
_HOPELESS = PairScore(score=0.0, reasons=[])
AVERAGE_MARGIN = 1e-9  # an average settled by bounds only this far from the threshold (float sums in another order)


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

    What is decided: each candidate has a value, the score of `score_pair` when the gate and
    `score_upper_bound` let it through, else 0; the links are the candidates whose value reaches `floor`,
    ordered by score, then key. The row joins the first dataset in that order (by its best link) whose best
    link reaches `threshold`, not forbidden, whose candidates' values average at least `threshold` (average
    linkage over its exemplars, as matching.cluster guards a merge); the links kept are the best into each
    of the first NEAR_MISSES + 1 datasets. Only the candidates those choices need are scored (`Scores`):
    a candidate whose upper bound cannot change them is not. The choices are those of scoring them all.
    """
    scores = Scores(row, candidates, idf, floor)
    forbidden = set(cannot)
    chosen, choosing = must, not must
    kept: list[ScoredLink] = []
    while choosing or len(kept) <= NEAR_MISSES:
        link = scores.next_best()
        if link is None:
            break
        if len(kept) <= NEAR_MISSES:
            kept.append(link)
        if choosing and link.score < threshold:
            choosing = False
        elif choosing and link.dataset not in forbidden and scores.average_reaches(link.dataset, threshold):
            chosen, choosing = link.dataset, False
    return Placement(dataset=chosen, links=kept)


class Scores:
    """The candidates' values for `place`, each computed only as far as a choice needs it.

    A candidate's value (`score_pair`'s score, or 0 when a bound says it cannot reach the floor) is known
    in steps, each an upper bound no lower than the value and the next tighter: the gate's title (float32,
    within GATE_SLACK of `title_similarity`) plus MAX_BONUS; then `score_upper_bound` on the exact title;
    then the score itself. `score_pair` rounds the title and the score to 4 decimals (up to 0.0001 over
    `score_upper_bound`): each bound adds ROUNDING_SLACK. Every value is 0 at least (scores are clipped).
    A step decides 0 exactly where the eager code did (the same tests on the same floats).
    """

    def __init__(self, row: EntryFeatures, candidates: Sequence[Candidate], idf: Mapping[str, float],
                 floor: float) -> None:  # fmt: skip
        self.row, self.candidates, self.idf, self.floor = row, candidates, idf, floor
        count = len(candidates)
        self.value: list[float | None] = [None] * count  # exact, once known
        self.bound: list[float] = [0.0] * count  # while not known: no lower than the value
        self.titled: list[tuple[EntryFeatures, float] | None] = [None] * count  # features and exact title
        self.results: dict[int, PairScore] = {}
        self.members: dict[str, list[int]] = {}  # dataset -> its candidates, in the candidates' order
        self.open: list[tuple[float, int]] = []  # heap of (-bound, candidate) not known yet
        self.links: list[tuple[float, str, int]] = []  # heap of (-score, key, candidate): known links
        self.given: set[str] = set()  # datasets whose best link next_best gave
        gate = titles_against(row.text, [text_of(c.row) for c in candidates])
        for index, (candidate, rough) in enumerate(zip(candidates, gate.tolist(), strict=True)):
            self.members.setdefault(candidate.dataset, []).append(index)
            # The C-level gate spares most pairs the Python work; the bound and score after it are exact.
            if rough + MAX_BONUS + GATE_SLACK >= floor:
                self._open(index, rough + MAX_BONUS + GATE_SLACK + ROUNDING_SLACK)
            else:
                self._known(index, _HOPELESS)

    def next_best(self) -> ScoredLink | None:
        """The best link into a dataset not given yet (by score, then key), exactly; None when none is left.

        A link is given only when every candidate not known yet, in any dataset not given, is bounded under
        its score: no other can come first, nor be a better link into its dataset.
        """
        while True:
            while self.links and self.candidates[self.links[0][2]].dataset in self.given:
                heapq.heappop(self.links)
            while self.open and self._settled(*self.open[0]):
                heapq.heappop(self.open)
            if self.open and (not self.links or -self.open[0][0] >= -self.links[0][0]):
                self._step(heapq.heappop(self.open)[1])
                continue
            if not self.links:
                return None
            _, key, index = heapq.heappop(self.links)
            candidate, result = self.candidates[index], self.results[index]
            self.given.add(candidate.dataset)
            return ScoredLink(key, result.score, result.reasons, candidate.dataset)

    def average_reaches(self, dataset: str, threshold: float) -> bool:
        """Whether the values of `dataset`'s candidates average `threshold` or more, as the sum of all of them
        in order would say: bounds settle it when they are clearly on one side, else values are computed."""
        members = self.members[dataset]
        while True:
            known = [self.value[i] for i in members]
            if all(v is not None for v in known):
                return sum(v for v in known if v is not None) / len(known) >= threshold
            low = sum(v for v in known if v is not None)
            high = low + sum(self.bound[i] for i, v in zip(members, known, strict=True) if v is None)
            if low / len(members) >= threshold + AVERAGE_MARGIN:
                return True
            if high / len(members) < threshold - AVERAGE_MARGIN:
                return False
            self._step(max((i for i, v in zip(members, known, strict=True) if v is None), key=self.bound.__getitem__))

    def _settled(self, bound: float, index: int) -> bool:
        """An entry of `open` not to step on: its dataset's best link is given (only an average may need
        the candidate), or an average stepped it since (known, or there again under a tighter bound)."""
        return (self.candidates[index].dataset in self.given or self.value[index] is not None
                or -bound != self.bound[index])  # fmt: skip

    def _step(self, index: int) -> None:
        """One step further on a candidate not known yet: its exact title and bound, or its score."""
        candidate = self.candidates[index]
        titled = self.titled[index]
        if titled is None:
            other = features_of(candidate.row, candidate.document, self.idf)
            title = title_similarity(other.text, self.row.text)
            self.titled[index] = (other, title)
            bound = score_upper_bound(other, self.row, title)
            if bound >= self.floor:
                self._open(index, bound + ROUNDING_SLACK)
            else:
                self._known(index, _HOPELESS)
        else:
            self._known(index, score_pair(titled[0], self.row, titled[1]))

    def _open(self, index: int, bound: float) -> None:
        self.bound[index] = max(0.0, min(1.0, bound))
        heapq.heappush(self.open, (-self.bound[index], index))

    def _known(self, index: int, result: PairScore) -> None:
        self.value[index] = result.score
        if result.score >= self.floor:
            self.results[index] = result
            heapq.heappush(self.links, (-result.score, self.candidates[index].row.key, index))


def becomes_exemplar(row: StoredRow, exemplar_wordings: Sequence[str]) -> bool:
    """A row is an exemplar of its dataset when worded unlike the ones it has, up to GUARD_SAMPLE."""
    if len(exemplar_wordings) >= GUARD_SAMPLE:
        return False
    return exemplar_text(row) not in exemplar_wordings


def exemplar_text(row: StoredRow) -> str:
    return f"{_text(row.title_key, row.description, row.title).full}|{','.join(sorted(row.unit_types))}"
