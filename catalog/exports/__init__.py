"""Exports of the unified catalog, the same for ``GET /v1/export`` and ``danhmuc export``.

One record per dataset (``view.DatasetDetail``, with each member's document, page, table and row)
and one serialiser per format. This module stays light: the CLI imports ``ExportFormat`` to parse
``--format`` before anything else is loaded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from catalog.exports.view import DatasetDetail


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"
    DCAT = "dcat"  # DCAT-AP 3 as JSON-LD
    DCAT_TTL = "dcat-ttl"  # the same graph as Turtle
    DCAT_RDF = "dcat-rdf"  # the same graph as RDF/XML
    CKAN = "ckan"  # a ZIP of organizations.jsonl and datasets.jsonl for `ckanapi load`


# Datasets from which a CKAN export is written with ZIP64 headers (its datasets.jsonl may pass 2 GiB: ~23 KB a
# dataset at 10,000 replicated documents).
ZIP64_FROM = 50_000
DCAT_FORMATS = (ExportFormat.DCAT, ExportFormat.DCAT_TTL, ExportFormat.DCAT_RDF)
RDF_SYNTAX: dict[ExportFormat, str] = {
    ExportFormat.DCAT: "json-ld",
    ExportFormat.DCAT_TTL: "turtle",
    ExportFormat.DCAT_RDF: "xml",
}
MEDIA_TYPES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.DCAT: "application/ld+json",
    ExportFormat.DCAT_TTL: "text/turtle; charset=utf-8",
    ExportFormat.DCAT_RDF: "application/rdf+xml",
    ExportFormat.CKAN: "application/zip",
}
FILE_NAMES: dict[ExportFormat, str] = {
    ExportFormat.CSV: "catalog.csv",
    ExportFormat.JSONL: "catalog.jsonl",
    ExportFormat.XLSX: "catalog.xlsx",
    ExportFormat.DCAT: "catalog.jsonld",
    ExportFormat.DCAT_TTL: "catalog.ttl",
    ExportFormat.DCAT_RDF: "catalog.rdf",
    ExportFormat.CKAN: "catalog-ckan.zip",
}


def render(
    fmt: ExportFormat,
    datasets: Sequence[DatasetDetail],
    *,
    base_url: str,
    publisher: str,
    modified: datetime | None,
    issued: datetime | None = None,
    page: int | None = None,
    page_size: int | None = None,
) -> bytes:
    """The export file's bytes (``render_to`` into memory)."""
    out = io.BytesIO()
    render_to(out, fmt, datasets, base_url=base_url, publisher=publisher, modified=modified, issued=issued,
              page=page, page_size=page_size)  # fmt: skip
    return out.getvalue()


def render_to(
    out: IO[bytes],
    fmt: ExportFormat,
    datasets: Sequence[DatasetDetail],
    *,
    base_url: str,
    publisher: str,
    modified: datetime | None,
    issued: datetime | None = None,
    page: int | None = None,
    page_size: int | None = None,
) -> None:
    """The export file written to ``out`` (seekable), streamed where the format allows: CSV, JSON Lines and CKAN
    write each dataset as it is read, so a file of the whole catalog is never held; so does DCAT (a chunk of
    datasets' graph at a time). ``base_url`` roots the IRIs of DCAT and CKAN; ``publisher``,
    ``issued`` (the first reconciliation) and ``modified`` (the last) describe the DCAT catalog;
    ``page``/``page_size`` page the DCAT formats only."""
    if fmt is ExportFormat.CSV:
        from catalog.exports.csv import write_csv

        write_csv(datasets, out)
        return
    if fmt is ExportFormat.JSONL:
        for dataset in datasets:
            out.write((dataset.model_dump_json() + "\n").encode("utf-8"))
        return
    if fmt is ExportFormat.XLSX:
        from catalog.exports.xlsx import to_xlsx

        out.write(to_xlsx(datasets))  # write-only workbook: rows streamed into it, the file is small
        return
    if fmt in DCAT_FORMATS:
        from catalog.exports.dcat import DEFAULT_PAGE_SIZE, catalog_document, serialise, write_catalog

        if page is None:
            write_catalog(out, datasets, base_url=base_url, publisher=publisher, modified=modified, issued=issued,
                          rdf_format=RDF_SYNTAX[fmt])  # fmt: skip
            return
        document = catalog_document(
            datasets, base_url=base_url, publisher=publisher, modified=modified, issued=issued, page=page,
            page_size=page_size or DEFAULT_PAGE_SIZE,
        )  # fmt: skip
        out.write(serialise(document, RDF_SYNTAX[fmt]))
        return
    from catalog.exports.ckan import ckan_parts, write_zip

    write_zip(ckan_parts(datasets, base_url), out, large=len(datasets) > ZIP64_FROM)
