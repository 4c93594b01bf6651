"""The pipeline as one library call (it lives in :mod:`nlp.pipeline`; re-exported for the CLI)."""

from __future__ import annotations

from nlp.pipeline import process_file

__all__ = ["process_file", "stage_available"]


def stage_available(module: str, attribute: str) -> bool:
    """True when a later pipeline stage is installed (used to show '—' instead of a fake score)."""
    try:
        imported = __import__(module, fromlist=[attribute])
    except ImportError:
        return False
    return hasattr(imported, attribute)
