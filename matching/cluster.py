"""Clustering of scored links into datasets, with a guard against chaining and stable ids.

Plain connected components over links above the threshold chain near neighbours together
(A~B, B~C, so A and C end up one dataset although they are not alike). Links are therefore
merged best first, and two clusters only merge when their average linkage (mean score over
their members' pairs, sampled for big clusters) also clears the threshold.

Ids are stable: a cluster that existed in the previous run keeps its id; new entries may join
it, but two previous datasets never merge and a previous dataset never splits on their own —
only a reviewer's decision does that. A new dataset's id is derived from its earliest member's
entry key (earliest in input order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from matching.model import dataset_id_for

GUARD_SAMPLE = 6  # members per side used by the average-linkage guard


@dataclass(slots=True)
class _Cluster:
    members: list[int]
    fixed_id: str = ""  # the previous run's dataset id, when the cluster is one
    locked: bool = False


@dataclass
class Constraints:
    must: list[tuple[int, int]] = field(default_factory=list)
    cannot: list[tuple[int, int]] = field(default_factory=list)


def _sample(members: list[int]) -> list[int]:
    if len(members) <= GUARD_SAMPLE:
        return members
    step = len(members) / GUARD_SAMPLE
    return [members[int(i * step)] for i in range(GUARD_SAMPLE)]


def cluster_links(
    keys: Sequence[str],
    links: Iterable[tuple[int, int, float]],
    threshold: float,
    pair_score: Callable[[int, int], float],
    *,
    previous: Mapping[str, str] | None = None,
    constraints: Constraints | None = None,
) -> list[str]:
    """Dataset id per entry index."""
    constraints = constraints or Constraints()
    state = _Clustering.seeded(keys, previous or {}, constraints.cannot)
    for a, b in constraints.must:
        if state.owner[a] != state.owner[b]:
            state.merge(state.owner[a], state.owner[b])
    state.merge_best_first(links, threshold, pair_score)
    return _dataset_ids(keys, state.clusters)


@dataclass
class _Clustering:
    """The clusters being built, which cluster owns each entry, and the cannot-link pairs."""

    clusters: dict[int, _Cluster]
    owner: list[int]
    cannot: dict[int, set[int]]

    @classmethod
    def seeded(
        cls, keys: Sequence[str], previous: Mapping[str, str], cannot_pairs: Iterable[tuple[int, int]]
    ) -> _Clustering:
        """One cluster per entry, except that the entries of a previous dataset start together (locked)."""
        clusters: dict[int, _Cluster] = {}
        owner: list[int] = list(range(len(keys)))
        by_previous: dict[str, int] = {}
        for index, key in enumerate(keys):
            old = previous.get(key)
            if old is not None and old in by_previous:
                head = by_previous[old]
                clusters[head].members.append(index)
                owner[index] = head
                continue
            clusters[index] = _Cluster(members=[index], fixed_id=old or "", locked=old is not None)
            if old is not None:
                by_previous[old] = index
        cannot: dict[int, set[int]] = defaultdict(set)
        for a, b in cannot_pairs:
            cannot[a].add(b)
            cannot[b].add(a)
        return cls(clusters, owner, cannot)

    def blocked(self, ca: _Cluster, cb: _Cluster) -> bool:
        if not self.cannot:  # no reviewer's cannot-link (every batch run without decisions): nothing to test
            return False
        other = set(cb.members)
        return any(self.cannot[x] & other for x in ca.members if x in self.cannot)

    def merge(self, head_a: int, head_b: int) -> None:
        ca, cb = self.clusters[head_a], self.clusters[head_b]
        # Keep the previous id of the older cluster; the merged one inherits the lock.
        keep, drop = (head_a, head_b) if (ca.locked or not cb.locked) else (head_b, head_a)
        kept, gone = self.clusters[keep], self.clusters.pop(drop)
        for member in gone.members:
            self.owner[member] = keep
        kept.members.extend(gone.members)
        kept.locked = kept.locked or gone.locked
        kept.fixed_id = kept.fixed_id or gone.fixed_id

    def merge_best_first(
        self, links: Iterable[tuple[int, int, float]], threshold: float, pair_score: Callable[[int, int], float]
    ) -> None:
        """Merge along links above ``threshold``, best first, where the average-linkage guard allows."""
        # Best first, ties in the links' order (a stable sort, reversed as the sort reverses: stable too).
        ordered = sorted(links, key=itemgetter(2), reverse=True)
        cache = {((a, b) if a < b else (b, a)): score for a, b, score in ordered}
        for a, b, score in ordered:
            if score < threshold:
                break
            head_a, head_b = self.owner[a], self.owner[b]
            if head_a == head_b:
                continue
            ca, cb = self.clusters[head_a], self.clusters[head_b]
            if (ca.locked and cb.locked) or self.blocked(ca, cb):
                continue
            if (len(ca.members) > 1 or len(cb.members) > 1) and _average_link(ca, cb, cache, pair_score) < threshold:
                continue
            self.merge(head_a, head_b)


def _average_link(
    ca: _Cluster, cb: _Cluster, cache: dict[tuple[int, int], float], pair_score: Callable[[int, int], float]
) -> float:
    """Mean score over sampled member pairs of two clusters (scored on demand, remembered in ``cache``)."""
    scores = []
    others = _sample(cb.members)
    for x in _sample(ca.members):
        for y in others:
            pair = (x, y) if x < y else (y, x)
            score = cache.get(pair)
            if score is None:
                score = cache[pair] = pair_score(*pair)
            scores.append(score)
    return sum(scores) / len(scores)


def _dataset_ids(keys: Sequence[str], clusters: dict[int, _Cluster]) -> list[str]:
    """Each entry's dataset id: the previous one, else the first member's own unused id."""
    used = {c.fixed_id for c in clusters.values() if c.fixed_id}
    result = [""] * len(keys)
    for head in sorted(clusters, key=lambda h: min(clusters[h].members)):
        cluster = clusters[head]
        dataset_id = cluster.fixed_id
        if not dataset_id:
            for member in sorted(cluster.members):
                candidate = dataset_id_for(keys[member])
                if candidate not in used:
                    dataset_id = candidate
                    break
            # Every member's own id taken (split leftovers): derive a fresh one from the first.
            dataset_id = dataset_id or dataset_id_for(f"{keys[min(cluster.members)]}#{len(used)}")
            used.add(dataset_id)
        for member in cluster.members:
            result[member] = dataset_id
    return result
