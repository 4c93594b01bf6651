"""The pipeline as one library call: file → extracted → normalised Document.

CLI commands, the API and the evaluator all go through here, so every entry point sees the
same stages in the same order.
"""

from __future__ import annotations

from pathlib import Path

from extract import extract_file
from extract.model import Document


def process_file(path: str | Path, *, name: str | None = None, normalize: bool = True) -> Document:
    """Extract ``path`` and, unless told otherwise, normalise it (units, periods, sharing…)."""
    document = extract_file(path, name=name)
    if normalize and stage_available("nlp", "normalize_document"):
        document = normalize_stage(document)
    return document


def normalize_stage(document: Document) -> Document:
    from nlp import normalize_document

    return normalize_document(document)


def stage_available(module: str, attribute: str) -> bool:
    """True when a later pipeline stage is installed (used to show '—' instead of a fake score)."""
    try:
        imported = __import__(module, fromlist=[attribute])
    except ImportError:
        return False
    return hasattr(imported, attribute)
