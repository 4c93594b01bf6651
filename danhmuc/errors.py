"""Re-export of the root exception, which lives in the lowest layer (:mod:`extract.errors`)."""

from __future__ import annotations

from extract.errors import DanhmucError

__all__ = ["DanhmucError"]
