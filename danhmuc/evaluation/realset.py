"""Per-document scores for the real-document set (``realdocs/gold``), also computed on the corpus.

The corpus table (``runner.py``) scores what five synthetic-layout seeds were built to test; real
documents are scored per document on what a reader of any document of the genre needs: metadata
fields, logical tables (found, phantom, rows read exactly), catalog entries, tasks, and the
character error rate of scanned pages. The same function scores a corpus file, so the two sets
can be read side by side. The matching rules are documented in ``docs/gold-conventions.md``
("Real documents").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from danhmuc.evaluation.gold import GoldDocument, GoldSampleRow, GoldTable, GoldTask
from danhmuc.evaluation.metrics import PrecisionRecall, Ratio, align, collapse, text_similarity
from danhmuc.evaluation.runner import CATALOG_FIELDS, entry_similarity, meta_values
from danhmuc.evaluation.scan_text import Cer
from extract.model import Cell, Document, RowKind, Table, Task

REAL_META_FIELDS = ("kind", "number", "issuer", "place", "date", "title", "signer", "parent")

TABLE_PAGE_TOLERANCE = 1  # a table found one page early/late is still the same table
TABLE_MIN_TEXT = 0.4  # header or sample rows at least this similar (rapidfuzz ratio / 100)
TABLE_THRESHOLD = 0.5  # 0.7 text + 0.3 column agreement
TASK_HEADING_FALLBACK = 0.8  # tasks whose refs differ match on heading similarity alone from here
TASK_REF_MIN_HEADING = 0.3  # an equal ref with an unrelated heading is another item, not this task

_LABEL = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]+|[-+•–])\s*", re.IGNORECASE)
_ROMAN = re.compile(r"^[ivxlc]+$")
_TRAILING = " .,;:"


@dataclass
class TableOutcome:
    """One gold table: which extracted table (``Table.index``) it was matched to, and its rows."""

    gold_index: int  # 0-based in the gold's list
    pages: list[int]
    extracted: int | None = None
    similarity: float = 0.0
    rows_gold: int = 0
    rows_extracted: int | None = None
    samples: Ratio = field(default_factory=Ratio)


@dataclass
class PageCer:
    page: int
    danhmuc: Cer | None = None
    tesseract: Cer | None = None
    note: str = ""


@dataclass
class DocumentScores:
    """Everything counted for one file of one gold document — or, merged, for a whole set."""

    set_name: str
    gold_name: str
    file: str
    error: str = ""
    files: int = 0
    errors: int = 0
    pages: int = 0
    seconds: float = 0.0
    metadata: Ratio = field(default_factory=Ratio)
    metadata_wrong: list[str] = field(default_factory=list)
    tables: Ratio | None = None  # None: the gold does not annotate tables
    phantom_tables: int | None = None
    samples: Ratio = field(default_factory=Ratio)
    table_outcomes: list[TableOutcome] = field(default_factory=list)
    catalog_extracted: int = 0
    catalog_gold: int = 0
    catalog_fields: Ratio = field(default_factory=Ratio)
    tasks: PrecisionRecall = field(default_factory=PrecisionRecall)
    task_lead: Ratio = field(default_factory=Ratio)
    missed_tasks: list[str] = field(default_factory=list)
    cer_danhmuc: Cer | None = None
    cer_tesseract: Cer | None = None
    page_cer: list[PageCer] = field(default_factory=list)

    def merge(self, other: DocumentScores) -> None:
        self.files += other.files
        self.errors += other.errors
        self.pages += other.pages
        self.seconds += other.seconds
        self.metadata.merge(other.metadata)
        if other.tables is not None:
            self.tables = self.tables or Ratio()
            self.tables.merge(other.tables)
        if other.phantom_tables is not None:
            self.phantom_tables = (self.phantom_tables or 0) + other.phantom_tables
        self.samples.merge(other.samples)
        self.catalog_extracted += other.catalog_extracted
        self.catalog_gold += other.catalog_gold
        self.catalog_fields.merge(other.catalog_fields)
        self.tasks.merge(other.tasks)
        self.task_lead.merge(other.task_lead)
        for name in ("cer_danhmuc", "cer_tesseract"):
            value = getattr(other, name)
            if value is not None:
                total = getattr(self, name) or Cer()
                total.merge(value)
                setattr(self, name, total)

    @property
    def pages_per_second(self) -> float | None:
        return self.pages / self.seconds if self.seconds > 0 else None


def merged(set_name: str, label: str, documents: list[DocumentScores]) -> DocumentScores:
    total = DocumentScores(set_name, label, label)
    for scores in documents:
        total.merge(scores)
    return total


def score_file(
    set_name: str, gold: GoldDocument, file_name: str, document: Document | None, *, error: str = "",
    seconds: float = 0.0,
) -> DocumentScores:
    scores = DocumentScores(set_name, gold.name, file_name, error=error, files=1, seconds=seconds)
    if document is None:
        scores.errors = 1
        scores.seconds = 0.0
        return scores
    scores.pages = document.page_count
    _score_metadata(gold, document, scores)
    if gold.tables is not None:
        _score_tables(gold.tables, document.tables, scores)
    _score_catalog(gold, document, scores)
    tasks = document.tasks
    if set_name == "corpus":
        # The seed gold lists only tasks with labelled lines (docs/gold-conventions.md, "Tasks"); prose
        # assignments are outside its scope, so they are neither hits nor false tasks there. The real
        # set's gold counts them.
        tasks = [task for task in tasks if task.source != "prose"]
    _score_tasks(gold.tasks, tasks, scores)
    return scores


# ---------------------------------------------------------------- metadata


def meta_key(value: str | None) -> str:
    """NFC, whitespace collapsed, case folded: "UBND THỊ XÃ BỈM SƠN" is "UBND thị xã Bỉm Sơn".
    Diacritics are kept: "Quảng Ngãi" read as "Quang Ngai" is a wrong reading, not a variant."""
    return collapse(value).casefold()


def _score_metadata(gold: GoldDocument, document: Document, scores: DocumentScores) -> None:
    values = meta_values(document)
    for name in REAL_META_FIELDS:
        expected = getattr(gold.meta, name)
        if expected is None:
            continue
        right = meta_key(values[name]) == meta_key(expected)
        scores.metadata.add(right)
        if not right:
            scores.metadata_wrong.append(name)


# ---------------------------------------------------------------- tables


def distinct_cells(cells: list[Cell]) -> list[Cell]:
    """A row as printed: a horizontally merged cell once (the stitched table repeats it per column)."""
    kept: list[Cell] = []
    covered = -1
    for cell in sorted(cells, key=lambda c: c.col):
        if cell.col <= covered:
            continue
        kept.append(cell)
        covered = cell.col + cell.col_span - 1
    return kept


def _row_variants(cells: list[Cell]) -> list[list[str]]:
    """The readings of a row a gold sample may equal: a merged cell once, once then blank over the
    rest of its span (as printed), or repeated; a vertically inherited value kept (as the catalog
    gold does) or blank (as printed)."""
    ordered = sorted(cells, key=lambda c: c.col)
    distinct = distinct_cells(ordered)
    padded: list[tuple[Cell, bool]] = []  # (cell, shown) per grid position
    for cell in distinct:
        padded.append((cell, True))
        padded.extend((cell, False) for _ in range(cell.col_span - 1))
    variants = []
    for inherited_blank in (False, True):

        def text(cell: Cell, blank: bool = inherited_blank) -> str:
            return "" if blank and cell.inherited else collapse(cell.text)

        variants.append([text(c) for c in distinct])
        variants.append([text(c) if shown else "" for c, shown in padded])
        variants.append([text(c) for c in ordered])
    return variants


def table_columns(table: Table) -> int:
    widest = max((cell.col + cell.col_span for row in table.rows for cell in row.cells), default=0)
    return max(widest, len(table.header))


def _header_text(table: Table) -> str:
    labels: list[str] = []
    for label in table.header:
        if not labels or labels[-1] != label:  # a spanned header label is repeated per column
            labels.append(label)
    return " ".join(labels)


def _body_rows(table: Table) -> list[list[Cell]]:
    return [row.cells for row in table.rows if row.kind is not RowKind.HEADER]


def _row_text(cells: list[Cell]) -> str:
    return " | ".join(cell.text for cell in distinct_cells(cells))


def _sample_similarity(samples: list[GoldSampleRow], table: Table) -> float:
    rows = [_row_text(cells) for cells in _body_rows(table)]
    if not samples or not rows:
        return 0.0
    best = [max(fuzz.ratio(collapse(" | ".join(s.cells)), collapse(row)) for row in rows) / 100.0 for s in samples]
    return sum(best) / len(best)


def table_similarity(gold: GoldTable, table: Table) -> float:
    """0 unless the first pages agree within one page (when the table has pages); then 0.7 text
    (the better of header and sample rows) + 0.3 column agreement (1 equal, 0.5 one apart)."""
    first = table.pages[0] if table.pages else table.provenance.page
    # A text file has no pages: then only the text and the columns decide.
    if gold.pages and first is not None and abs(first - gold.pages[0]) > TABLE_PAGE_TOLERANCE:
        return 0.0
    header = text_similarity(" ".join(gold.header), _header_text(table)) if gold.header else 0.0
    text = max(header, _sample_similarity(gold.samples, table))
    if text < TABLE_MIN_TEXT:
        return 0.0
    difference = abs(table_columns(table) - gold.columns) if gold.columns else 2
    columns = 1.0 if difference == 0 else 0.5 if difference == 1 else 0.0
    return 0.7 * text + 0.3 * columns


def sample_found(sample: GoldSampleRow, table: Table) -> bool:
    expected = [collapse(cell) for cell in sample.cells]
    return any(expected in _row_variants(cells) for cells in _body_rows(table))


def _score_tables(gold_tables: list[GoldTable], tables: list[Table], scores: DocumentScores) -> None:
    indexed = list(enumerate(gold_tables))
    alignment = align(indexed, tables, lambda g, t: table_similarity(g[1], t), threshold=TABLE_THRESHOLD)
    matched = {index: table for (index, _), table in alignment.pairs}
    scores.tables = Ratio()
    scores.phantom_tables = len(alignment.unmatched_predicted)
    for index, gold in indexed:
        table = matched.get(index)
        outcome = TableOutcome(index, gold.pages, rows_gold=gold.rows)
        scores.tables.add(table is not None)
        for sample in gold.samples:
            outcome.samples.add(table is not None and sample_found(sample, table))
        if table is not None:
            outcome.extracted = table.index
            outcome.similarity = round(table_similarity(gold, table), 3)
            outcome.rows_extracted = len(_body_rows(table))
        scores.samples.merge(outcome.samples)
        scores.table_outcomes.append(outcome)


# ---------------------------------------------------------------- catalog


def _score_catalog(gold: GoldDocument, document: Document, scores: DocumentScores) -> None:
    scores.catalog_extracted = len(document.catalog)
    scores.catalog_gold = len(gold.catalog)
    alignment = align(gold.catalog, document.catalog, entry_similarity, threshold=0.55)
    for gold_entry, entry in alignment.pairs:
        for name in CATALOG_FIELDS:
            scores.catalog_fields.add(collapse(getattr(entry, name)) == collapse(getattr(gold_entry, name)))


# ---------------------------------------------------------------- tasks


def ref_key(ref: str) -> str:
    """"II.2." , "II. 2", "ii.2" → "ii.2"; "a)" → "a"."""
    key = re.sub(r"[\s)]+", "", collapse(ref).casefold())
    return re.sub(r"\.+", ".", key).strip(".")


def _without_roman(key: str) -> str:
    head, _, rest = key.partition(".")
    return rest if rest and _ROMAN.match(head) else key


def _words(text: str) -> list[str]:
    return _LABEL.sub("", collapse(text), count=1).casefold().split()


def heading_similarity(gold: GoldTask, task: Task) -> float:
    """The gold heading (the item's first words) against as many first words of the task's
    heading and content, numbering labels removed from both."""
    expected = _words(gold.heading)
    if not expected:
        return 0.0
    found = _words(task.heading)
    if len(found) < len(expected) and task.content:
        found += _words(task.content)
    return fuzz.ratio(" ".join(expected), " ".join(found[: len(expected)])) / 100.0


def task_match(gold: GoldTask, task: Task) -> float:
    heading = heading_similarity(gold, task)
    gold_ref, ref = ref_key(gold.ref), ref_key(task.ref)
    if gold_ref and gold_ref == ref and heading >= TASK_REF_MIN_HEADING:
        return 2.0 + heading
    if gold_ref and _without_roman(gold_ref) == _without_roman(ref) and heading >= TASK_REF_MIN_HEADING:
        return 1.5 + heading
    return heading if heading >= TASK_HEADING_FALLBACK else 0.0


def unit_key(text: str) -> str:
    return collapse(text).casefold().strip(_TRAILING)


def _score_tasks(gold_tasks: list[GoldTask], tasks: list[Task], scores: DocumentScores) -> None:
    alignment = align(gold_tasks, tasks, task_match, threshold=TASK_HEADING_FALLBACK)
    scores.tasks.merge(PrecisionRecall(true_positives=len(alignment.pairs), predicted=len(tasks), gold=len(gold_tasks)))
    scores.missed_tasks = [task.ref for task in alignment.unmatched_gold]
    for gold_task, task in alignment.pairs:
        scores.task_lead.add(unit_key(task.lead_raw) == unit_key(gold_task.lead_raw))
