"""Paged answers: one shape for every list endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Số mục mỗi trang / page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu mục / items to skip")]


class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


def page_of(items: Sequence[T], limit: int, offset: int) -> Page[T]:
    return Page[T](total=len(items), limit=limit, offset=offset, items=list(items[offset : offset + limit]))
