"""The pipeline as one library call: file → extracted → normalised Document.

It lives in nlp, the first layer that has both stages, so the CLI, the catalog's ingest, the API
worker and the evaluator all see the same stages in the same order without importing the CLI.
"""

from __future__ import annotations

from pathlib import Path

from extract import extract_file
from extract.model import Document


def process_file(path: str | Path, *, name: str | None = None, normalize: bool = True) -> Document:
    """Extract ``path`` and, unless told otherwise, normalise it (units, periods, sharing…)."""
    document = extract_file(path, name=name)
    if normalize:
        from nlp.document import normalize_document

        document = normalize_document(document)
    return document
