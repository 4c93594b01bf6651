"""``GET /v1/export``: the unified catalog as CSV, JSON Lines, Excel, DCAT-AP 3 JSON-LD or CKAN payloads.

The records and serialisers are those of ``catalog.exports``, shared with ``danhmuc export``; the
records come from this process's in-memory catalog, which reads the store the same way.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth import Reader
from api.state import State
from catalog.exports import FILE_NAMES, MEDIA_TYPES, ExportFormat, render

router = APIRouter(prefix="/v1", tags=["exports"])

DOWNLOADED = {ExportFormat.CSV, ExportFormat.JSONL, ExportFormat.XLSX}  # saved as files, not shown


@router.get(
    "/export",
    summary="Xuất danh mục hợp nhất / export the unified catalog",
    response_class=Response,
    responses={200: {"content": {media_type.split(";")[0]: {} for media_type in MEDIA_TYPES.values()}}},
)
def export_catalog(
    *,
    format: ExportFormat = Query(ExportFormat.CSV, description="csv | jsonl | xlsx | dcat | ckan"),  # noqa: A002, B008
    _: Reader,
    state: State,
) -> Response:
    last = state.store.last_reconciliation() if format is ExportFormat.DCAT else None
    body = render(
        format, state.catalog.details(), base_url=state.settings.base_url, publisher=state.settings.publisher,
        modified=last.created_at if last else None,
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{FILE_NAMES[format]}"'} if format in DOWNLOADED else {}
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)
