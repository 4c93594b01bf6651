"""The Matcher's concept search: the concept a row's new dataset joins (catalog.incremental).

A dataset made by a row gets the concept of the row's wording when another dataset has it, else the
concept of the most alike representative wording in any scope (at the concept threshold), else a
concept of its own. Representatives are found as rows are for placing (`_candidates`), and by the
items of their titles when one title lists the other's (matching/coverage.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Connection

from catalog.incremental_state import (
    ADD_WORDING,
    CONCEPT_OF_MEMBER,
    CONCEPT_OF_WORDING,
    MARK_CONCEPT_REP,
    SET_CONCEPT,
    Terms,
)
from catalog.placing_index import PlacingIndex
from matching.compare import CONCEPT_MAX_BONUS, concept_upper_bound, score_pair, title_similarity
from matching.coverage import COVERED_TITLE, COVERING_BLOCK, covering, title_items
from matching.features import EntryFeatures
from matching.placement import Specificity, StoredRow, features_of, text_of, wording
from matching.text import fold
from matching.titlesim import titles_against

GATE_SLACK = 1e-3  # the gate's float32 titles may differ from title_similarity's in the last digits


class ConceptSearch:
    """What the Matcher does for the concept of a dataset a row has just made."""

    db: Connection
    postings: Terms
    index: PlacingIndex
    concept_threshold: float

    def _candidates(self, row: StoredRow, scope: str) -> list[str]:
        raise NotImplementedError

    def _stored_rows(self, keys: Sequence[str]) -> dict[str, StoredRow]:
        raise NotImplementedError

    def _concept(self, row: StoredRow, dataset: str, idf: Specificity,
                 numbered: Counter[tuple[int, str, str]]) -> None:  # fmt: skip
        db = self.db
        words = wording(row)
        if row.number and numbered[(row.table, row.group, row.number)] > 1:
            words = f"{words}#{row.key}"  # sub-rows of one numbered item: never one wording (concepts.py)
        concept = CONCEPT_OF_WORDING.scalar(db, {"w": words})
        if concept is None:
            concept = self._similar_concept(row, idf) or "cc-" + dataset.removeprefix("ds-")
            ADD_WORDING.run(db, {"wording": words, "concept_id": concept})
            MARK_CONCEPT_REP.run(db, {"k": row.key})
            self.index.made_concept_rep(row.key)
        SET_CONCEPT.run(db, {"d": dataset, "c": concept})

    def _similar_concept(self, row: StoredRow, idf: Specificity) -> str:
        """The concept of the most alike wording elsewhere (any scope), at the concept threshold."""
        reps = self._concept_reps(row)
        if not reps:
            return ""
        best, best_key = self._most_alike(row, idf, self._stored_rows(sorted(reps)))
        if best < self.concept_threshold:
            return ""
        return CONCEPT_OF_MEMBER.scalar(self.db, {"k": best_key}) or ""

    def _concept_reps(self, row: StoredRow) -> set[str]:
        """The concept representatives among the row's candidates in any scope and the rows its title
        covers or is covered by (the row itself aside)."""
        found = [k for k in self._candidates(row, "*") if k != row.key]
        seen = set(found)
        found += [k for k in self._covering_candidates(row) if k != row.key and k not in seen]
        return self.index.concept_reps_among(self.db, found)

    def _most_alike(self, row: StoredRow, idf: Specificity, stored: dict[str, StoredRow]) -> tuple[float, str]:
        """The best concept score among the ``stored`` representatives and its key (the least on ties).

        Representatives are scored best title first and the search stops once no title left can
        reach the best so far: a concept score is at most its title plus CONCEPT_MAX_BONUS, so the
        answer is the one an exhaustive search gives, without scoring thousands of alike rows.
        """
        keys = sorted(stored)
        mine = features_of(row, 0, idf)
        gate = _concept_gates(row, mine, [stored[k] for k in keys], idf)
        best, best_key = 0.0, ""
        for rough, key in sorted(zip(gate, keys, strict=True), key=lambda pair: (-pair[0], pair[1])):
            if rough + CONCEPT_MAX_BONUS + GATE_SLACK < max(best, self.concept_threshold):
                break
            other = features_of(stored[key], 1, idf)
            title = title_similarity(other.text, mine.text)
            if concept_upper_bound(other, mine, title) + GATE_SLACK < max(best, self.concept_threshold):
                continue
            score = score_pair(other, mine, title).concept
            if score > best or (score == best and key < best_key):
                best, best_key = score, key
        return best, best_key

    def _covering_candidates(self, row: StoredRow) -> list[str]:
        """Stored rows whose title may list every item of this one's, or whose items this one lists.

        The word-ratio prefilter of `_candidates` drops a short title against a long list
        (matching/coverage.py). When one title covers the other, each item of the covered title is an
        item of both, so looking each item up by its rarest word finds the pair whichever arrived first.
        Items whose rarest word is posted more than COVERING_BLOCK times are not looked up.
        """
        items = [[fold(w) for w in item if len(w) > 1] for item in title_items(row.title).items]
        postings = self.postings.get(w for item in items for w in item)
        lookup = set()
        for item in items:
            ranked = sorted((w for w in item if postings.get(w)), key=lambda w: (postings[w], w))
            if ranked and postings[ranked[0]] <= COVERING_BLOCK:
                lookup.add(ranked[0])
        if not lookup:
            return []
        return self.index.posted(self.db, sorted(lookup), None)  # POSTED, as placing reads it



def _concept_gates(row: StoredRow, mine: EntryFeatures, others: Sequence[StoredRow], idf: Specificity) -> list[float]:
    """Each other row's rough title similarity to ``row``: the most its concept score can owe its title.

    A title listing the other's items scores COVERED_TITLE at the concept level whatever its word
    overlap (matching/coverage.py): its gate is that, so the early stop of `_most_alike` stays exact.
    """
    gate = titles_against(text_of(row), [text_of(other) for other in others]).tolist()
    return [
        max(rough, COVERED_TITLE) if rough < COVERED_TITLE and covering(mine, features_of(other, 1, idf))
        else rough
        for rough, other in zip(gate, others, strict=True)
    ]  # fmt: skip
