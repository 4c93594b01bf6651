"""Workspace pages that change the catalog or the keys: review queue, datasets, decisions, key management."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.catalog_view import DatasetView, MemberView
from api.errors import status_for
from api.keys import Role, create_key, key_id_of, list_keys, revoke_key
from api.state import ServiceState
from api.web import decisions, views
from api.web.common import PREFIX, BadForm, need, need_post, redirect, render, safe_next, service
from extract.errors import DanhmucError
from matching.model import Flag, Link

router = APIRouter(prefix=PREFIX, include_in_schema=False)

QUEUE_SHOWN = 40
DONE = {"confirm_link": "Đã xác nhận liên kết.", "reject_link": "Đã bác bỏ liên kết.",
        "merge_datasets": "Đã gộp tập dữ liệu.", "split_dataset": "Đã tách tập dữ liệu.",
        "set_canonical": "Đã đặt tên / đơn vị chuẩn.", "dismiss_flag": "Đã bỏ qua cảnh báo.",
        "undo": "Đã hoàn tác quyết định."}  # fmt: skip


def _notice(request: Request) -> str:
    done = DONE.get(request.query_params.get("done", ""), "")
    if done and request.query_params.get("pending"):
        done += " Danh mục đang được cập nhật theo quyết định này; tải lại trang sau ít giây để thấy kết quả."
    return done


@router.get("/review")
def review_page(request: Request) -> Response:
    who = need(request, Role.READER)
    state = service(request)
    queue = views.review_queue(state)
    history = decisions.history(state)[:20]
    return render(request, "review.html", who=who, queue=queue[:QUEUE_SHOWN], total=len(queue), history=history,
                  subjects=_subjects(state, history),
                  undo_kind=decisions.undo_kind(), notice=_notice(request))  # fmt: skip


@router.get("/datasets/{dataset_id}")
def dataset_page(request: Request, dataset_id: str) -> Response:
    who = need(request, Role.READER)
    state = service(request)
    found = state.catalog.detail(dataset_id[:64])
    if found is None:
        return render(request, "error.html", status=404, who=who, title="Không tìm thấy tập dữ liệu",
                      message="Tập dữ liệu này không còn (có thể đã được gộp vào tập khác).")  # fmt: skip
    keys = {m.key for m in found.members}
    flags = [f for document in sorted(found.document_ids) for f in state.store.flags(document=document)
             if _concerns(f, found.members)]  # fmt: skip
    outward = [link for link in state.store.links_of(sorted(keys)) if (link.left in keys) != (link.right in keys)]
    members = views._members(state, [link.right if link.left in keys else link.left for link in outward])
    near: dict[str, tuple[Link, DatasetView]] = {}  # one option per other dataset: its best link (come first)
    for link in outward:
        other = link.right if link.left in keys else link.left
        if other in members and (dataset := members[other][1]).id != found.id:
            near.setdefault(dataset.id, (link, dataset))
    history = [h for h in decisions.history(state)
               if decisions.touches(h, keys, found.id, {f.id for f in flags})]  # fmt: skip
    return render(request, "dataset.html", who=who, ds=found, flags=flags, near=list(near.values())[:10],
                  history=history,
                  subjects=_subjects(state, history),
                  units_by_locality=views.units_by_locality(state, found.id, found.members),
                  undo_kind=decisions.undo_kind(), notice=_notice(request))  # fmt: skip


def _concerns(flag: Flag, members: list[MemberView]) -> bool:
    """Whether a flag of one of the dataset's documents is about one of its rows: by the rows the flag
    points at (table and row), else by its evidence naming a row's number or title."""
    mine: dict[str, set[tuple[int | None, int | None]]] = {m.document_id: set() for m in members}
    for member in members:
        mine[member.document_id].add((member.provenance.table, member.provenance.row))
    placed = [(p.table, p.row) for p in flag.provenance if p.table is not None]
    if placed:
        return any(place in mine.get(flag.sha256, set()) for place in placed)
    named = {m.number for m in members if m.number and m.document_id == flag.sha256}
    named |= {m.title for m in members if m.document_id == flag.sha256}
    return bool(named & set(flag.evidence))


def _subjects(state: ServiceState, history: list[decisions.HistoryItem]) -> dict[int, str]:
    describe = views.describer(state, [item.decision for item in history])
    return {item.id: describe(item.decision) for item in history}


def _fields(form: Any) -> dict[str, Any]:
    names = ("kind", "reason", "left", "right", "dataset_id", "title", "unit", "flag_id")
    fields: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in names}
    fields["dataset_ids"] = [str(v).strip() for v in form.getlist("dataset_ids") if str(v).strip()]
    fields["members"] = [str(v) for v in form.getlist("members")]
    return fields


def _refused(request: Request, who: Any, error: DanhmucError, back: str, keys: list[str] | None = None) -> Response:
    message = views.name_rows(service(request), error.message_vi, keys or [])
    status = status_for(error)
    return render(request, "error.html", status=status, who=who, title="Không ghi được quyết định", message=message,
                  back=back, history=f"{back.split('#')[0]}#history" if status == 409 else "")  # fmt: skip


@router.post("/decide")
async def decide(request: Request) -> Response:
    who, form = await need_post(request, Role.REVIEWER, max_files=0, max_fields=12_000)
    back = safe_next(str(form.get("next", "")))
    fields = _fields(form)
    if fields["kind"] == "dismiss_flag" and not fields["reason"]:
        return render(request, "error.html", status=422, who=who, title="Cần lý do",
                      message="Hãy ghi lý do bỏ qua cảnh báo (người khác sẽ đọc lý do này).", back=back)  # fmt: skip
    try:
        recorded = await asyncio.to_thread(decisions.record, service(request), who.principal, fields)
    except DanhmucError as error:
        return _refused(request, who, error, back, [fields["left"], fields["right"], *fields["members"]])
    separator = "&" if "?" in back else "?"
    pending = "" if recorded.applied else "&pending=1"
    return redirect(f"{back}{separator}done={quote(fields['kind'])}{pending}")


@router.post("/undo")
async def undo(request: Request) -> Response:
    who, form = await need_post(request, Role.REVIEWER, max_files=0, max_fields=8)
    back = safe_next(str(form.get("next", "")))
    decision_id = str(form.get("decision_id", ""))
    if not decision_id.isdigit():
        return render(request, "error.html", status=422, who=who, title="Thiếu quyết định", message="", back=back)
    try:
        await asyncio.to_thread(decisions.undo, service(request), who.principal, int(decision_id),
                                str(form.get("reason", "")))  # fmt: skip
    except DanhmucError as error:
        return _refused(request, who, error, back)
    separator = "&" if "?" in back else "?"
    return redirect(f"{back}{separator}done=undo")


# ------------------------------------------------------------------ keys (admin)


@router.get("/keys")
def keys_page(request: Request) -> Response:
    who = need(request, Role.ADMIN)
    return render(request, "keys.html", who=who, keys=list_keys(service(request).store.engine), new_key="",
                  roles=list(Role), error="")  # fmt: skip


@router.post("/keys")
async def keys_create(request: Request) -> Response:
    who, form = await need_post(request, Role.ADMIN, max_files=0, max_fields=6)
    owner, role = str(form.get("owner", "")).strip()[:200], str(form.get("role", ""))
    engine = service(request).store.engine
    if not owner or role not in {r.value for r in Role}:
        return render(request, "keys.html", status=422, who=who, keys=list_keys(engine), new_key="", roles=list(Role),
                      error="Hãy nhập tên người dùng khóa và chọn vai trò.")  # fmt: skip
    key = create_key(engine, owner, Role(role))
    # Shown once, on this page, never in a URL; the page is not cached (Cache-Control: no-store).
    return render(request, "keys.html", who=who, keys=list_keys(engine), new_key=key, new_id=key_id_of(key),
                  roles=list(Role), error="")  # fmt: skip


@router.post("/keys/{key_id}/revoke")
async def keys_revoke(request: Request, key_id: str) -> Response:
    await need_post(request, Role.ADMIN, max_files=0, max_fields=4)
    state = service(request)
    if not revoke_key(state.store.engine, key_id[:64], stamp=state.settings.keys_stamp):
        raise BadForm("Không có khóa này.")
    request.app.state.keys.forget()
    return redirect(f"{PREFIX}/keys")
