"""A field near the start of a stored JSON, read by incremental BLOB I/O (catalog.reports.json_prefix)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from catalog.reports import json_prefix
from catalog.reports.json_prefix import leading_field


@pytest.fixture
def connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE documents (sha256 TEXT PRIMARY KEY, document_json TEXT)")
    return connection


def _stored(connection: sqlite3.Connection, text: str) -> int:
    cursor = connection.execute("INSERT INTO documents (sha256, document_json) VALUES (?, ?)", (str(id(text)), text))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


WARNINGS = [{"code": "ocr", "message": "Chữ mờ \"khó\" đọc \\ \u2028 😀", "provenance": {"page": 3, "raw": "x" * 3000}}]


@pytest.mark.parametrize("first", [1, 7, 64, 16_384])
def test_the_field_as_stored_whatever_the_first_read(
    connection: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, first: int
) -> None:
    monkeypatch.setattr(json_prefix, "FIRST", first)
    document = {"source": "Tệp \"a\".pdf", "size_bytes": 123456, "needs_ocr_pages": [1, 22], "warnings": WARNINGS,
                "sections": ["y" * 100_000]}  # fmt: skip
    for text in (json.dumps(document, ensure_ascii=False, separators=(",", ":")), json.dumps(document, indent=2)):
        found = leading_field(connection, "documents", "document_json", _stored(connection, text), "warnings")
        assert found is not None and json.loads(found) == WARNINGS
        assert text[text.index(found) :].startswith(found)


def test_absent_null_or_no_object(connection: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_prefix, "FIRST", 8)
    read = lambda text: leading_field(connection, "documents", "document_json", _stored(connection, text), "warnings")  # noqa: E731
    assert read('{"source":"a","sections":[]}') is None  # the caller's json_extract says: none
    assert read('{"warnings":null,"x":1}') == "null"
    assert read('{"warnings":[]}') == "[]"
    assert read("[1,2]") is None and read('{"source":') is None and read("not json") is None


def test_a_field_past_the_limit_is_left_to_the_caller(
    connection: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_prefix, "FIRST", 1024)
    monkeypatch.setattr(json_prefix, "MOST", 4096)
    text = json.dumps({"sections": ["z" * 10_000], "warnings": WARNINGS})
    assert leading_field(connection, "documents", "document_json", _stored(connection, text), "warnings") is None
