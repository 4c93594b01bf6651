"""Reports of the unified catalog: HTML and XLSX for reviewers, JSON for machines (exports: catalog.exports).

Names are loaded on first use (openpyxl and the store are not needed to parse CLI options).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "render_html": "catalog.reports.html",
    "render_json": "catalog.reports.jsonreport",
    "ReportFiles": "catalog.reports.files",
    "write_report_files": "catalog.reports.files",
    "CatalogReport": "catalog.reports.model",
    "build_report": "catalog.reports.model",
    "write_xlsx": "catalog.reports.xlsx",
}

__all__ = [
    "CatalogReport",
    "ReportFiles",
    "build_report",
    "render_html",
    "render_json",
    "write_report_files",
    "write_xlsx",
]

if TYPE_CHECKING:
    from catalog.reports.files import ReportFiles, write_report_files
    from catalog.reports.html import render_html
    from catalog.reports.jsonreport import render_json
    from catalog.reports.model import CatalogReport, build_report
    from catalog.reports.xlsx import write_xlsx


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'catalog.reports' has no attribute {name!r}")
    return getattr(import_module(module), name)
