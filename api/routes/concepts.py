"""Dataset concepts: the same kind of data kept by publishers of several localities.

A dataset (``/v1/catalog``) belongs to one publisher; a concept groups datasets across publishers
and localities, with a harmonised title, which localities list it and which do not (coverage), and
the unit conflicts between localities (docs/concepts.md).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Reader
from api.concepts_view import ConceptQuery
from api.errors import NotFoundError
from api.paging import Limit, Offset, Page
from api.state import State
from catalog.concept_facts import ConceptDetail, ConceptSummary

router = APIRouter(prefix="/v1", tags=["concepts"])


@router.get(
    "/concepts", response_model=Page[ConceptSummary], summary="Khái niệm dữ liệu / dataset concepts"
)
async def list_concepts(
    *,
    q: Annotated[str, Query(max_length=300, description="Tìm trong tên (có hoặc không dấu) / title search")] = "",
    locality: Annotated[
        str, Query(max_length=300, description="Địa bàn có liệt kê (một phần tên) / a listing locality")
    ] = "",
    unit: Annotated[
        str, Query(max_length=300, description="Đơn vị quản lý (một phần tên hoặc mã) / a managing unit")
    ] = "",
    min_datasets: Annotated[
        int, Query(ge=1, le=100_000, description="Ít nhất bao nhiêu tập dữ liệu / at least this many datasets")
    ] = 1,
    conflicts: Annotated[
        bool, Query(description="Chỉ khái niệm có xung đột đơn vị / only concepts with unit conflicts")
    ] = False,
    gaps: Annotated[
        bool, Query(description="Chỉ khái niệm có địa bàn chưa liệt kê / only concepts some locality lacks")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Page[ConceptSummary]:
    """Concepts ordered by harmonised title; the facts of each are in ``GET /v1/concepts/{concept_id}``."""
    query = ConceptQuery(q=q, locality=locality, unit=unit, min_datasets=min_datasets, conflicts_only=conflicts,
                         gaps_only=gaps)  # fmt: skip
    found = await asyncio.to_thread(lambda: state.concepts.current().find(query))
    return Page[ConceptSummary](total=len(found), limit=limit, offset=offset, items=found[offset : offset + limit])


@router.get(
    "/concepts/{concept_id}", response_model=ConceptDetail,
    summary="Một khái niệm dữ liệu / one dataset concept",
    responses={404: {"description": "Không có khái niệm này / no such concept"}},
)  # fmt: skip
async def get_concept(*, concept_id: str, _: Reader, state: State) -> ConceptDetail:
    """Its datasets, publishers, localities, coverage (who lists it, who does not) and unit conflicts."""
    found = await asyncio.to_thread(lambda: state.concepts.current().detail(concept_id))
    if found is None:
        raise NotFoundError("khái niệm dữ liệu", "concept", concept_id)
    return found
