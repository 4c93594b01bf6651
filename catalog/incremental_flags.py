"""Flags recomputed only where something changed: one document, one dataset, one số hiệu.

The rules are matching.flags'; what they read of other documents comes from store rows (entries,
match_documents, match_citations), and a document's parent is found by its indexed số hiệu (or
by title over the titles column), never by reading every Document. Each flag's position is its
document's matching order and its kind's rank, so an incremental run and a rebuild store the same
rows in the same order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Float, Row, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from catalog import rows
from catalog.incremental_identity import backfill, identity_key, primary_of, renderings
from catalog.incremental_parents import TitleSearch
from catalog.models import (
    CatalogEntryRow,
    DatasetMemberRow,
    DocumentRow,
    FlagRow,
    MatchCitationRow,
    MatchDocumentRow,
    MatchEntryRow,
)
from extract.model import Document, Provenance
from matching.flags import (
    PARENT_TITLE,
    missing_fields,
    missing_metadata,
    numbering_gaps,
    periods_after_parent,
)
from matching.model import Decision, DismissFlag, Flag, FlagKind, flag_id
from nlp.units import unit_types_agree

RANK = {
    FlagKind.MISSING_METADATA: 0, FlagKind.NUMBERING_GAP: 1, FlagKind.MISSING_FIELD: 2,
    FlagKind.DUPLICATE_ENTRY: 3, FlagKind.PERIOD_AFTER_PARENT: 4, FlagKind.UNIT_CONFLICT: 5,
    FlagKind.CITATION_CONFLICT: 6,
}  # fmt: skip
BY_NUMBER = 101  # parent_score of a parent found by its số hiệu: above any title score
PER_DOCUMENT = (FlagKind.MISSING_METADATA, FlagKind.NUMBERING_GAP, FlagKind.MISSING_FIELD)


# Statements of the end of each document, built once and run on the connection (an ORM query's own
# cost was most of these few-row lookups).
_CITE = MatchCitationRow
NEXT_DATE = select(func.min(_CITE.date)).where(_CITE.key == bindparam("key"), _CITE.date > bindparam("after"))
CITED_BY_ANOTHER = select(_CITE.key).where(
    _CITE.key == bindparam("key"), _CITE.date == bindparam("date"), _CITE.document_sha256 != bindparam("sha")
).limit(1)
OWN_CITATIONS = select(_CITE.key, _CITE.date, _CITE.provenance_json).where(
    _CITE.document_sha256 == bindparam("sha")).order_by(_CITE.position)  # fmt: skip
_DOC = MatchDocumentRow
WANTED_TITLES = select(_DOC.parent_title).distinct().where(_DOC.parent_title != "", _DOC.parent_score < BY_NUMBER)
PARENT_GROUPS = select(_DOC.parent_sha, _DOC.parent_score).distinct().where(
    _DOC.parent_title == bindparam("wanted"), _DOC.parent_score < bindparam("score", type_=Float()),  # a title score
    _DOC.sha256 != bindparam("sha"))  # fmt: skip
GROUP_MEMBERS = select(_DOC.sha256).where(
    _DOC.parent_title == bindparam("wanted"), _DOC.parent_score == bindparam("score"),
    _DOC.parent_sha == bindparam("parent"), _DOC.sha256 != bindparam("sha"))  # fmt: skip
TITLE_OF = select(_DOC.title_norm).where(_DOC.sha256 == bindparam("sha"))
UNIT_CONFLICTS_OF = select(func.count()).select_from(FlagRow).where(
    FlagRow.scope_key == bindparam("scope"), FlagRow.kind == FlagKind.UNIT_CONFLICT.value)

# A document's rows with their datasets (duplicates): the four columns read, not whole mapped rows.
_ENTRIES_IN_DATASETS = (
    select(CatalogEntryRow.group_name, CatalogEntryRow.number, CatalogEntryRow.title, CatalogEntryRow.provenance_json,
           DatasetMemberRow.dataset_id)
    .join(DatasetMemberRow, DatasetMemberRow.entry_key == CatalogEntryRow.key)
    .where(CatalogEntryRow.document_sha256 == bindparam("sha")).order_by(CatalogEntryRow.position)
)  # fmt: skip
DOCUMENTS_KEPT = 32  # parsed Documents kept (least recently used dropped): parents recur across children

class FlagWriter:
    def __init__(self, session: Session, decisions: Sequence[Decision],
                 documents: dict[str, Document] | None = None) -> None:  # fmt: skip
        self.session = session
        self.dismissals = {d.flag_id: d for d in decisions if isinstance(d, DismissFlag)}
        # Kept by the run across its transactions (a Document never changes: it is its content hash's):
        # a new FlagWriter each ~1 s transaction parsed the same parents and renderings again.
        self._documents: dict[str, Document] = {} if documents is None else documents
        self._seqs: dict[str, int] = {}
        self._primary: dict[str, bool] = {}  # sha256 -> flags are read from it; cleared when files come or go
        # sha256 -> its renderings (incremental_identity.renderings), dropped with `_primary` and whenever a
        # match_documents row comes or goes (`files_changed`): the columns it reads change no other way.
        # A new file's group was read twice, by renderings_changed and by the _write of its own flags.
        self._groups: dict[str, list[str]] = {}
        self._identities: dict[str, str] = {}  # sha256 -> its document's identity key (never changes)
        self._scores: dict[tuple[str, str], float] = {}  # (parent title wanted, document) -> its title score
        self.titles = TitleSearch()  # the parent search by title; a run's Matcher gives its PlacingIndex's

    def _seq(self, sha256: str) -> int:
        if sha256 not in self._seqs:
            with self.session.no_autoflush:
                self._seqs[sha256] = self.session.scalar(
                    select(MatchDocumentRow.seq).where(MatchDocumentRow.sha256 == sha256)
                ) or 0  # fmt: skip
        return self._seqs[sha256]

    def _delete(self, *conditions: ColumnElement[bool]) -> None:
        self.session.connection().execute(delete(FlagRow.__table__).where(*conditions))  # type: ignore[arg-type]

    def identity(self, sha256: str, group: list[str] | None = None) -> str:
        """The identity key of `sha256`'s document, which flag ids derive from (recorded on first use)."""
        if sha256 not in self._identities:
            self._identities[sha256] = identity_key(self.session, sha256, self._load, group)
        return self._identities[sha256]

    def backfill_identities(self) -> int:
        """Key the matched files of a store from before 0010_flagids (catalog/incremental_identity.backfill)."""
        return backfill(self.session, self._load)

    def is_primary(self, sha256: str) -> bool:
        """Whether `sha256` is the rendering its document's flags are raised on (catalog/incremental_identity)."""
        if sha256 not in self._primary:
            group = self._renderings(sha256)
            primary = primary_of(group, self._load)
            self._primary.update({sha: sha == primary for sha in group})
        return self._primary[sha256]

    def renderings_changed(self, sha256: str) -> list[str]:
        """`sha256` came or is leaving: its document's other renderings; flags of those not primary go."""
        self._forget()
        group = self._renderings(sha256)
        self.identity(sha256, group)  # a file is keyed when first matched, before a better rendering comes
        others = [sha for sha in group if sha != sha256]
        demoted = [sha for sha in others if not self.is_primary(sha)]
        if demoted:
            self._delete(FlagRow.document_sha256.in_(demoted))
        return others

    def files_changed(self) -> None:
        """A match_documents row was written or deleted: renderings are read again (`_primary` is kept)."""
        self._groups.clear()

    def _forget(self) -> None:
        self._primary.clear()
        self._groups.clear()

    def _renderings(self, sha256: str) -> list[str]:
        if sha256 not in self._groups:
            self._groups[sha256] = renderings(self.session, sha256, self._load)
        return self._groups[sha256]

    def secondaries_of(self, sha256: str) -> list[str]:
        """The renderings of `sha256`'s document that raise no flags now (before `sha256` leaves)."""
        self._forget()
        group = self._renderings(sha256)
        return [sha for sha in group if sha != sha256 and not self.is_primary(sha)]

    def promoted(self, candidates: Sequence[str]) -> list[str]:
        """After a rendering left: those of `candidates` now primary get the per-document flags and
        citation and parent flags the rendering that left had raised for them."""
        self._forget()
        raised = []
        for sha in candidates:
            if not self.is_primary(sha):
                continue
            document = self._load(sha)
            self.document(document, self._seq(sha))
            keys = self.session.scalars(select(MatchCitationRow.key).where(MatchCitationRow.document_sha256 == sha))
            self.citations(set(keys))
            self.parent_of(sha, document)
            raised.append(sha)
        return raised

    def _write(self, flags: Iterable[Flag], scope_key: str = "") -> None:
        # Other renderings of a document already flagged on its primary raise nothing (issue #12), and
        # the id is the document's, not the file's: the same finding keeps it whichever rendering is primary.
        unique = {
            f.id: f for f in (
                f.model_copy(update={"id": flag_id(f.kind, self.identity(f.sha256), f.evidence)})
                for f in reversed(list(flags)) if self.is_primary(f.sha256)
            )
        }  # fmt: skip
        if not unique:
            return
        taken = set(self.session.scalars(select(FlagRow.id).where(FlagRow.id.in_(list(unique)))))
        for flag in reversed(list(unique.values())):
            if flag.id in taken:
                continue
            dismissal = self.dismissals.get(flag.id)
            if dismissal is not None:
                flag = flag.model_copy(update={"dismissed": dismissal.reason or "—", "dismissed_by": dismissal.who})
            row = rows.flag_row(flag, self._seq(flag.sha256) * 10 + RANK[flag.kind])
            row.scope_key = scope_key
            self.session.add(row)
        self.session.flush()

    def dismiss(self, decision: DismissFlag) -> None:
        self.dismissals[decision.flag_id] = decision
        self.session.execute(update(FlagRow).where(FlagRow.id == decision.flag_id).values(
            dismissed=decision.reason or "—", dismissed_by=decision.who))  # fmt: skip

    # ------------------------------------------------------------ one document

    def document(self, document: Document, seq: int) -> None:
        self._keep(document)
        self.renderings_changed(document.sha256)
        self._write(missing_metadata(document) + numbering_gaps(document) + missing_fields(document))
        self.duplicates(document.sha256)

    def duplicates(self, sha256: str) -> None:
        """matching.flags.duplicate_entries from the entry rows and the stored assignment."""
        session = self.session
        self._delete(FlagRow.document_sha256 == sha256,
                                              FlagRow.kind == FlagKind.DUPLICATE_ENTRY.value)
        source = session.scalar(select(MatchDocumentRow.source).where(MatchDocumentRow.sha256 == sha256)) or ""
        by_dataset: dict[str, list[Row[str, str, str, str, str]]] = defaultdict(list)
        for entry in session.execute(_ENTRIES_IN_DATASETS, {"sha": sha256}):
            by_dataset[entry.dataset_id].append(entry)
        flags = []
        for entries in by_dataset.values():
            rows_ = {(e.group_name, e.number): e for e in entries}
            if len(rows_) < 2:
                continue
            evidence = sorted({e.number for e in rows_.values()}, key=lambda n: (len(n), n))
            flags.append(Flag(
                id=flag_id(FlagKind.DUPLICATE_ENTRY, sha256, evidence), kind=FlagKind.DUPLICATE_ENTRY,
                message=f"Tập dữ liệu “{entries[0].title}” được liệt kê {len(rows_)} lần / "
                        f"dataset listed {len(rows_)} times",
                evidence=evidence, document=source, sha256=sha256,
                provenance=[Provenance.model_validate_json(e.provenance_json) for e in rows_.values()],
            ))  # fmt: skip
        self._write(flags)

    # ------------------------------------------------------------ parents

    def _parent(self, sha256: str) -> tuple[str, int]:
        """matching.flags.find_parent by the index: (parent sha256 or "", 101 by số hiệu or the title score)."""
        session = self.session
        me = session.get(MatchDocumentRow, sha256)
        if me is None or not (me.parent_key or me.parent_title):
            return "", 0
        if me.parent_key:
            found = session.scalar(
                select(MatchDocumentRow.sha256)
                .where(MatchDocumentRow.number_key == me.parent_key, MatchDocumentRow.sha256 != sha256)
                .order_by(MatchDocumentRow.seq).limit(1)
            )  # fmt: skip
            if found is not None:
                return found, BY_NUMBER
        if me.parent_title:
            return self.titles.parent(session.connection(), me.parent_title, sha256)
        return "", 0

    def parent_of(self, sha256: str, document: Document | None = None, found: tuple[str, int] | None = None) -> None:
        """period_after_parent of one document against its parent (two Documents read, no more).

        ``found``: the parent and its score when the caller already knows them (children_of).
        """
        session = self.session
        parent, score = found if found is not None else self._parent(sha256)
        session.execute(update(MatchDocumentRow).where(MatchDocumentRow.sha256 == sha256)
                        .values(parent_sha=parent, parent_score=score))  # fmt: skip
        self._delete(FlagRow.document_sha256 == sha256,
                                              FlagRow.kind == FlagKind.PERIOD_AFTER_PARENT.value)
        if not parent:
            return
        document = document or self._load(sha256)
        self._write(periods_after_parent(document, [document, self._load(parent)]))

    def _load(self, sha256: str) -> Document:
        found = self._documents.get(sha256)
        return self._keep(found if found is not None else _load(self.session, sha256))

    def _keep(self, document: Document) -> Document:
        self._documents.pop(document.sha256, None)
        self._documents[document.sha256] = document  # most recently used last
        while len(self._documents) > DOCUMENTS_KEPT:  # a few parents recur; the archive is not kept
            del self._documents[next(iter(self._documents))]
        return document

    def children_of(self, sha256: str) -> None:
        """Documents whose parent `sha256` (just matched) now is: only those are read again.

        A document whose parent was found by title takes this one as parent when this one's title
        scores strictly above its current parent's, scored as ``_parent`` scores them (the stored score
        is a whole number, so it cannot tell); else nothing changes for it. Before, every document
        within a point of its best title was searched against every titled document again and its
        flags rewritten unchanged: at 2,000 documents each new plan did that for ~70 others, most of a
        reconciliation (docs/benchmarks.md, "Session 6 (lead)"). None of them matched its parent's số
        hiệu (a match by number is kept), except through this document, which is searched in full.
        """
        session = self.session
        me = session.get(MatchDocumentRow, sha256)
        if me is None:
            return
        by_number: set[str] = set()
        if me.number_key:
            # A later document with the same số hiệu never takes over: the earliest one is the parent.
            by_number = set(session.scalars(
                select(MatchDocumentRow.sha256).where(
                    MatchDocumentRow.parent_key == me.number_key, MatchDocumentRow.parent_score < BY_NUMBER,
                    MatchDocumentRow.sha256 != sha256,
                )
            ))  # fmt: skip
        by_title: dict[str, int] = {}
        if me.title_norm:
            by_title = self._better_parent_of(sha256, me.title_norm)
        for child in sorted(by_number | set(by_title)):
            found = None if child in by_number else (sha256, by_title[child])
            self.parent_of(child, found=found)

    def _better_parent_of(self, sha256: str, title: str) -> dict[str, int]:
        """The documents found by title whose parent `sha256` (titled `title`) now is, with its score.

        Whether a document takes this one depends only on the title it wants, its current parent
        and its stored score, so those are read as groups (ix_match_documents_parent_title) and
        scored once a group; only a group that changes has its documents read. Before, every
        document found by title was read and the current parent's title queried for each (at 3,000
        documents ~1,000 queries a new document: "Session 8: end of document growth").
        """
        db = self.session.connection()
        wanted = list(db.scalars(WANTED_TITLES))
        if not wanted:
            return {}
        scores = process.cdist([title], wanted, scorer=fuzz.token_set_ratio)[0]
        by_title: dict[str, int] = {}
        for i in range(len(wanted)):
            if scores[i] < PARENT_TITLE:
                continue
            groups = db.execute(PARENT_GROUPS, {"wanted": wanted[i], "score": float(scores[i]), "sha": sha256}).all()
            mine = _title_score(wanted[i], title)
            for current, score in groups:
                # Ties keep the earlier document (find_parent takes the first best).
                if mine >= PARENT_TITLE and mine > self._current_score(wanted[i], current):
                    children = db.scalars(GROUP_MEMBERS, {"wanted": wanted[i], "score": score, "parent": current,
                                                          "sha": sha256})  # fmt: skip
                    by_title.update((child, int(mine)) for child in children)
        return by_title

    def _current_score(self, wanted: str, parent: str) -> float:
        """The title score of a document's current parent, as _parent computed it (-1: none).

        Kept for the transaction: a document's title never changes, and many documents share a parent.
        """
        if not parent:
            return -1.0
        if (wanted, parent) not in self._scores:
            title = self.session.connection().scalar(TITLE_OF, {"sha": parent})
            self._scores[(wanted, parent)] = _title_score(wanted, title) if title else -1.0
        return self._scores[(wanted, parent)]

    def orphans_of(self, sha256: str) -> list[str]:
        """Documents whose parent was `sha256` (it is leaving)."""
        return list(self.session.scalars(select(MatchDocumentRow.sha256).where(MatchDocumentRow.parent_sha == sha256)))

    # ------------------------------------------------------------ across documents

    def unit_conflicts(self, dataset: str) -> None:
        """matching.flags.unit_conflicts for one dataset, from its members' rows.

        Only the flags that differ from the dataset's stored ones are written (the newcomer's, and the
        others' when the units among the documents involved changed): rewriting every involved
        document's flag each time one more document joined a disputed dataset grew with the archive
        (docs/benchmarks.md, "Session 7: a real reconciliation of 10,000 documents").
        """
        per_document: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # sha -> (title, unit, provenance)
        types: dict[str, set[str]] = defaultdict(set)
        sources: dict[str, str] = {}
        for sha, title, unit, provenance, unit_types, source in self.session.execute(
            select(CatalogEntryRow.document_sha256, CatalogEntryRow.title, CatalogEntryRow.unit,
                   CatalogEntryRow.provenance_json, MatchEntryRow.unit_types, MatchDocumentRow.source)
            .join(DatasetMemberRow, DatasetMemberRow.entry_key == CatalogEntryRow.key)
            .join(MatchEntryRow, MatchEntryRow.key == CatalogEntryRow.key)
            .join(MatchDocumentRow, MatchDocumentRow.sha256 == CatalogEntryRow.document_sha256)
            .where(DatasetMemberRow.dataset_id == dataset)
            .order_by(MatchDocumentRow.seq, CatalogEntryRow.position)
        ):  # fmt: skip
            per_document[sha].append((title, unit, provenance))
            types[sha].update(unit_types)
            sources[sha] = source
        involved = _involved(types) if len(per_document) >= 2 else []
        units = {d: {unit for _, unit, _ in per_document[d]} for d in involved}
        flags = []
        for d in involved:
            title, unit, _ = per_document[d][0]
            others = sorted({u for o in involved if o != d for u in units[o]})
            flags.append(Flag(
                id=flag_id(FlagKind.UNIT_CONFLICT, d, [title]), kind=FlagKind.UNIT_CONFLICT,
                message=f"“{title}” do {unit} quản lý ở văn bản này nhưng do "
                        f"{'; '.join(others)} quản lý ở văn bản khác / managed by different units across documents",
                evidence=[title], document=sources[d], sha256=d,
                provenance=[Provenance.model_validate_json(p) for _, _, p in per_document[d]],
            ))  # fmt: skip
        self._replace(FlagKind.UNIT_CONFLICT, flags, dataset)

    def _replace(self, kind: FlagKind, flags: list[Flag], scope_key: str) -> None:
        """The flags of `kind` about `scope_key` become `flags`; a stored row equal to the one _write would
        write for a flag stays, the others go and the rest are written.

        The same rows as deleting all and writing all: a kept row is one of a primary rendering (a
        demoted one's flags are deleted by renderings_changed) and holds its id, so no other scope
        could have taken it. When two flags share an id (_write keeps the first), all are rewritten.
        """
        stored = {
            row.id: row for row in self.session.execute(
                select(FlagRow.id, FlagRow.document_sha256, FlagRow.position, FlagRow.message, FlagRow.evidence,
                       FlagRow.document, FlagRow.provenance_json, FlagRow.dismissed, FlagRow.dismissed_by)
                .where(FlagRow.kind == kind.value, FlagRow.scope_key == scope_key)
            )
        }  # fmt: skip
        self._prefetch([f.sha256 for f in flags])
        ids = [flag_id(f.kind, self.identity(f.sha256), f.evidence) for f in flags]
        kept = set()
        if len(set(ids)) == len(ids):
            kept = {id_ for id_, flag in zip(ids, flags, strict=True)
                    if id_ in stored and tuple(stored[id_])[1:] == self._row_values(flag, id_)}  # fmt: skip
        stale = [id_ for id_ in stored if id_ not in kept]
        if stale:
            self._delete(FlagRow.id.in_(stale))
        self._write([f for id_, f in zip(ids, flags, strict=True) if id_ not in kept], scope_key)

    def _prefetch(self, shas: list[str]) -> None:
        """Sequence numbers and recorded identity keys of these files, one statement each, not one a file
        (what _seq and identity would read; a file not keyed yet is keyed by identity as before)."""
        wanted = [sha for sha in dict.fromkeys(shas) if sha not in self._seqs or sha not in self._identities]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            with self.session.no_autoflush:
                seqs = self.session.execute(
                    select(MatchDocumentRow.sha256, MatchDocumentRow.seq).where(MatchDocumentRow.sha256.in_(chunk)))
                self._seqs.update((sha, seq or 0) for sha, seq in seqs)
                keys = self.session.execute(select(DocumentRow.sha256, DocumentRow.identity_key)
                                            .where(DocumentRow.sha256.in_(chunk), DocumentRow.identity_key != ""))
                self._identities.update((sha, key) for sha, key in keys if sha not in self._identities)

    def _row_values(self, flag: Flag, id_: str) -> tuple[object, ...]:
        """What _write stores for `flag` (keyed `id_`), in _replace's column order after the id."""
        dismissal = self.dismissals.get(id_)
        dismissed, who = (dismissal.reason or "—", dismissal.who) if dismissal is not None else ("", "")
        provenance = json.dumps([p.model_dump(mode="json") for p in flag.provenance], ensure_ascii=False)
        return (flag.sha256, self._seq(flag.sha256) * 10 + RANK[flag.kind], flag.message, list(flag.evidence),
                flag.document, provenance, dismissed, who)  # fmt: skip

    def unit_conflict_count(self, dataset: str) -> int:
        """How many unit-conflict flags about `dataset` are stored (ix_flags_scope_kind)."""
        return self.session.connection().scalar(UNIT_CONFLICTS_OF, {"scope": dataset}) or 0

    def alone(self, sha256: str) -> bool:
        """Whether `sha256` is the only matched rendering of its document (read by document())."""
        return len(self._renderings(sha256)) == 1

    def no_unit_conflict(self, dataset: str) -> None:
        self._delete(FlagRow.kind == FlagKind.UNIT_CONFLICT.value,
                                                   FlagRow.scope_key == dataset)

    def citations(self, keys: Iterable[str], newcomer: str = "") -> None:
        """matching.flags.citation_conflicts for the số hiệu given.

        With `newcomer` (a document just matched): when its dates were all known already, only its own
        flags are new; every citing document's flag is rewritten only when the list of dates changed.
        Whether they were known is asked of ix_match_citations_key_date (the distinct dates, and
        whether another document cites each of the newcomer's), not by reading every citer: a số
        hiệu cited by most of the archive made each new document read all of them.
        """
        session = self.session
        own: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        if newcomer:
            source = session.scalar(select(MatchDocumentRow.source).where(MatchDocumentRow.sha256 == newcomer)) or ""
            for key, date, provenance in session.connection().execute(OWN_CITATIONS, {"sha": newcomer}):
                own[key].append((newcomer, date, provenance, source))
        for key in sorted(set(keys)):
            if newcomer:
                dates = self._dates(key)
                if len(dates) >= 2 and all(self._cited_by_another(key, d, newcomer) for _, d, _, _ in own[key]):
                    self._citation_flags(key, dates, own[key])  # only the newcomer's flags are new
                    continue
                if len(dates) < 2:
                    self._delete(FlagRow.kind == FlagKind.CITATION_CONFLICT.value, FlagRow.scope_key == key)
                    continue
            found = session.execute(
                select(MatchCitationRow.document_sha256, MatchCitationRow.date, MatchCitationRow.provenance_json,
                       MatchDocumentRow.source)
                .join(MatchDocumentRow, MatchDocumentRow.sha256 == MatchCitationRow.document_sha256)
                .where(MatchCitationRow.key == key)
                .order_by(MatchDocumentRow.seq, MatchCitationRow.position)
            ).all()  # fmt: skip
            self._delete(FlagRow.kind == FlagKind.CITATION_CONFLICT.value, FlagRow.scope_key == key)
            dates = {date for _, date, _, _ in found}
            if len(dates) >= 2:
                self._citation_flags(key, dates, [tuple(f) for f in found])  # type: ignore[misc]

    def _citation_flags(self, key: str, dates: set[str], found: Sequence[tuple[str, str, str, str]]) -> None:
        """The citation_conflict flags of `key` (cited with `dates`) for the citing rows `found`."""
        listed = ", ".join(sorted(dates))
        citing: dict[str, list[Provenance]] = defaultdict(list)
        sources: dict[str, str] = {}
        for sha, _, provenance, source in found:
            citing[sha].append(Provenance.model_validate(json.loads(provenance)))
            sources[sha] = source
        self._write([
            Flag(id=flag_id(FlagKind.CITATION_CONFLICT, sha, [key]), kind=FlagKind.CITATION_CONFLICT,
                 message=f"Văn bản {key} được trích dẫn với các ngày khác nhau: {listed} / cited with "
                         "different dates",
                 evidence=[key], document=sources[sha], sha256=sha, provenance=provenance)
            for sha, provenance in citing.items()
        ], key)  # fmt: skip

    def _dates(self, key: str) -> set[str]:
        """The distinct dates `key` is cited with: one seek a date (ix_match_citations_key_date)."""
        db = self.session.connection()
        dates: set[str] = set()
        after = ""  # a date is stored only when known: never empty
        while (found := db.scalar(NEXT_DATE, {"key": key, "after": after})) is not None:
            dates.add(found)
            after = found
        return dates

    def _cited_by_another(self, key: str, date: str, sha256: str) -> bool:
        """Whether a document other than `sha256` cites `key` with `date` (a seek, the index covers it)."""
        return self.session.connection().scalar(CITED_BY_ANOTHER, {"key": key, "date": date, "sha": sha256}) is not None


def _load(session: Session, sha256: str) -> Document:
    text = session.scalar(select(DocumentRow.document_json).where(DocumentRow.sha256 == sha256))
    return Document.model_validate_json(text or "{}")


def flag_kinds_of_document() -> tuple[FlagKind, ...]:
    return PER_DOCUMENT


def _title_score(wanted: str, title: str) -> float:
    """A parent title against a document's title, as ``FlagWriter._parent`` scores it (same call, same type)."""
    return float(process.cdist([wanted], [title], scorer=fuzz.token_set_ratio)[0][0])


def _involved(types: dict[str, set[str]]) -> list[str]:
    """The documents (in `types`' order) whose unit types disagree with another document's.

    Compared by distinct sets of types, not document by document: a disputed dataset of a few hundred
    documents has a handful of distinct sets.
    """
    known = [d for d in types if types[d]]
    counts: dict[frozenset[str], int] = defaultdict(int)
    for d in known:
        counts[frozenset(types[d])] += 1
    disputed = disputed_sets(counts)
    return [d for d in known if frozenset(types[d]) in disputed]


def disputed_sets(counts: Mapping[frozenset[str], int]) -> set[frozenset[str]]:
    """The unit-type sets (of documents, with how many documents hold each) that disagree with another
    document's: those of the documents _involved finds."""
    return {
        s for s in counts
        if any(t != s and not unit_types_agree(s, t) for t in counts) or (counts[s] > 1 and not unit_types_agree(s, s))
    }  # fmt: skip
