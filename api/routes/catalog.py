"""The unified catalog: datasets reconciled across documents, their sources, links and flags."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import Reader
from api.catalog_view import QUERY_TEXT_LIMITS, CatalogQuery, DatasetDetail, DatasetView
from api.errors import NotFoundError
from api.paging import Limit, Offset, Page
from api.state import State
from matching.model import Flag, FlagKind, Link

router = APIRouter(prefix="/v1", tags=["catalog"])
DETAIL_LINKS = 500  # links shown with one dataset: its members' best links and near misses, best first

Text = Annotated[str, Query(max_length=300)]


class DatasetWithLinks(DatasetDetail):
    links: list[Link]


@router.get(
    "/catalog",
    response_model=Page[DatasetView],
    summary="Danh mục hợp nhất / unified catalog",
    responses={304: {"description": "Không đổi so với If-None-Match / not modified since that ETag"}},
)
async def list_catalog(
    *,  # async: answered from the in-memory view, no thread hop
    request: Request,
    q: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["q"], description="Tìm trong tên (có hoặc không dấu) / title search")
    ] = "",
    unit: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["unit"], description="Đơn vị quản lý (một phần tên hoặc mã)")
    ] = "",
    sharing: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["sharing"], description="Mức chia sẻ: open, on_request, restricted…")
    ] = "",
    frequency: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["frequency"], description="Tần suất (mã EU): ANNUAL, MONTHLY…")
    ] = "",
    domain: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["domain"], description="Lĩnh vực / nhóm dữ liệu")
    ] = "",
    concept: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["concept"], description="Mã khái niệm dữ liệu / concept id (cc-…)")
    ] = "",
    document_id: Annotated[
        str, Query(max_length=QUERY_TEXT_LIMITS["document_id"],
                   description="Mã tài liệu (sha256): các tập dữ liệu có dòng từ tài liệu này / a document's datasets")
    ] = "",  # fmt: skip
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Response:
    """Pages carry an ETag (it changes with the catalog version): send it back in If-None-Match for a 304."""
    query = CatalogQuery.of(q=q, unit=unit, sharing=sharing, frequency=frequency, domain=domain, concept=concept,
                            document_id=document_id)  # fmt: skip
    if state.catalog.current():
        etag, body = state.catalog.snapshot().page(query, limit, offset)
    else:  # a stamped update to wait for: off the event loop
        etag, body = await asyncio.to_thread(lambda: state.catalog.snapshot().page(query, limit, offset))
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/catalog/{dataset_id}", response_model=DatasetWithLinks, summary="Một tập dữ liệu / one dataset")
def get_dataset(*, dataset_id: str, _: Reader, state: State) -> DatasetWithLinks:
    found = state.catalog.detail(dataset_id)
    if found is None:
        raise NotFoundError("tập dữ liệu", "dataset", dataset_id)
    # Indexed by either end and capped: a dataset keeps its members' best links and near misses.
    links = state.store.links_of([member.key for member in found.members], limit=DETAIL_LINKS)
    return DatasetWithLinks(**found.model_dump(), links=links)


@router.get("/flags", response_model=Page[Flag], summary="Cảnh báo cần xem xét / flags for review")
def list_flags(
    *,
    kind: Annotated[FlagKind | None, Query(description="Loại cảnh báo")] = None,
    document_id: Annotated[str, Query(max_length=64)] = "",
    include_dismissed: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Page[Flag]:
    total, found = state.store.flag_page(
        kind=kind.value if kind is not None else None, document=document_id, include_dismissed=include_dismissed,
        limit=limit, offset=offset,
    )  # fmt: skip
    return Page[Flag](total=total, limit=limit, offset=offset, items=found)


class SchemaInfo(BaseModel):
    type: dict[str, str]
    properties: list[dict[str, str]]


@router.get("/schema/dataset", response_model=SchemaInfo, summary="Kiểu dữ liệu cho đối chiếu / reconcile type")
def dataset_schema() -> SchemaInfo:
    return SchemaInfo(
        type={"id": "dataset", "name": "Tập dữ liệu / Dataset"},
        properties=[{"id": "unit", "name": "Đơn vị quản lý / managing unit"}],
    )
