"""What every report shows, built once from the store; HTML, XLSX, JSON and exports render it.

Reports read the store only (never the files), so what they show is exactly what was stored.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import PurePosixPath

from pydantic import Field

from catalog.concept_facts import ConceptDetail
from catalog.errors import mask_url
from catalog.records import FileOutcome, IngestRun, OutcomeStatus
from catalog.store import CatalogStore
from extract.model import VIETNAMESE_PLACE, ExtractionWarning, Provenance, Record, place_of
from matching.anchoring import AnchoredDecision, AnchorStatus
from matching.model import Decision, Flag, FlagKind, Link

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
    return place_of(provenance, VIETNAMESE_PLACE) or "—"


def _warnings_of(store: CatalogStore, sha256: str) -> list[ExtractionWarning]:
    document = store.get(sha256)  # only for documents that have warnings: the count is in the summary row
    return list(document.warnings) if document is not None else []


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
    def anchor(self) -> str:
        return f"src-{self.sha256[:16]}"

    @property
    def warnings_anchor(self) -> str:
        return f"warn-{self.sha256[:16]}"

    def file_href(self, page: int | None) -> str:
        """A link that opens the original file (at the page, for PDFs) from the reviewer's machine."""
        if not self.paths or not PurePosixPath(self.paths[0]).is_absolute():
            return ""
        href = "file://" + self.paths[0]
        return f"{href}#page={page}" if page and self.format == "pdf" else href


class MemberView(Record):
    key: str
    sha256: str
    document: str
    number: str
    title: str
    unit: str
    provenance: Provenance
    where: str


class LinkView(Record):
    left: str
    right: str
    left_label: str
    right_label: str
    score: float
    reasons: list[str]
    accepted: bool
    decided_by: str


class DatasetView(Record):
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


def build_report(store: CatalogStore) -> CatalogReport:
    sources = [
        SourceView(
            sha256=d.sha256,
            name=d.source,
            paths=d.paths,
            format=d.format,
            pages=d.page_count,
            kind=d.kind,
            number=d.number,
            issuer=d.issuer,
            title=d.title,
            issued=d.issued,
            entries=d.entry_count,
            tasks=d.task_count,
            warnings=d.warning_count,
            current=d.current,
            extraction_warnings=_warnings_of(store, d.sha256) if d.warning_count else [],
        )  # fmt: skip
        for d in store.list_documents()
    ]
    datasets, links = store.datasets(), store.links()
    from catalog.concepts_store import dataset_concepts, read_concepts  # it imports the store's agencies

    with store.snapshot() as session:
        concepts, concept_of = read_concepts(session), dataset_concepts(session)
    label = {m.key: f"{m.document} · {m.number or '—'} {m.title}" for d in datasets for m in d.members}
    dataset_of = {m.key: d.id for d in datasets for m in d.members}
    by_dataset: dict[str, list[Link]] = {}
    for link in links:
        for dataset_id in {dataset_of.get(link.left), dataset_of.get(link.right)} - {None}:
            by_dataset.setdefault(str(dataset_id), []).append(link)
    views = []
    for dataset in datasets:
        members = [
            MemberView(
                key=m.key,
                sha256=m.sha256,
                document=m.document,
                number=m.number,
                title=m.title,
                unit=m.unit,
                provenance=m.provenance,
                where=where(m.provenance),
            )  # fmt: skip
            for m in dataset.members
        ]
        dataset_links = sorted(
            by_dataset.get(dataset.id, []), key=lambda link: (not link.accepted, -link.score)
        )
        views.append(
            DatasetView(
                id=dataset.id,
                title=dataset.title,
                unit=dataset.unit,
                concept_id=concept_of.get(dataset.id, ("", ""))[0],
                concept_title=concept_of.get(dataset.id, ("", ""))[1],
                member_count=len(members),
                document_count=len({m.sha256 for m in members}),
                sources=list(dict.fromkeys(m.document for m in members)),
                members=members,
                links=[
                    LinkView(
                        left=link.left,
                        right=link.right,
                        left_label=label.get(link.left, link.left),
                        right_label=label.get(link.right, link.right),
                        score=link.score,
                        reasons=list(link.reasons),
                        accepted=link.accepted,
                        decided_by=link.decided_by,
                    )  # fmt: skip
                    for link in dataset_links
                ],
            )  # fmt: skip
        )
    views.sort(key=lambda v: (-v.document_count, -v.member_count, v.title.casefold()))
    flags = store.flags()
    runs = store.runs()
    last_run = runs[-1] if runs else None
    problems = [
        outcome
        for outcome in (store.outcomes(last_run.id) if last_run else [])
        if outcome.status in (OutcomeStatus.FAILED, OutcomeStatus.SKIPPED)
    ]
    reconciliation = store.last_reconciliation()
    decisions = store.decisions()
    anchored = store.anchored_decisions()
    orphaned = [a for a in anchored if a.status is AnchorStatus.ORPHANED]
    open_flags = [f for f in flags if not f.dismissed]
    summary = Summary(
        generated_at=datetime.now(UTC),
        database=mask_url(store.url),
        documents=sum(1 for s in sources if s.current),
        entries=sum(v.member_count for v in views),
        datasets=len(views),
        multi_source_datasets=sum(1 for v in views if v.document_count > 1),
        links_accepted=sum(1 for link in links if link.accepted),
        links_near_miss=sum(1 for link in links if not link.accepted),
        flags_open=len(open_flags),
        flags_dismissed=len(flags) - len(open_flags),
        flags_by_kind=dict(Counter(f.kind.value for f in open_flags).most_common()),
        # Orphaned decisions (their rows are gone from the new version) are not applied (catalog/anchoring.py).
        decisions=len(anchored) - len(orphaned),
        decisions_orphaned=len(orphaned),
        threshold=reconciliation.threshold if reconciliation else None,
        last_ingest=last_run,
        problem_files=len(problems),
        extraction_warnings=sum(s.warnings for s in sources if s.current),
        documents_with_warnings=sum(1 for s in sources if s.current and s.warnings),
        concepts=len(concepts),
        concepts_shared=sum(1 for c in concepts if c.dataset_count > 1),
        concepts_with_gaps=sum(1 for c in concepts if c.not_listed_count),
        concepts_with_conflicts=sum(1 for c in concepts if c.conflicts),
    )
    return CatalogReport(
        summary=summary,
        datasets=views,
        flags=flags,
        sources=sources,
        problem_files=problems,
        decisions=decisions,
        orphaned_decisions=orphaned,
        concepts=concepts,
    )
