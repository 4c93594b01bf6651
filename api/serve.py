"""Run the service with uvicorn in one or several server processes.

One Python process uses one core, so ``workers`` processes share the listening socket. Each
builds its own application from the environment (uvicorn imports ``api.app:create_app`` in every
process), which is why the settings are written to DANHMUC_* first; jobs, the catalog view and
API keys are coordinated through the database and the data folder, not through memory.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from api.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def settings_environment(settings: Settings) -> dict[str, str]:
    return {
        "DANHMUC_HOST": settings.host,
        "DANHMUC_PORT": str(settings.port),
        "DATABASE_URL": settings.database_url,
        "DANHMUC_DATA_DIR": str(settings.data_dir.resolve()),
        "DANHMUC_MAX_UPLOAD_BYTES": str(settings.max_upload_bytes),
        "DANHMUC_PROCESSING_TIMEOUT": repr(settings.processing_timeout_seconds),
        "DANHMUC_WORKERS": str(settings.workers),
        "DANHMUC_EXTRACTORS": str(settings.extractors),
        "DANHMUC_ANONYMOUS_READS": "1" if settings.anonymous_reads else "0",
        "DANHMUC_RECONCILE_AFTER_INGEST": "1" if settings.reconcile_after_ingest else "0",
        "DANHMUC_RECONCILE_DEBOUNCE_SECONDS": repr(settings.reconcile_debounce_seconds),
        "DANHMUC_PUBLIC_URL": settings.public_url,
        "DANHMUC_PUBLISHER": settings.publisher,
        "DANHMUC_SYNC_UPLOAD_BYTES": str(settings.sync_upload_bytes),
        "DANHMUC_SYNC_UPLOAD_SECONDS": repr(settings.sync_upload_seconds),
        "DANHMUC_RATE_LIMIT": repr(settings.rate_limit),
    }


def warn_about_maintenance(engine: Engine) -> None:
    """Said once at start, in the log a deployment reads (catalog.db.maintenance_warning)."""
    from catalog.db import maintenance_warning

    if warning := maintenance_warning(engine):
        logging.getLogger("danhmuc").warning(warning)


def run(settings: Settings, *, log_level: str = "info") -> None:
    import uvicorn

    os.environ.update(settings_environment(settings))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    from catalog.store import CatalogStore

    with CatalogStore(settings.database_url) as store:  # the schema at head, before the server processes start
        warn_about_maintenance(store.engine)
    uvicorn.run(
        "api.app:create_app", factory=True, host=settings.host, port=settings.port, workers=settings.workers,
        log_level=log_level, access_log=False,  # an access line per request costs more than a cached page
    )  # fmt: skip
