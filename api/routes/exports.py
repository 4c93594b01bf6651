"""Exports of the unified catalog: CSV, JSON Lines, Excel, DCAT-AP 3 JSON-LD and CKAN payloads."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.auth import Reader
from api.catalog_view import DatasetDetail
from api.ckan import package_for
from api.dcat import catalog_document
from api.state import State

router = APIRouter(prefix="/v1", tags=["exports"])

COLUMNS = ("id", "title", "unit", "description", "sharing", "sharing_labels", "frequency", "domains",
           "localities", "member_count", "document_count", "documents", "member_titles")  # fmt: skip


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"
    DCAT = "dcat"
    CKAN = "ckan"


def _row(dataset: DatasetDetail) -> list[str]:
    return [
        dataset.id, dataset.title, dataset.unit, dataset.description, "; ".join(dataset.sharing),
        "; ".join(dataset.sharing_labels), "; ".join(dataset.frequency), "; ".join(dataset.domains),
        "; ".join(dataset.localities), str(dataset.member_count), str(dataset.document_count),
        "; ".join(dict.fromkeys(m.document for m in dataset.members)),
        "; ".join(dict.fromkeys(m.title for m in dataset.members)),
    ]  # fmt: skip


def _csv(datasets: list[DatasetDetail]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_row(d) for d in datasets)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads the accents right


def _xlsx(datasets: list[DatasetDetail]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh mục dữ liệu")
    sheet.append(list(COLUMNS))
    for dataset in datasets:
        sheet.append(_row(dataset))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get(
    "/export",
    summary="Xuất danh mục hợp nhất / export the unified catalog",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/x-ndjson": {},
                "application/ld+json": {},
                "application/json": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },  # fmt: skip
)
def export_catalog(
    *,
    format: ExportFormat = Query(ExportFormat.CSV, description="csv | jsonl | xlsx | dcat | ckan"),  # noqa: A002, B008
    _: Reader,
    state: State,
) -> Response:
    datasets = state.catalog.details()
    base = state.settings.base_url
    if format is ExportFormat.CSV:
        return Response(_csv(datasets), media_type="text/csv; charset=utf-8", headers=_attachment("catalog.csv"))
    if format is ExportFormat.JSONL:
        text = "".join(d.model_dump_json() + "\n" for d in datasets)
        return Response(text.encode("utf-8"), media_type="application/x-ndjson", headers=_attachment("catalog.jsonl"))
    if format is ExportFormat.XLSX:
        return Response(
            _xlsx(datasets),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=_attachment("catalog.xlsx"),
        )
    if format is ExportFormat.DCAT:
        last = state.store.last_reconciliation()
        document = catalog_document(
            datasets, base_url=base, publisher=state.settings.publisher, modified=last.created_at if last else None
        )
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        return Response(body, media_type="application/ld+json")
    packages = [package_for(d, base).model_dump() for d in datasets]
    return JSONResponse(packages)
