"""The evaluation table as people read it, and as JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from danhmuc.evaluation.archive import archive_json, render_archive
from danhmuc.evaluation.metrics import Ratio
from danhmuc.evaluation.realset import DocumentScores
from danhmuc.evaluation.runner import CATALOG_FIELDS, EvalResult, Scores
from danhmuc.evaluation.scan_text import Cer
from danhmuc.evaluation.sets import SetsResult

DASH = "—"


def _fmt(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


ROWS: list[tuple[str, Callable[[Scores], float | None]]] = [
    ("catalog rows: recall", lambda s: s.catalog.recall),
    ("catalog rows: precision", lambda s: s.catalog.precision),
    *[(f"field accuracy: {name}", (lambda s, name=name: s.fields[name].value)) for name in CATALOG_FIELDS],
    ("task recall", lambda s: s.tasks.value),
    ("task time_raw exact", lambda s: s.task_fields["time_raw"].value),
    ("task lead_raw exact", lambda s: s.task_fields["lead_raw"].value),
    ("task partner_raw exact", lambda s: s.task_fields["partner_raw"].value),
    ("metadata accuracy", lambda s: s.metadata.value),
    ("norm: sharing accuracy", lambda s: s.sharing.value if s.normalised else None),
    ("norm: frequency accuracy", lambda s: s.frequency.value if s.normalised else None),
    ("norm: period accuracy", lambda s: s.periods.value if s.normalised else None),
    ("norm: unit grouping F1", lambda s: s.unit_grouping.f1 if s.unit_grouping else None),
    ("dataset linking F1", lambda s: s.datasets.f1 if s.datasets else None),
    ("flags: precision", lambda s: s.flags.precision if s.flags else None),
    ("flags: recall", lambda s: s.flags.recall if s.flags else None),
]


def render_table(result: EvalResult) -> str:
    columns = sorted(result.by_rendering, key=_rendering_order)
    header = ["metric", *columns, "overall"]
    table = [header, ["files", *[_files(result.by_rendering[c]) for c in columns], _files(result.overall)]]
    for label, getter in ROWS:
        table.append(
            [label, *[_fmt(getter(result.by_rendering[c])) for c in columns], _fmt(getter(result.overall))]
        )
    table.append(
        [
            "pages/s",
            *[_fmt(result.by_rendering[c].pages_per_second, 1) for c in columns],
            _fmt(result.overall.pages_per_second, 1),
        ]
    )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    failures = [outcome for outcome in result.outcomes if outcome.error]
    if failures:
        lines.append("")
        lines.append("Tệp không xử lý được / files that could not be processed:")
        lines.extend(f"  {outcome.file}: {outcome.error}" for outcome in failures)
    return "\n".join(lines)


def _files(scores: Scores) -> str:
    return f"{scores.files - scores.errors}/{scores.files}"


def _rendering_order(rendering: str) -> tuple[int, str]:
    known = [".txt", ".docx", ".pdf", "_scan.pdf"]
    return (known.index(rendering) if rendering in known else len(known), rendering)


def to_json(result: EvalResult) -> dict[str, object]:
    def figures(scores: Scores) -> dict[str, float | int | None]:
        values: dict[str, float | int | None] = {label: getter(scores) for label, getter in ROWS}
        values["pages/s"] = scores.pages_per_second
        values["files"] = scores.files
        values["errors"] = scores.errors
        return values

    return {
        "by_rendering": {name: figures(scores) for name, scores in result.by_rendering.items()},
        "overall": figures(result.overall),
        "files": [
            {
                "file": o.file,
                "rendering": o.rendering,
                "error": o.error,
                "pages": o.pages,
                "seconds": o.seconds,
            }
            for o in result.outcomes
        ],
    }


def write_json(result: EvalResult, path: Path) -> None:
    path.write_text(json.dumps(to_json(result), ensure_ascii=False, indent=2), encoding="utf-8")


# ---------------------------------------------------------------- per document, both sets

DOCUMENT_COLUMNS = (
    "set", "document", "meta", "tables", "phantom", "samples", "catalog", "cat.fields",
    "task R", "task P", "lead", "CER", "CER tess", "pages/s",
)
LEGEND = (
    "meta: metadata fields right/annotated · tables: gold tables found · phantom: extracted tables matching "
    "no gold table · samples: gold sample rows read exactly · catalog: entries extracted/gold · task R: gold "
    "tasks found · task P: extracted tasks that are gold tasks · lead: lead_raw exact on found tasks · CER: "
    "danhmuc on the transcribed scan pages · CER tess: plain tesseract -l vie at 300 dpi"
)


def _count(ratio: Ratio | None, summary: bool) -> str:
    if ratio is None or ratio.total == 0:
        return DASH
    text = f"{ratio.hits}/{ratio.total}"
    return f"{ratio.value:.3f} ({text})" if summary else text


def _cer(value: Cer | None) -> str:
    return DASH if value is None or value.value is None else f"{value.value:.3f}"


def _document_row(scores: DocumentScores, *, summary: bool = False) -> list[str]:
    tasks = scores.tasks
    return [
        scores.set_name,
        scores.file,
        _count(scores.metadata, summary),
        # "0/0": the gold says the document has no table; "—": tables not annotated (corpus gold).
        "0/0" if scores.tables is not None and scores.tables.total == 0 else _count(scores.tables, summary),
        DASH if scores.phantom_tables is None else str(scores.phantom_tables),
        _count(scores.samples, summary),
        f"{scores.catalog_extracted}/{scores.catalog_gold}" if scores.files > scores.errors else DASH,
        _count(scores.catalog_fields, summary),
        _count(Ratio(tasks.true_positives, tasks.gold), summary),
        _count(Ratio(tasks.true_positives, tasks.predicted), summary),
        _count(scores.task_lead, summary),
        _cer(scores.cer_danhmuc),
        _cer(scores.cer_tesseract),
        _fmt(scores.pages_per_second, 1),
    ]


def render_sets(result: SetsResult) -> str:
    """The corpus table as before, then every document of both sets in one table."""
    parts: list[str] = []
    if result.corpus is not None:
        parts.append(render_table(result.corpus))
        for label, archive in (("không nhận diện văn bản / without document identity",
                                result.corpus.archive_without_identity),
                               ("có nhận diện văn bản / with document identity", result.corpus.archive)):
            if archive is not None:
                parts.append(f"[{label}]\n{render_archive(archive)}")
    rows: list[list[str]] = []
    if result.corpus_overall is not None:
        rows += [_document_row(scores) for scores in result.corpus_documents]
        rows.append(_document_row(result.corpus_overall, summary=True))
    if result.real is not None:
        rows += [_document_row(scores) for scores in result.real.documents]
        rows.append(_document_row(result.real.overall, summary=True))
    if rows:
        parts.append("Theo tài liệu / per document:\n" + _grid([list(DOCUMENT_COLUMNS), *rows]) + "\n" + LEGEND)
        # Corpus failures are already listed under the corpus table.
        real_failures = [s for s in (result.real.documents if result.real else []) if s.error]
        if real_failures:
            parts.append(
                "Tài liệu thật không xử lý được / real files that could not be processed:\n"
                + "\n".join(f"  {s.file}: {s.error}" for s in real_failures)
            )
        if result.real is not None and result.real.notes:
            parts.append("\n".join(result.real.notes))
    parts.extend(result.skipped)
    return "\n\n".join(parts)


def _grid(table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _ratio_json(ratio: Ratio | None) -> dict[str, float | int | None] | None:
    return None if ratio is None else {"hits": ratio.hits, "total": ratio.total, "value": ratio.value}


def _cer_json(value: Cer | None) -> dict[str, float | int | None] | None:
    return None if value is None else {"edits": value.edits, "length": value.length, "value": value.value}


def document_json(scores: DocumentScores) -> dict[str, object]:
    tasks = scores.tasks
    return {
        "set": scores.set_name,
        "gold": scores.gold_name,
        "file": scores.file,
        "error": scores.error,
        "files": scores.files,
        "errors": scores.errors,
        "pages": scores.pages,
        "seconds": scores.seconds,
        "pages/s": scores.pages_per_second,
        "metadata": {**(_ratio_json(scores.metadata) or {}), "wrong": scores.metadata_wrong},
        "tables": _ratio_json(scores.tables),
        "phantom_tables": scores.phantom_tables,
        "sample_rows_exact": _ratio_json(scores.samples),
        "table_matches": [
            {
                "gold": outcome.gold_index,
                "pages": outcome.pages,
                "extracted": outcome.extracted,
                "similarity": outcome.similarity,
                "rows_gold": outcome.rows_gold,
                "rows_extracted": outcome.rows_extracted,
                "samples": _ratio_json(outcome.samples),
            }
            for outcome in scores.table_outcomes
        ],
        "catalog": {
            "extracted": scores.catalog_extracted,
            "gold": scores.catalog_gold,
            "field_accuracy": _ratio_json(scores.catalog_fields),
        },
        "tasks": {
            "found": tasks.true_positives,
            "extracted": tasks.predicted,
            "gold": tasks.gold,
            "recall": tasks.recall,
            "precision": tasks.precision,
            "missed": scores.missed_tasks,
            "lead_raw_exact": _ratio_json(scores.task_lead),
        },
        "scan_cer": {
            "danhmuc": _cer_json(scores.cer_danhmuc),
            "tesseract": _cer_json(scores.cer_tesseract),
            "pages": [
                {"page": p.page, "danhmuc": _cer_json(p.danhmuc), "tesseract": _cer_json(p.tesseract), "note": p.note}
                for p in scores.page_cer
            ],
        },
    }


def sets_json(result: SetsResult) -> dict[str, object]:
    data: dict[str, object] = {"skipped": result.skipped}
    if result.corpus is not None:
        data["corpus"] = to_json(result.corpus)
        data["corpus_documents"] = [document_json(s) for s in result.corpus_documents]
        data["corpus_overall"] = document_json(result.corpus_overall) if result.corpus_overall else None
        data["archive"] = {
            name: archive_json(archive)
            for name, archive in (("without_identity", result.corpus.archive_without_identity),
                                  ("with_identity", result.corpus.archive))
            if archive is not None
        }  # fmt: skip
    if result.real is not None:
        data["real_documents"] = [document_json(s) for s in result.real.documents]
        data["real_overall"] = document_json(result.real.overall)
        data["real_notes"] = result.real.notes
    return data


def write_sets_json(result: SetsResult, path: Path) -> None:
    path.write_text(json.dumps(sets_json(result), ensure_ascii=False, indent=2), encoding="utf-8")
