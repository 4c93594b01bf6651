"""Typed records of reconciliation: entry keys, links, datasets, flags and reviewer decisions.

Everything here is frozen and JSON-serialisable, because the catalog store keeps these records
(and reviewers' decisions) between runs; a later run reads them back and must produce the same
dataset ids for the same entries.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from extract.model import CatalogEntry, Document, Provenance, Record


def entry_key(document: Document, entry: CatalogEntry) -> str:
    """The stable identity of a catalog row: document content hash + table + row.

    Built from the content hash rather than the file name, so the same file uploaded twice (or
    renamed) keeps its keys, and every rendering of the same bytes agrees.
    """
    return f"{document.sha256}:{entry.table}:{entry.row}"


def dataset_id_for(origin_key: str) -> str:
    """A dataset id derived from the entry key of the member it was first built from."""
    return "ds-" + hashlib.sha256(origin_key.encode("utf-8")).hexdigest()[:16]


class MemberRef(Record):
    """One catalog row as a member of a dataset, with enough to show it to a reviewer."""

    key: str
    document: str  # Document.source
    sha256: str
    number: str
    title: str
    unit: str
    provenance: Provenance


class Link(Record):
    """A scored comparison of two entries (left key < right key)."""

    left: str
    right: str
    score: float
    reasons: list[str] = Field(default_factory=list)
    accepted: bool = False  # above the threshold and kept by clustering / decisions
    decided_by: str = "auto"  # "auto", or the reviewer whose decision forced it
    level: str = "dataset"  # "dataset" (one publisher's dataset) or "concept" (same kind of data elsewhere)


class Dataset(Record):
    id: str
    origin: str  # the entry key the id was derived from
    title: str  # canonical title: a reviewer's choice, else the most common member title
    unit: str  # canonical managing unit, same rule
    members: list[MemberRef]


class FlagKind(StrEnum):
    DUPLICATE_ENTRY = "duplicate_entry"
    NUMBERING_GAP = "numbering_gap"
    MISSING_FIELD = "missing_field"
    UNIT_CONFLICT = "unit_conflict"
    PERIOD_AFTER_PARENT = "period_after_parent"
    CITATION_CONFLICT = "citation_conflict"
    MISSING_METADATA = "missing_metadata"


class Flag(Record):
    """A finding a reviewer must see, attached to one document."""

    id: str
    kind: FlagKind
    message: str  # Vietnamese, then " / " English
    evidence: list[str]  # catalog numbers as printed, task refs, titles, số hiệu or field names
    document: str  # Document.source
    sha256: str
    provenance: list[Provenance] = Field(default_factory=list)
    dismissed: str = ""  # the reviewer's reason when a decision dismissed it
    dismissed_by: str = ""


def flag_id(kind: FlagKind, identity: str, evidence: list[str]) -> str:
    """Stable across runs so that a dismissal keeps applying to the same finding.

    `identity` is the document's identity key (matching.flags.identity_key; in the store, the key
    recorded when the document was first matched), not the file's hash: every rendering of one plan
    gives a finding the same id, so the id survives another rendering taking over and a rebuild.
    The evidence (numbers as printed, task refs, số hiệu) places the finding within the document.
    """
    raw = "|".join([kind.value, identity, *sorted(evidence)])
    return "fl-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- reviewer decisions


class _Decision(Record):
    who: str
    when: datetime
    reason: str = ""


class ConfirmLink(_Decision):
    """Two entries are the same dataset, whatever the score says (must-link)."""

    kind: Literal["confirm_link"] = "confirm_link"
    left: str
    right: str


class RejectLink(_Decision):
    """Two entries are different datasets, whatever the score says (cannot-link)."""

    kind: Literal["reject_link"] = "reject_link"
    left: str
    right: str


class MergeDatasets(_Decision):
    """The datasets become one; the first id is kept."""

    kind: Literal["merge_datasets"] = "merge_datasets"
    dataset_ids: list[str]


class SplitDataset(_Decision):
    """The listed members leave the dataset and form a new one."""

    kind: Literal["split_dataset"] = "split_dataset"
    dataset_id: str
    members: list[str]  # entry keys


class SetCanonical(_Decision):
    kind: Literal["set_canonical"] = "set_canonical"
    dataset_id: str
    title: str = ""
    unit: str = ""


class DismissFlag(_Decision):
    kind: Literal["dismiss_flag"] = "dismiss_flag"
    flag_id: str


class UndoDecision(_Decision):
    """Takes back an earlier decision (by its stored id); undoing an undo restores the decision."""

    kind: Literal["undo"] = "undo"
    decision_id: int


Decision = Annotated[
    ConfirmLink | RejectLink | MergeDatasets | SplitDataset | SetCanonical | DismissFlag | UndoDecision,
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- the result


class Reconciliation(Record):
    datasets: list[Dataset]
    links: list[Link]  # every scored candidate pair, accepted or not, best first
    flags: list[Flag]
    assignment: dict[str, str]  # entry key -> dataset id: pass it as `previous` to the next run
    threshold: float
    candidate_pairs: int = 0
    warnings: list[str] = Field(default_factory=list)
    # Concept level: entry key -> concept id ("cc-…"); datasets of several localities holding the
    # same kind of data share a concept. `concept_links` join the datasets' representative rows.
    concepts: dict[str, str] = Field(default_factory=dict)
    concept_links: list[Link] = Field(default_factory=list)
    concept_threshold: float = 0.0

    def dataset_of(self, key: str) -> Dataset | None:
        wanted = self.assignment.get(key)
        return next((d for d in self.datasets if d.id == wanted), None)
