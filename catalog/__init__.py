"""The catalog store: documents, versions, the reconciled catalog, reviewer decisions, ingest runs.

    with CatalogStore() as store:            # DATABASE_URL, default sqlite:///danhmuc.db
        report = ingest_directory(store, Path("archive"))
        datasets = store.datasets()

See docs/store.md. Names are loaded on first use, so `danhmuc --help` does not pay for
SQLAlchemy, Alembic and the matching stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DEFAULT_URL": "catalog.settings",
    "database_url": "catalog.db",
    "make_engine": "catalog.db",
    "ArchiveNotFoundError": "catalog.errors",
    "CatalogError": "catalog.errors",
    "DatabaseUnreachableError": "catalog.errors",
    "DatabaseUrlError": "catalog.errors",
    "InvalidDecisionError": "catalog.errors",
    "MigrationError": "catalog.errors",
    "ReconcileFailedError": "catalog.errors",
    "UnknownReferenceError": "catalog.errors",
    "IngestReport": "catalog.ingest",
    "ingest_directory": "catalog.ingest",
    "AddResult": "catalog.records",
    "DocumentSummary": "catalog.records",
    "FileOutcome": "catalog.records",
    "FileVersion": "catalog.records",
    "IngestRun": "catalog.records",
    "OutcomeStatus": "catalog.records",
    "ReconcileSummary": "catalog.records",
    "CatalogStore": "catalog.store",
    "DEFAULT_MAX_BYTES": "catalog.walk",
    "walk_archive": "catalog.walk",
}

__all__ = [
    "AddResult",
    "ArchiveNotFoundError",
    "CatalogError",
    "CatalogStore",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_URL",
    "DatabaseUnreachableError",
    "DatabaseUrlError",
    "DocumentSummary",
    "FileOutcome",
    "FileVersion",
    "IngestReport",
    "IngestRun",
    "InvalidDecisionError",
    "MigrationError",
    "OutcomeStatus",
    "ReconcileFailedError",
    "ReconcileSummary",
    "UnknownReferenceError",
    "database_url",
    "ingest_directory",
    "make_engine",
    "walk_archive",
]

if TYPE_CHECKING:
    from catalog.db import database_url, make_engine
    from catalog.errors import (
        ArchiveNotFoundError,
        CatalogError,
        DatabaseUnreachableError,
        DatabaseUrlError,
        InvalidDecisionError,
        MigrationError,
        ReconcileFailedError,
        UnknownReferenceError,
    )
    from catalog.ingest import IngestReport, ingest_directory
    from catalog.records import (
        AddResult,
        DocumentSummary,
        FileOutcome,
        FileVersion,
        IngestRun,
        OutcomeStatus,
        ReconcileSummary,
    )
    from catalog.settings import DEFAULT_URL
    from catalog.store import CatalogStore
    from catalog.walk import DEFAULT_MAX_BYTES, walk_archive


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'catalog' has no attribute {name!r}")
    return getattr(import_module(module), name)
