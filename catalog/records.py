"""Typed records the store hands out (rows never leave the store)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from extract.model import Record


class OutcomeStatus(StrEnum):
    INGESTED = "ingested"  # new content, extracted and stored
    NEW_VERSION = "new_version"  # the path's content changed: stored, supersedes the previous version
    DUPLICATE = "duplicate"  # content already stored under another path: path recorded, no extraction
    UNCHANGED = "unchanged"  # this path already has this content: nothing to do
    SKIPPED = "skipped"  # not tried or not supported (junk, symlink out of the folder, too big, format)
    FAILED = "failed"  # extraction failed; nothing stored for it


STORED_STATUSES = (OutcomeStatus.INGESTED, OutcomeStatus.NEW_VERSION, OutcomeStatus.DUPLICATE)


class DocumentSummary(Record):
    sha256: str
    source: str
    format: str
    size_bytes: int
    page_count: int
    kind: str
    number: str
    issuer: str
    title: str
    issued: str
    warning_count: int
    entry_count: int
    task_count: int
    added_at: datetime
    paths: list[str]  # current paths showing this content
    current: bool


class FileVersion(Record):
    id: int
    path: str
    sha256: str
    version: int
    supersedes: int | None
    current: bool
    added_at: datetime


class FileOutcome(Record):
    path: str
    status: OutcomeStatus
    sha256: str = ""
    code: str = ""
    reason: str = ""
    seconds: float = 0.0


class AddResult(Record):
    status: OutcomeStatus
    sha256: str
    version: int


class IngestRun(Record):
    id: int
    root: str
    started_at: datetime
    finished_at: datetime | None
    workers: int
    total_files: int
    status: str
    counts: dict[str, int]


class ReconcileSummary(Record):
    created_at: datetime
    threshold: float
    candidate_pairs: int
    document_count: int
    entry_count: int
    dataset_count: int
    link_count: int
    flag_count: int
    decision_count: int
    warnings: list[str]
