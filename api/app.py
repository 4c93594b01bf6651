"""``create_app(settings)``: the FastAPI application, its shared state and its life cycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.auth import KeyChecker
from api.catalog_view import CatalogView
from api.concepts_view import ConceptsView
from api.errors import install_error_documentation, install_error_handlers
from api.fast_catalog import CatalogFastPath
from api.guard import BodyGuard
from api.jobs import JobManager
from api.reconcile_service import ReconcileService
from api.routes import catalog, concepts, documents, exports, keys, reconcile, reviews
from api.security import SecurityHeaders, install_docs
from api.settings import Settings
from api.state import ServiceState
from api.web import install_web
from catalog.blob_table import DatabaseBlobStore
from catalog.blobs import Blobs, BlobStore
from catalog.store import CatalogStore

DESCRIPTION = """Dịch vụ trích xuất và hợp nhất danh mục dữ liệu từ kế hoạch, quyết định.

Xác thực bằng khóa API (`Authorization: Bearer <khóa>` hoặc `X-API-Key`), vai trò reader < uploader <
reviewer < admin. Lỗi luôn có dạng `{"error": {"code", "message", "message_en"}}`.

Document intelligence for Vietnamese government plans and decisions: upload, jobs, unified
catalog, dataset concepts, reviews, exports (CSV, JSONL, XLSX, DCAT-AP 3, CKAN) and OpenRefine reconciliation.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; without arguments it reads DANHMUC_* (how each server process builds its own)."""
    settings = settings or Settings.from_env()
    store = CatalogStore(settings.database_url)
    # With Celery workers on other hosts, originals live in the database every host reaches.
    blobs: Blobs = DatabaseBlobStore(store.engine) if settings.uses_celery else BlobStore(settings.data_dir / "blobs")
    jobs = JobManager(store, settings, blobs)
    view = CatalogView(store, stamp=settings.data_dir / "catalog.version")
    jobs.on_catalog_change = view.invalidate
    state = ServiceState(
        settings=settings, store=store, blobs=blobs, jobs=jobs, catalog=view,
        reconcile=ReconcileService(view, settings), concepts=ConceptsView(view),
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        view.snapshot()  # build the catalog view before the first request, not during it
        jobs.start()
        try:
            yield
        finally:
            jobs.stop()
            store.close()

    app = FastAPI(
        title="danhmuc API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from packaged assets by install_docs, never from a CDN
        redoc_url=None,
    )
    app.state.service = state
    app.state.keys = KeyChecker(
        store.engine,
        anonymous_reads=settings.anonymous_reads,
        stamp=settings.keys_stamp,
        rate_per_key=settings.rate_limit,
    )
    install_error_handlers(app)
    install_error_documentation(app)
    app.add_middleware(CatalogFastPath, service=app)
    app.add_middleware(BodyGuard, service=app)  # keys and sizes before any body is read
    app.add_middleware(SecurityHeaders)  # added last, so outermost: every answer carries the headers
    install_docs(app)
    install_web(app)  # the reviewer workspace under /ui: same process, store and roles
    for module in (documents, catalog, concepts, reviews, exports, reconcile, keys):
        app.include_router(module.router)

    @app.get("/health", tags=["service"], summary="Tình trạng dịch vụ / health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
