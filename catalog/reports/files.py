"""Write the report files a reviewer receives: HTML pages, XLSX and JSON, all in Vietnamese.

Everything is streamed from one snapshot of the store (catalog.reports.reader): each dataset, flag
and document is rendered into the three formats as it is read, so memory stays flat in the size of
the archive. The output folder holds

- ``bao-cao.html``: summary and every section that fits one page; longer sections are split into
  ``bao-cao-<section>-NNN.html`` pages listed there (catalog.reports.pages);
- ``bao-cao.xlsx``: the workbook, one row per dataset, flag, document and warning;
- ``bao-cao.json``: the CatalogReport without its datasets and concepts, which are in
  ``bao-cao-tap-du-lieu-NNN.jsonl`` (one DatasetView with its links per line, as many datasets per file as
  an HTML page) and ``bao-cao-khai-niem-NNN.jsonl`` (one ConceptDetail per line, 50 per file), named in
  its ``dataset_files`` and ``concept_files``: no file holds every link or every concept's coverage.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from catalog.concept_facts import ConceptDetail
from catalog.records import FileOutcome
from catalog.reports.concepts_section import sheet_row
from catalog.reports.forked import Part, in_child, in_parent
from catalog.reports.html import HtmlReport, concept_html
from catalog.reports.model import DATASET_JSON, CatalogReport, DatasetView, SourceView, Summary
from catalog.reports.pages import INDEX, PAGE_ROWS, Layout
from catalog.reports.reader import CONCEPT_CHUNK, ConceptKey, ConceptStats, ReportReader
from catalog.reports.xlsx import XlsxReport
from catalog.store import CatalogStore

PART = "bao-cao-tap-du-lieu-{:03d}.jsonl"
CONCEPT_PART = "bao-cao-khai-niem-{:03d}.jsonl"
FLAGS_PART = "bao-cao.json.flags"  # the JSON's flags array, written by the other part


@dataclass(frozen=True)
class ReportFiles:
    summary: Summary
    html: Path
    xlsx: Path
    json: Path
    pages: list[Path] = field(default_factory=list)  # HTML pages besides bao-cao.html
    parts: list[Path] = field(default_factory=list)  # the datasets, JSON Lines
    concept_parts: list[Path] = field(default_factory=list)  # the concepts, JSON Lines


class _DatasetParts:
    """The datasets as JSON Lines, a part per page of the HTML catalog (``starts``: first positions)."""

    def __init__(self, out: Path, starts: Sequence[int]) -> None:
        self.out, self.starts = out, set(starts)
        self.names = [PART.format(n + 1) for n in range(max(1, len(starts)))]
        self._handle: BinaryIO | None = None
        self._count = 0
        self._part = 0

    def add(self, dataset: DatasetView) -> None:
        if self._count in self.starts:
            self.close()
            self._handle = (self.out / self.names[self._part]).open("wb")
            self._part += 1
        assert self._handle is not None
        self._handle.write(DATASET_JSON.dump_json(dataset) + b"\n")  # UTF-8, as pydantic writes it
        self._count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self._count == 0:  # an empty catalog still has its (empty) part
            (self.out / self.names[0]).write_text("", encoding="utf-8")


class _ListedConcepts:
    """The HTML and workbook rows of the listed concepts, spooled to a temporary file while the JSON
    writes every concept in title order, then read back in the listing's order: each concept's facts
    are built once, and memory holds one of them at a time."""

    def __init__(self, listed: set[str]) -> None:
        self.listed = listed
        self.spool = tempfile.TemporaryFile()
        self.offsets: dict[str, int] = {}

    def keep(self, concept: ConceptDetail) -> ConceptDetail:
        if concept.id in self.listed:
            self.offsets[concept.id] = self.spool.tell()
            row = [concept_html(concept), list(sheet_row(concept))]
            self.spool.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
        return concept

    def rows(self, concept_id: str) -> tuple[str, list[object]]:
        self.spool.seek(self.offsets[concept_id])
        html_row, cells = json.loads(self.spool.readline())
        return html_row, cells

    def close(self) -> None:
        self.spool.close()


def _concept_parts(out: Path, names: Sequence[str], concepts: Iterable[ConceptDetail]) -> None:
    handle: TextIO | None = None
    count = 0
    try:
        for concept in concepts:
            if count % CONCEPT_CHUNK == 0:
                if handle is not None:
                    handle.close()
                handle = (out / names[count // CONCEPT_CHUNK]).open("w", encoding="utf-8")
            assert handle is not None
            handle.write(concept.model_dump_json() + "\n")
            count += 1
    finally:
        if handle is not None:
            handle.close()
    if count == 0:
        (out / names[0]).write_text("", encoding="utf-8")


def _clear(out: Path) -> None:
    """Pages and parts of an earlier report in the same folder, which may have had more of them."""
    for stale in [*out.glob("bao-cao-*.html"), *out.glob("bao-cao-tap-du-lieu-*.jsonl"),
                  *out.glob("bao-cao-khai-niem-*.jsonl")]:  # fmt: skip
        stale.unlink()


@dataclass(frozen=True)
class _SideResult:
    """What the flags-and-concepts part hands back (from a forked child: picklable, small)."""

    stats: ConceptStats
    flags_html: str  # the flags and concepts sections of bao-cao.html
    concepts_html: str
    flag_rows: int  # rows written to the workbook's flags and concepts sheets
    concept_rows: int


def _flags_and_concepts(
    reader: ReportReader, html: HtmlReport, book: XlsxReport, out: Path, listed: Sequence[ConceptKey],
    concept_names: Sequence[str],
) -> _SideResult:  # fmt: skip
    """The flags (HTML pages, workbook sheet, the JSON's array into FLAGS_PART) and the concepts
    (JSON Lines parts, HTML pages, workbook sheet): what the forked child writes."""
    for kind in reader.flag_kinds:
        for flag in reader.flags_of_kind(kind.kind):
            html.flag(flag, kind.total)
    for flag in reader.flags_by_status():
        book.flag(flag)
    with (out / FLAGS_PART).open("w", encoding="utf-8") as handle:
        _array(handle, (flag.model_dump_json() for flag in reader.flags()))
    stats = ConceptStats()
    listing = _ListedConcepts({k.id for k in listed})
    _concept_parts(out, concept_names, (listing.keep(stats.add(c)) for c in reader.concepts()))
    for concept_key in listed:
        html_row, cells = listing.rows(concept_key.id)
        html.concept_row(html_row)
        book.concept_row(cells)
    listing.close()
    book.flags.flush()
    book.concepts.flush()
    return _SideResult(stats, html.finish_flags(), html.finish_concepts(), book.flags.rows, book.concepts.rows)


def write_report_files(
    store: CatalogStore, out: Path, *, reconcile: bool = False, page_rows: int = PAGE_ROWS, fork: bool = True
) -> ReportFiles:
    """Write the report from the stored result (reconciling what changed first only when asked).

    ``fork``: on SQLite, the flags and concepts are written by a forked child while this process
    writes the datasets and documents (catalog.reports.forked); the files are the same either way."""
    if reconcile:
        store.reconcile()
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    with store.snapshot() as session:
        reader = ReportReader(store, session)
        problems, listed = reader.problem_files(), reader.shown_concept_keys()
        layout = Layout(
            split=True, dataset_members=reader.dataset_members, sources=reader.source_order,
            flag_kinds=[(k.kind, k.total) for k in reader.flag_kinds], concepts=[k.id for k in listed],
            page_rows=page_rows,
        )  # fmt: skip
        # The page heads need the time and database only; the counts are filled in once gathered.
        html = HtmlReport(
            reader.summary(ConceptStats()), layout, out, unlisted_concepts=len(reader.concept_keys) - len(listed)
        )
        book = XlsxReport()
        concept_names = [
            CONCEPT_PART.format(n + 1) for n in range(max(1, -(-len(reader.concept_keys) // CONCEPT_CHUNK)))
        ]
        forked = fork and hasattr(os, "fork") and session.get_bind().dialect.name == "sqlite"
        side = (in_child if forked else in_parent)(
            lambda: _flags_and_concepts(reader, html, book, out, listed, concept_names)
        )
        try:
            parts, body, done = _datasets_and_sources(reader, html, book, out, problems, concept_names, side)
        finally:
            side.cancel()  # only when this process failed before the child's result was read
        if forked:  # the child's copies of the workbook and pages wrote these; this process counts them
            html.finished.update(flags=done.flags_html, concepts=done.concepts_html)
            book.flags.adopt(done.flag_rows)
            book.concepts.adopt(done.concept_rows)
        # The summary counts the concepts, whose facts are only known once written: it goes first in
        # the file, so the rest, written above, is appended after it.
        html.summary = reader.summary(done.stats)
        with (out / "bao-cao.json").open("w", encoding="utf-8") as handle, body.open(encoding="utf-8") as rest_of:
            handle.write('{\n  "summary": ' + html.summary.model_dump_json(indent=2).replace("\n", "\n  "))
            shutil.copyfileobj(rest_of, handle)
        body.unlink()
        (out / INDEX).write_text(html.finish(problems), encoding="utf-8")
    book.save(out / "bao-cao.xlsx")
    return ReportFiles(
        html.summary, out / INDEX, out / "bao-cao.xlsx", out / "bao-cao.json",
        pages=sorted(out.glob("bao-cao-*.html")), parts=[out / name for name in parts.names],
        concept_parts=[out / name for name in concept_names],
    )  # fmt: skip


def _datasets_and_sources(
    reader: ReportReader, html: HtmlReport, book: XlsxReport, out: Path, problems: list[FileOutcome],
    concept_names: list[str], side: Part[_SideResult],
) -> tuple[_DatasetParts, Path, _SideResult]:  # fmt: skip
    """The datasets and documents in every format, and bao-cao.json but its summary (``body``), the
    flags' array taken from the other part once it is done."""
    starts = html.layout.catalog.starts
    parts = _DatasetParts(out, starts)
    for index, dataset in enumerate(reader.datasets(starts), 1):
        html.dataset(dataset)
        book.dataset(index, dataset)
        parts.add(dataset)
    parts.close()
    rest = CatalogReport(
        summary=html.summary, datasets=[], flags=[], sources=[], problem_files=problems,
        decisions=reader.decisions(), orphaned_decisions=reader.orphaned_decisions(), concepts=[],
        dataset_files=parts.names, concept_files=concept_names,
    )  # fmt: skip
    body = out / "bao-cao.json.part"
    # The documents' array first, into a temporary file: it comes after the flags in the JSON, and the
    # other part may still be writing those.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as sources, body.open("w", encoding="utf-8") as handle:
        _array(sources, (_source(source, html, book) for source in reader.sources()))
        done = side.result()
        for key in list(CatalogReport.model_fields)[1:]:
            handle.write(f",\n  {json.dumps(key)}: ")
            if key == "flags":
                with (out / FLAGS_PART).open(encoding="utf-8") as flags:
                    shutil.copyfileobj(flags, handle)
                (out / FLAGS_PART).unlink()
            elif key == "sources":
                sources.seek(0)
                shutil.copyfileobj(sources, handle)
            elif key == "concepts":
                handle.write("[]")
            else:  # '{\n  "key": value\n}' → the value
                field_json = rest.model_dump_json(include={key}, indent=2)
                handle.write(field_json[field_json.index(":") + 2 : -2])
        handle.write("\n}\n")
    return parts, body, done


def _source(source: SourceView, html: HtmlReport, book: XlsxReport) -> str:
    html.source(source)
    book.source(source)
    return source.model_dump_json()


def _array(handle: TextIO, items: Iterable[str]) -> None:
    """A JSON array written item by item (one item per line)."""
    handle.write("[")
    first = True
    for item in items:
        handle.write(("\n    " if first else ",\n    ") + item)
        first = False
    handle.write("\n  ]" if not first else "]")
