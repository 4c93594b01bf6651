"""The main job on the bundled corpus: extract every file, score it, write the outputs."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

from danhmuc.errors import DanhmucError
from danhmuc.evaluation.runner import ProcessedFile
from danhmuc.pipeline import process_file

CATALOG_COLUMNS = (
    "source",
    "page",
    "table",
    "row",
    "group",
    "number",
    "title",
    "description",
    "unit",
    "sharing_raw",
    "frequency_raw",
    "note",
    "sharing",
    "frequency",
    "units",
)


def run_demo(*, docs: Path, gold: Path, out: Path, log: Callable[[str], None]) -> list[tuple[str, Path]]:
    documents_dir = out / "documents"
    documents_dir.mkdir(parents=True, exist_ok=True)
    catalog_path = out / "catalog.csv"
    errors_path = out / "errors.txt"
    errors: list[str] = []
    processed: dict[str, ProcessedFile] = {}  # handed to the evaluator so nothing is extracted twice
    with catalog_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CATALOG_COLUMNS)
        for path in sorted(p for p in docs.iterdir() if p.is_file() and not p.name.startswith(".")):
            log(f"… {path.name}")
            started = time.perf_counter()
            try:
                document = process_file(path)
            except DanhmucError as error:
                errors.append(error.describe())
                processed[path.name] = ProcessedFile(None, time.perf_counter() - started, error.describe())
                continue
            processed[path.name] = ProcessedFile(document, time.perf_counter() - started)
            (documents_dir / f"{path.name}.json").write_text(document.model_dump_json(indent=2), encoding="utf-8")
            for entry in document.catalog:
                norm = entry.norm
                writer.writerow(
                    (
                        document.source,
                        entry.provenance.page or "",
                        entry.table,
                        entry.row,
                        entry.group,
                        entry.number,
                        entry.title,
                        entry.description,
                        entry.unit,
                        entry.sharing_raw,
                        entry.frequency_raw,
                        entry.note,
                        norm.sharing if norm else "",
                        " ".join(norm.frequency) if norm else "",
                        " + ".join(m.canonical_name or m.raw for m in norm.units) if norm else "",
                    )
                )
    errors_path.write_text("\n".join(errors) + ("\n" if errors else ""), encoding="utf-8")
    written = [
        ("mô hình tài liệu / document models", documents_dir),
        ("danh mục (CSV) / catalog rows", catalog_path),
        ("lỗi / errors", errors_path),
    ]
    written += _ingest_and_report(docs, out, log)
    if gold.is_dir():
        from danhmuc.evaluation import evaluate, render_table, write_json

        result = evaluate(gold, docs, already_processed=processed)
        table_path = out / "eval.txt"
        table_path.write_text(render_table(result) + "\n", encoding="utf-8")
        write_json(result, out / "eval.json")
        log(render_table(result))
        written += [
            ("bảng chấm điểm / eval table", table_path),
            ("số liệu / eval figures", out / "eval.json"),
        ]
    return written


def _ingest_and_report(docs: Path, out: Path, log: Callable[[str], None]) -> list[tuple[str, Path]]:
    """Ingest an archive holding one rendering of each document (the PDFs offices produce), reconcile
    it into one catalog and write the reviewer's reports."""
    import shutil
    import sys

    from catalog.ingest import ingest_directory
    from catalog.reports import write_report_files
    from catalog.store import CatalogStore

    archive = out / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    archive.mkdir(parents=True)
    for pdf in sorted(docs.glob("*.pdf")):
        if not pdf.name.endswith("_scan.pdf"):
            shutil.copy2(pdf, archive / pdf.name)
    database = out / "danhmuc.db"
    for stale in out.glob("danhmuc.db*"):
        stale.unlink()
    log(f"… nạp kho / ingesting {archive}")
    with CatalogStore(f"sqlite:///{database}") as store:
        ingest_directory(store, archive, errors_csv=out / "ingest-errors.csv", progress=sys.stderr)
        files = write_report_files(store, out / "report")
    return [
        ("kho danh mục (SQLite) / catalog store", database),
        ("báo cáo HTML / HTML report", files.html),
        ("sổ tính XLSX / XLSX workbook", files.xlsx),
        ("báo cáo JSON / JSON report", files.json),
    ]
