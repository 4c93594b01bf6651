"""Reviewer decisions follow their datasets when a file gets a new version.

Decisions name catalog rows by entry key (``sha256:table:row``), and a new version of a file has a
new content hash, so every key it had changes. Each row of the old version is looked for in the new
one — same row number and a near-identical title, else the same title under another number — and a
decision naming it is *re-anchored* to that row, with the reason. A row that cannot be found (deleted,
retitled beyond recognition), a document withdrawn without a successor, or a dataset or flag that no
longer exists makes the decision *orphaned*: it is listed with its reason and is not applied, and
reports do not count it as applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum

from pydantic import Field
from rapidfuzz import fuzz

from extract.model import CatalogEntry, Document, Record
from matching.model import (
    ConfirmLink,
    Decision,
    DismissFlag,
    Flag,
    MergeDatasets,
    Reconciliation,
    RejectLink,
    SetCanonical,
    SplitDataset,
    entry_key,
)
from matching.text import fold

SAME_ROW_TITLE = 80  # title similarity (folded, 0..100) for a row under the same number
MOVED_ROW_TITLE = 92  # title similarity for a row found under another number


class AnchorStatus(StrEnum):
    APPLIED = "applied"  # names rows, datasets and flags that are all current
    REANCHORED = "reanchored"  # named rows of an older version; follows them to the new one
    ORPHANED = "orphaned"  # no longer applies: not applied, not counted, listed with the reason


class AnchoredDecision(Record):
    id: int
    decision: Decision  # as the reviewer recorded it
    effective: Decision | None = None  # what is applied (keys of the current version); None when orphaned
    status: AnchorStatus
    reasons: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EntryMove:
    key: str  # the row's key in the new version
    reason: str


def _label(entry: CatalogEntry) -> str:
    return f"dòng {entry.number or '?'} “{entry.title.strip()[:80]}”"


def entry_moves(old: Document, new: Document, *, old_version: int = 0, new_version: int = 0) -> dict[str, EntryMove]:
    """Old entry key -> its row in the new version, one to one, for every row that can be found."""
    versions = f" (phiên bản {old_version} → {new_version})" if old_version and new_version else ""
    titles = {id(e): fold(e.title) for e in [*old.catalog, *new.catalog]}
    candidates = []
    for a in old.catalog:
        for b in new.catalog:
            score = fuzz.ratio(titles[id(a)], titles[id(b)])
            same_row = fold(a.number) == fold(b.number) and fold(a.group) == fold(b.group)
            if (same_row and score >= SAME_ROW_TITLE) or score >= MOVED_ROW_TITLE:
                candidates.append((not same_row, -score, a, b))
    moves: dict[str, EntryMove] = {}
    taken: set[str] = set()
    for moved, _, a, b in sorted(candidates, key=lambda c: (c[0], c[1], c[2].table, c[2].row)):
        old_key, new_key = entry_key(old, a), entry_key(new, b)
        if old_key in moves or new_key in taken:
            continue
        taken.add(new_key)
        how = ("cùng tên, số thứ tự đổi / same title, renumbered" if moved
               else "cùng số thứ tự và tên / same number and title")  # fmt: skip
        moves[old_key] = EntryMove(new_key, f"{_label(a)} → {_label(b)} của {new.source}{versions}: {how}")
    return moves


@dataclass(frozen=True, slots=True)
class VersionMap:
    """What the store knows about rows that are no longer current."""

    current_keys: frozenset[str]
    moves: Mapping[str, EntryMove]  # old key -> new row
    stale: Mapping[str, str]  # sha256 of a stored, no longer current document -> why its rows are gone


def _sha(key: str) -> str:
    return key.split(":", 1)[0]


def _follow(key: str, versions: VersionMap, reasons: list[str]) -> str | None:
    """The current key for ``key``, or None (with the reason) when the row is gone."""
    if key in versions.current_keys:
        return key
    move = versions.moves.get(key)
    if move is not None:
        reasons.append(move.reason)
        return move.key
    why = versions.stale.get(_sha(key))
    if why:
        reasons.append(f"{key}: {why}")
    else:
        reasons.append(f"{key}: dòng danh mục không tồn tại / no such catalog entry")
    return None


def _anchor_one(number: int, decision: Decision, versions: VersionMap) -> AnchoredDecision:
    reasons: list[str] = []
    effective: Decision | None = decision
    if isinstance(decision, ConfirmLink | RejectLink):
        left, right = _follow(decision.left, versions, reasons), _follow(decision.right, versions, reasons)
        if left is None or right is None:
            effective = None
        else:
            effective = decision.model_copy(update={"left": left, "right": right})
    elif isinstance(decision, SplitDataset):
        members = [_follow(key, versions, reasons) for key in decision.members]
        kept = [key for key in members if key is not None]
        # A split that lost some of its rows still moves the others; one that lost all is orphaned.
        effective = decision.model_copy(update={"members": kept}) if kept else None
    if effective is None:
        return AnchoredDecision(id=number, decision=decision, status=AnchorStatus.ORPHANED, reasons=reasons)
    status = AnchorStatus.REANCHORED if reasons else AnchorStatus.APPLIED
    return AnchoredDecision(id=number, decision=decision, effective=effective, status=status, reasons=reasons)


def anchor_decisions(decisions: Iterable[tuple[int, Decision]], versions: VersionMap) -> list[AnchoredDecision]:
    """Each decision in force, with the keys it applies to now (in time order, as matching applies them)."""

    def when(item: tuple[int, Decision]) -> tuple[object, int]:
        moment = item[1].when
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC), item[0])

    return [_anchor_one(number, decision, versions) for number, decision in sorted(decisions, key=when)]


def settle(
    anchored: Sequence[AnchoredDecision],
    result: Reconciliation,
    old_flags: Mapping[str, Flag],
    successors: Mapping[str, str],
) -> tuple[list[AnchoredDecision], Reconciliation]:
    """After reconciliation: decisions naming datasets or flags that no longer exist are orphaned, and a
    dismissal of a finding on an older version follows the same finding (kind and evidence) to the new one.

    ``old_flags`` are the flags of the previous run by id; ``successors`` maps an old document's
    sha256 to the current one that replaced it.
    """
    datasets = {d.id for d in result.datasets}
    flags = {f.id: f for f in result.flags}
    # A finding is looked for in the document (work) now showing the old file's rows, whichever of
    # its files is the primary one.
    work_of = {r.sha256: w.id for w in result.works for r in w.renderings}
    by_finding = {(work_of.get(f.sha256, f.sha256), f.kind, tuple(sorted(f.evidence))): f for f in result.flags}
    out: list[AnchoredDecision] = []
    dismiss: dict[str, tuple[DismissFlag, str]] = {}
    for item in anchored:
        decision = item.effective
        if isinstance(decision, MergeDatasets | SetCanonical):
            named = decision.dataset_ids if isinstance(decision, MergeDatasets) else [decision.dataset_id]
            gone = [d for d in named if d not in datasets]
            if gone and (isinstance(decision, SetCanonical) or len(named) - len(gone) < 2):
                item = item.model_copy(update={
                    "effective": None, "status": AnchorStatus.ORPHANED,
                    "reasons": [*item.reasons, f"tập dữ liệu không còn / dataset no longer exists: {', '.join(gone)}"],
                })  # fmt: skip
        elif isinstance(decision, DismissFlag) and decision.flag_id not in flags:
            old = old_flags.get(decision.flag_id)
            found = None
            if old is not None:
                new_sha = successors.get(old.sha256, old.sha256)
                found = by_finding.get((work_of.get(new_sha, new_sha), old.kind, tuple(sorted(old.evidence))))
            if found is None:
                what = f"{old.kind.value} {old.evidence} ({old.document})" if old else decision.flag_id
                item = item.model_copy(update={
                    "effective": None, "status": AnchorStatus.ORPHANED,
                    "reasons": [*item.reasons, f"cảnh báo không còn được nêu / finding no longer raised: {what}"],
                })  # fmt: skip
            else:
                effective = decision.model_copy(update={"flag_id": found.id})
                reason = f"cùng cảnh báo {found.kind.value} {found.evidence} trên {found.document} / same finding"
                item = item.model_copy(update={
                    "effective": effective, "status": AnchorStatus.REANCHORED, "reasons": [*item.reasons, reason],
                })  # fmt: skip
                dismiss[found.id] = (effective, reason)
        out.append(item)
    if dismiss:
        result = result.model_copy(update={"flags": [
            f.model_copy(update={"dismissed": dismiss[f.id][0].reason or "—", "dismissed_by": dismiss[f.id][0].who})
            if f.id in dismiss and not f.dismissed else f
            for f in result.flags
        ]})  # fmt: skip
    return out, result
