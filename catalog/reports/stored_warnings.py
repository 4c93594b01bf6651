"""A stored document's extraction warnings, read without parsing the whole Document.

Used by the report (catalog.reports.reader) for every document with warnings and by `danhmuc ingest`'s
summary lines (CatalogStore.stored_warnings): on SQLite the warnings are read from the start of each
stored JSON (catalog.reports.json_prefix), elsewhere cut out by the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import String, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.models import DocumentRow
from catalog.reports.json_prefix import leading_fields
from extract.model import ExtractionWarning

WARNINGS = TypeAdapter(list[ExtractionWarning])


def stored_warnings(session: Session, shas: Iterable[str]) -> dict[str, list[ExtractionWarning]]:
    """sha256 → the extraction warnings of each stored document among ``shas``, cut out of its stored JSON
    by the database: parsing whole Documents (a megabyte each in memory) only to read their warnings was
    most of the former report's time. Documents not stored are left out."""
    wanted = list(shas)
    dialect = session.get_bind().dialect.name
    found: dict[str, list[ExtractionWarning]] = {}
    if dialect == "sqlite" and wanted:  # read from the start of each JSON (json_prefix), else as below
        for sha, text in leading_fields(session, one_of(DocumentRow.sha256, wanted, True), "warnings").items():
            found[sha] = [] if text == "null" else WARNINGS.validate_json(text)  # json_extract: SQL NULL
        wanted = [sha for sha in wanted if sha not in found]
    if not wanted:
        return found
    column: ColumnElement[Any]
    if dialect == "sqlite":
        column = func.json_extract(DocumentRow.document_json, "$.warnings")
    elif dialect == "postgresql":
        column = cast(cast(DocumentRow.document_json, JSONB)["warnings"], String)
    else:
        column = DocumentRow.document_json.expression
    query = select(DocumentRow.sha256, column).where(one_of(DocumentRow.sha256, wanted, dialect == "sqlite"))
    for sha, text in session.execute(query):
        if text is None:
            found[sha] = []
        elif dialect not in ("sqlite", "postgresql"):
            found[sha] = WARNINGS.validate_python(json.loads(text).get("warnings", []))
        else:
            found[sha] = WARNINGS.validate_json(text)
    return found


def one_of(column: InstrumentedAttribute[str], values: Sequence[str], sqlite: bool) -> ColumnElement[bool]:
    """``column IN values``. On SQLite the values go as one JSON text (``IN (SELECT value FROM
    json_each(?))``, the same index search): SQLAlchemy checks and binds each value of an ``IN`` list
    apart, a tenth of the report's CPU for its million keys at 10,000 documents."""
    if sqlite:
        return column.in_(select(func.json_each(json.dumps(list(values))).table_valued("value").c.value))
    return column.in_(values)
