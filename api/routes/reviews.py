"""Reviewer decisions: confirm or reject a link, merge or split datasets, set canonical, dismiss a flag, undo.

Decisions are stored as matching's typed records (who = the API key's owner) and applied by
the next reconciliation, which is queued at once; the answer carries that job's id. A decision
contradicting one in force (confirm A–B after reject A–B, or the reverse) is refused with 409;
any decision can be undone (kind "undo", decision_id), and the list shows undone ones as such.
Each decision in force also says how it applied at the last reconciliation (catalog/anchoring.py):
`applied`, `reanchored` to the rows of a file's new version (`applied_as` is what is applied), or
`orphaned` (its rows, dataset or finding are gone: not applied), with `status_reasons`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue, TypeAdapter, ValidationError
from pydantic.config import JsonDict

from api.auth import Reader, Reviewer
from api.errors import InvalidParameterError
from api.jobs import JobView
from api.paging import Limit, Offset, Page, page_of
from api.state import ServiceState, State
from catalog.errors import UnknownReferenceError
from matching.model import Decision

router = APIRouter(prefix="/v1", tags=["reviews"])
DECISION = TypeAdapter[Decision](Decision)

ReviewKind = Literal[
    "confirm_link", "reject_link", "merge_datasets", "split_dataset", "set_canonical", "dismiss_flag", "undo"
]


def _needs(kind: str, then: JsonDict) -> JsonValue:
    return {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": then}


_TEXT: JsonDict = {"type": "string", "minLength": 1}
# What _decision checks, stated in the schema (JSON Schema if/then, OpenAPI 3.1) so clients and
# schema-driven tests know which fields each kind needs; FastAPI's validation stays the model's.
_FIELDS_BY_KIND: list[JsonValue] = [
    _needs("confirm_link", {"required": ["left", "right"], "properties": {"left": _TEXT, "right": _TEXT}}),
    _needs("reject_link", {"required": ["left", "right"], "properties": {"left": _TEXT, "right": _TEXT}}),
    _needs("merge_datasets", {"required": ["dataset_ids"],
                              "properties": {"dataset_ids": {"minItems": 2, "uniqueItems": True}}}),
    _needs("split_dataset", {"required": ["dataset_id", "members"],
                             "properties": {"dataset_id": _TEXT, "members": {"minItems": 1}}}),
    _needs("set_canonical", {"required": ["dataset_id"], "properties": {"dataset_id": _TEXT},
                             "anyOf": [{"required": ["title"], "properties": {"title": _TEXT}},
                                       {"required": ["unit"], "properties": {"unit": _TEXT}}]}),
    _needs("dismiss_flag", {"required": ["flag_id"], "properties": {"flag_id": _TEXT}}),
    _needs("undo", {"required": ["decision_id"], "properties": {"decision_id": {"minimum": 1}}}),
]  # fmt: skip


class ReviewRequest(BaseModel):
    """Fields by kind: links need left+right (entry keys); merge needs dataset_ids; split needs
    dataset_id+members; set_canonical needs dataset_id and title and/or unit; dismiss needs flag_id."""

    model_config = ConfigDict(json_schema_extra={"allOf": _FIELDS_BY_KIND})

    kind: ReviewKind
    reason: str = Field(default="", max_length=2000)
    left: str = Field(default="", max_length=200)
    right: str = Field(default="", max_length=200)
    dataset_id: str = Field(default="", max_length=64)
    dataset_ids: list[str] = Field(default_factory=list, max_length=1000)
    members: list[str] = Field(default_factory=list, max_length=10_000)
    title: str = Field(default="", max_length=2000)
    unit: str = Field(default="", max_length=2000)
    flag_id: str = Field(default="", max_length=64)
    decision_id: int = Field(default=0, ge=0, description="undo: the id of the decision to take back")


class ReviewRecord(BaseModel):
    """A stored decision with its fields, its id, and whether an undo took it back."""

    id: int
    kind: str
    who: str
    when: datetime
    reason: str = ""
    left: str | None = None
    right: str | None = None
    dataset_id: str | None = None
    dataset_ids: list[str] | None = None
    members: list[str] | None = None
    title: str | None = None
    unit: str | None = None
    flag_id: str | None = None
    decision_id: int | None = None
    undone: bool = False
    undone_by: int | None = None
    status: Literal["applied", "reanchored", "orphaned", "undone", "undo"] = Field(
        default="applied", description="how the decision applied at the last reconciliation"
    )
    status_reasons: list[str] = Field(default_factory=list, description="why it was re-anchored or orphaned")
    applied_as: Decision | None = Field(
        default=None, description="reanchored: the decision as applied now, on the rows of the new version"
    )


class ReviewAccepted(BaseModel):
    id: int
    decision: Decision
    job: JobView


def _decision(request: ReviewRequest, who: str) -> Decision:
    fields: dict[str, object] = {"kind": request.kind, "who": who, "when": datetime.now(UTC),
                                 "reason": request.reason}  # fmt: skip
    needed = {
        "confirm_link": ("left", "right"),
        "reject_link": ("left", "right"),
        "merge_datasets": ("dataset_ids",),
        "split_dataset": ("dataset_id", "members"),
        "set_canonical": ("dataset_id", "title", "unit"),
        "dismiss_flag": ("flag_id",),
        "undo": ("decision_id",),
    }[request.kind]
    for name in needed:
        fields[name] = getattr(request, name)
    missing = [name for name in needed if not fields[name] and name not in ("title", "unit")]
    if request.kind == "set_canonical" and not (request.title or request.unit):
        missing.append("title|unit")
    if request.kind == "merge_datasets" and len(set(request.dataset_ids)) < 2:
        missing.append("dataset_ids (>= 2)")
    if missing:
        raise InvalidParameterError(f"thiếu trường {', '.join(missing)}", f"missing field(s) {', '.join(missing)}")
    try:
        return DECISION.validate_python(fields)
    except ValidationError as error:
        raise InvalidParameterError(str(error)[:300], str(error)[:300]) from None


def _check_references(state: ServiceState, request: ReviewRequest) -> None:
    if request.kind in ("confirm_link", "reject_link", "split_dataset"):
        keys = state.store.entry_keys()
        for key in [request.left, request.right] if request.kind != "split_dataset" else request.members:
            if key not in keys:
                raise UnknownReferenceError("dòng danh mục", "catalog entry", key)
        if request.kind != "split_dataset" and request.left == request.right:
            raise InvalidParameterError("hai dòng phải khác nhau", "the two entries must differ")
    if request.kind in ("merge_datasets", "split_dataset", "set_canonical"):
        known = state.store.dataset_ids()
        for dataset_id in request.dataset_ids if request.kind == "merge_datasets" else [request.dataset_id]:
            if dataset_id not in known:
                raise UnknownReferenceError("tập dữ liệu", "dataset", dataset_id)
    if request.kind == "dismiss_flag" and request.flag_id not in state.store.flag_ids():
        raise UnknownReferenceError("cảnh báo", "flag", request.flag_id)


@router.post(
    "/reviews", status_code=201, response_model=ReviewAccepted, summary="Ghi quyết định rà soát / record a decision"
)
def post_review(
    *,
    request: ReviewRequest,
    who: Reviewer,
    state: State,
) -> JSONResponse:
    decision = _decision(request, who.owner)
    _check_references(state, request)
    with state.jobs.write_lock:
        decision_id = state.store.add_decision(decision)
    job = state.jobs.submit_reconcile(who.owner)
    body = ReviewAccepted(id=decision_id, decision=decision, job=job)
    return JSONResponse(body.model_dump(mode="json"), status_code=201)


@router.get("/reviews", response_model=Page[ReviewRecord], summary="Các quyết định đã ghi / decisions")
def list_reviews(
    *,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Page[ReviewRecord]:
    return page_of(_records(state), limit, offset)


def _records(state: ServiceState) -> list[ReviewRecord]:
    anchored = {a.id: a for a in state.store.anchored_decisions()}
    records = []
    for r in state.store.decision_records():
        record = ReviewRecord(id=r.id, undone=r.undone_by is not None, undone_by=r.undone_by, **r.decision.model_dump())
        found = anchored.get(r.id)
        if found is not None:
            record.status = found.status.value
            record.status_reasons = list(found.reasons)
            record.applied_as = found.effective if found.status.value == "reanchored" else None
        else:
            record.status = "undo" if r.decision.kind == "undo" else "undone"
        records.append(record)
    return records


@router.get(
    "/decisions", response_model=Page[ReviewRecord],
    summary="Quyết định đang có hiệu lực và cách áp dụng / decisions in force and how they apply",
)  # fmt: skip
def list_decisions(
    *,
    orphaned: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Page[ReviewRecord]:
    """Decisions in force (not undone, not undos): `orphaned=true` those that no longer apply, with the
    reason; `orphaned=false` those applied, as recorded or re-anchored to a new version of their file."""
    records = [r for r in _records(state) if r.status in ("applied", "reanchored", "orphaned")]
    if orphaned is not None:
        records = [r for r in records if (r.status == "orphaned") == orphaned]
    return page_of(records, limit, offset)
