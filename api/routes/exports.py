"""``GET /v1/export``: the unified catalog as CSV, JSON Lines, Excel, DCAT-AP 3 (JSON-LD, Turtle,
RDF/XML) or a CKAN bundle.

The records and serialisers are those of ``catalog.exports``, shared with ``danhmuc export``; the
records are streamed from the store (``StoredCatalog``) into a spooled file the answer is sent from.
``format=dcat`` negotiates the RDF syntax from ``Accept`` (JSON-LD unless Turtle or RDF/XML is
preferred); ``format=dcat-ttl`` / ``dcat-rdf`` name it outright. ``page``/``page_size`` page the
DCAT formats (Hydra ``PartialCollectionView`` links in the answer).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse

from api.auth import Reader
from api.errors import NotFoundError
from api.state import ServiceState, State
from catalog.exports import DCAT_FORMATS, FILE_NAMES, MEDIA_TYPES, ExportFormat, render_to
from catalog.exports.view import catalog_dates

router = APIRouter(prefix="/v1", tags=["exports"])

DOWNLOADED = {ExportFormat.CSV, ExportFormat.JSONL, ExportFormat.XLSX, ExportFormat.CKAN}  # saved as files
ACCEPTED_RDF: dict[str, ExportFormat] = {
    "application/ld+json": ExportFormat.DCAT,
    "application/json": ExportFormat.DCAT,
    "text/turtle": ExportFormat.DCAT_TTL,
    "application/x-turtle": ExportFormat.DCAT_TTL,
    "application/rdf+xml": ExportFormat.DCAT_RDF,
}
MAX_PAGE_SIZE = 5000


def negotiate_rdf(accept: str) -> ExportFormat:
    """The RDF syntax a client prefers by ``Accept`` (highest q, then first listed); JSON-LD by default."""
    best: tuple[float, int, ExportFormat] | None = None
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        fmt = ACCEPTED_RDF.get(media.lower())
        if fmt is None:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > (best[0], -best[1])):
            best = (quality, position, fmt)
    return best[2] if best else ExportFormat.DCAT


@router.get(
    "/export",
    summary="Xuất danh mục hợp nhất / export the unified catalog",
    response_class=Response,
    responses={200: {"content": {media_type.split(";")[0]: {} for media_type in MEDIA_TYPES.values()}}},
)
def export_catalog(
    *,
    format: ExportFormat = Query(ExportFormat.CSV, description=" | ".join(ExportFormat)),  # noqa: A002, B008
    page: int | None = Query(None, ge=1, description="Trang (DCAT) / page of a DCAT export, from 1"),  # noqa: B008
    page_size: int = Query(1000, ge=1, le=MAX_PAGE_SIZE, description="Số tập dữ liệu mỗi trang / per page"),  # noqa: B008
    accept: str = Header("", include_in_schema=False),  # noqa: B008
    _: Reader,
    state: State,
) -> Response:
    fmt = negotiate_rdf(accept) if format is ExportFormat.DCAT else format
    issued, modified = catalog_dates(state.store) if fmt in DCAT_FORMATS else (None, None)
    headers = {"Content-Disposition": f'attachment; filename="{FILE_NAMES[fmt]}"'} if fmt in DOWNLOADED else {}
    if format is ExportFormat.DCAT:
        headers["Vary"] = "Accept"
    return export_response(state, fmt, headers, modified=modified, issued=issued,
                           page=page if fmt in DCAT_FORMATS else None, page_size=page_size)  # fmt: skip


# An export is written to a temporary file (in memory up to this size, then on disk) and sent from it in chunks:
# the server never holds the file of a large catalog (a CSV of 10,000 documents is ~100 MB).
SPOOL_BYTES = 8 * 2**20
CHUNK_BYTES = 2**20


def export_response(
    state: ServiceState, fmt: ExportFormat, headers: dict[str, str], *, modified: datetime | None,
    issued: datetime | None = None, page: int | None = None, page_size: int | None = None,
) -> StreamingResponse:  # fmt: skip
    """The export of the catalog as stored now, streamed from the store into a spooled file, then sent from it."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by _sent
    try:
        with state.catalog.stored() as datasets:  # streamed from the store: the catalog is never all in memory
            if page is not None and (page - 1) * (page_size or 1) >= max(1, len(datasets)):
                raise NotFoundError("trang danh mục", "catalog page", str(page))
            render_to(spool, fmt, datasets, base_url=state.settings.base_url, publisher=state.settings.publisher,
                      modified=modified, issued=issued, page=page, page_size=page_size)  # fmt: skip
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return StreamingResponse(_sent(spool), media_type=MEDIA_TYPES[fmt], headers=headers)


def _sent(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()
