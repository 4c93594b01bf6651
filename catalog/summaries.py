"""The catalog as it is listed and searched: one stored summary a dataset (``dataset_summaries``), kept up to date
by each reconciliation, in its own transaction, for the datasets it changed.

A server process used to read every dataset with its members to build its catalog view, and held each one's JSON
and document list (~11 MiB more for each 1,000 documents: 0020_dataset_summaries). It now reads its search index
from these rows (only those written since its version: ``written_run``), and a page's JSON by id; the web list's
order and the OpenRefine endpoint's titles come from here too. A summary holds the dataset's JSON as the API
sends it, the texts a search matches, and the values its exact filters test.

Who writes them: the run that saves a reconciliation (``summarise``), after its run row. Runs saved by a writer
before 0020 say ``summaries_written`` False, and the first reader brings the summaries up to the latest run
(``bring_up_to_date``) under the reconciliation lock, so the summaries never lag the datasets a reader sees.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from catalog.chunking import chunked
from catalog.exports.view import DatasetView, MemberView, SummaryMember, fold, read_summaries
from catalog.models import (
    CatalogEntryRow,
    ConceptRow,
    DatasetMemberRow,
    DatasetRow,
    DatasetSummaryRow,
    ReconcileRunRow,
)
from nlp.collation import sort_text

CHUNK = 500  # ids a statement (SQLite limits a statement's parameters)


def lower_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


@lru_cache(maxsize=50_000)
def _folded(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=50_000)
def _lowered(text: str) -> str:
    return lower_nfc(text)


def _joined(parts: Iterable[str], form: Callable[[str], str]) -> str:
    """``form`` of the parts joined by " | ", each distinct part formed once (and remembered: the same titles and
    units come back in every run). The same as forming the joined text: both forms work a character (with its
    marks) at a time, and the separator has none."""
    return " | ".join(form(part) for part in dict.fromkeys(parts))


def _delimited(values: Sequence[str]) -> str:
    return f"|{'|'.join(values)}|" if values else ""


def summary_row(view: DatasetView, members: Sequence[SummaryMember | MemberView], run_id: int = 0) -> dict[str, object]:
    """The stored summary of one dataset: its JSON, the texts searches match, the values filters test."""
    # Each distinct title and unit once: a dataset listed by a thousand communes repeats a few wordings.
    titles = [view.title, *(m.title for m in members)]
    units = [view.unit, *(m.unit for m in members), *(u for m in members for u in m.unit_ids)]
    return {
        "dataset_id": view.id, "title": view.title, "unit": view.unit, "member_count": view.member_count,
        "concept_id": view.concept_id, "concept_title": view.concept_title, "sort_text": sort_text(view.title),
        "text_lower": _joined(titles, _lowered), "text_folded": _joined(titles, _folded),
        "unit_folded": _joined(units, _folded), "domain_folded": fold(" | ".join(view.domains)),
        "sharing": _delimited(view.sharing), "frequency": _delimited(view.frequency),
        "localities": _delimited(view.localities), "view_json": view.model_dump_json(), "written_run": run_id,
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class SummaryUpdate:
    """What bringing the summaries up to a run did: the whole catalog written again, or ``written`` summaries
    (re)written and ``deleted`` ones removed."""

    whole: bool
    written: int
    deleted: int = 0


def changed_since(session: Session, version: int, latest: int) -> set[str] | None:
    """The datasets the runs after ``version`` up to ``latest`` changed, None when one of them could not say
    (it recorded none: a rebuild, the first run, a run after a killed one, one stored before 0018)."""
    recorded = session.scalars(
        select(ReconcileRunRow.changed_datasets).where(ReconcileRunRow.id > version, ReconcileRunRow.id <= latest)
    ).all()
    if not recorded or any(ids is None for ids in recorded):
        return None
    return {dataset_id for ids in recorded if ids is not None for dataset_id in ids}


def summarise(session: Session, run_id: int) -> SummaryUpdate:
    """Bring the summaries up to run ``run_id`` (saved in this transaction, under the reconciliation lock): the
    datasets the runs since the last summarised one changed are read again, or every dataset when one of those
    runs could not say which (or more than half of them changed)."""
    since = session.scalar(
        select(func.max(ReconcileRunRow.id)).where(ReconcileRunRow.summaries_written, ReconcileRunRow.id < run_id)
    )
    changed = None if since is None else changed_since(session, since, run_id)
    done = _whole(session, run_id) if changed is None else _changed(session, changed, run_id)
    session.execute(update(ReconcileRunRow).where(ReconcileRunRow.id == run_id).values(summaries_written=True))
    return done


def _whole(session: Session, run_id: int) -> SummaryUpdate:
    session.execute(delete(DatasetSummaryRow))
    return SummaryUpdate(whole=True, written=_write(session, None, run_id))


def _changed(session: Session, changed: set[str], run_id: int) -> SummaryUpdate:
    summary, dataset = DatasetSummaryRow, DatasetRow
    wanted = set(changed)
    # A dataset whose head differs from its summary (or that has none) is read again even if no run said so (a
    # writer that records nothing); one whose concept went or was retitled too (its title is in the JSON).
    wanted.update(session.scalars(
        select(dataset.id).outerjoin(summary, summary.dataset_id == dataset.id).where(or_(
            summary.dataset_id.is_(None), summary.title != dataset.title, summary.unit != dataset.unit,
            summary.member_count != dataset.member_count))
    ))  # fmt: skip
    wanted.update(session.scalars(
        select(summary.dataset_id).outerjoin(ConceptRow, ConceptRow.id == summary.concept_id)
        .where(summary.concept_id != "", or_(ConceptRow.id.is_(None), ConceptRow.title != summary.concept_title))
    ))  # fmt: skip
    gone = list(session.scalars(
        select(summary.dataset_id).outerjoin(dataset, dataset.id == summary.dataset_id).where(dataset.id.is_(None))
    ))  # fmt: skip
    total = session.scalar(select(func.count()).select_from(dataset)) or 0
    if len(wanted) > total // 2:
        return _whole(session, run_id)
    stale = sorted(wanted | set(gone))
    for part in chunked(stale, CHUNK):
        session.execute(delete(summary).where(summary.dataset_id.in_(part)))
    written = _write(session, sorted(wanted), run_id)
    return SummaryUpdate(whole=False, written=written, deleted=len(set(gone) - wanted))


def _write(session: Session, ids: Sequence[str] | None, run_id: int) -> int:
    rows: list[dict[str, object]] = []
    written = 0
    for view, members in read_summaries(session, ids):
        rows.append(summary_row(view, members, run_id))
        if len(rows) >= CHUNK:
            session.execute(insert(DatasetSummaryRow), rows)
            written, rows = written + len(rows), []
    if rows:
        session.execute(insert(DatasetSummaryRow), rows)
    return written + len(rows)


def summaries_version(session: Session) -> tuple[int, bool]:
    """(the latest run's id, whether the summaries are brought up to it); (0, True) before any run."""
    found = session.execute(
        select(ReconcileRunRow.id, ReconcileRunRow.summaries_written).order_by(ReconcileRunRow.id.desc()).limit(1)
    ).first()
    return (0, True) if found is None else (found[0], bool(found[1]))


def bring_up_to_date(session: Session) -> SummaryUpdate | None:
    """In a write transaction holding the reconciliation lock: summarise the latest run if its writer did not
    (a danhmuc before 0020). None when nothing was owed."""
    latest, written = summaries_version(session)
    return None if written else summarise(session, latest)


# ------------------------------------------------------------------ reads


@dataclass(frozen=True, slots=True)
class Searchable:
    """What a server's in-memory index keeps of one dataset: the texts searches match and the values filters
    test, not its JSON (read by id for the page shown) nor its documents (a dataset listed by every commune names
    thousands: the part of the catalog that grows with the archive)."""

    dataset_id: str
    text_lower: str
    text_folded: str
    unit_folded: str
    domain_folded: str
    sharing: tuple[str, ...]
    frequency: tuple[str, ...]
    localities: tuple[str, ...]
    concept_id: str


def _values(delimited: str) -> tuple[str, ...]:
    return tuple(sys.intern(value) for value in delimited.strip("|").split("|") if value)


_SEARCHABLE = (DatasetSummaryRow.dataset_id, DatasetSummaryRow.text_lower, DatasetSummaryRow.text_folded,
               DatasetSummaryRow.unit_folded, DatasetSummaryRow.domain_folded, DatasetSummaryRow.sharing,
               DatasetSummaryRow.frequency, DatasetSummaryRow.localities, DatasetSummaryRow.concept_id)  # fmt: skip


def searchable(session: Session, after_run: int | None = None) -> Iterator[Searchable]:
    """The searchable part of every summary (or of those written after run ``after_run``), streamed."""
    listed = select(*_SEARCHABLE)
    if after_run is not None:
        listed = listed.where(DatasetSummaryRow.written_run > after_run)
    for dataset_id, lower, folded, unit, domain, sharing, frequency, places, concept in session.execute(
        listed.execution_options(yield_per=CHUNK)
    ):
        # Interned: a wording listed by many datasets (and units, domains) is one string however many list it.
        yield Searchable(dataset_id, sys.intern(lower), sys.intern(folded), sys.intern(unit), sys.intern(domain),
                         _values(sharing), _values(frequency), _values(places), sys.intern(concept))  # fmt: skip


def catalog_order(session: Session, *, dictionary: bool = False) -> list[str]:
    """Every dataset id in catalog order (title, then id: as the store lists datasets), or in Vietnamese
    dictionary order (the web list): one scan of an index."""
    summary = DatasetSummaryRow
    order = (summary.title, summary.dataset_id)
    return list(session.scalars(select(summary.dataset_id).order_by(*((summary.sort_text, *order) if dictionary
                                                                      else order))))  # fmt: skip


def summary_json(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """dataset id → its summary's JSON as the API sends it, for the ids that are datasets (the primary key)."""
    return dict(listed_json(session, ids))


def listed_json(session: Session, ids: Sequence[str] | None = None) -> Iterator[tuple[str, str]]:
    """(dataset id, its summary's JSON) of every dataset in catalog order, or of ``ids``, streamed: a server fills
    its cache with the first pages a reader sees."""
    listed = select(DatasetSummaryRow.dataset_id, DatasetSummaryRow.view_json)
    if ids is not None:
        for part in chunked(sorted(set(ids)), CHUNK):
            chunk = listed.where(DatasetSummaryRow.dataset_id.in_(part))
            yield from ((dataset_id, text) for dataset_id, text in session.execute(chunk))
        return
    ordered = listed.order_by(DatasetSummaryRow.title, DatasetSummaryRow.dataset_id)
    yield from ((dataset_id, text) for dataset_id, text in session.execute(ordered.execution_options(yield_per=CHUNK)))


def summaries_of(session: Session, ids: Sequence[str]) -> dict[str, DatasetView]:
    """dataset id → its summary, for the ids that are datasets."""
    return {key: DatasetView.model_validate_json(text) for key, text in summary_json(session, ids).items()}


def datasets_of_document(session: Session, sha256: str) -> set[str]:
    """The datasets a stored file has rows in (indexed: entries by document, members by entry)."""
    listed = (
        select(DatasetMemberRow.dataset_id.distinct())
        .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
        .where(CatalogEntryRow.document_sha256 == sha256)
    )
    return set(session.scalars(listed))


def headings(session: Session) -> Iterator[tuple[str, str, str]]:
    """(id, title, unit) of every dataset in catalog order, streamed (the OpenRefine endpoint's title index)."""
    listed = select(DatasetSummaryRow.dataset_id, DatasetSummaryRow.title, DatasetSummaryRow.unit)
    ordered = listed.order_by(DatasetSummaryRow.title, DatasetSummaryRow.dataset_id)
    # Plain tuples, not the rows (which keep their result alive).
    for dataset_id, title, unit in session.execute(ordered.execution_options(yield_per=CHUNK)):  # noqa: UP028
        yield (dataset_id, title, unit)
