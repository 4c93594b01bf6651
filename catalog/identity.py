"""Reconciliation of a store with document identity and versions: works, and decisions that follow them.

Before matching, the rows named by reviewers' decisions that belong to a superseded file version are
looked for in the version that replaced it (matching/anchoring.py); the previous run's dataset ids
follow the same rows, so a dataset keeps its id (and the decisions naming it) across versions. After
matching, the works (one per document, several files each) and how every decision applied are stored
beside the reconciliation, for the reports and the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import TypeAdapter
from sqlalchemy import delete, select

from catalog.errors import ReconcileFailedError
from catalog.models import DecisionAnchorRow, WorkRow
from catalog.store import DECISION, CatalogStore
from extract.model import Document
from matching.anchoring import AnchoredDecision, AnchorStatus, EntryMove, VersionMap, anchor_decisions, settle
from matching.model import ConfirmLink, Decision, Flag, Reconciliation, RejectLink, SplitDataset, Work

_WORK = TypeAdapter(Work)


def _named_keys(decisions: Sequence[tuple[int, Decision]]) -> set[str]:
    keys: set[str] = set()
    for _, decision in decisions:
        if isinstance(decision, ConfirmLink | RejectLink):
            keys |= {decision.left, decision.right}
        elif isinstance(decision, SplitDataset):
            keys |= set(decision.members)
    return keys


def version_map(store: CatalogStore, documents: list[Document], shas: set[str]) -> tuple[VersionMap, dict[str, str]]:
    """Where the rows of the stored, no longer current documents ``shas`` went; and old → new sha256."""
    from matching.anchoring import entry_moves
    from matching.model import entry_key

    current = {d.sha256: d for d in documents}
    current_keys = frozenset(entry_key(d, e) for d in documents for e in d.catalog)
    versions = store.versions()
    by_path: dict[str, list] = {}
    for version in versions:
        by_path.setdefault(version.path, []).append(version)
    moves: dict[str, EntryMove] = {}
    stale: dict[str, str] = {}
    successors: dict[str, str] = {}
    for sha in sorted(shas - current.keys()):
        old = store.get(sha)
        if old is None:
            continue
        # The newest current version of a path that once showed this content replaces it.
        replaced = [(v, next((w for w in by_path[v.path] if w.current), None)) for v in versions if v.sha256 == sha]
        found = [(v, w) for v, w in replaced if w is not None and w.sha256 in current]
        if not found:
            stale[sha] = "tệp không còn trong kho, không có phiên bản mới / file withdrawn without a new version"
            continue
        before, after = max(found, key=lambda pair: pair[1].added_at)
        successors[sha] = after.sha256
        moves.update(entry_moves(old, current[after.sha256], old_version=before.version, new_version=after.version))
        stale[sha] = (
            f"dòng không còn trong phiên bản {after.version} của {after.path} / row not found in version "
            f"{after.version} of {after.path}"
        )
    return VersionMap(current_keys=current_keys, moves=moves, stale=stale), successors


def _carry_assignment(previous: Mapping[str, str], moves: Mapping[str, EntryMove]) -> dict[str, str]:
    """The previous run's dataset ids, also on the new rows of the moved ones (unless already assigned)."""
    carried = dict(previous)
    for old, move in moves.items():
        if old in previous:
            carried.setdefault(move.key, previous[old])
    return carried


def reconcile_store(store: CatalogStore, *, workers: int = 1) -> tuple[Reconciliation, list[AnchoredDecision]]:
    """Run matching over the current documents, with the decisions re-anchored, and persist everything."""
    from matching import MatchingError, reconcile

    documents = store.current_documents()
    in_force = {r.id: r.decision for r in store.decision_records() if r.undone_by is None}
    wanted = [(n, d) for n, d in in_force.items() if d.kind != "undo"]
    shas = {key.split(":", 1)[0] for key in _named_keys(wanted)}
    previous = store.previous_assignment()
    shas |= {key.split(":", 1)[0] for key in previous}
    versions, successors = version_map(store, documents, shas)
    anchored = anchor_decisions(wanted, versions)
    old_flags = {flag.id: flag for flag in store.flags()}
    try:
        result = reconcile(
            documents,
            decisions=[a.effective for a in anchored if a.effective is not None],
            previous=_carry_assignment(previous, versions.moves),
            workers=workers,
            previous_concepts=store.previous_concepts(),
        )
    except MatchingError as error:
        raise ReconcileFailedError(str(error)) from None
    anchored, result = settle(anchored, result, old_flags, successors)
    applied = sum(1 for a in anchored if a.status is not AnchorStatus.ORPHANED)
    store.save_reconciliation(result, documents=len(documents), decisions=applied)
    save_identity(store, result.works, anchored)
    return result, anchored


def save_identity(store: CatalogStore, works: list[Work], anchored: list[AnchoredDecision]) -> None:
    with store.transaction() as session:
        session.execute(delete(WorkRow))
        session.execute(delete(DecisionAnchorRow))
        session.add_all(
            WorkRow(id=w.id, position=i, primary_sha256=w.primary, work_json=w.model_dump_json())
            for i, w in enumerate(works)
        )
        session.add_all(
            DecisionAnchorRow(
                decision_id=a.id,
                status=a.status.value,
                reasons=list(a.reasons),
                effective=DECISION.dump_json(a.effective).decode("utf-8") if a.effective is not None else "",
            )  # fmt: skip
            for a in anchored
        )


def works(store: CatalogStore) -> list[Work]:
    with store.snapshot() as session:
        found = session.scalars(select(WorkRow.work_json).order_by(WorkRow.position))
        return [_WORK.validate_json(text) for text in found]


def anchored_decisions(store: CatalogStore) -> list[AnchoredDecision]:
    """Every decision in force with how it applied at the last reconciliation (APPLIED before any ran)."""
    with store.snapshot() as session:
        anchors = {row.decision_id: row for row in session.scalars(select(DecisionAnchorRow))}
    out = []
    for record in store.decision_records():
        if record.undone_by is not None or record.decision.kind == "undo":
            continue
        row = anchors.get(record.id)
        if row is None:
            out.append(AnchoredDecision(id=record.id, decision=record.decision, effective=record.decision,
                                        status=AnchorStatus.APPLIED))  # fmt: skip
            continue
        out.append(AnchoredDecision(
            id=record.id, decision=record.decision, status=AnchorStatus(row.status), reasons=list(row.reasons),
            effective=DECISION.validate_json(row.effective) if row.effective else None,
        ))  # fmt: skip
    return out


def with_works(flags: Sequence[Flag], known: Sequence[Work]) -> list[Flag]:
    """Flags with their document's other files (the store keeps a flag on the primary file only)."""
    work_of = {r.sha256: w for w in known for r in w.renderings}
    out = []
    for flag in flags:
        work = work_of.get(flag.sha256)
        if work is not None and len(work.renderings) > 1:
            others = [r.document for r in work.renderings if r.sha256 != flag.sha256]
            flag = flag.model_copy(update={"work": work.id, "renderings": others})
        out.append(flag)
    return out


def rendering_shas(flag: Flag, known: Sequence[Work]) -> set[str]:
    """Every file of the flag's document (a flag filtered by any of its files is found)."""
    for work in known:
        if any(r.sha256 == flag.sha256 for r in work.renderings):
            return {r.sha256 for r in work.renderings}
    return {flag.sha256}
