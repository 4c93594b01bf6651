"""The danhmuc HTTP service: upload, jobs, catalog, reviews, exports and OpenRefine reconciliation.

from api import create_app, Settings
app = create_app(Settings.from_env())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.app import create_app
    from api.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: `danhmuc ingest` and the workers import api.settings (and so this package)
    # but not the web application, whose import (FastAPI, the routes, auth) cost 0.3-0.9 CPU-s of the
    # ingest's start, before any extraction could begin.
    if name == "create_app":
        from api.app import create_app

        return create_app
    if name == "Settings":
        from api.settings import Settings

        return Settings
    raise AttributeError(f"module 'api' has no attribute {name!r}")
