"""Workspace pages of the concept level: the concepts a province or ministry harmonises, and one concept
with its datasets, who lists it and who does not, and its unit conflicts (docs/concepts.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.concepts_view import ConceptQuery
from api.keys import Role
from api.web.common import PREFIX, need, render, service
from nlp.collation import sort_key

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/concepts")
def concepts_page(
    request: Request,
    q: Annotated[str, Query(max_length=300)] = "",
    locality: Annotated[str, Query(max_length=300)] = "",
    all: bool = False,  # noqa: A002 - the form's name for "also concepts of one dataset"
    conflicts: bool = False,
    gaps: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    who = need(request, Role.READER)
    held = service(request).concepts.current()
    query = ConceptQuery(q=q, locality=locality, min_datasets=1 if all else 2, conflicts_only=conflicts,
                         gaps_only=gaps)  # fmt: skip
    found = sorted(held.find(query), key=lambda c: sort_key(c.title))
    pages = max(1, -(-len(found) // PAGE_SIZE))
    return render(
        request, "concepts.html", who=who, concepts=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(found), page=page, pages=pages, q=q, locality=locality, all=all, conflicts=conflicts,
        gaps=gaps,
    )  # fmt: skip


@router.get("/concepts/{concept_id}")
def concept_page(request: Request, concept_id: str) -> Response:
    who = need(request, Role.READER)
    found = service(request).concepts.current().detail(concept_id[:64])
    if found is None:
        return render(request, "error.html", status=404, who=who, title="Không tìm thấy khái niệm dữ liệu",
                      message="Khái niệm này không còn (danh mục đã được hợp nhất lại).")  # fmt: skip
    return render(request, "concept.html", who=who, c=found)
