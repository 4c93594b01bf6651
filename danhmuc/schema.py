"""The published JSON Schema of the document model (docs/document-schema.json is generated from it)."""

from __future__ import annotations

import json

from extract.model import SCHEMA_VERSION, Document


def document_schema() -> dict[str, object]:
    schema = Document.model_json_schema()
    schema["$id"] = f"https://danhmuc.local/schema/document/{SCHEMA_VERSION}"
    schema["title"] = f"danhmuc Document {SCHEMA_VERSION}"
    return schema


def document_schema_json() -> str:
    return json.dumps(document_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
