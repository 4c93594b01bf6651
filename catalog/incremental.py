"""Incremental reconciliation in the store: only the documents not matched yet, written as a diff.

Each document not matched yet is read once (its Document JSON, one at a time), its facts for
matching are stored (match_documents, match_entries, match_citations), and each of its rows is
placed by matching.placement among the exemplars the blocking index (match_postings) finds.
Datasets, members and links are only ever added to or updated where they change; flags are
recomputed only for the documents, datasets and số hiệu that changed.

A full rebuild is the same procedure from an empty result over every current document in the
order they were added, so adding A then B gives what a rebuild over A and B gives.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from catalog import incremental_rows
from catalog.incremental_concepts import ConceptSearch
from catalog.incremental_datasets import DatasetUpkeep
from catalog.incremental_flags import FlagWriter
from catalog.incremental_state import (
    ADD_DATASET,
    ADD_LINKS,
    ADD_LOCALITY,
    ADD_MEMBER,
    ADD_POSTINGS,
    DATASETS_OF,
    DOCUMENT_DATASETS,
    GROW,
    HEAD_EXISTS,
    LAST_POSITION,
    LOCALITY_KNOWN,
    MARK_EXEMPLAR,
    ONE_MORE_DOCUMENT,
    ROWS,
    SEQ,
    STORED_ROWS,
    Placing,
    RunCounts,
    Terms,
    Values,
    _set_state,
    _state,
    _table,
)
from catalog.models import (
    DatasetMemberRow,
    DatasetRow,
    FlagRow,
    LinkRow,
    MatchCitationRow,
    MatchDocumentRow,
    MatchEntryRow,
    MatchPostingRow,
)
from catalog.placing_index import PlacingIndex
from extract.model import Document
from matching.blocking import PREFILTER_CUTOFF, default_max_df
from matching.model import (
    ConfirmLink,
    Decision,
    DismissFlag,
    MergeDatasets,
    RejectLink,
    SetCanonical,
    SplitDataset,
    dataset_id_for,
)
from matching.placement import (
    LOOKUP_TOKENS,
    Candidate,
    ScoredLink,
    Specificity,
    StoredRow,
    becomes_exemplar,
    exemplar_text,
    features_of,
    idf_words,
    place,
    row_tokens,
    scope_key,
    sorted_folded,
)
from matching.reconcile import LINK_FLOOR
from matching.scope import document_scope

BATCH_DOCUMENTS = 50  # documents read per transaction at most: memory stays small
# A lookup word found in more exemplars than this (or matching.blocking's cut-off, if larger) is common:
# not used alone. matching.blocking's own floor (100) cost 0.3 points of recall on bench_matching's archive.
LOOKUP_MAX_DF = 1_000
MAX_CANDIDATES = 1_000  # exemplars looked at per row (best prefilter first), whatever its words
class Matcher(DatasetUpkeep, ConceptSearch):
    """One reconciliation pass inside a session (the caller owns the transaction and calls `finish`).

    Statements go through SQLAlchemy Core: the ORM's per-statement cost is larger than the work of
    placing a row. Counters (word counts, positions, sequence numbers) are read once and written
    back by `finish`.
    """

    def __init__(
        self,
        session: Session,
        *,
        threshold: float,
        concept_threshold: float,
        decisions: Sequence[Decision],
        cache: dict[str, StoredRow] | None = None,
        documents: dict[str, Document] | None = None,
    ) -> None:
        self.session = session
        self.db = session.connection()
        self.threshold = threshold
        self.floor = threshold - LINK_FLOOR
        self.concept_threshold = concept_threshold
        self.decisions = list(decisions)
        self.must: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> [(other, who)]
        self.cannot: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for decision in decisions:
            if isinstance(decision, ConfirmLink | RejectLink):
                target = self.must if isinstance(decision, ConfirmLink) else self.cannot
                target[decision.left].append((decision.right, decision.who))
                target[decision.right].append((decision.left, decision.who))
        self.flags = FlagWriter(session, decisions, documents)
        self._rows: dict[str, StoredRow] = {} if cache is None else cache
        self.words = Terms(session, "w")
        self.postings = Terms(session, "p")
        self.rows_total = _state(session, ROWS)
        self.seq = _state(session, SEQ)
        self.index = PlacingIndex()  # what placing read; placing.place_pending gives a run's own
        self.values = Values(session)
        self.recounted: set[str] = set()
        self.joined_sets: dict[str, Counter[frozenset[str]]] = defaultdict(Counter)
        self.only_placed = True  # see DatasetUpkeep._conflicts_unchanged
        self._started: set[int] = set()  # documents started by this transaction (their seq)
        self.open_documents: set[int] = set()  # rows placed, not ended yet

    def use_index(self, index: PlacingIndex) -> None:
        """Read through `index` (kept by the run between transactions; see catalog.placing_index)."""
        self.index = index
        self.flags.titles = index.titles
        self.postings.counts, self.postings.stored = index.posting_counts, index.posting_counts_stored

    def finish(self) -> None:
        self.values.flush()
        self.words.flush()
        self.postings.flush()
        _set_state(self.session, ROWS, self.rows_total)
        _set_state(self.session, SEQ, self.seq)

    # ------------------------------------------------------------ stored rows

    def _stored_rows(self, keys: Sequence[str]) -> dict[str, StoredRow]:
        missing = [k for k in keys if k not in self._rows]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = self.db.execute(STORED_ROWS, {"keys": chunk})
            for r in found:
                self._rows[r[0]] = StoredRow(
                    key=r[0], document=r[1], number=r[2], table=r[3], group=r[4], title=r[5], title_key=r[6],
                    description=r[7], unit_types=tuple(r[8]), unit_label=r[9], scope_level=r[10],
                    scope_province=r[11], unit=r[12],
                )  # fmt: skip
        if len(self._rows) > 100_000:  # a cache, not the archive: memory follows the work
            kept = {k: self._rows[k] for k in keys if k in self._rows}
            self._rows.clear()
            self._rows.update(kept)
        return {k: self._rows[k] for k in keys if k in self._rows}

    def _datasets_of(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            found.update(self.db.execute(DATASETS_OF, {"keys": list(keys[start : start + 500])}).all())
        return found

    # ------------------------------------------------------------ documents

    def start_document(self, document: Document) -> Placing:
        """Store a document's facts for matching and its rows in the index; its rows are placed next."""
        db = self.db
        self.seq += 1
        scope = document_scope(document)
        db.execute(insert(_table(MatchDocumentRow)), [incremental_rows.document_row(document, self.seq, scope)])
        self.flags.files_changed()
        dated = incremental_rows.citations(document)
        if dated:
            db.execute(insert(_table(MatchCitationRow)), dated)
        stored = incremental_rows.stored_rows(document, scope)
        if stored:
            db.execute(insert(_table(MatchEntryRow)), [
                {"key": r.key, "document_sha256": r.document, "unit_types": list(r.unit_types),
                 "unit_label": r.unit_label, "exemplar": False, "concept_rep": False} for r in stored
            ])  # fmt: skip
        self.words.add([w for r in stored for w in idf_words(r)])
        self.rows_total += len(stored)
        self._record_locality(document)
        self._started.add(self.seq)
        return self.resume_document(document, self.seq, 0, stored)

    def _record_locality(self, document: Document) -> None:
        """The document's locality row, as concepts_store.record_localities writes it for a document with
        catalog rows and none yet: here from the Document just parsed. The run's last step read every new
        document's JSON again for it (~3 ms each, on the ingest's one-core tail); it now finds none missing."""
        if not document.catalog or LOCALITY_KNOWN.scalar(self.db, {"s": document.sha256}) is not None:
            return
        from nlp.document import document_locality  # what record_localities reads: the metadata only

        ADD_LOCALITY.run(self.db, [{"sha256": document.sha256, "locality": document_locality(document)}])

    def resume_document(self, document: Document, seq: int, placed: int,
                        stored: list[StoredRow] | None = None) -> Placing:  # fmt: skip
        """A document whose facts are stored, `placed` of its rows placed (by an earlier transaction)."""
        if stored is None:
            stored = incremental_rows.stored_rows(document, document_scope(document))
        for r in stored:
            self._rows[r.key] = r
        # The same specificities whichever transaction places a row: the document's words were
        # counted in when it started, and only a reconciliation (one at a time) changes the counts.
        idf = Specificity(self.words.get([w for r in stored for w in idf_words(r)]), self.rows_total)
        numbered = Counter((r.table, r.group, r.number) for r in stored if r.number)
        return Placing(document, seq, stored, idf, numbered, placed)

    def place_rows(self, placing: Placing, counts: RunCounts, until: float) -> None:
        """Place the document's next rows, at least one, until `until` (time.monotonic) or its last row."""
        joined: Counter[str] = Counter()
        links: list[dict[str, object]] = []  # written together: nothing reads links while rows are placed
        if placing.seq not in self._started:
            self.only_placed = False  # rows an earlier transaction placed: flags stored then saw them
        self.open_documents.add(placing.seq)
        first = placing.placed
        for index in range(first, len(placing.rows)):
            if index > first and time.monotonic() >= until:
                break
            joined[self._place(placing.rows[index], placing.idf, placing.numbered, counts, links)] += 1
            placing.placed = index + 1
        if links:
            self.db.execute(ADD_LINKS, links)
        if joined:
            GROW.run(self.db, [{"d": d, "n": n} for d, n in joined.items()])

    def end_document(self, placing: Placing, counts: RunCounts) -> None:
        """After its last row: the unit types each dataset took from the document, and its flags."""
        document = placing.document
        types: dict[str, set[str]] = defaultdict(set)
        for dataset, unit_types, size in self.db.execute(DOCUMENT_DATASETS, {"sha": document.sha256}):
            types[dataset] |= set(unit_types)
            if size > 1:  # a dataset this document's rows joined; refreshed once its unit types are in
                counts.touched.add(dataset)
        for dataset in sorted(types):
            if types[dataset]:
                self.values.add(dataset, "x", ",".join(sorted(types[dataset])))
                self.joined_sets[dataset][frozenset(types[dataset])] += 1
        if types:
            ONE_MORE_DOCUMENT.run(self.db, [{"d": d} for d in sorted(types)])
        counts.entries += len(placing.rows)
        counts.documents += 1
        self.flags.document(document, placing.seq)
        self.open_documents.discard(placing.seq)
        if not self.flags.alone(document.sha256):
            self.only_placed = False  # another rendering's flags may have gone or come
        self.flags.citations({str(c["key"]) for c in incremental_rows.citations(document)}, newcomer=document.sha256)
        self.flags.parent_of(document.sha256, document)
        self.flags.children_of(document.sha256)

    def _candidates(self, row: StoredRow, scope: str) -> list[str]:
        tokens = row_tokens(row)
        if not tokens:
            return []
        postings = self.postings.get(tokens)
        ranked = sorted((t for t in tokens if postings.get(t)), key=lambda t: (postings[t], t))
        if not ranked:
            return []
        # As matching.blocking keys a row: by its rarest words that are not common; a row whose words
        # are all common is found by its two rarest together. A common word alone would make every
        # row a candidate of every other, and the work per row grow with the archive.
        common = max(default_max_df(self.rows_total), LOOKUP_MAX_DF)
        usable = [t for t in ranked if postings[t] <= common][:LOOKUP_TOKENS]
        scopes = None if scope == "*" else [scope, "*"]
        if usable or len(ranked) == 1:
            keys = self.index.posted(self.db, usable or ranked, scopes)
        else:
            keys = self.index.posted_under_both(self.db, ranked[:2], scopes)
        if not keys:
            return []
        folded = self.index.prefilter_texts(keys, self._stored_rows)
        keys = [k for k in keys if k in folded]
        # The cheap prefilter of matching.blocking, so a common word does not mean thousands of comparisons.
        scores = process.cdist(
            [sorted_folded(row)], [folded[k] for k in keys], scorer=fuzz.ratio,
            score_cutoff=PREFILTER_CUTOFF, dtype=np.uint8,
        )[0]  # fmt: skip
        order = np.argsort(-scores.astype(np.int16), kind="stable")[:MAX_CANDIDATES]
        return [keys[i] for i in order if scores[i] > 0]

    def _position(self, dataset: str) -> int:
        return self.index.position(dataset, lambda: LAST_POSITION.scalar(self.db, {"d": dataset}))

    def _place(self, row: StoredRow, idf: Specificity, numbered: Counter[tuple[int, str, str]],
               counts: RunCounts, links: list[dict[str, object]]) -> str:  # fmt: skip
        scope = scope_key(row.scope_level, row.scope_province)
        found = self._candidates(row, scope)
        reviewed, must, cannot = self._reviewed(row)
        exemplars = self._exemplars_near(found, must)
        keys = sorted({k for ks in exemplars.values() for k in ks})
        stored = self._stored_rows(keys)
        dataset_of = {k: d for d, ks in exemplars.items() for k in ks}
        candidates = [
            Candidate(stored[k], dataset_of[k], 0 if stored[k].document == row.document else 1)
            for k in keys if k in stored
        ]  # fmt: skip
        feature = features_of(row, 0, idf)
        placed = place(feature, candidates, idf, self.threshold, self.floor,
                       cannot=cannot, must=must)  # fmt: skip
        fresh = not placed.dataset
        dataset = self._new_dataset(row) if fresh else placed.dataset
        position = self._position(dataset)
        exemplar = fresh or becomes_exemplar(
            row, [exemplar_text(stored[k]) for k in exemplars.get(dataset, []) if k in stored]
        )
        # The member row is written marked (0011_member_exemplars) instead of marked by an update after.
        ADD_MEMBER.run(self.db, {"entry_key": row.key, "dataset_id": dataset, "position": position,
                                 "exemplar": exemplar})  # fmt: skip
        self.values.add(dataset, "t", row.title, position)
        self.values.add(dataset, "u", row.unit, position)
        if fresh:
            counts.created.add(dataset)
        else:
            counts.touched.add(dataset)
        self.index.joined(row.key, dataset, exemplar)
        if exemplar:
            self._make_exemplar(row, scope)
        links += self._links(row, dataset, placed.links, reviewed)
        if fresh:
            self._concept(row, dataset, idf, numbered)
        return dataset

    def _reviewed(self, row: StoredRow) -> tuple[dict[str, str], str, set[str]]:
        """Reviewers' links of the row: other row -> who decided, the dataset a confirmed link puts
        it in ("" for none), and the datasets rejected links keep it out of."""
        must_pairs = list(self.must.get(row.key, []))
        cannot_pairs = list(self.cannot.get(row.key, []))
        must_ds = self._datasets_of([o for o, _ in must_pairs]) if must_pairs else {}
        cannot_ds = self._datasets_of([o for o, _ in cannot_pairs]) if cannot_pairs else {}
        must = next((must_ds[o] for o, _ in must_pairs if o in must_ds), "")
        return dict(must_pairs + cannot_pairs), must, set(cannot_ds.values())

    def _exemplars_near(self, found: list[str], must: str) -> dict[str, list[str]]:
        """Dataset -> its exemplars among the candidate rows ``found`` (and those of the dataset a
        reviewer's link says the row must join), each list sorted."""
        return self.index.exemplars_near(self.db, found, must)

    def _new_dataset(self, row: StoredRow) -> str:
        """A dataset of the row alone, its id from the row's key (another if a dataset has that id)."""
        db = self.db
        dataset = dataset_id_for(row.key)
        if HEAD_EXISTS.scalar(db, {"d": dataset}) is not None:
            dataset = dataset_id_for(f"{row.key}#split")
        # Written complete: a dataset of one row needs no refresh unless another row joins it.
        ADD_DATASET.run(db, {
            "id": dataset, "origin": row.key, "title": row.title, "unit": row.unit, "member_count": 0,
            "document_count": 0, "canonical_title": "", "canonical_unit": "", "concept_id": ""})  # fmt: skip
        self.index.next_position[dataset] = 0
        return dataset

    def _make_exemplar(self, row: StoredRow, scope: str) -> None:
        """The row stands for its dataset (its member row is written marked): it is marked so and its
        words are posted for lookup."""
        MARK_EXEMPLAR.run(self.db, {"k": row.key})
        tokens = row_tokens(row)
        if tokens:
            ADD_POSTINGS.run(self.db, [{"token": t, "scope": scope, "entry_key": row.key} for t in tokens])
            self.postings.add(tokens)
            self.index.add_postings(tokens, scope, row.key)

    def _links(self, row: StoredRow, dataset: str, links: Sequence[ScoredLink],
               forced: dict[str, str]) -> list[dict[str, object]]:  # fmt: skip
        """The row's links as placement kept them, accepted where they point into its dataset; a
        reviewer's (``forced``: other row -> who) are marked with who decided."""
        return [
            {"left_key": min(link.other, row.key), "right_key": max(link.other, row.key), "score": link.score,
             "reasons": link.reasons, "accepted": link.dataset == dataset,
             "decided_by": forced.get(link.other, "auto")}
            for link in links
        ]  # fmt: skip

    # ------------------------------------------------------------ removal

    def remove_document(self, sha256: str, counts: RunCounts) -> None:
        """A document no longer current leaves the result: its members, links, index and flags."""
        session = self.session
        self.only_placed = False
        self.flags.titles.clear()  # documents join the parent search's order only at its end: not so now
        keys = list(session.scalars(select(MatchEntryRow.key).where(MatchEntryRow.document_sha256 == sha256)))
        rows_before = self._stored_rows(keys)
        touched = set(self._datasets_of(keys).values())
        cited = set(session.scalars(select(MatchCitationRow.key).where(MatchCitationRow.document_sha256 == sha256)))
        children = self.flags.orphans_of(sha256)
        secondaries = self.flags.secondaries_of(sha256)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            tokens = list(session.scalars(
                select(MatchPostingRow.token).where(MatchPostingRow.entry_key.in_(chunk))
            ))  # fmt: skip
            self.postings.add(tokens, step=-1)
            for column in (LinkRow.left_key, LinkRow.right_key, MatchPostingRow.entry_key,
                           DatasetMemberRow.entry_key, MatchEntryRow.key):  # fmt: skip
                session.execute(delete(column.class_).where(column.in_(chunk)))
        session.execute(delete(FlagRow).where(FlagRow.document_sha256 == sha256))
        session.execute(delete(MatchCitationRow).where(MatchCitationRow.document_sha256 == sha256))
        session.execute(delete(MatchDocumentRow).where(MatchDocumentRow.sha256 == sha256))
        self.flags.files_changed()
        self.rows_total -= len(keys)
        words = [w for k in keys if k in rows_before for w in idf_words(rows_before[k])]
        self.words.add(words, step=-1)
        self.recount(touched)
        counts.touched |= touched
        counts.removed += 1
        self.flags.citations(cited)
        for child in children:
            self.flags.parent_of(child)
        for promoted in self.flags.promoted(secondaries):
            # Its datasets' unit conflicts are recomputed with it as the document's rendering.
            entries = list(session.scalars(select(MatchEntryRow.key).where(MatchEntryRow.document_sha256 == promoted)))
            counts.touched |= set(self._datasets_of(entries).values())

    # ------------------------------------------------------------ decisions

    def apply(self, decisions: Sequence[Decision], counts: RunCounts) -> None:
        """Reviewers' decisions on the stored result, in time order, as matching.decisions applies them."""
        from matching.decisions import _in_time_order

        session = self.session
        self.only_placed = False
        for decision in _in_time_order(decisions):
            counts.decisions += 1
            if isinstance(decision, ConfirmLink | RejectLink):
                self._apply_link(decision, counts)
            elif isinstance(decision, MergeDatasets):
                present = [d for d in decision.dataset_ids if self._members(d)]
                for other in present[1:]:
                    self._move(self._members(other), present[0], counts)
            elif isinstance(decision, SplitDataset):
                self._apply_split(decision, counts)
            elif isinstance(decision, SetCanonical):
                session.execute(update(DatasetRow).where(DatasetRow.id == decision.dataset_id).values(
                    canonical_title=decision.title, canonical_unit=decision.unit))  # fmt: skip
                counts.touched.add(decision.dataset_id)
            elif isinstance(decision, DismissFlag):
                self.flags.dismiss(decision)
        session.flush()

    def _apply_link(self, decision: ConfirmLink | RejectLink, counts: RunCounts) -> None:
        """A confirmed link brings the right row's dataset into the left's; a rejected one within one
        dataset moves the right row out to a dataset of its own."""
        found = self._datasets_of([decision.left, decision.right])
        if len(found) < 2:
            return
        self._decided(decision.left, decision.right, decision.who)
        left, right = found[decision.left], found[decision.right]
        if isinstance(decision, ConfirmLink) and left != right:
            self._move(self._members(right), left, counts)
        elif isinstance(decision, RejectLink) and left == right:
            self._move([decision.right], self._fresh_id(decision.right), counts)

    def _apply_split(self, decision: SplitDataset, counts: RunCounts) -> None:
        """The named members leave the dataset, unless the origin is among them: then the rest leave."""
        current = self._members(decision.dataset_id)
        moved = [k for k in current if k in set(decision.members)]
        rest = [k for k in current if k not in set(moved)]
        if moved and rest:
            origin = self.session.scalar(select(DatasetRow.origin).where(DatasetRow.id == decision.dataset_id))
            leaving = rest if origin in moved else moved
            self._move(leaving, self._fresh_id(leaving[0]), counts)

    def _decided(self, a: str, b: str, who: str) -> None:
        self.session.execute(
            update(LinkRow).where(LinkRow.left_key == min(a, b), LinkRow.right_key == max(a, b))
            .values(decided_by=who)
        )  # fmt: skip

    def _members(self, dataset: str) -> list[str]:
        return list(self.session.scalars(
            select(DatasetMemberRow.entry_key).where(DatasetMemberRow.dataset_id == dataset)
            .order_by(DatasetMemberRow.position)
        ))  # fmt: skip

    def _fresh_id(self, key: str) -> str:
        candidate = dataset_id_for(key)
        origin = self.session.scalar(select(DatasetRow.origin).where(DatasetRow.id == candidate))
        if origin is not None and origin != key:
            candidate = dataset_id_for(f"{key}#split")
        return candidate

    def _move(self, keys: Sequence[str], target: str, counts: RunCounts) -> None:
        session = self.session
        if not keys:
            return
        before = self._datasets_of(keys)
        counts.touched |= set(before.values()) | {target}
        counts.moved_documents |= {key.split(":", 1)[0] for key in keys}
        if session.get(DatasetRow, target) is None:
            concept = session.scalar(
                select(DatasetRow.concept_id).join(DatasetMemberRow, DatasetMemberRow.dataset_id == DatasetRow.id)
                .where(DatasetMemberRow.entry_key == keys[0])
            ) or ""  # fmt: skip
            session.add(DatasetRow(id=target, origin=keys[0], title="", unit="", member_count=0, document_count=0,
                                   canonical_title="", canonical_unit="", concept_id=concept))  # fmt: skip
            session.flush()
        start = session.scalar(select(func.max(DatasetMemberRow.position)).where(DatasetMemberRow.dataset_id == target))
        start = -1 if start is None else start
        for offset, key in enumerate(keys):
            session.execute(update(DatasetMemberRow).where(DatasetMemberRow.entry_key == key)
                            .values(dataset_id=target, position=start + 1 + offset))  # fmt: skip
        session.flush()
        self.recount(counts.touched & (set(before.values()) | {target}))
        self._relink(keys)

    def _relink(self, keys: Sequence[str]) -> None:
        """Links of moved rows: accepted exactly when both ends now share a dataset."""
        session = self.session
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            for column in (LinkRow.left_key, LinkRow.right_key):
                for link_id, left, right in session.execute(
                    select(LinkRow.id, LinkRow.left_key, LinkRow.right_key).where(column.in_(chunk))
                ):
                    both = self._datasets_of([left, right])
                    accepted = len(both) == 2 and both[left] == both[right]
                    session.execute(update(LinkRow).where(LinkRow.id == link_id).values(accepted=accepted))
