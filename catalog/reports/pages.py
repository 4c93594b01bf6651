"""Splitting the HTML report into pages: which file each row lands in, and writing them as they come.

A section that fits one page (every section of a small archive) stays in ``bao-cao.html`` as before;
a longer one is written as ``bao-cao-<section>-001.html``, ``-002`` … of ``page_rows`` rows each, and
``bao-cao.html`` keeps the summary and a list of the pages. The page of every row is known before any
row is rendered (from the report's order of keys), so links between sections (a dataset's member to
its source document, a source to its extraction warnings, a dataset to its concept) point at the right
file. Rows are written to their page file as they come: memory holds one row, not the section.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

INDEX = "bao-cao.html"
PAGE_ROWS = 500  # datasets, flags, documents or concepts per page
PAGE_DOCUMENTS_WITH_WARNINGS = 100  # the extraction-warnings section pages by document
PAGE_MEMBERS = 5_000  # a catalog page (and a JSON Lines part) holds at most this many dataset members


def weighted_starts(weights: Sequence[int], max_rows: int, max_weight: int) -> list[int]:
    """First positions of pages of at most ``max_rows`` rows and, unless one row alone is heavier,
    ``max_weight`` in total: the datasets of a large archive hold thousands of members each, so
    500 of them would make pages (and chunks read at once) of hundreds of megabytes."""
    starts, rows, weight = [0], 0, 0
    for position, size in enumerate(weights):
        if rows and (rows == max_rows or weight + size > max_weight):
            starts.append(position)
            rows, weight = 0, 0
        rows, weight = rows + 1, weight + size
    return starts


@dataclass(frozen=True, slots=True)
class Paging:
    slug: str
    total: int
    size: int
    split: bool
    starts: tuple[int, ...] = ()  # first position of each page, when pages are not all ``size`` rows

    @property
    def pages(self) -> int:
        if not self.split:
            return 1
        return len(self.starts) if self.starts else max(1, -(-self.total // self.size))

    def page_of(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1 if self.starts else position // self.size

    def first_of(self, page: int) -> int:
        return self.starts[page] if self.starts else page * self.size

    def is_start(self, position: int) -> bool:
        return position == self.first_of(self.page_of(position))

    def file(self, position: int) -> str:
        return f"bao-cao-{self.slug}-{self.page_of(position) + 1:03d}.html" if self.split else INDEX

    def range_of(self, page: int) -> tuple[int, int]:
        """1-based first and last position on a 0-based page."""
        last = self.first_of(page + 1) if page + 1 < self.pages else self.total
        return self.first_of(page) + 1, min(self.total, last)


@dataclass(frozen=True, slots=True)
class SourceRef:
    sha256: str
    warnings: int
    path: str  # the first current path, "" when none
    format: str

    @property
    def anchor(self) -> str:
        return f"src-{self.sha256[:16]}"

    @property
    def warnings_anchor(self) -> str:
        return f"warn-{self.sha256[:16]}"

    def file_href(self, page: int | None) -> str:
        """A link that opens the original file (at the page, for PDFs) from the reviewer's machine."""
        if not self.path.startswith("/"):  # PurePosixPath(path).is_absolute(), at a tenth of the cost
            return ""
        href = "file://" + self.path
        return f"{href}#page={page}" if page and self.format == "pdf" else href


class Layout:
    """Which file holds each row of each section, and the href to it from the file being written."""

    def __init__(
        self, *, split: bool, dataset_members: Sequence[int], sources: Sequence[SourceRef],
        flag_kinds: Sequence[tuple[str, int]], concepts: Sequence[str], page_rows: int = PAGE_ROWS,
        page_documents: int = PAGE_DOCUMENTS_WITH_WARNINGS, page_members: int = PAGE_MEMBERS,
    ) -> None:  # fmt: skip
        self.sources = {s.sha256: s for s in sources}
        self._source_position = {s.sha256: n for n, s in enumerate(sources)}
        warned = [s.sha256 for s in sources if s.warnings]
        self._warning_position = {sha: n for n, sha in enumerate(warned)}
        self._concept_position = {concept: n for n, concept in enumerate(concepts)}
        self._kind_position: dict[str, int] = {}
        start = 0
        for kind, total in flag_kinds:
            self._kind_position[kind] = start
            start += total
        starts = tuple(weighted_starts(dataset_members, page_rows, page_members))
        self.catalog = Paging("danh-muc", len(dataset_members), page_rows, split and len(starts) > 1, starts)
        self.flags = Paging("canh-bao", start, page_rows, split and start > page_rows)
        self.source_pages = Paging("van-ban-nguon", len(sources), page_rows, split and len(sources) > page_rows)
        self.warnings = Paging(
            "canh-bao-trich-xuat", len(warned), page_documents, split and len(warned) > page_documents
        )
        self.concepts = Paging("khai-niem", len(concepts), page_rows, split and len(concepts) > page_rows)

    @staticmethod
    def _href(file: str, anchor: str, current: str) -> str:
        return f"#{anchor}" if file == current else f"{file}#{anchor}"

    def source_href(self, sha256: str, current: str) -> str:
        source = self.sources.get(sha256)
        if source is None:
            return self._href(self.source_pages.file(0), "sources", current)
        return self._href(self.source_pages.file(self._source_position[sha256]), source.anchor, current)

    def warnings_href(self, sha256: str, current: str) -> str:
        source = self.sources[sha256]
        file = self.warnings.file(self._warning_position.get(sha256, 0))
        return self._href(file, source.warnings_anchor, current)

    def concept_href(self, concept_id: str, current: str) -> str:
        position = self._concept_position.get(concept_id)
        file = self.concepts.file(position) if position is not None else INDEX
        return self._href(file, concept_id, current)

    def flag_kind_href(self, kind: str, current: str) -> str:
        return self._href(self.flags.file(self._kind_position.get(kind, 0)), f"flag-{kind}", current)


@dataclass(frozen=True, slots=True)
class SectionText:
    """What a paged section says around its rows."""

    paging: Paging
    section_id: str
    heading: str  # "2. Danh mục dữ liệu hợp nhất"
    intro: str  # HTML between the heading and the rows
    unit: str  # what a row is, for the list of pages: "tập dữ liệu"
    script: str = ""  # inline script for the page (the catalog's filter)


Page = Callable[[str, str], tuple[str, str]]  # (title, body nav) -> (document head, document tail)


@dataclass
class SectionWriter:
    """Rows of one section, grouped (a table per flag kind or per document) and cut into pages."""

    text: SectionText
    layout: Layout
    out: Path | None
    page: Page
    inline: list[str] = field(default_factory=list)  # the section in bao-cao.html, when it fits one page
    _handle: TextIO | None = None
    _page: int = -1
    _units: int = 0
    _group: str | None = None
    _closer: str = ""
    _seen_groups: set[str] = field(default_factory=set)

    def file_of_next(self, *, new_unit: bool = True) -> str:
        """The file the next row goes to: what links in that row are relative to."""
        return self.text.paging.file(self._units if new_unit else max(0, self._units - 1))

    def skip_to(self, position: int) -> None:
        """The next row is at ``position``, the first of a page: the rows before it were written here,
        or by a copy of this writer in another process (then none were written here)."""
        if self._units == position:
            return
        paging = self.text.paging
        assert paging.split and paging.is_start(position) and self._units == 0, (position, self._units)
        self._units, self._page = position, paging.page_of(position) - 1

    def end_page(self) -> None:
        """The page at hand closed now (the next row opens one anyway)."""
        self._close_page()

    def add(
        self, row: str, *, group: str = "", opener: Callable[[bool], str], closer: str, new_unit: bool = True
    ) -> None:
        """A row; ``opener(continued)`` starts its group's table (``continued``: the group began on an
        earlier page), ``new_unit`` counts towards the page size (a document's first warning row)."""
        paging = self.text.paging
        if new_unit:
            if self._page < 0 or (paging.split and self._units and paging.is_start(self._units)):
                self._next_page()
            self._units += 1
        if group != self._group or self._closer == "":
            self._write(self._closer)
            self._write(opener(group in self._seen_groups))
            self._group, self._closer = group, closer
            self._seen_groups.add(group)
        self._write(row)

    def _write(self, text: str) -> None:
        if not text:
            return
        if self._handle is not None:
            self._handle.write(text)
        else:
            self.inline.append(text)

    def _next_page(self) -> None:
        self._close_page()
        self._page += 1
        paging = self.text.paging
        if not paging.split:
            return
        assert self.out is not None
        name = paging.file(paging.first_of(self._page))
        self._handle = (self.out / name).open("w", encoding="utf-8")
        first, last = paging.range_of(self._page)
        title = f"{self.text.heading} — trang {self._page + 1}/{paging.pages} ({self.text.unit} {first}–{last})"
        head, _ = self.page(title, self._nav())
        self._handle.write(head)
        self._handle.write(f'<section id="{self.text.section_id}"><h2>{title}</h2>{self.text.intro}')

    def _nav(self) -> str:
        paging, page = self.text.paging, self._page
        links = [f'<a href="{INDEX}">← Mục lục / index</a>']
        if page > 0:
            links.append(f'<a href="{paging.file(paging.first_of(page - 1))}">‹ Trang trước / previous</a>')
        if page + 1 < paging.pages:
            links.append(f'<a href="{paging.file(paging.first_of(page + 1))}">Trang sau / next ›</a>')
        return '<nav class="pages">' + " · ".join(links) + "</nav>"

    def _close_page(self) -> None:
        self._write(self._closer)
        self._closer, self._group = "", None
        if self._handle is not None:
            _, tail = self.page("", self._nav())
            self._handle.write("</section>" + tail.replace("<!--script-->", self.text.script))
            self._handle.close()
            self._handle = None

    def finish(self, empty: str) -> str:
        """Close the last page; the section as bao-cao.html shows it (``empty`` when it has no rows)."""
        self._close_page()
        text, paging = self.text, self.text.paging
        if not paging.split:
            body = "".join(self.inline) or empty
            return f'<section id="{text.section_id}"><h2>{text.heading}</h2>{text.intro}{body}</section>'
        items = []
        for page in range(paging.pages):
            first, last = paging.range_of(page)
            href = paging.file(paging.first_of(page))
            items.append(f'<li><a href="{href}">Trang {page + 1}</a>: {text.unit} {first}–{last}</li>')
        return (
            f'<section id="{text.section_id}"><h2>{text.heading}</h2>'
            f'<p class="small muted">{paging.total} {text.unit}, chia thành {paging.pages} trang / '
            f"split into {paging.pages} pages:</p><ol class=pages>{''.join(items)}</ol></section>"
        )
