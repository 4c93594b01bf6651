"""Bridge from the matching stage's result to what the evaluator counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from danhmuc.pipeline import stage_available
from extract.model import Document

EntryKey = tuple[str, int, int]  # (document source, table index, row index)


@dataclass
class MatchingOutcome:
    dataset_of: dict[EntryKey, str] = field(default_factory=dict)
    flags_of: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)  # source -> (kind, evidence)


def run_matching(documents: list[Document]) -> MatchingOutcome | None:
    """Reconcile ``documents``; None when the matching stage is not installed (scores show '—')."""
    if not stage_available("matching", "reconcile"):
        return None
    from matching import reconcile

    result = reconcile(documents)
    return MatchingOutcome(dataset_of=_dataset_of(result), flags_of=_flags_of(result))


def _dataset_of(result: object) -> dict[EntryKey, str]:
    raise NotImplementedError("adapt to matching.Reconciliation once it lands")


def _flags_of(result: object) -> dict[str, list[tuple[str, list[str]]]]:
    raise NotImplementedError("adapt to matching.Reconciliation once it lands")
