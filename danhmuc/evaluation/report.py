"""The evaluation table as people read it, and as JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from danhmuc.evaluation.runner import CATALOG_FIELDS, EvalResult, Scores

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
