"""Write the three report files a reviewer receives: HTML, XLSX and JSON, all in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalog.reports.html import render_html
from catalog.reports.jsonreport import render_json
from catalog.reports.model import CatalogReport, build_report
from catalog.reports.xlsx import write_xlsx
from catalog.store import CatalogStore


@dataclass(frozen=True)
class ReportFiles:
    report: CatalogReport
    html: Path
    xlsx: Path
    json: Path


def write_report_files(store: CatalogStore, out: Path, *, reconcile: bool = False) -> ReportFiles:
    """Build the report from the stored result (reconciling what changed first only when asked) and write
    it in the three formats."""
    if reconcile:
        store.reconcile()
    built = build_report(store)
    out.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(built, out / "bao-cao.html", out / "bao-cao.xlsx", out / "bao-cao.json")
    files.html.write_text(render_html(built), encoding="utf-8")
    write_xlsx(built, files.xlsx)
    files.json.write_text(render_json(built), encoding="utf-8")
    return files
