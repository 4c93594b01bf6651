"""What every report shows, read from the store (catalog.reports.reader); HTML, XLSX and JSON render it.

Reports read the store only (never the files), so what they show is exactly what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from pydantic import ConfigDict, Field, TypeAdapter

from catalog.concept_facts import ConceptDetail
from catalog.records import FileOutcome, IngestRun
from catalog.reports.pages import SourceRef
from catalog.store import CatalogStore
from extract.model import VIETNAMESE_PLACE, ExtractionWarning, Provenance, Record, place_of
from matching.anchoring import AnchoredDecision
from matching.model import Decision, Flag, FlagKind

FLAG_LABELS: dict[str, str] = {
    FlagKind.DUPLICATE_ENTRY: "Mục bị liệt kê trùng / duplicate entries",
    FlagKind.NUMBERING_GAP: "Số thứ tự bị ngắt quãng / numbering gaps",
    FlagKind.MISSING_FIELD: "Thiếu thông tin bắt buộc / missing fields",
    FlagKind.UNIT_CONFLICT: "Đơn vị quản lý không thống nhất / unit conflicts",
    FlagKind.PERIOD_AFTER_PARENT: "Thời hạn muộn hơn kế hoạch cấp trên / deadline after the parent plan",
    FlagKind.CITATION_CONFLICT: "Trích dẫn văn bản không khớp / conflicting citations",
    FlagKind.MISSING_METADATA: "Văn bản thiếu số hiệu, ngày / missing document metadata",
}


def flag_label(kind: str) -> str:
    return FLAG_LABELS.get(kind, kind)


def where(provenance: Provenance) -> str:
    """'tr. 3, bảng 2, dòng 5' — the place a reviewer opens the source at ('—' for the whole file)."""
    return _place(provenance.page, provenance.table, provenance.row, provenance.line)


@lru_cache(maxsize=8192)
def _place(page: int | None, table: int | None, row: int | None, line: int | None) -> str:
    # Written for every member, flag and warning (half a million at 10,000 documents) from a few
    # thousand distinct places: formatted once each.
    return place_of(Provenance(file="", page=page, table=table, row=row, line=line), VIETNAMESE_PLACE) or "—"


class SourceView(Record):
    sha256: str
    name: str
    paths: list[str]
    format: str
    pages: int
    kind: str
    number: str
    issuer: str
    title: str
    issued: str
    entries: int
    tasks: int
    warnings: int
    current: bool
    # What the extractor was unsure of (a table it could not structure, a low-confidence cell, the
    # reader it fell back to…), each with the place to check it at.
    extraction_warnings: list[ExtractionWarning] = Field(default_factory=list)

    @property
    def ref(self) -> SourceRef:
        """What a link to this source needs: its anchors and original file are SourceRef's."""
        return SourceRef(self.sha256, self.warnings, self.paths[0] if self.paths else "", self.format)

    @property
    def anchor(self) -> str:
        return self.ref.anchor

    @property
    def warnings_anchor(self) -> str:
        return self.ref.warnings_anchor

    def file_href(self, page: int | None) -> str:
        """A link that opens the original file (at the page, for PDFs) from the reviewer's machine."""
        return self.ref.file_href(page)


# The catalog's rows (a million members and links at 10,000 documents) are plain dataclasses: built
# from typed store columns they need no validation, and pydantic's model_construct cost about eight
# times a dataclass's __init__ (the largest part of reading the catalog). Not frozen: a frozen
# dataclass sets each field through object.__setattr__, three times the cost; nothing changes them.
# Pydantic serialises and validates them as fields of CatalogReport (and by DATASET_JSON) with the
# same JSON as when they were models.
@dataclass(slots=True, kw_only=True)
class MemberView:
    __pydantic_config__ = ConfigDict(extra="forbid")

    key: str
    sha256: str
    document: str
    number: str
    title: str
    unit: str
    provenance: Provenance
    where: str


@dataclass(slots=True, kw_only=True)
class LinkView:
    __pydantic_config__ = ConfigDict(extra="forbid")

    left: str
    right: str
    left_label: str
    right_label: str
    score: float
    reasons: tuple[str, ...]  # shared between links with the same reasons: a tuple, never changed
    accepted: bool
    decided_by: str


@dataclass(slots=True, kw_only=True)
class DatasetView:
    __pydantic_config__ = ConfigDict(extra="forbid")

    id: str
    title: str
    unit: str
    concept_id: str = ""  # the dataset concept (same kind of data elsewhere) and its harmonised title
    concept_title: str = ""
    member_count: int
    document_count: int
    sources: list[str]  # document names, in member order, without repeats
    members: list[MemberView]
    links: list[LinkView]  # accepted links between its members, then near misses touching them


# A dataset as one line of a JSON Lines part (and read back from one).
DATASET_JSON: TypeAdapter[DatasetView] = TypeAdapter(DatasetView)


class Summary(Record):
    generated_at: datetime
    database: str
    documents: int
    entries: int
    datasets: int
    multi_source_datasets: int
    links_accepted: int
    links_near_miss: int
    flags_open: int
    flags_dismissed: int
    flags_by_kind: dict[str, int]
    decisions: int  # in force and applied (as recorded or re-anchored); orphaned ones not counted
    decisions_orphaned: int = 0
    threshold: float | None
    last_ingest: IngestRun | None
    problem_files: int
    extraction_warnings: int = 0  # over current documents
    documents_with_warnings: int = 0
    concepts: int = 0
    concepts_shared: int = 0  # held by two or more datasets
    concepts_with_gaps: int = 0  # some locality of a listing level does not list it
    concepts_with_conflicts: int = 0  # kept by different kinds of unit in different localities


class CatalogReport(Record):
    summary: Summary
    datasets: list[DatasetView]
    flags: list[Flag]
    sources: list[SourceView]
    problem_files: list[FileOutcome] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    # Decisions that no longer apply (their rows, dataset or finding are gone), with the reason.
    orphaned_decisions: list[AnchoredDecision] = Field(default_factory=list)
    concepts: list[ConceptDetail] = Field(default_factory=list)
    # Written by write_report_files: the datasets (with their links) as JSON Lines files next to this
    # one, a part per page of datasets, so no file holds every link; `datasets` is then empty.
    dataset_files: list[str] = Field(default_factory=list)
    # Likewise the concepts with all their facts (each locality's plans: they grow with concepts ×
    # documents), in ``bao-cao-khai-niem-NNN.jsonl``; ``concepts`` is then empty.
    concept_files: list[str] = Field(default_factory=list)


def build_report(store: CatalogStore) -> CatalogReport:
    """The whole report in memory (tests, small stores); `write_report_files` streams the same rows."""
    from catalog.reports.reader import ConceptStats, ReportReader

    with store.snapshot(consistent=True) as session:
        reader = ReportReader(store, session)
        stats = ConceptStats()
        concepts = [stats.add(concept) for concept in reader.concepts()]
        return CatalogReport(
            summary=reader.summary(stats),
            datasets=list(reader.datasets()),
            flags=list(reader.flags()),
            sources=list(reader.sources()),
            problem_files=reader.problem_files(),
            decisions=reader.decisions(),
            orphaned_decisions=reader.orphaned_decisions(),
            concepts=concepts,
        )
