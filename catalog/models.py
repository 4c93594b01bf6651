"""The catalog store's tables (SQLAlchemy 2.0 typed ORM).

The full Document JSON is kept verbatim (``documents.document_json``) so what goes in comes back
out unchanged; the other tables are queryable projections of it (entries, tasks) and of the last
reconciliation (datasets, members, links, flags), plus reviewers' decisions and ingest history.
Any schema change here needs a new Alembic revision in ``catalog/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEY_LENGTH = 100  # entry keys: sha256 (64) + ":" + table + ":" + row


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps come back timezone-aware on SQLite too (it stores them without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, list[Any]: JSON, datetime: UtcDateTime}


class DocumentRow(Base):
    """One distinct content (sha256); several paths and versions may point at it."""

    __tablename__ = "documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer)
    schema_version: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    issued: Mapped[str] = mapped_column(String(10), default="")
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    task_count: Mapped[int] = mapped_column(Integer, default=0)
    document_json: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column()
    # The document (plan, decision) this file shows, however many files show it: recorded when the
    # file is first matched and kept through rebuilds, so flag ids and catalog counts follow the
    # document, not the file (catalog/incremental_identity.py). "" until matched.
    identity_key: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)

    # The report's documents in the order they were added, with what it reads of them: on SQLite
    # added_at is stored after the JSON, and ordering by it walked every document's overflow pages
    # (0016_documents_added_order).
    # A file's identity key by its sha256 without reading the row: the key is stored after the JSON too
    # (0019_document_identity_lookup).
    __table_args__ = (
        Index("ix_documents_added_order", "added_at", "sha256", "warning_count", "format"),
        Index("ix_documents_identity_lookup", "sha256", "identity_key"),
    )


class FileVersionRow(Base):
    """A path's history: each changed content is a new version that supersedes the previous one."""

    __tablename__ = "file_versions"
    __table_args__ = (UniqueConstraint("path", "version", name="uq_file_versions_path_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(String(1000), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("file_versions.id"), nullable=True)
    is_current: Mapped[bool] = mapped_column(Boolean, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"), nullable=True)
    added_at: Mapped[datetime] = mapped_column()


class CatalogEntryRow(Base):
    __tablename__ = "catalog_entries"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    document_sha256: Mapped[str] = mapped_column(
        ForeignKey("documents.sha256", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    table_index: Mapped[int] = mapped_column(Integer)
    row_index: Mapped[int] = mapped_column(Integer)
    group_name: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")
    sharing_raw: Mapped[str] = mapped_column(Text, default="")
    frequency_raw: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    sharing: Mapped[str] = mapped_column(String(32), default="", index=True)
    frequency: Mapped[list[str]] = mapped_column(default=list)
    unit_ids: Mapped[list[str]] = mapped_column(default=list)
    title_key: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    provenance_json: Mapped[str] = mapped_column(Text)


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_sha256: Mapped[str] = mapped_column(
        ForeignKey("documents.sha256", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(Text)
    heading: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    time_raw: Mapped[str] = mapped_column(Text, default="")
    lead_raw: Mapped[str] = mapped_column(Text, default="")
    partner_raw: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[str] = mapped_column(String(10), default="")
    period_end: Mapped[str] = mapped_column(String(10), default="")
    quarters: Mapped[list[str]] = mapped_column(default=list)
    lead_unit_ids: Mapped[list[str]] = mapped_column(default=list)
    partner_unit_ids: Mapped[list[str]] = mapped_column(default=list)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DatasetRow(Base):
    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    origin: Mapped[str] = mapped_column(String(KEY_LENGTH))
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    member_count: Mapped[int] = mapped_column(Integer)
    document_count: Mapped[int] = mapped_column(Integer)
    # A reviewer's SetCanonical: title and unit then stay whatever members join (0006_incremental).
    canonical_title: Mapped[str] = mapped_column(Text, default="")
    canonical_unit: Mapped[str] = mapped_column(Text, default="")
    concept_id: Mapped[str] = mapped_column(String(32), default="", index=True)


class DatasetSummaryRow(Base):
    """One dataset as the catalog lists and searches it (catalog/summaries.py), written with each reconciliation
    for the datasets it changed: a server's catalog index is read from these rows, and a page's JSON by id, so no
    server process holds the catalog (0020_dataset_summaries)."""

    __tablename__ = "dataset_summaries"
    __table_args__ = (
        Index("ix_dataset_summaries_order", "title", "dataset_id"),
        Index("ix_dataset_summaries_dictionary_order", "sort_text", "title", "dataset_id"),
    )

    # No foreign key: a summary outlives its dataset until the run that deleted it is summarised (same transaction).
    dataset_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    member_count: Mapped[int] = mapped_column(Integer)
    concept_id: Mapped[str] = mapped_column(String(32), index=True)
    concept_title: Mapped[str] = mapped_column(Text)
    sort_text: Mapped[str] = mapped_column(Text)  # nlp.collation.sort_text of the title: the web list's order
    # What searches match, each distinct title or unit once (lowercased NFC, and folded without diacritics).
    text_lower: Mapped[str] = mapped_column(Text)
    text_folded: Mapped[str] = mapped_column(Text)
    unit_folded: Mapped[str] = mapped_column(Text)
    domain_folded: Mapped[str] = mapped_column(Text)
    # Exact-value filters as "|a|b|".
    sharing: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(Text)
    localities: Mapped[str] = mapped_column(Text)
    view_json: Mapped[str] = mapped_column(Text)  # the DatasetView as the API sends it: a page joins these
    # The run that wrote this summary: a server's index reads again only the summaries written after its version.
    written_run: Mapped[int] = mapped_column(Integer, index=True)


class DatasetMemberRow(Base):
    __tablename__ = "dataset_members"

    entry_key: Mapped[str] = mapped_column(
        ForeignKey("catalog_entries.key", ondelete="CASCADE"), primary_key=True
    )
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # The row is an exemplar of its dataset (match_entries.exemplar, kept here too: 0011_member_exemplars).
    exemplar: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        # A dataset's members by dataset_id, and its last position a seek (0017_member_positions).
        Index("ix_dataset_members_dataset_position", "dataset_id", "position"),
        Index("ix_dataset_members_exemplars", "dataset_id", "entry_key",
              sqlite_where=text("exemplar = 1"), postgresql_where=text("exemplar")),  # fmt: skip
    )


class ConceptRow(Base):
    """A dataset concept of the last reconciliation: the same kind of data kept by several publishers.

    The counts are kept so a listing needs no join; the facts (coverage, unit conflicts) are derived
    on reading (catalog/concept_facts.py). Written by catalog/concepts_store.py.
    """

    __tablename__ = "concepts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)  # harmonised title: the most common title of its datasets
    dataset_count: Mapped[int] = mapped_column(Integer)
    member_count: Mapped[int] = mapped_column(Integer)
    locality_count: Mapped[int] = mapped_column(Integer)
    publisher_count: Mapped[int] = mapped_column(Integer)


class ConceptEntryRow(Base):
    """Each catalog row's concept (per entry rather than per dataset: an incremental writer that
    rewrites some datasets then never leaves a dataset pointing at a concept that lost it)."""

    __tablename__ = "concept_entries"

    entry_key: Mapped[str] = mapped_column(
        ForeignKey("catalog_entries.key", ondelete="CASCADE"), primary_key=True
    )
    concept_id: Mapped[str] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"), index=True)
    # The dataset the row was counted in (concept_values): a row that moves to another dataset of the
    # same concept is taken out of the old one's count (0012_concept_aggregates).
    dataset_id: Mapped[str] = mapped_column(String(32), default="", server_default="", index=True)


class ConceptValueRow(Base):
    """How many rows of a concept are in a dataset ("d"), come from a locality ("l"), or are
    published by an agency ("p"): a concept's title and counts follow from these, so a run that
    adds a few rows to a concept of 100,000 counts only those (0012_concept_aggregates)."""

    __tablename__ = "concept_values"

    concept_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DocumentLocalityRow(Base):
    """Where a document's plan comes from ("xã Đông Cứu, tỉnh Bắc Ninh"): its issuer's locality with the
    province its parent plan names (nlp.document.document_locality). Read once per document from its
    JSON, because the province of a commune's plan is only in its citations; concept coverage groups
    communes by it."""

    __tablename__ = "document_localities"

    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True)
    locality: Mapped[str] = mapped_column(Text, default="")


class LinkRow(Base):
    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left_key: Mapped[str] = mapped_column(ForeignKey("catalog_entries.key", ondelete="CASCADE"), index=True)
    right_key: Mapped[str] = mapped_column(ForeignKey("catalog_entries.key", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    accepted: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(200), default="auto")


class FlagRow(Base):
    __tablename__ = "flags"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(default=list)
    document_sha256: Mapped[str] = mapped_column(
        ForeignKey("documents.sha256", ondelete="CASCADE"), index=True
    )
    document: Mapped[str] = mapped_column(Text)
    provenance_json: Mapped[str] = mapped_column(Text, default="[]")
    dismissed: Mapped[str] = mapped_column(Text, default="")
    dismissed_by: Mapped[str] = mapped_column(String(200), default="")
    # What a cross-document flag is about (the dataset of a unit_conflict, the số hiệu of a
    # citation_conflict), so an incremental run replaces exactly the flags it recomputed.
    scope_key: Mapped[str] = mapped_column(String(200), default="", index=True)

    # /v1/flags pages open flags (of a kind) in position order: read from these, a page at any offset
    # of 47,000 flags takes ~5 ms instead of counting and sorting every row (~100-350 ms).
    __table_args__ = (
        Index("ix_flags_open_order", "dismissed", "position", "id"),
        Index("ix_flags_kind_open_order", "kind", "dismissed", "position", "id"),
        # An incremental run replaces a document's or a scope's flags of one kind. With only the
        # single-column indexes SQLite chose `kind`'s and went through every flag of the kind.
        Index("ix_flags_document_kind", "document_sha256", "kind"),
        Index("ix_flags_scope_kind", "scope_key", "kind"),
    )


class MatchDocumentRow(Base):
    """A document as incremental matching knows it: its place in matching order, scope and parent."""

    __tablename__ = "match_documents"

    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(Text, default="")
    scope_level: Mapped[str] = mapped_column(String(16), default="")
    scope_province: Mapped[str] = mapped_column(String(200), default="")
    number_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    parent_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    parent_title: Mapped[str] = mapped_column(Text, default="")  # normalised
    title_norm: Mapped[str] = mapped_column(Text, default="")
    # The parent found (matching.flags.find_parent) and how: 101 by số hiệu, else the title score.
    parent_sha: Mapped[str] = mapped_column(String(64), default="", index=True)
    parent_score: Mapped[int] = mapped_column(Integer, default=0)

    # The documents that might take a new document as parent are found by the parent title they
    # want, grouped by their current parent and score (catalog.incremental_flags.children_of).
    __table_args__ = (
        Index("ix_match_documents_parent_title", "parent_title", "parent_score", "parent_sha"),
        # A file's other renderings by title (0015_title_norm_index); hash: a title may be long.
        Index("ix_match_documents_title_norm", "title_norm", postgresql_using="hash"),
    )


class MatchEntryRow(Base):
    """What comparison needs of a row beyond catalog_entries (read from the Document once)."""

    __tablename__ = "match_entries"

    key: Mapped[str] = mapped_column(ForeignKey("catalog_entries.key", ondelete="CASCADE"), primary_key=True)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)
    unit_types: Mapped[list[str]] = mapped_column(default=list)
    unit_label: Mapped[str] = mapped_column(Text, default="")
    exemplar: Mapped[bool] = mapped_column(Boolean, default=False)
    concept_rep: Mapped[bool] = mapped_column(Boolean, default=False)


class MatchPostingRow(Base):
    """The blocking index: an exemplar row under each folded title word, per scope."""

    __tablename__ = "match_postings"
    __table_args__ = (Index("ix_match_postings_token_scope", "token", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(200))
    entry_key: Mapped[str] = mapped_column(ForeignKey("catalog_entries.key", ondelete="CASCADE"), index=True)


class MatchTermRow(Base):
    """Counts kept for matching: "w" content words over matched rows (specificity), "p" postings per token."""

    __tablename__ = "match_terms"

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class MatchCitationRow(Base):
    """A dated số hiệu a document carries or cites (citation_conflict reads these, not Documents)."""

    __tablename__ = "match_citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_sha256: Mapped[str] = mapped_column(
        ForeignKey("documents.sha256", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200), index=True)
    date: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    provenance_json: Mapped[str] = mapped_column(Text)

    # A số hiệu's distinct dates, and whether another document cites it with a date, are seeks in
    # this index, not a read of every citer (catalog.incremental_flags.citations).
    __table_args__ = (Index("ix_match_citations_key_date", "key", "date", "document_sha256"),)


class DatasetValueRow(Base):
    """How many members of a dataset print a title ("t") or unit ("u"), and how many of its documents
    have a set of unit types ("x"): title, unit and unit conflicts follow from these, without reading
    every member when one joins."""

    __tablename__ = "dataset_values"

    dataset_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_position: Mapped[int] = mapped_column(Integer, default=0)


class ConceptWordingRow(Base):
    __tablename__ = "concept_wordings"

    wording: Mapped[str] = mapped_column(Text, primary_key=True)
    concept_id: Mapped[str] = mapped_column(String(32))


class MatchStateRow(Base):
    """Counters of incremental matching: rows matched, documents numbered, decisions applied."""

    __tablename__ = "match_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class DecisionRow(Base):
    """A reviewer's decision; ``payload`` is the typed matching.Decision as JSON, re-applied every run."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    who: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text)


class DecisionAnchorRow(Base):
    """How a decision in force applies now (catalog/anchoring.py): the rows, datasets and flag it follows.

    ``anchored`` is the decision with the keys, dataset ids and flag id it was last found on (kept
    while orphaned, so a file that comes back brings the decision back); ``history`` the reasons it
    was re-anchored, ``problems`` why it is orphaned now; ``witnesses`` what a named dataset or flag
    was made of, so it can be found again once its id is gone.
    """

    __tablename__ = "decision_anchors"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    anchored: Mapped[str] = mapped_column(Text)
    history: Mapped[list[str]] = mapped_column(default=list)
    problems: Mapped[list[str]] = mapped_column(default=list)
    witnesses: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReconcileRunRow(Base):
    __tablename__ = "reconcile_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column()
    threshold: Mapped[float] = mapped_column(Float)
    candidate_pairs: Mapped[int] = mapped_column(Integer)
    document_count: Mapped[int] = mapped_column(Integer)
    entry_count: Mapped[int] = mapped_column(Integer)
    dataset_count: Mapped[int] = mapped_column(Integer)
    link_count: Mapped[int] = mapped_column(Integer)
    flag_count: Mapped[int] = mapped_column(Integer)
    decision_count: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    # The datasets this run refreshed, created or deleted; None when it cannot say (a rebuild, the first run,
    # a run after a killed one): a catalog view reads only these again, or all (0018_run_changed_datasets).
    changed_datasets: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=None, deferred=True)
    # The dataset summaries (dataset_summaries) were brought up to this run in its transaction; False for runs
    # saved by a writer before 0020_dataset_summaries, whose summaries a reader brings up to date.
    summaries_written: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class IngestRunRow(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    root: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    workers: Mapped[int] = mapped_column(Integer)
    total_files: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # running (or killed: never finished), finished


class FileOutcomeRow(Base):
    """What happened to one file in one run; written in the same transaction as its document."""

    __tablename__ = "file_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("ingest_runs.id", ondelete="CASCADE"), index=True, nullable=True
    )
    path: Mapped[str] = mapped_column(String(1000), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    code: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[datetime] = mapped_column()


# The service's own tables (api/): API keys and the persisted job queue. They share the catalog's
# metadata so that one Alembic history creates and upgrades every table of the database and
# `revision --autogenerate` sees drift in them too (0002_api_tables); they live here rather than
# in api/ because the migrations belong to the catalog, which must not import the API package.


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public part of the key
    owner: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    revoked: Mapped[bool] = mapped_column(default=False)


class JobRow(Base):
    __tablename__ = "api_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ingest, reconcile
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued, running, succeeded, failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(Text, default="")  # the document's path in the store
    sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")  # the store's outcome status
    error_code: Mapped[str] = mapped_column(String(64), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    # The server process running the job and until when its claim holds; it renews the claim while
    # it works, so a claim that ran out means the process died and the job may be taken over.
    lease_owner: Mapped[str] = mapped_column(String(80), default="")
    lease_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # A queued job is not claimed before this time: reconciliations asked for by uploads wait a moment
    # so that the uploads of a burst join one run instead of each starting another (0003_job_not_before).
    not_before: Mapped[datetime | None] = mapped_column(nullable=True)
    # Pages of the file read so far and in all, as extraction reports them (0008_job_pages); 0 and 0
    # for a file without pages and for a job not yet started.
    pages_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pages_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BlobRow(Base):
    """Original bytes of an uploaded or ingested file, by content hash (0005_blobs).

    With Celery workers on several hosts the bytes cannot travel as a local path: they go through
    the database every worker reaches already, written once per hash (the primary key makes a
    second write of the same content a no-op).
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()
