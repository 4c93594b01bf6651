"""OpenRefine's reconciliation endpoint (W3C Reconciliation Service API 0.2).

OpenRefine 3.x sends the manifest request as a plain GET (older versions add ``callback`` for
JSONP), and reconciliation batches as a form-encoded POST ``queries={...}``; a GET with
``?queries=`` works too. Answers carry CORS headers so browser-based clients can call it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError

from api.auth import RefineReader
from api.errors import InvalidParameterError, NotFoundError
from api.reconcile_service import ReconcileQuery
from api.state import ServiceState, State

router = APIRouter(tags=["reconcile"])
QUERIES = TypeAdapter(dict[str, ReconcileQuery])
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,100}$")
MAX_QUERIES = 500
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-API-Key",
}


def _answer(payload: Any, callback: str | None) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    if callback:
        if not CALLBACK.match(callback):
            raise InvalidParameterError("tên hàm callback không hợp lệ", "invalid JSONP callback name")
        return Response(f"{callback}({body});", media_type="application/javascript", headers=CORS)
    return Response(body, media_type="application/json", headers=CORS)


def _parse_queries(raw: str) -> dict[str, ReconcileQuery]:
    try:
        parsed = json.loads(raw)
        if isinstance(parsed, dict):  # a bare string query is allowed by old clients: {"q0": "text"}
            parsed = {k: {"query": v} if isinstance(v, str) else v for k, v in parsed.items()}
        queries = QUERIES.validate_python(parsed)
    except (ValueError, RecursionError, ValidationError) as error:  # RecursionError: "[[[[…" nested past the stack
        detail = str(error).splitlines()[0][:200]
        raise InvalidParameterError(f"'queries' phải là đối tượng JSON ({detail})",
                                    f"'queries' must be a JSON object ({detail})") from None  # fmt: skip
    if len(queries) > MAX_QUERIES:
        raise InvalidParameterError(
            f"tối đa {MAX_QUERIES} truy vấn mỗi lần", f"at most {MAX_QUERIES} queries per batch"
        )
    return queries


async def _handle(request: Request, state: ServiceState) -> Response:
    callback = request.query_params.get("callback")
    raw = request.query_params.get("queries")
    if raw is None and request.method == "POST":
        form = await request.form()
        value = form.get("queries")
        raw = value if isinstance(value, str) else None
        callback = callback or (form.get("callback") if isinstance(form.get("callback"), str) else None)  # type: ignore[assignment]
    if raw is None:
        return _answer(state.reconcile.manifest(), callback)
    results = state.reconcile.reconcile(_parse_queries(raw))
    return _answer({name: value.model_dump(mode="json") for name, value in results.items()}, callback)


@router.get("/reconcile", summary="Đối chiếu OpenRefine: manifest hoặc truy vấn / manifest or queries")
async def reconcile_get(*, request: Request, _: RefineReader, state: State) -> Response:
    return await _handle(request, state)


@router.post(
    "/reconcile",
    summary="Đối chiếu OpenRefine (form queries=…) / reconcile a batch",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"queries": {"type": "string"}}}
                }
            }
        }
    },
)
async def reconcile_post(*, request: Request, _: RefineReader, state: State) -> Response:
    return await _handle(request, state)


@router.options("/reconcile", include_in_schema=False)
def reconcile_options() -> Response:
    return Response(status_code=204, headers=CORS)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;font-size:13px;margin:6px'>{body}</body></html>",
        headers=CORS,
    )


@router.get("/reconcile/preview", response_class=HTMLResponse, summary="Xem nhanh / preview for OpenRefine")
def reconcile_preview(
    *,
    id: str,
    _: RefineReader,
    state: State,  # noqa: A002
) -> HTMLResponse:
    found = state.catalog.detail(id)
    if found is None:
        raise NotFoundError("tập dữ liệu", "dataset", id)
    sources = "".join(
        f"<li>{html.escape(m.title)} — {html.escape(m.document)} (STT {html.escape(m.number)})</li>"
        for m in found.members[:5]
    )
    body = (
        f"<b>{html.escape(found.title)}</b><br>Đơn vị: {html.escape(found.unit or '—')}<br>"
        f"Chia sẻ: {html.escape(', '.join(found.sharing_labels) or '—')}; "
        f"tần suất: {html.escape(', '.join(found.frequency) or '—')}<ul>{sources}</ul>"
    )
    return _page(found.title, body)


@router.get("/reconcile/view/{dataset_id}", response_class=HTMLResponse, summary="Trang tập dữ liệu / view")
def reconcile_view(*, dataset_id: str, _: RefineReader, state: State) -> HTMLResponse:
    found = state.catalog.detail(dataset_id)
    if found is None:
        raise NotFoundError("tập dữ liệu", "dataset", dataset_id)
    rows = "".join(
        f"<tr><td>{html.escape(m.document)}</td><td>{html.escape(m.number)}</td><td>{html.escape(m.title)}</td>"
        f"<td>{html.escape(m.unit)}</td><td>{html.escape(m.sharing_raw)}</td><td>{html.escape(m.frequency_raw)}</td></tr>"
        for m in found.members
    )
    body = (
        f"<h2>{html.escape(found.title)}</h2><p>Mã / id: {html.escape(found.id)} — {html.escape(found.unit)}</p>"
        "<table border='1' cellpadding='4'><tr><th>Văn bản</th><th>STT</th><th>Tên</th><th>Đơn vị</th>"
        f"<th>Chia sẻ</th><th>Tần suất</th></tr>{rows}</table>"
    )
    return _page(found.title, body)
