"""The JSON report: the same CatalogReport the HTML and XLSX show, for other systems."""

from __future__ import annotations

from catalog.reports.model import CatalogReport


def render_json(report: CatalogReport) -> str:
    return report.model_dump_json(indent=2)
