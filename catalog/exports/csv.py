"""The catalog as CSV, one row per dataset; ``xlsx`` writes the same rows.

Field names are the English machine names API clients already read; lists are joined with "; ".
The column ``members`` gives each member's document and place in it (page, table, row),
so a row can be traced back to the lines it was read from; ``concept_id``/``concept_title`` (last,
so existing readers of the columns by position are unaffected) name the dataset concept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from catalog.cells import inert_row
from catalog.exports.view import DatasetDetail
from catalog.reports.model import where

COLUMNS = ("id", "title", "unit", "description", "sharing", "sharing_labels", "frequency", "domains",
           "localities", "member_count", "document_count", "documents", "member_titles", "members", "concept_id",
           "concept_title")  # fmt: skip


def _member(document: str, place: str, number: str, title: str) -> str:
    return f"{document} ({place}) {number} {title}".replace("  ", " ").strip()


def row(dataset: DatasetDetail) -> list[str]:
    return [
        dataset.id, dataset.title, dataset.unit, dataset.description, "; ".join(dataset.sharing),
        "; ".join(dataset.sharing_labels), "; ".join(dataset.frequency), "; ".join(dataset.domains),
        "; ".join(dataset.localities), str(dataset.member_count), str(dataset.document_count),
        "; ".join(dict.fromkeys(m.document for m in dataset.members)),
        "; ".join(dict.fromkeys(m.title for m in dataset.members)),
        " | ".join(_member(m.document, where(m.provenance), m.number, m.title) for m in dataset.members),
        dataset.concept_id, dataset.concept_title,
    ]  # fmt: skip


CHUNK_ROWS = 200  # rows written as text before being encoded: the text of the whole file is never held


def to_csv(datasets: Iterable[DatasetDetail]) -> bytes:
    out = io.BytesIO()
    write_csv(datasets, out)
    return out.getvalue()


def write_csv(datasets: Iterable[DatasetDetail], sink: IO[bytes]) -> None:
    """The CSV written to ``sink`` CHUNK_ROWS rows at a time."""
    sink.write("\ufeff".encode())  # BOM: Excel then reads the accents right
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number, dataset in enumerate(datasets, start=1):
        writer.writerow(inert_row(row(dataset)))
        if number % CHUNK_ROWS == 0:
            sink.write(out.getvalue().encode("utf-8"))
            out.seek(0)
            out.truncate()
    sink.write(out.getvalue().encode("utf-8"))
