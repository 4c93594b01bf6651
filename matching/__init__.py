"""Matching: reconcile the catalogs of many documents into one catalog of datasets, and flag findings.

    result = reconcile(documents, decisions=decisions, previous=last.assignment)

See docs/matching.md for the comparison levels, the calibration and the stability of dataset ids.
"""

from matching.calibrate import PairwiseScores, ThresholdFit, calibrate, pairwise_scores
from matching.decisions import apply_decisions
from matching.errors import GoldFormatError, MatchingError, ThresholdsMissingError
from matching.flags import compute_flags
from matching.model import (
    ConfirmLink,
    Dataset,
    Decision,
    DismissFlag,
    Flag,
    FlagKind,
    Link,
    MemberRef,
    MergeDatasets,
    Reconciliation,
    RejectLink,
    SetCanonical,
    SplitDataset,
    dataset_id_for,
    entry_key,
)
from matching.reconcile import load_threshold, reconcile

__all__ = [
    "ConfirmLink",
    "Dataset",
    "Decision",
    "DismissFlag",
    "Flag",
    "FlagKind",
    "GoldFormatError",
    "Link",
    "MatchingError",
    "MemberRef",
    "MergeDatasets",
    "PairwiseScores",
    "Reconciliation",
    "RejectLink",
    "SetCanonical",
    "SplitDataset",
    "ThresholdFit",
    "ThresholdsMissingError",
    "apply_decisions",
    "calibrate",
    "compute_flags",
    "dataset_id_for",
    "entry_key",
    "load_threshold",
    "pairwise_scores",
    "reconcile",
]
