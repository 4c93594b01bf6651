"""The objects one running service shares between requests, reached through ``request.app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.catalog_view import CatalogView
from api.concepts_view import ConceptsView
from api.jobs import JobManager
from api.reconcile_service import ReconcileService
from api.settings import Settings
from catalog.blobs import Blobs
from catalog.store import CatalogStore


@dataclass(frozen=True)
class ServiceState:
    settings: Settings
    store: CatalogStore
    blobs: Blobs
    jobs: JobManager
    catalog: CatalogView
    reconcile: ReconcileService
    concepts: ConceptsView


async def service(request: Request) -> ServiceState:
    found: ServiceState = request.app.state.service
    return found


State = Annotated[ServiceState, Depends(service)]
