"""A module-level memo that stays bounded in a long-lived process (the API server, a worker).

`functools.lru_cache` cannot take values computed elsewhere (a forked child's title texts) and costs a
Python-level call per lookup; these memos are plain dicts read with `dict.get` on the hot paths, emptied
whole when they pass their limit rather than evicting one entry at a time.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """A dict memo emptied when it holds more than `limit` entries and one more is put."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if len(self) > self.limit:
            self.clear()
        self[key] = value
        return value
