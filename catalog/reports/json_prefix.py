"""A field near the start of a stored document's JSON, read without the rest of it (SQLite).

The report lists each document's extraction warnings, which the stored Document's JSON holds near its
start (after its name, sizes and page list). ``json_extract`` loads the whole value and parses it
all: 7,500 documents of 100–300 KB at 10,000 documents, 2.4 CPU-s of the report's child process.
SQLite's incremental BLOB I/O (``blobopen``, on TEXT columns too) reads the first kilobytes only: the
top-level fields are walked in order until the one wanted, and its JSON text is returned as stored.
"""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.models import DocumentRow

FIRST = 16_384  # bytes read first; doubled while the field is cut off
MOST = 1 << 20  # past this the caller reads the field its usual way
_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


class _Short(Exception):
    """The prefix ends before the field does."""


def leading_fields(session: Session, documents: ColumnElement[bool], key: str) -> dict[str, str]:
    """sha256 → the JSON text of ``key``'s value in each stored document matching ``documents`` (SQLite),
    read from the start of its JSON; the documents where it was not found there are left out."""
    raw = session.connection().connection.dbapi_connection
    if not isinstance(raw, sqlite3.Connection) or raw.execute("PRAGMA encoding").fetchone()[0] != "UTF-8":
        return {}
    found: dict[str, str] = {}
    rowid: ColumnElement[int] = literal_column("rowid")
    for sha, row in session.execute(select(DocumentRow.sha256, rowid).where(documents)):
        text = leading_field(raw, DocumentRow.__tablename__, "document_json", row, key)
        if text is not None:
            found[sha] = text
    return found


def leading_field(connection: sqlite3.Connection, table: str, column: str, rowid: int, key: str) -> str | None:
    """The JSON text of ``key``'s value in the object stored in ``table.column`` at ``rowid`` (UTF-8), as
    stored; None when it is not found within MOST bytes (or the value is no JSON object)."""
    with connection.blobopen(table, column, rowid, readonly=True) as blob:
        size, want = len(blob), FIRST
        while True:
            want = min(want, size)
            blob.seek(0)
            # A character cut at the end of the prefix is dropped: the field ends before it, or more is read.
            text = blob.read(want).decode("utf-8", "ignore")
            try:
                return _field(text, key)
            except _Short:
                if want >= size or want >= MOST:
                    return None
                want *= 2
            except ValueError:  # no JSON object: the caller's way says what it holds
                return None


def _field(text: str, key: str) -> str | None:
    at = _skip(text, 0)
    if text[at] != "{":
        raise ValueError("not an object")
    at += 1
    while True:
        at = _skip(text, at)
        if text[at] == "}":
            return None
        name, at = _decode(text, at)
        at = _skip(text, at)
        if text[at] != ":":
            raise ValueError("no colon")
        start = _skip(text, at + 1)
        _, end = _decode(text, start)
        at = _skip(text, end)  # a value counts once what follows it is read: a number may be cut short
        if text[at] not in ",}":
            raise ValueError("no separator")
        if name == key:
            return text[start:end]
        if text[at] == "}":
            return None
        at += 1


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    if at >= len(text):
        raise _Short
    return at


def _decode(text: str, at: int) -> tuple[object, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError as error:
        if error.pos >= len(text) - 1 or "Unterminated" in error.msg:
            raise _Short from error
        raise ValueError(error.msg) from error
