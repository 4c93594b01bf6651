"""The official W3C Reconciliation API 0.2 JSON Schemas (../shared/standards), as validators for tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema_rs
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DANHMUC_SHARED") or ROOT.parent / "shared")  # CI: shared/ beside the checkout
SCHEMAS = SHARED / "standards" / "w3c-reconciliation-0.2"
BASE = "https://reconciliation-api.github.io/specs/0.2/schemas/"


def schema_validator(name: str) -> jsonschema_rs.Validator:
    """A validator for one schema file; its $refs (type.json, swagger) resolved from the same folder."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"the official schemas are not at {SCHEMAS} (shared/ beside the checkout, or DANHMUC_SHARED)")
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}

    def retrieve(uri: str) -> object:
        if uri.startswith(BASE):
            return documents[uri.removeprefix(BASE)]
        if uri.startswith("http://swagger.io/v2/schema.json"):
            return documents["openapi.json"]
        raise KeyError(uri)

    return jsonschema_rs.validator_for(documents[name], retriever=retrieve, base_uri=BASE + name)


def schema_errors(name: str, instance: object) -> list[str]:
    return [error.message for error in schema_validator(name).iter_errors(instance)]
