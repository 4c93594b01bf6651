"""The root of every exception danhmuc raises on purpose.

Each layer (extract, nlp, matching, catalog, api) derives its own small family from
:class:`DanhmucError`. Every error carries a stable English ``code`` for machines and two
human messages: Vietnamese first, because the people reading them are Vietnamese data
officers, and English for the developers. Messages say what happened and what to do next.
"""

from __future__ import annotations


class DanhmucError(Exception):
    """Base class: ``code`` is stable, ``message_vi``/``message_en`` are for people."""

    code = "danhmuc_error"

    def __init__(self, message_vi: str, message_en: str, *, path: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en
        self.path = path
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message_vi} / {self.message_en}"
