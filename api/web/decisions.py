"""The one place the workspace records, lists and undoes reviewer decisions.

Decisions go through the API's own handler (``api.routes.reviews.post_review``), so whatever that
handler checks (references, contradictions with earlier decisions) refuses a decision made in the
browser in the same words. Undo is offered only when the decisions API knows an ``undo`` kind; until
then the buttons are shown disabled with a note, and this module is the one place to change when it
lands. After recording, the workspace waits for the reconciliation the decision queued, so the page
it returns to already shows the decision applied.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, get_args

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.keys import Principal
from api.routes import reviews
from api.state import ServiceState
from catalog.models import DecisionRow
from matching.model import Decision

APPLY_WAIT_SECONDS = 60.0
UNDO_KINDS = ("undo", "undo_decision")

KIND_LABELS = {
    "confirm_link": "Xác nhận cùng một tập dữ liệu",
    "reject_link": "Bác bỏ liên kết",
    "merge_datasets": "Gộp tập dữ liệu",
    "split_dataset": "Tách tập dữ liệu",
    "set_canonical": "Đặt tên / đơn vị chuẩn",
    "dismiss_flag": "Bỏ qua cảnh báo",
    "undo": "Hoàn tác",
    "undo_decision": "Hoàn tác",
}


@dataclass(frozen=True, slots=True)
class Recorded:
    decision_id: int
    job_id: str
    applied: bool  # the reconciliation it queued finished within the wait


@dataclass(frozen=True, slots=True)
class HistoryItem:
    id: int
    kind: str
    label: str
    who: str
    when: datetime
    reason: str
    decision: Decision | None
    undone: bool
    status: str = "applied"  # catalog/anchoring.py: applied, reanchored (to a new version) or orphaned
    status_reasons: tuple[str, ...] = ()
    applied_as: Decision | None = None  # the decision as applied now (re-anchored to a new version)


def undo_kind() -> str:
    """The API's undo kind, or "" while the decisions API has none."""
    known = get_args(reviews.ReviewKind)
    return next((kind for kind in UNDO_KINDS if kind in known), "")


def record(state: ServiceState, who: Principal, fields: dict[str, Any]) -> Recorded:
    """Record one decision as ``POST /v1/reviews`` would; raises ApiError with the API's explanation."""
    try:
        request = reviews.ReviewRequest.model_validate(fields)
    except ValidationError as error:
        from api.errors import InvalidParameterError

        raise InvalidParameterError("Quyết định không hợp lệ: " + str(error)[:200], str(error)[:200]) from None
    answer = reviews.post_review(request=request, who=who, state=state)
    body = answer.body if isinstance(answer.body, bytes) else bytes(answer.body)
    accepted = reviews.ReviewAccepted.model_validate_json(body)
    return Recorded(accepted.id, accepted.job.id, wait_applied(state, accepted.job.id))


def undo(state: ServiceState, who: Principal, decision_id: int, reason: str) -> Recorded:
    kind = undo_kind()
    if not kind:
        raise ApiError("Chức năng hoàn tác chưa có trong API quyết định.", "Undo is not available in the API yet.")
    return record(state, who, {"kind": kind, "decision_id": decision_id, "reason": reason})


def wait_applied(state: ServiceState, job_id: str, seconds: float = APPLY_WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = state.jobs.get(job_id)
        if job is None or job.status in ("succeeded", "failed"):
            return job is not None and job.status == "succeeded"
        time.sleep(0.1)
    return False


def history(state: ServiceState) -> list[HistoryItem]:
    """Every decision, newest first, with its stored id (what an undo names) and whether it was undone."""
    with Session(state.store.engine) as session:
        rows = session.execute(
            select(DecisionRow.id, DecisionRow.kind, DecisionRow.who, DecisionRow.decided_at, DecisionRow.reason)
        ).all()
    records = {record.id: record for record in state.store.decision_records()}
    anchored = {a.id: a for a in state.store.anchored_decisions()}
    items = [
        HistoryItem(row.id, row.kind, KIND_LABELS.get(row.kind, row.kind), row.who, row.decided_at, row.reason,
                    records[row.id].decision if row.id in records else None,
                    row.id in records and records[row.id].undone_by is not None,
                    anchored[row.id].status.value if row.id in anchored else "applied",
                    tuple(anchored[row.id].reasons) if row.id in anchored else (),
                    anchored[row.id].effective if row.id in anchored else None)
        for row in rows
    ]  # fmt: skip
    return sorted(items, key=lambda item: (item.when, item.id), reverse=True)


def touches(item: HistoryItem, keys: set[str], dataset_id: str, flag_ids: set[str]) -> bool:
    """Whether a decision concerns a dataset (its id, one of its member keys or one of its flags)."""
    if item.applied_as is not None and item.applied_as != item.decision:
        # Re-anchored to a new version of its file: it concerns the rows it applies to now, too.
        if touches(replace(item, decision=item.applied_as, applied_as=None), keys, dataset_id, flag_ids):
            return True
    d = item.decision
    if d is None:
        return False
    if d.kind == "undo":
        return False
    if d.kind in ("confirm_link", "reject_link"):
        return d.left in keys or d.right in keys
    if d.kind == "merge_datasets":
        return dataset_id in d.dataset_ids
    if d.kind == "split_dataset" or d.kind == "set_canonical":
        return d.dataset_id == dataset_id
    return d.kind == "dismiss_flag" and d.flag_id in flag_ids
