"""Exports of the unified catalog, the same for ``GET /v1/export`` and ``danhmuc export``.

One record per dataset (``view.DatasetDetail``, with each member's document, page, table and row)
and one serialiser per format. This module stays light: the CLI imports ``ExportFormat`` to parse
``--format`` before anything else is loaded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog.exports.view import DatasetDetail


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"
    DCAT = "dcat"
    CKAN = "ckan"


MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.DCAT: "application/ld+json",
    ExportFormat.CKAN: "application/json",
}
FILE_NAMES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "catalog.csv",
    ExportFormat.JSONL: "catalog.jsonl",
    ExportFormat.XLSX: "catalog.xlsx",
    ExportFormat.DCAT: "catalog.jsonld",
    ExportFormat.CKAN: "catalog-ckan.json",
}


def render(
    fmt: ExportFormat,
    datasets: list[DatasetDetail],
    *,
    base_url: str,
    publisher: str,
    modified: datetime | None,
) -> bytes:
    """The export file's bytes. ``base_url`` roots the IRIs of DCAT and CKAN; ``publisher`` and
    ``modified`` (the last reconciliation) describe the DCAT catalog."""
    if fmt is ExportFormat.CSV:
        from catalog.exports.csv import to_csv

        return to_csv(datasets)
    if fmt is ExportFormat.JSONL:
        return "".join(d.model_dump_json() + "\n" for d in datasets).encode("utf-8")
    if fmt is ExportFormat.XLSX:
        from catalog.exports.xlsx import to_xlsx

        return to_xlsx(datasets)
    if fmt is ExportFormat.DCAT:
        from catalog.exports.dcat import to_jsonld

        return to_jsonld(datasets, base_url=base_url, publisher=publisher, modified=modified)
    from catalog.exports.ckan import to_json

    return to_json(datasets, base_url)
