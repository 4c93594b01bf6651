"""Concept level: the same kind of data kept by different publishers (two provinces' "trường tiểu học").

Datasets are found within one province (compare.py gives rows of two provinces no dataset score);
this stage then links the *datasets* across localities. Each dataset is represented by its most
common wording; identical wordings are one concept at once, and distinct wordings are blocked and
scored like rows (`PairScore.concept`: titles, qualifiers, description, kind of list — not who keeps
them) and clustered with the concept threshold. Working on one row per wording keeps this stage
small: an archive repeating a provincial template in a hundred communes has a hundred datasets per
template but only a few wordings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching import forked
from matching.blocking import _unique, candidate_pairs
from matching.cluster import cluster_links
from matching.compare import score_pair
from matching.conceptgate import (
    GateRows,
    concept_may_reach_by_words,
    concept_may_reach_many,
    concept_scores_many,
    description_bonuses,
    gated_titles,
    title_gate,
)
from matching.coverage import covering_pairs, row_signatures
from matching.features import EntryFeatures
from matching.model import dataset_id_for
from matching.text import ComparisonText
from matching.titlesim import RowTexts, title_similarities

CONCEPT_FLOOR = 0.1  # concept links this far below the threshold are kept as near misses
COVERING_FORK_FROM = 5_000  # representatives from which link_concepts(split=True) blocks them in a child


@dataclass(frozen=True, slots=True)
class ConceptOutput:
    concept_of: list[str]  # concept id per feature index
    links: list[tuple[int, int, float, list[str]]]  # feature indices of the representatives


def wording_of(feature: EntryFeatures) -> str:
    return wording_of_text(feature.text)


def wording_of_text(text: ComparisonText) -> str:
    return f"{text.head}|{int(text.counts)}|{text.content}"


def link_concepts(
    features: Sequence[EntryFeatures], dataset_ids: Sequence[Hashable], threshold: float, *, workers: int = 1,
    split: bool = False, words: Sequence[str] | None = None,
) -> ConceptOutput:
    """`split`: block the representatives and compare their titles in a forked child (matching/forked.py) while
    this process finds the covering pairs, for a caller that runs this stage in a child of its own
    (matching/reconcile.py). `dataset_ids`: any labels of the rows' datasets (only which rows share one counts);
    `words`: `row_wordings(features)` when the caller has them (matching/conceptprep.py computes them early)."""
    dataset_wording, representative = _dataset_wordings(features, dataset_ids, words)
    wordings = list(representative)
    reps = [features[representative[w]] for w in wordings]
    scored = _scored_pairs(reps, threshold, workers, split)

    def rescore(i: int, j: int) -> float:
        return score_pair(reps[i], reps[j]).concept

    keys = [r.key for r in reps]
    ids = cluster_links(keys, [(i, j, s) for i, j, s, _ in scored], threshold, rescore)
    concept_by_wording = {w: "cc-" + cid.removeprefix("ds-") for w, cid in zip(wordings, ids, strict=True)}
    concept_of = [concept_by_wording[dataset_wording[d]] for d in dataset_ids]
    links = [(reps[i].index, reps[j].index, s, r) for i, j, s, r in scored]
    return ConceptOutput(concept_of=concept_of, links=links)


def row_wordings(features: Sequence[EntryFeatures]) -> list[str]:
    """Each row's wording (`wording_of`), with its key for the sub-rows of one numbered item. Needs no dataset
    ids: a stage started before the clustering computes them early (matching/conceptprep.py)."""
    # wording_of once per text object (rows of one title share theirs), by comprehensions rather than a
    # loop of memo look-ups over the rows (~0.2 of ~0.4 CPU-s at 100,000 rows).
    texts = [f.text for f in features]
    of_text = {id(t): wording_of_text(t) for t in {id(t): t for t in texts}.values()}
    words = list(map(of_text.__getitem__, map(id, texts)))  # in C: ~100,000 look-ups
    places = [(f.document, f.table, f.group, f.number) if f.number else None for f in features]
    numbered = Counter(places)
    shared = {place for place, count in numbered.items() if count > 1 and place is not None}
    if shared:
        for index, place in enumerate(places):
            if place in shared:
                # Sub-rows of one numbered item print one title for several datasets: never one wording.
                words[index] = f"{words[index]}#{features[index].key}"
    return words


def _dataset_wordings(
    features: Sequence[EntryFeatures], dataset_ids: Sequence[Hashable], words: Sequence[str] | None = None
) -> tuple[dict[Hashable, str], dict[str, int]]:
    """Each dataset's most common wording (first seen on ties), and each wording's first row among
    the datasets it represents (feature index), wordings in the order datasets first appear."""
    members: dict[Hashable, list[int]] = defaultdict(list)
    for index, dataset in enumerate(dataset_ids):
        members[dataset].append(index)
    if words is None:
        words = row_wordings(features)

    dataset_wording: dict[Hashable, str] = {}
    representative: dict[str, int] = {}  # wording -> feature index
    wording = words.__getitem__
    for dataset, indices in members.items():
        best = words[indices[0]]
        if len(indices) == 1 or len(set(map(wording, indices))) == 1:
            # One wording (most datasets): it is the best, and `indices` ascend, so its first row is theirs.
            dataset_wording[dataset] = best
            representative.setdefault(best, indices[0])
            continue
        counts = Counter(words[i] for i in indices)
        first: dict[str, int] = {}  # each wording's first row (`indices` ascend)
        for i in indices:
            first.setdefault(words[i], i)
        best = max(counts, key=lambda w: (counts[w], -first[w]))
        dataset_wording[dataset] = best
        representative.setdefault(best, first[best])
    return dataset_wording, representative


def _scored_pairs(
    reps: Sequence[EntryFeatures], threshold: float, workers: int, split: bool = False
) -> list[tuple[int, int, float, list[str]]]:
    """Pairs of representatives (indices into ``reps``) blocked or covering, whose concept score
    reaches CONCEPT_FLOOR below the threshold: (i, j, score, reasons)."""
    floor = threshold - CONCEPT_FLOOR
    rows = GateRows.of(reps)  # before blocked_or_covering may fork: both processes' gates read them
    # Not scored in two halves in two processes any more (session 10 forked the second half): past the two
    # gates few pairs are left to score (~8,000 at 100,000 rows, ~1.2 CPU-s with the gates), and a second
    # child cost more CPU (~0.5-1 CPU-s: its copied pages, the gates' per-row set-up again) than it spared.
    # With `split` the pairs come in parts (_pairs_in_parts): each part is scored here while the child gates the
    # next. A pair's score is its own, so the parts' scores in order are the whole's.
    scored: list[tuple[int, int, float, list[str]]] = []
    for pairs, titles, covers in _pairs_in_parts(reps, workers, split, floor, rows):
        # A short title against a long list naming it (coverage.py) has little word overlap: such pairs
        # are found by their items and pass the title gate whatever their title similarity.
        keep = title_gate(titles, floor) | covers
        scored += _score_kept(reps, pairs[keep], titles[keep], floor, rows)
    return scored


def blocked_or_covering(
    reps: Sequence[EntryFeatures], workers: int, split: bool = False, floor: float | None = None,
    rows: GateRows | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The pairs (i, j), i < j, blocked (candidate_pairs) or covering (covering_pairs), in (i, j) order, with
    their title similarities and whether each is a covering pair. With a `floor`, the blocked pairs that
    cannot pass `_score_kept`'s gates whatever their title are left out (conceptgate.gated_titles).
    `split`: as `_pairs_in_parts`, the parts joined."""
    parts = list(_pairs_in_parts(reps, workers, split, floor, rows))
    if len(parts) == 1:
        return parts[0]
    pairs, titles, covers = zip(*parts, strict=True)
    return np.concatenate(pairs), np.concatenate(titles), np.concatenate(covers)


# The parts in which `_pairs_in_parts(split=True)` gets the blocked pairs from its child: the first part's scores
# start once the child has gated half of the pairs instead of all of them, and only the last part is scored after
# the child ends (at 100,000 rows ~0.6 CPU-s of the concept child's ~1.2-1.6 were after it, docs/benchmarks.md
# session 20). Each part costs a few steps over all the representatives again (the gates' array steps; the
# signatures coverage.row_signatures keeps for the last rows are read, not rebuilt, since session 21); three parts
# measured no shorter than two.
BLOCKED_PARTS = 2


def _pairs_in_parts(
    reps: Sequence[EntryFeatures], workers: int, split: bool, floor: float | None, rows: GateRows | None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`blocked_or_covering` in parts of consecutive (i, j) ranges, in order: their concatenation is the whole.

    `split`: the blocked pairs and their titles are found in a forked child (numpy arrays back) while this
    process finds the covering pairs (~1.2 of the stage's ~4.5 CPU-s before the scores, at 100,000 rows),
    whose parsed titles stay in its memos for the scores; a pair's title similarity is its own, so the
    covering pairs are compared apart, here (all of them, before the blocked pairs are known: `split` then
    compares them while the child blocks, ~0.1 CPU-s at 100,000 rows, and keeps the titles of those not blocked).
    The child blocks once, then gates and compares the blocked pairs in BLOCKED_PARTS ranges, sending each range
    as soon as it is done (forked.start_parts): the caller scores one while the child compares the next."""
    n = len(reps)
    parts: Iterable[tuple[int, np.ndarray, np.ndarray]]
    if split and n >= COVERING_FORK_FROM:
        row_signatures(reps)  # both processes test them (may_cover): computed once, before the fork
        parts = forked.start_parts(
            lambda: _blocked(reps, workers),
            lambda blocked, k: _blocked_part(reps, blocked, k, BLOCKED_PARTS, workers, floor, rows),
            BLOCKED_PARTS,
        )
        covering, covering_titles = _covering(reps, workers)
    else:
        parts = [_blocked_part(reps, _blocked(reps, workers), 0, 1, workers, floor, rows)]
        covering, covering_titles = _covering(reps, workers)
    extra = covering[:, 0] * n + covering[:, 1]  # ascending: `covering` is in (i, j) order
    low = 0
    for high, pairs, titles in parts:
        at = slice(int(np.searchsorted(extra, low)), int(np.searchsorted(extra, high)))
        yield _union(n, pairs, titles, extra[at], covering_titles[at])
        low = high


def _blocked(reps: Sequence[EntryFeatures], workers: int) -> tuple[np.ndarray, RowTexts]:
    """The blocked pairs, and the representatives' texts that every part's titles read (numbered once, not once
    per part: ~0.07 CPU-s a time at 100,000 rows under load)."""
    return candidate_pairs(reps, workers=workers)[0], RowTexts.of(reps)


def _blocked_part(
    reps: Sequence[EntryFeatures], blocked: tuple[np.ndarray, RowTexts], part: int, parts: int, workers: int,
    floor: float | None, rows: GateRows | None,
) -> tuple[int, np.ndarray, np.ndarray]:  # fmt: skip
    """The `part`-th of `parts` ranges of the blocked pairs (in (i, j) order), past the gates when a `floor` is
    given, with their titles, and the code i·n + j where the range ends (exclusive; n² for the last)."""
    pairs, texts = blocked
    n = len(reps)
    start, stop = len(pairs) * part // parts, len(pairs) * (part + 1) // parts
    high = int(pairs[stop, 0]) * n + int(pairs[stop, 1]) if stop < len(pairs) else n * n
    pairs = pairs[start:stop]
    if floor is None:
        return high, pairs, title_similarities(reps, pairs, workers=workers, rows=texts)
    wanted, titles = gated_titles(reps, pairs, floor, workers, rows, texts)
    return high, pairs[wanted], titles


def _union(
    n: int, pairs: np.ndarray, titles: np.ndarray, extra: np.ndarray, extra_titles: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The blocked `pairs` and the covering pairs (`extra`, as codes i·n + j) of one range, in (i, j) order, with
    their titles and whether each is covering."""
    if not len(extra):
        return pairs, titles, np.zeros(len(pairs), dtype=bool)
    # The union in (i, j) order as codes i·n + j (i < j < n), the order candidate_pairs gives too (np.unique
    # (axis=0) gave it as well, but took ~0.3 CPU-s at 100,000 rows to sort rows).
    blocked = pairs[:, 0] * n + pairs[:, 1]
    codes = _unique(np.concatenate([blocked, extra]))
    # Both code arrays are sorted and distinct: membership by searchsorted (np.isin took ~0.2 CPU-s a call).
    fresh = np.ones(len(extra), dtype=bool)
    if len(blocked):
        at = np.minimum(np.searchsorted(blocked, extra), len(blocked) - 1)
        fresh = blocked[at] != extra
    merged = np.empty(len(codes), dtype=titles.dtype)
    merged[np.searchsorted(codes, blocked)] = titles
    merged[np.searchsorted(codes, extra[fresh])] = extra_titles[fresh]
    covers = np.zeros(len(codes), dtype=bool)
    covers[np.searchsorted(codes, extra)] = True
    return np.stack([codes // n, codes % n], axis=1), merged, covers


def _covering(reps: Sequence[EntryFeatures], workers: int) -> tuple[np.ndarray, np.ndarray]:
    """The covering pairs (covering_pairs, as an (n, 2) array in (i, j) order) and their title similarities."""
    covering = np.array(sorted(covering_pairs(reps)), dtype=np.int64).reshape(-1, 2)
    return covering, title_similarities(reps, covering, workers=workers)


def _score_kept(
    reps: Sequence[EntryFeatures], pairs: np.ndarray, titles: np.ndarray, floor: float, rows: GateRows
) -> list[tuple[int, int, float, list[str]]]:
    """The concept scores of the pairs past the title gate that reach the floor, with their reasons, in
    the pairs' order. The pairs whose bound (`concept_may_reach`) is under the floor are set aside all at
    once, ~5 in 6 at 100,000 rows, and the rest are scored without their reasons (matching/conceptgate.py);
    reasons are written for the kept ones only (~3 % of them)."""
    bonus = description_bonuses(reps, pairs)  # both gates add it: computed once
    reach = concept_may_reach_many(reps, pairs, titles, floor, rows, bonus)
    pairs, titles, bonus = pairs[reach], titles[reach], bonus[reach]
    reach = concept_may_reach_by_words(reps, pairs, titles, floor, rows, bonus)
    pairs, titles = pairs[reach], titles[reach]
    scored: list[tuple[int, int, float, list[str]]] = []
    concepts = concept_scores_many(reps, pairs, titles)
    for (i, j), title, concept in zip(pairs.tolist(), titles.tolist(), concepts, strict=True):
        if concept >= floor:
            result = score_pair(reps[i], reps[j], title)
            scored.append((i, j, result.concept, result.reasons))
    return scored


def keep_concept_ids(concepts: Mapping[str, str], previous: Mapping[str, str]) -> dict[str, str]:
    """``concepts`` (entry key → concept id) with each concept renamed to the previous run's id most of
    its entries had, as dataset ids are kept: adding a commune's plan does not rename "Dữ liệu hộ nghèo".

    Larger concepts choose first; a previous id goes to one concept only (a concept that split keeps
    its id on the part holding most of its entries); a concept none of whose entries had one keeps its
    derived id, unless a renamed concept took it.
    """
    if not previous:  # a first run: every concept keeps its derived id (the steps below give the same, tested)
        return dict(concepts)
    members: dict[str, list[str]] = defaultdict(list)
    for key, concept in concepts.items():
        members[concept].append(key)
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for concept in sorted(members, key=lambda c: (-len(members[c]), c)):
        votes = Counter(previous[key] for key in members[concept] if key in previous)
        old = next((cid for cid, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0])) if cid not in taken), None)
        if old is not None:
            renamed[concept] = old
            taken.add(old)
    for concept in sorted(members):
        if concept in renamed:
            continue
        fresh, suffix = concept, 0
        while fresh in taken:
            suffix += 1
            fresh = "cc-" + dataset_id_for(f"{concept}#{suffix}").removeprefix("ds-")
        renamed[concept] = fresh
        taken.add(fresh)
    return {key: renamed[concept] for key, concept in concepts.items()}
