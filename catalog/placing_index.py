"""What placing rows reads of the stored result, kept between the transactions of one run.

Placing a row reads the exemplars its rarest words are posted under (match_postings), the datasets
those rows are in, and the exemplars of those datasets (dataset_members). At 10,000 documents
that was ~15 ms a row in SQL, mostly a self-join of the members of ~1,000 candidates' datasets,
and the rows of a document, and similar documents, ask for mostly the same tokens and datasets.
So what was read is kept, in memory, for the rest of the run.

It stays true because while rows are placed only the placing itself writes postings, members,
exemplar marks and member positions (one reconciliation at a time holds the store's lock; uploads
add documents, not results), and the Matcher records its own writes here as it makes them
(`posted`, `joined`). Between two transactions of a run another run may have taken the lock
(PostgreSQL's advisory lock is a transaction's): whatever it did moved the stored counters, so
the index is dropped whenever they differ from those the run left (`check`). Only a key's
dataset is kept, never that a key has none: a row not placed yet may join one later.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from catalog.incremental_parents import TitleSearch
from catalog.incremental_state import (
    CONCEPT_REPS,
    DATASETS_OF,
    DECISIONS,
    EXEMPLARS_OF,
    EXEMPLARS_OF_SQLITE,
    PLACING_ROWS,
    PLACING_SEQ,
    POSTINGS,
    ROWS,
    SEQ,
    _state,
)
from catalog.models import ReconcileRunRow
from matching.placement import StoredRow, sorted_folded

WILDCARD = "*"
MAX_POSTINGS = 2_000_000  # postings kept at most (a cache, not the index): then it starts again
# Members' datasets kept at most: a run placing a whole archive records every row it places, and at
# 100,000 documents (5 million rows) that alone would pass the 1 GiB a process may hold (issue 13).
MAX_MEMBERS = 1_000_000
MAX_FOLDED = 200_000  # prefilter texts kept at most (matching.placement's own cache is that size)
POSTINGS_OF = select(POSTINGS.token, POSTINGS.scope, POSTINGS.entry_key).where(
    POSTINGS.token.in_(bindparam("tokens", expanding=True))
)


def fingerprint(session: Session) -> tuple[int, ...]:
    """The counters every run that changes the result moves: rows placed or removed, documents
    started, the document placed in part and how far, decisions applied, runs ended."""
    runs = session.scalar(select(func.max(ReconcileRunRow.id))) or 0
    return (*(_state(session, name) for name in (SEQ, ROWS, PLACING_SEQ, PLACING_ROWS, DECISIONS)), runs)


@dataclass
class PlacingIndex:
    fingerprint: tuple[int, ...] = ()
    postings: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # token -> scope -> keys
    posting_rows: int = 0
    dataset_of: dict[str, str] = field(default_factory=dict)  # member -> its dataset
    exemplars: dict[str, list[str]] = field(default_factory=dict)  # dataset -> its exemplars, sorted
    next_position: dict[str, int] = field(default_factory=dict)  # dataset -> its next member's position
    posting_counts: dict[str, int] = field(default_factory=dict)  # Terms("p") of the run's matchers
    posting_counts_stored: set[str] = field(default_factory=set)
    concept_reps: dict[str, bool] = field(default_factory=dict)  # key -> a concept representative or not
    # key -> placement.sorted_folded of its stored row, the prefilter's text: a row's candidates are 30-60
    # posted keys, more as the archive grows, and most recur from row to row (a key's row never changes).
    folded: dict[str, str] = field(default_factory=dict)
    titles: TitleSearch = field(default_factory=TitleSearch)  # parents by title (catalog.incremental_parents)

    def check(self, now: tuple[int, ...]) -> None:
        """Drop everything unless the store is as this run's last transaction left it and the index is small."""
        if now != self.fingerprint or max(len(self.dataset_of), len(self.concept_reps)) > MAX_MEMBERS:
            self.clear()
            self.fingerprint = now

    def clear(self) -> None:
        self.postings.clear()
        self.posting_rows = 0
        self.dataset_of.clear()
        self.exemplars.clear()
        self.next_position.clear()
        self.posting_counts.clear()
        self.posting_counts_stored.clear()
        self.concept_reps.clear()
        self.folded.clear()
        self.titles.clear()

    # ------------------------------------------------------------ postings

    def posted(self, db: Connection, tokens: Sequence[str], scopes: Sequence[str] | None) -> list[str]:
        """Keys posted under any of `tokens` (in one of `scopes`), sorted: POSTED / POSTED_IN_SCOPE."""
        postings = self._postings(db, tokens)
        return sorted(set().union(*(_keys(postings[t], scopes) for t in tokens)))

    def posted_under_both(self, db: Connection, pair: Sequence[str], scopes: Sequence[str] | None) -> list[str]:
        """Keys posted under both words of `pair` (in one of `scopes`), sorted."""
        postings = self._postings(db, pair)
        first, second = (set(_keys(postings[t], scopes)) for t in pair)
        return sorted(first & second)

    def add_postings(self, tokens: Iterable[str], scope: str, key: str) -> None:
        """The Matcher posted `key` under `tokens` (already written)."""
        for token in tokens:
            found = self.postings.get(token)
            if found is not None:
                found.setdefault(scope, []).append(key)
                self.posting_rows += 1

    def _postings(self, db: Connection, tokens: Sequence[str]) -> dict[str, dict[str, list[str]]]:
        missing = sorted({t for t in tokens if t not in self.postings})
        if missing and self.posting_rows > MAX_POSTINGS:
            self.postings.clear()
            self.posting_rows = 0
            missing = sorted(set(tokens))
        for token in missing:
            self.postings[token] = {}
        for start in range(0, len(missing), 500):
            for token, scope, key in db.execute(POSTINGS_OF, {"tokens": missing[start : start + 500]}):
                self.postings[token].setdefault(scope, []).append(key)
                self.posting_rows += 1
        return {t: self.postings[t] for t in tokens}

    def prefilter_texts(
        self, keys: Sequence[str], rows: Callable[[list[str]], Mapping[str, StoredRow]]
    ) -> dict[str, str]:
        """Key -> its prefilter text, for `keys` whose rows are stored (others absent); `rows` reads rows."""
        folded = self.folded
        missing = [k for k in keys if k not in folded]
        if missing:
            if len(folded) > MAX_FOLDED:
                folded.clear()
                missing = list(keys)
            for key, row in rows(missing).items():
                folded[key] = sorted_folded(row)
        return folded

    # ------------------------------------------------------------ concept representatives

    def concept_reps_among(self, db: Connection, keys: Sequence[str]) -> set[str]:
        """The concept representatives among `keys` (match_entries.concept_rep): CONCEPT_REPS.

        Only the Matcher's concept search marks a row so while rows are placed (`made_concept_rep`);
        a new dataset's search read ~1,000 keys in any scope, mostly the same ones again.
        """
        missing = [k for k in keys if k not in self.concept_reps]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = set(db.scalars(CONCEPT_REPS, {"keys": chunk}))
            self.concept_reps.update((k, k in found) for k in chunk)
        return {k for k in keys if self.concept_reps[k]}

    def made_concept_rep(self, key: str) -> None:
        """The Matcher marked `key` as its concept's representative (already written)."""
        self.concept_reps[key] = True

    # ------------------------------------------------------------ members and exemplars

    def exemplars_near(self, db: Connection, keys: Sequence[str], must: str) -> dict[str, list[str]]:
        """Dataset -> its exemplars (sorted), for the datasets of `keys` and `must`: EXEMPLARS_NEAR."""
        missing = [k for k in keys if k not in self.dataset_of]
        for start in range(0, len(missing), 500):
            self.dataset_of.update(db.execute(DATASETS_OF, {"keys": missing[start : start + 500]}).all())
        datasets = {self.dataset_of[k] for k in keys if k in self.dataset_of}
        if must:
            datasets.add(must)
        self._load_exemplars(db, datasets)
        return {d: list(self.exemplars[d]) for d in datasets if self.exemplars[d]}

    def joined(self, key: str, dataset: str, exemplar: bool) -> None:
        """The Matcher made `key` a member (and maybe an exemplar) of `dataset` (already written)."""
        self.dataset_of[key] = dataset
        known = self.exemplars.get(dataset)
        if exemplar and known is not None:
            bisect.insort(known, key)

    def position(self, dataset: str, last: Callable[[], int | None]) -> int:
        """The next member position of `dataset`; `last` reads the highest stored one."""
        if dataset not in self.next_position:
            highest = last()
            self.next_position[dataset] = 0 if highest is None else highest + 1
        position = self.next_position[dataset]
        self.next_position[dataset] = position + 1
        return position

    def _load_exemplars(self, db: Connection, datasets: Iterable[str]) -> None:
        wanted = sorted(d for d in datasets if d not in self.exemplars)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for dataset in chunk:
                self.exemplars[dataset] = []
            statement = EXEMPLARS_OF_SQLITE if db.dialect.name == "sqlite" else EXEMPLARS_OF
            for key, dataset in db.execute(statement, {"datasets": chunk}):
                self.exemplars[dataset].append(key)  # ordered by key


def _keys(by_scope: dict[str, list[str]], scopes: Sequence[str] | None) -> Iterable[str]:
    """The keys of one token's postings in `scopes` (None: any)."""
    if scopes is None:
        return [key for keys in by_scope.values() for key in keys]
    return [key for scope in set(scopes) for key in by_scope.get(scope, ())]
