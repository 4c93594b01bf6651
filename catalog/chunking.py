"""A sequence cut into parts of at most ``size``: one statement a part, as SQLite limits a statement's parameters
(and a long ``IN (…)`` list costs PostgreSQL its planning)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
