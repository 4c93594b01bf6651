"""A document's extraction warnings as a few lines a person reads on a terminal.

`danhmuc extract` keeps stdout for the JSON and prints this on stderr; `danhmuc ingest` prints the
per-file counts. The full list stays in the JSON, the API and the reviewer's report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from extract.model import BILINGUAL_PLACE, ExtractionWarning, Provenance, place_of

FIRST_MESSAGES = 3
MESSAGE_CHARS = 240


def place(provenance: Provenance | None) -> str:
    """'tr./p. 3, bảng/table 2, hàng/row 5', or '' when the warning is about the whole file."""
    return place_of(provenance, BILINGUAL_PLACE)


def count_by_code(warnings: Sequence[ExtractionWarning]) -> list[tuple[str, int]]:
    """Codes by number of warnings, most frequent first (then by code, so the order is stable)."""
    return sorted(Counter(w.code for w in warnings).items(), key=lambda item: (-item[1], item[0]))


def summary_lines(source: str, warnings: Sequence[ExtractionWarning], *, first: int = FIRST_MESSAGES) -> list[str]:
    """Nothing for a file without warnings; else a count by code and the first messages with their place."""
    if not warnings:
        return []
    codes = ", ".join(f"{code} ×{number}" for code, number in count_by_code(warnings))
    lines = [f"{source}: {len(warnings)} cảnh báo / warnings — {codes}"]
    for warning in warnings[:first]:
        where = place(warning.provenance)
        message = " ".join(warning.message.split())
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 1] + "…"
        lines.append(f"  - [{warning.code}]{' ' + where + ':' if where else ''} {message}")
    if len(warnings) > first:
        lines.append(f"  … {len(warnings) - first} cảnh báo nữa trong JSON (\"warnings\") / more in the JSON")
    return lines
