"""Reviewer decisions that follow their datasets across file versions, in the incremental reconciliation.

A reconciliation reads the decisions in force through three steps around matching:

- `before_matching`, while the stored result still shows the old files: every entry key a decision
  names whose file is no longer current is looked for in the file that replaced it (the current
  version of a path that showed it, else a current rendering of the same document) by
  matching.anchoring.entry_moves; what each named dataset and flag is made of is noted, since the
  old rows are about to leave the result.
- `resolve_datasets`, after the new rows are placed: a named dataset that no longer exists is the
  dataset its former rows are now in.
- `settle`, after the decisions are applied: a link whose rows are not in the result, a dismissal
  whose finding is raised nowhere (not on the file, not on another rendering of its document, not on
  its new version) is orphaned; a dismissal whose finding moved to another file follows it.

Each decision's state is one `decision_anchors` row, written in the run's last transaction. An
orphaned decision keeps the form it was last found in, so a file restored brings its decisions back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from catalog.incremental_identity import renderings
from catalog.models import (
    DatasetMemberRow,
    DatasetRow,
    DecisionAnchorRow,
    DocumentRow,
    FileVersionRow,
    FlagRow,
    MatchDocumentRow,
)
from extract.model import Document
from matching.anchoring import AnchoredDecision, AnchorStatus, EntryMove, entry_label, entry_moves, follow_keys
from matching.decisions import DecisionRecord
from matching.model import Decision, DismissFlag, MergeDatasets, SetCanonical, SplitDataset, UndoDecision, entry_key

_DECISION = TypeAdapter[Decision](Decision)
WITNESS_ROWS = 64  # rows kept per named dataset to find it again once its id is gone
WITHDRAWN = "tệp không còn trong kho, không có phiên bản mới / file withdrawn without a new version"


@dataclass
class Anchor:
    """One decision in force during a run: the form it applies in and why."""

    id: int
    decision: Decision  # as recorded
    anchored: Decision  # with the keys, datasets and flag it was last found on
    history: list[str] = field(default_factory=list)  # why it was re-anchored (all runs)
    problems: list[str] = field(default_factory=list)  # why it is orphaned now
    witnesses: dict[str, Any] = field(default_factory=dict)
    moved: bool = False  # re-anchored in this run
    relocated: set[str] = field(default_factory=set)  # named datasets whose rows changed file in this run

    @property
    def orphaned(self) -> bool:
        return bool(self.problems)

    def move(self, anchored: Decision, reasons: Sequence[str]) -> None:
        self.anchored = anchored
        self.history += [r for r in reasons if r not in self.history]
        self.moved = True

    def public(self) -> AnchoredDecision:
        if self.orphaned:
            status = AnchorStatus.ORPHANED
        else:
            status = AnchorStatus.REANCHORED if self.history else AnchorStatus.APPLIED
        return AnchoredDecision(
            id=self.id, decision=self.decision, effective=None if self.orphaned else self.anchored,
            status=status, reasons=[*self.history, *self.problems],
        )  # fmt: skip


@dataclass
class Anchoring:
    anchors: list[Anchor]  # in force, in time order (as matching applies them)

    @property
    def changed(self) -> bool:
        """Some decision applies to other rows, datasets or flags than at the last run."""
        return any(a.moved for a in self.anchors)

    def effective(self, *, after: int = 0) -> list[Decision]:
        """The decisions to apply (recorded after decision id `after`), orphaned ones left out."""
        return [a.anchored for a in self.anchors if a.id > after and not a.orphaned]


# ---------------------------------------------------------------- successors of a file


class _Versions:
    """Where the rows of files no longer current went, read once per file."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.current = set(session.scalars(select(FileVersionRow.sha256).where(FileVersionRow.is_current)))
        self._moves: dict[str, dict[str, EntryMove]] = {}
        self._why: dict[str, str] = {}
        self._labels: dict[str, str] = {}  # entry key of a file no longer current -> its number and title
        self._documents: dict[str, Document] = {}

    def load(self, sha256: str) -> Document:
        if sha256 not in self._documents:
            text = self.session.scalar(select(DocumentRow.document_json).where(DocumentRow.sha256 == sha256))
            self._documents[sha256] = Document.model_validate_json(text or "{}")
        return self._documents[sha256]

    def successors(self, sha256: str) -> list[tuple[str, str]]:
        """(current sha256, how it replaced `sha256`): the newest version of each path that showed it,
        then the current renderings of the same document (same số hiệu or near-identical text)."""
        session = self.session
        found: list[tuple[str, str]] = []
        for path, version in session.execute(
            select(FileVersionRow.path, FileVersionRow.version).where(FileVersionRow.sha256 == sha256)
            .order_by(FileVersionRow.path, FileVersionRow.version)
        ):  # fmt: skip
            now = session.execute(
                select(FileVersionRow.sha256, FileVersionRow.version)
                .where(FileVersionRow.path == path, FileVersionRow.is_current)
            ).first()  # fmt: skip
            if now is not None and now[0] != sha256 and now[0] not in {s for s, _ in found}:
                found.append((now[0], f" (phiên bản {version} → {now[1]} của {path} / version {version} → {now[1]})"))
        if session.get(MatchDocumentRow, sha256) is not None:  # still matched: its renderings are known
            for other in renderings(session, sha256, self.load):
                if other != sha256 and other in self.current and other not in {s for s, _ in found}:
                    found.append((other, " (bản khác của cùng văn bản / another rendering of the document)"))
        return found

    def renderings(self, sha256: str) -> list[str]:
        """The matched files of `sha256`'s document (itself included)."""
        if self.session.get(MatchDocumentRow, sha256) is None:
            return [sha256]
        return renderings(self.session, sha256, self.load)

    def moves(self, sha256: str) -> dict[str, EntryMove]:
        if sha256 not in self._moves:
            moves: dict[str, EntryMove] = {}
            successors = self.successors(sha256)
            old = self.load(sha256)
            for new_sha, what in successors:
                for key, move in entry_moves(old, self.load(new_sha), what=what).items():
                    moves.setdefault(key, move)  # the path's new version first
            self._moves[sha256] = moves
            self._labels.update({entry_key(old, e): entry_label(e) for e in old.catalog})
            if successors:
                names = ", ".join(f"{self.load(s).source}{what}" for s, what in successors)
                self._why[sha256] = (f"không còn trong {names} / row not found in the version that replaced "
                                     "its file")  # fmt: skip
            else:
                self._why[sha256] = WITHDRAWN
        return self._moves[sha256]

    def follow(self, key: str, reasons: list[str]) -> str | None:
        """The current row for `key` (itself when its file is current), or None with the reason."""
        sha = key.split(":", 1)[0]
        if sha in self.current:
            return key
        move = self.moves(sha).get(key)
        if move is not None:
            reasons.append(move.reason)
            return move.key
        label = self._labels.get(key, "")
        reasons.append(f"{label} ({key}): {self._why[sha]}" if label else f"{key}: {self._why[sha]}")
        return None


# ---------------------------------------------------------------- the three steps


def _named_datasets(decision: Decision) -> list[str]:
    if isinstance(decision, MergeDatasets):
        return list(decision.dataset_ids)
    if isinstance(decision, SplitDataset | SetCanonical):
        return [decision.dataset_id]
    return []


def _members(session: Session, dataset: str) -> list[str]:
    return list(session.scalars(
        select(DatasetMemberRow.entry_key).where(DatasetMemberRow.dataset_id == dataset)
        .order_by(DatasetMemberRow.position)
    ))  # fmt: skip


def before_matching(session: Session, records: Sequence[DecisionRecord]) -> Anchoring:
    """Every decision in force with the rows it names followed to the current files."""
    stored = {row.decision_id: row for row in session.scalars(select(DecisionAnchorRow))}
    versions = _Versions(session)
    anchors: list[Anchor] = []
    wanted = [r for r in records if r.undone_by is None and not isinstance(r.decision, UndoDecision)]
    for record in sorted(wanted, key=lambda r: (_when(r.decision), r.id)):
        row = stored.get(record.id)
        anchor = Anchor(id=record.id, decision=record.decision, anchored=record.decision)
        if row is not None:
            anchor.anchored = _DECISION.validate_json(row.anchored)
            anchor.history = list(row.history)
            anchor.witnesses = dict(row.witnesses)
        found, reasons = follow_keys(anchor.anchored, versions.follow)
        if found is None:
            anchor.problems = reasons
        elif found != anchor.anchored:
            anchor.move(found, reasons)
        datasets = dict(anchor.witnesses.get("datasets", {}))
        for dataset in _named_datasets(anchor.anchored):
            members = _members(session, dataset) or datasets.get(dataset, [])
            followed = [versions.follow(m, []) for m in members]
            # A few rows find the dataset again (by majority): a national dataset's thousands are not kept.
            datasets[dataset] = [k for k in followed if k is not None][:WITNESS_ROWS]
            if followed != members:
                anchor.relocated.add(dataset)
        if datasets:
            anchor.witnesses["datasets"] = datasets
        if isinstance(anchor.anchored, DismissFlag):
            flag = session.get(FlagRow, anchor.anchored.flag_id)
            if flag is not None:
                seen = dict(anchor.witnesses.get("flag", {}))
                files = {*seen.get("shas", []), flag.document_sha256}
                if flag.document_sha256 not in versions.current:
                    # Its file is leaving: the document's other files, one of which raises the finding next.
                    files |= set(versions.renderings(flag.document_sha256))
                anchor.witnesses["flag"] = {"kind": flag.kind, "evidence": list(flag.evidence), "shas": sorted(files)}
        anchors.append(anchor)
    return Anchoring(anchors)


def resolve_datasets(session: Session, anchoring: Anchoring) -> None:
    """Named datasets that no longer exist: the dataset their former rows are in now (after placement)."""
    for anchor in anchoring.anchors:
        named = _named_datasets(anchor.anchored)
        if anchor.orphaned or not named:
            continue
        witnesses = anchor.witnesses.get("datasets", {})
        renamed: dict[str, str] = {}
        gone: list[str] = []
        reasons: list[str] = []
        for dataset in named:
            # A dataset a merge emptied is gone too, but its rows did not change file: the merge holds.
            if dataset not in anchor.relocated or session.get(DatasetRow, dataset) is not None:
                continue
            keys = witnesses.get(dataset, [])
            query = select(DatasetMemberRow.dataset_id).where(DatasetMemberRow.entry_key.in_(keys))
            now = Counter(session.scalars(query)) if keys else Counter[str]()
            if now:
                renamed[dataset] = min(now, key=lambda d: (-now[d], d))
                reasons.append(f"tập dữ liệu {dataset} không còn; các dòng của nó nay ở {renamed[dataset]} / "
                               f"dataset {dataset} is gone; its rows are now in {renamed[dataset]}")  # fmt: skip
            else:
                gone.append(dataset)
        decision = anchor.anchored
        kept = list(dict.fromkeys(renamed.get(d, d) for d in named if d not in gone))
        if gone and (not isinstance(decision, MergeDatasets) or len(kept) < 2):
            anchor.problems = [f"tập dữ liệu không còn / dataset no longer exists: {', '.join(gone)}"]
            continue
        if not renamed and not gone:
            continue
        moved: Decision
        if isinstance(decision, MergeDatasets):
            moved = decision.model_copy(update={"dataset_ids": kept})
        else:
            assert isinstance(decision, SplitDataset | SetCanonical)
            moved = decision.model_copy(update={"dataset_id": kept[0]})
        anchor.witnesses["datasets"] = {renamed.get(d, d): witnesses.get(d, []) for d in named if d not in gone}
        anchor.move(moved, reasons)


def settle(session: Session, anchoring: Anchoring) -> list[AnchoredDecision]:
    """After the decisions are applied: orphan those naming nothing in the result, let dismissals
    follow their finding to another file of the document, and store every decision's state."""
    for anchor in anchoring.anchors:
        if anchor.orphaned:
            continue
        decision = anchor.anchored
        named = _keys_of(decision)
        if named:
            present = set(session.scalars(select(DatasetMemberRow.entry_key)
                                          .where(DatasetMemberRow.entry_key.in_(named))))  # fmt: skip
            missing = [k for k in named if k not in present]
            if missing and (not isinstance(decision, SplitDataset) or len(missing) == len(named)):
                anchor.problems = [f"{k}: dòng không có trong kết quả đối chiếu / row not in the reconciled catalog"
                                   for k in missing]  # fmt: skip
        if isinstance(decision, DismissFlag) and session.get(FlagRow, decision.flag_id) is None:
            _follow_flag(session, anchor, decision)
    _store(session, anchoring)
    return [a.public() for a in anchoring.anchors]


def _keys_of(decision: Decision) -> list[str]:
    """The entry keys a decision names."""
    named: list[str] = []

    def note(key: str, _: list[str]) -> str:
        named.append(key)
        return key

    follow_keys(decision, note)
    return named


def _follow_flag(session: Session, anchor: Anchor, decision: DismissFlag) -> None:
    """The same finding (kind and evidence) raised on another file of the document, or a new version."""
    seen: dict[str, Any] = anchor.witnesses.get("flag") or {}
    found: FlagRow | None = None
    if seen:
        versions = _Versions(session)
        files: set[str] = set()
        for sha in seen.get("shas", []):
            starts = [sha] if session.get(MatchDocumentRow, sha) is not None else []
            starts += [s for s, _ in versions.successors(sha)]
            for start in starts:
                if session.get(MatchDocumentRow, start) is not None:
                    files |= set(versions.renderings(start))
        if files:
            found = next((f for f in session.scalars(
                select(FlagRow).where(FlagRow.kind == seen["kind"], FlagRow.document_sha256.in_(sorted(files)))
                .order_by(FlagRow.position)
            ) if list(f.evidence) == list(seen["evidence"])), None)  # fmt: skip
    if found is None:
        what = f"{seen['kind']} {seen['evidence']}" if seen else decision.flag_id
        anchor.problems = [f"cảnh báo không còn được nêu / finding no longer raised: {what}"]
        return
    session.execute(update(FlagRow).where(FlagRow.id == found.id).values(
        dismissed=decision.reason or "—", dismissed_by=decision.who))  # fmt: skip
    seen["shas"] = sorted({*seen["shas"], found.document_sha256})
    anchor.move(decision.model_copy(update={"flag_id": found.id}), [
        f"cùng cảnh báo {found.kind} {list(found.evidence)} nay nêu trên {found.document} / the same finding, "
        "now raised on another file of the document",
    ])  # fmt: skip


def _store(session: Session, anchoring: Anchoring) -> None:
    session.execute(delete(DecisionAnchorRow))
    session.add_all(
        DecisionAnchorRow(
            decision_id=a.id,
            status=a.public().status.value,
            anchored=_DECISION.dump_json(a.anchored).decode(),
            history=list(a.history),
            problems=list(a.problems),
            witnesses=a.witnesses,
        )
        for a in anchoring.anchors
    )
    session.flush()


def _when(decision: Decision) -> object:
    return decision.when if decision.when.tzinfo else decision.when.replace(tzinfo=UTC)


# ---------------------------------------------------------------- reading


def anchored_decisions(session: Session, records: Sequence[DecisionRecord]) -> list[AnchoredDecision]:
    """Every decision in force with how it applied at the last reconciliation (applied before any ran)."""
    stored = {row.decision_id: row for row in session.scalars(select(DecisionAnchorRow))}
    out = []
    for record in records:
        if record.undone_by is not None or isinstance(record.decision, UndoDecision):
            continue
        row = stored.get(record.id)
        if row is None:
            out.append(AnchoredDecision(id=record.id, decision=record.decision, effective=record.decision,
                                        status=AnchorStatus.APPLIED))  # fmt: skip
            continue
        status = AnchorStatus(row.status)
        effective = None if status is AnchorStatus.ORPHANED else _DECISION.validate_json(row.anchored)
        out.append(AnchoredDecision(id=record.id, decision=record.decision, effective=effective, status=status,
                                    reasons=[*row.history, *row.problems]))  # fmt: skip
    return out
