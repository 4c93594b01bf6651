"""Bridge from the matching stage's result to what the evaluator counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from danhmuc.pipeline import stage_available
from extract.model import Document

EntryKey = tuple[str, int, int]  # (document source, table index, row index)


@dataclass
class MatchingOutcome:
    dataset_of: dict[EntryKey, str] = field(default_factory=dict)
    flags_of: dict[str, list[tuple[str, list[str]]]] = field(
        default_factory=dict
    )  # source -> (kind, evidence)


def run_matching(documents: list[Document]) -> MatchingOutcome | None:
    """Reconcile ``documents``; None when the matching stage is not installed (scores show '—')."""
    if not stage_available("matching", "reconcile"):
        return None
    from matching import entry_key, reconcile

    result = reconcile(documents)
    outcome = MatchingOutcome()
    for document in documents:
        for entry in document.catalog:
            dataset = result.assignment.get(entry_key(document, entry))
            if dataset:
                outcome.dataset_of[(document.source, entry.table, entry.row)] = dataset
    for flag in result.flags:
        if not flag.dismissed:
            outcome.flags_of.setdefault(flag.document, []).append((flag.kind.value, list(flag.evidence)))
    return outcome
