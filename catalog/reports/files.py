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
import marshal
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryFile
from typing import IO, Any, BinaryIO, TextIO, TypeVar

from catalog.concept_facts import ConceptDetail
from catalog.reports.concepts_section import sheet_row
from catalog.reports.forked import can_fork, in_child, in_parent
from catalog.reports.html import HtmlReport, concept_html, flag_html
from catalog.reports.model import DATASET_JSON, CatalogReport, DatasetView, SourceView, Summary
from catalog.reports.pages import INDEX, PAGE_ROWS, Layout
from catalog.reports.reader import CONCEPT_CHUNK, ConceptKey, ConceptStats, ReportReader, flag_of
from catalog.reports.xlsx import XlsxReport, flag_cells
from catalog.store import CatalogStore

PART = "bao-cao-tap-du-lieu-{:03d}.jsonl"
CONCEPT_PART = "bao-cao-khai-niem-{:03d}.jsonl"
FLAGS_PART = "bao-cao.json.flags"  # the JSON's flags and documents arrays, written by the other part
SOURCES_PART = "bao-cao.json.sources"
# The share of the catalog's members whose datasets the forked child writes, besides the flags, the
# documents and the concepts: about as much work in each process (measured at 10,000 documents).
CHILD_MEMBERS = 0.24
K = TypeVar("K")


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

    def start_at(self, position: int) -> None:
        """The next dataset is at ``position``, the first of a part: the parts before are written here
        already, or by another process."""
        self._count, self._part = position, sorted(self.starts).index(position) if position else 0

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
class _Report:
    """What both parts write into: the store's snapshot, the layout, the HTML, workbook and JSON parts."""

    reader: ReportReader
    html: HtmlReport
    book: XlsxReport
    parts: _DatasetParts
    out: Path
    listed: Sequence[ConceptKey]
    concept_names: Sequence[str]
    cut: int  # the first page of datasets the parent writes

    def datasets(self, pages: slice) -> None:
        starts = self.html.layout.catalog.starts
        first = starts[pages.start] if pages.start else 0
        self.html.datasets_from(first)
        self.parts.start_at(first)
        self.book.catalog.rows = first
        for index, dataset in enumerate(self.reader.datasets(starts, pages), first + 1):
            self.html.dataset(dataset)
            self.book.dataset(index, dataset)
            self.parts.add(dataset)


@dataclass(frozen=True)
class _ChildResult:
    """What the child's part hands back (picklable, small): its HTML sections as bao-cao.html shows
    them, the rows it wrote in each sheet, the concepts' counts."""

    stats: ConceptStats
    sections: dict[str, str]
    rows: dict[str, int]
    written: dict[str, tuple[int, int]]  # each sheet's rows, compressed: CRC-32 and size (xlsx_zip)
    catalog_written: tuple[int, int] | None  # the catalog's first rows, when it wrote them


CHILD_SECTIONS = ("flags", "sources", "warnings", "concepts")


def _child_part(report: _Report) -> _ChildResult:
    """The first datasets, the flags, the documents and the concepts, in every format (the JSON's flags
    and documents arrays into FLAGS_PART and SOURCES_PART): what the forked child writes."""
    reader, html, book, out = report.reader, report.html, report.book, report.out
    if report.cut:
        with book.catalog.earlier():
            report.datasets(slice(0, report.cut))
        html.catalog.end_page()
        report.parts.close()  # not without datasets: it would write the (empty) first part the parent writes
    _flags(reader, html, book, out)
    with (out / SOURCES_PART).open("w", encoding="utf-8") as handle:
        _array(handle, (_source(source, html, book) for source in reader.sources()))
    stats = ConceptStats()
    listing = _ListedConcepts({k.id for k in report.listed})
    _concept_parts(out, report.concept_names, (listing.keep(stats.add(c)) for c in reader.concepts()))
    for concept_key in report.listed:
        html_row, cells = listing.rows(concept_key.id)
        html.concept_row(html_row)
        book.concept_row(cells)
    listing.close()
    sheets = {"flags": book.flags, "sources": book.sources, "warnings": book.warnings, "concepts": book.concepts}
    return _ChildResult(
        stats, {name: html.finish_section(name) for name in CHILD_SECTIONS},
        {name: sheet.rows for name, sheet in sheets.items()}, {name: sheet.finish() for name, sheet in sheets.items()},
        book.catalog.earlier_written() if report.cut else None,
    )  # fmt: skip


def _flags(reader: ReportReader, html: HtmlReport, book: XlsxReport, out: Path) -> None:
    """The flags read once, in stored order (the JSON's), and kept on disk for the other two orders:
    the HTML's, kind by kind (``flag_kinds``), open ones first; the workbook's, open ones first, then
    by kind. Each is the stored order within a kind and status, so a file per kind and status keeps
    it: the HTML rows but their link to the document (it depends on the page a row falls on), the
    finished cells for the workbook. Reading them three times, sorted three ways, cost a pass each;
    keeping the stored fields for the HTML, a second parse of every flag."""
    for_html: dict[tuple[str, bool], IO[bytes]] = {}
    for_book: dict[tuple[bool, str], IO[bytes]] = {}

    def as_json() -> Iterator[str]:
        for fields in reader.flag_rows():
            flag = flag_of(fields)
            kind, dismissed = flag.kind.value, bool(flag.dismissed)
            marshal.dump((flag.sha256, flag_html(flag)), _spool(for_html, (kind, dismissed)))
            marshal.dump(flag_cells(flag), _spool(for_book, (dismissed, kind)))
            yield flag.model_dump_json()

    try:
        with (out / FLAGS_PART).open("w", encoding="utf-8") as handle:
            _array(handle, as_json())
        for kind in reader.flag_kinds:
            for dismissed in (False, True):
                for sha256, row in _kept(for_html.get((kind.kind, dismissed))):
                    html.flag_row(kind.kind, kind.total, sha256, row)
        for key in sorted(for_book):  # open (False) first, then by kind as the database sorts text
            for cells in _kept(for_book[key]):
                book.flags.append(cells)
    finally:
        for kept in [*for_html.values(), *for_book.values()]:
            kept.close()


def _spool(spools: dict[K, IO[bytes]], key: K) -> IO[bytes]:
    spool = spools.get(key)
    if spool is None:
        spool = spools[key] = TemporaryFile()
    return spool


def _kept(spool: IO[bytes] | None) -> Iterator[Any]:
    """What ``marshal.dump`` wrote to ``spool``, in order."""
    if spool is None:
        return
    spool.seek(0)
    while True:
        try:
            yield marshal.load(spool)
        except EOFError:
            return


def _cut(layout: Layout, members: Sequence[int]) -> int:
    """The first catalog page the parent writes: the pages before hold about CHILD_MEMBERS of the
    members (none when the catalog is one page, shown in bao-cao.html itself)."""
    paging = layout.catalog
    if not paging.split or len(paging.starts) < 2:
        return 0
    total, seen = sum(members), 0
    for page, (start, end) in enumerate(zip(paging.starts, [*paging.starts[1:], len(members)], strict=True)):
        seen += sum(members[start:end])
        if seen > CHILD_MEMBERS * total:
            return min(page, len(paging.starts) - 1)
    return len(paging.starts) - 1


def write_report_files(
    store: CatalogStore, out: Path, *, reconcile: bool = False, page_rows: int = PAGE_ROWS, fork: bool = True
) -> ReportFiles:
    """Write the report from the stored result (reconciling what changed first only when asked).

    ``fork``: on SQLite, a forked child writes the first datasets, the flags, the documents and the
    concepts while this process writes the other datasets (catalog.reports.forked): both CPUs. The
    files are the same either way."""
    if reconcile:
        store.reconcile()
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    with store.snapshot(consistent=True) as session:
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
        book.catalog.prepare_earlier()
        concept_names = [
            CONCEPT_PART.format(n + 1) for n in range(max(1, -(-len(reader.concept_keys) // CONCEPT_CHUNK)))
        ]
        report = _Report(reader, html, book, _DatasetParts(out, layout.catalog.starts), out, listed, concept_names,
                         _cut(layout, reader.dataset_members))  # fmt: skip
        forked = fork and can_fork() and session.get_bind().dialect.name == "sqlite"
        child = (in_child if forked else in_parent)(lambda: _child_part(report))
        try:
            report.datasets(slice(report.cut, None))
            report.parts.close()
            done = child.result()
        finally:
            child.cancel()  # only when this process failed before the child's result was read
        if forked:  # the child's copies of the pages and sheets wrote these; this process counts them
            html.finished.update(done.sections)
            for name, rows in done.rows.items():
                getattr(book, name).adopt(rows, done.written[name])
            if done.catalog_written is not None:
                book.catalog.adopt_earlier(done.catalog_written)
        # The summary counts the concepts, whose facts are only known once written: it goes first in
        # the file.
        html.summary = reader.summary(done.stats)
        rest = CatalogReport(
            summary=html.summary, datasets=[], flags=[], sources=[], problem_files=problems,
            decisions=reader.decisions(), orphaned_decisions=reader.orphaned_decisions(), concepts=[],
            dataset_files=report.parts.names, concept_files=concept_names,
        )  # fmt: skip
        _write_json(out, rest)
        (out / INDEX).write_text(html.finish(problems), encoding="utf-8")
    book.save(out / "bao-cao.xlsx")
    return ReportFiles(
        html.summary, out / INDEX, out / "bao-cao.xlsx", out / "bao-cao.json",
        pages=sorted(out.glob("bao-cao-*.html")), parts=[out / name for name in report.parts.names],
        concept_parts=[out / name for name in concept_names],
    )  # fmt: skip


def _write_json(out: Path, rest: CatalogReport) -> None:
    """bao-cao.json: ``rest`` (its summary, files and decisions) with the flags' and documents' arrays
    written by the child's part."""
    with (out / "bao-cao.json").open("w", encoding="utf-8") as handle:
        handle.write('{\n  "summary": ' + rest.summary.model_dump_json(indent=2).replace("\n", "\n  "))
        for key in list(CatalogReport.model_fields)[1:]:
            handle.write(f",\n  {json.dumps(key)}: ")
            if key in ("flags", "sources"):
                part = out / (FLAGS_PART if key == "flags" else SOURCES_PART)
                with part.open(encoding="utf-8") as written:
                    shutil.copyfileobj(written, handle)
                part.unlink()
            elif key == "concepts":
                handle.write("[]")
            else:  # '{\n  "key": value\n}' → the value
                field_json = rest.model_dump_json(include={key}, indent=2)
                handle.write(field_json[field_json.index(":") + 2 : -2])
        handle.write("\n}\n")


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
