"""`danhmuc export`: the unified catalog, one row per dataset, as CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kept light: the CLI imports ExportFormat to parse --format
    from catalog.reports.model import CatalogReport, DatasetView


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


CSV_COLUMNS = ("dataset_id", "title", "unit", "member_count", "document_count", "sources", "members")


def _member_text(dataset: DatasetView) -> str:
    return " | ".join(f"{m.document} ({m.where}) {m.number} {m.title}".strip() for m in dataset.members)


def _jsonl_row(dataset: DatasetView) -> dict[str, object]:
    return {
        "dataset_id": dataset.id,
        "title": dataset.title,
        "unit": dataset.unit,
        "member_count": dataset.member_count,
        "document_count": dataset.document_count,
        "sources": dataset.sources,
        "members": [
            {
                "key": m.key,
                "document": m.document,
                "sha256": m.sha256,
                "number": m.number,
                "title": m.title,
                "unit": m.unit,
                "page": m.provenance.page,
                "table": m.provenance.table,
                "row": m.provenance.row,
            }
            for m in dataset.members
        ],
    }


def export_catalog(report: CatalogReport, fmt: ExportFormat, out: Path) -> int:
    """Write the catalog; returns the number of datasets written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ExportFormat.CSV:
        with out.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads it as UTF-8
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for d in report.datasets:
                sources = "; ".join(d.sources)
                writer.writerow(
                    (d.id, d.title, d.unit, d.member_count, d.document_count, sources, _member_text(d))
                )
    else:
        with out.open("w", encoding="utf-8") as handle:
            for d in report.datasets:
                handle.write(json.dumps(_jsonl_row(d), ensure_ascii=False) + "\n")
    return len(report.datasets)
