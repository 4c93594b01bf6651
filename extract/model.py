"""The typed document model: what extraction returns and what every later stage reads.

The model is a contract with other systems (see ``docs/document-schema.md`` and the JSON
Schema generated from these classes), so it is versioned by :data:`SCHEMA_VERSION` and every
record is frozen. Every value keeps its provenance — file, page, table, row, line and the raw
text it came from — so a reviewer can walk back from any figure to the source.

Later stages never mutate a record: they return copies (``model_copy(update=...)``) with
their normalised fields filled in (``norm``).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(Record):
    """Where a value came from. Pages, tables, rows and lines are 1-based; None means 'not applicable'."""

    file: str
    page: int | None = None
    table: int | None = None
    row: int | None = None
    line: int | None = None
    raw: str = ""


class PlaceLabels(Record):
    """The words :func:`place_of` writes before each coordinate of a :class:`Provenance`."""

    page: str
    table: str
    row: str
    line: str


# Terminal summaries are read by officers and developers alike: Vietnamese / English.
BILINGUAL_PLACE = PlaceLabels(page="tr./p.", table="bảng/table", row="hàng/row", line="dòng/line")
# Reviewer reports (HTML, XLSX, CSV) are Vietnamese only; a table row is a "dòng" there, so a line of
# running text is told apart as "dòng văn bản".
VIETNAMESE_PLACE = PlaceLabels(page="tr.", table="bảng", row="dòng", line="dòng văn bản")


def place_of(provenance: Provenance | None, labels: PlaceLabels = BILINGUAL_PLACE) -> str:
    """'tr./p. 3, bảng/table 2, hàng/row 5': where to open the source; '' for the whole file.

    A row makes the line redundant (the line is where the row's text sits), so only one is written.
    """
    if provenance is None:
        return ""
    parts = []
    if provenance.page is not None:
        parts.append(f"{labels.page} {provenance.page}")
    if provenance.table is not None:
        parts.append(f"{labels.table} {provenance.table}")
    if provenance.row is not None:
        parts.append(f"{labels.row} {provenance.row}")
    elif provenance.line is not None:
        parts.append(f"{labels.line} {provenance.line}")
    return ", ".join(parts)


class ExtractionWarning(Record):
    """A problem that did not stop extraction: a bad page, a cell that could not be read, a guess."""

    code: str
    message: str
    provenance: Provenance | None = None


class SourceFormat(StrEnum):
    TEXT = "text"
    DOCX = "docx"
    DOC = "doc"
    PDF = "pdf"
    IMAGE = "image"
    HTML = "html"  # a web page, Word's "Save as Web Page" among them (often named .doc)


# ---------------------------------------------------------------- metadata


class CitedDocument(Record):
    """A document cited in the Căn cứ / Thực hiện lines or in the body."""

    kind: str = ""  # as printed: Luật, Nghị định, Quyết định, Kế hoạch, Tờ trình, Văn bản...
    number: str = ""  # số hiệu as printed, markup removed ("47/2020/NĐ;CP" stays as printed)
    number_key: str = ""  # normalised số hiệu, filled by nlp ("47/2020/NĐ-CP")
    date: str = ""  # ISO YYYY-MM-DD, "" when not given
    date_raw: str = ""
    issuer: str = ""
    title: str = ""
    role: str = "cited"  # "basis" (Căn cứ), "implements" (Thực hiện), "proposal" (Theo đề nghị), "cited"
    provenance: Provenance


class Metadata(Record):
    kind: str = ""  # KẾ HOẠCH, QUYẾT ĐỊNH, ... as printed in capitals
    number: str = ""  # the document's own số hiệu; "" when blank ("Số: /KH-UBND")
    number_template: str = ""  # what the Số line shows even when the number is blank ("/KH-UBND")
    issuer: str = ""
    place: str = ""
    date: str = ""  # ISO; "" when day or month is blank
    date_raw: str = ""
    year: int | None = None  # known even when the full date is blank ("ngày tháng năm 2026")
    title: str = ""
    signer: str = ""
    cited: list[CitedDocument] = Field(default_factory=list)
    parent: CitedDocument | None = None  # the plan this document implements
    # field name -> where it was read; "signing_block": a signing title with no name read under it
    sources: dict[str, Provenance] = Field(default_factory=dict)


# ---------------------------------------------------------------- sections and tasks


class Section(Record):
    """A node of the numbered section tree (I., 1., 1.1., a), -, +)."""

    label: str  # numbering as printed: "II.", "1.1.", "đ)", "-", "+"
    level: int  # 1 for roman, then depth
    ref: str  # dotted path without the roman level, as gold refs are written: "3.2.đ"
    title: str
    text: str = ""  # body text directly under the heading (not in children)
    children: list[Section] = Field(default_factory=list)
    provenance: Provenance


class UnitMention(Record):
    """One organisational unit named in a cell or a task line, resolved by nlp."""

    raw: str
    qualifier: str = ""  # "(đơn vị trực thuộc Sở)", "phối hợp thu thập, cung cấp"
    unit_type: str = ""  # canonical unit type id from the registry, "" when unresolved
    canonical_name: str = ""
    level: str = ""  # bo, so, tinh, huyen, xa, phong, trung_tam, ...
    locality: str = ""  # "xã Đông Cứu", "tỉnh Hưng Yên"
    unit_id: str = ""  # unit_type@locality: the identity of a real unit
    collective: bool = False  # "các cơ quan, đơn vị liên quan": a group, not one unit
    score: float = 0.0
    reasons: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)  # best candidates when unresolved


class Period(Record):
    """A normalised time expression."""

    raw: str
    quarters: list[str] = Field(default_factory=list)  # ["2026-Q3", "2026-Q4"]
    start: str = ""  # ISO date or "" (month/day precision when given)
    end: str = ""
    recurring: str = ""  # "monthly:20" for "trước ngày 20 hằng tháng"
    reasons: list[str] = Field(default_factory=list)


class TaskNorm(Record):
    period: Period | None = None
    lead: list[UnitMention] = Field(default_factory=list)
    partners: list[UnitMention] = Field(default_factory=list)


class TaskSource(StrEnum):
    """How a task was read: labelled lines under a numbered item, a task table's row, or prose."""

    LABELLED = "labelled"  # Thời gian / Đơn vị chủ trì / Đơn vị phối hợp lines
    TABLE = "table"
    PROSE = "prose"  # "Giao Sở X: a) …", "Sở X có trách nhiệm …", "… giao Sở X chủ trì …"


class Task(Record):
    ref: str  # "3.2.đ"; "p<page>.<k>" for the k-th unnumbered assignment on a page
    heading: str  # "đ) Đối với dữ liệu ngành Y tế"
    content: str = ""
    time_raw: str = ""
    lead_raw: str = ""
    partner_raw: str = ""
    section_path: list[str] = Field(default_factory=list)  # headings from the root, for context
    provenance: Provenance
    source: TaskSource = TaskSource.LABELLED
    norm: TaskNorm | None = None


# ---------------------------------------------------------------- tables and catalog


class RowKind(StrEnum):
    HEADER = "header"
    GROUP = "group"  # "I | LĨNH VỰC GIÁO DỤC" spanning the table
    DATA = "data"
    TOTAL = "total"  # "Tổng cộng | 31.600": the column sums, neither a task nor a catalog entry


class Cell(Record):
    text: str
    row: int  # 0-based within the stitched table
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    inherited: bool = False  # blank in print, value taken from the merged cell above
    confidence: float | None = None  # OCR confidence 0..1, None for typed documents


class TableRow(Record):
    index: int
    kind: RowKind
    cells: list[Cell]
    page: int | None = None


class Table(Record):
    index: int  # 1-based order in the document
    pages: list[int] = Field(default_factory=list)
    caption: str = ""  # the heading just above the table ("1. Nhóm dữ liệu dân cư ...")
    header: list[str] = Field(default_factory=list)  # column labels (multi-row headers joined)
    rows: list[TableRow] = Field(default_factory=list)
    provenance: Provenance


class CatalogNorm(Record):
    units: list[UnitMention] = Field(default_factory=list)
    sharing: str = ""  # open, default, on_request, by_regulation, role_based, internal, restricted, ""
    frequency: list[str] = Field(default_factory=list)  # EU frequency codes
    title_key: str = ""
    reasons: list[str] = Field(default_factory=list)


class CatalogEntry(Record):
    """One data row of a catalog table (Danh mục ...)."""

    group: str = ""
    number: str = ""  # STT/TT as printed
    title: str = ""
    description: str = ""
    unit: str = ""
    sharing_raw: str = ""
    frequency_raw: str = ""
    note: str = ""
    table: int  # Table.index
    row: int  # TableRow.index of the first row of the entry
    provenance: Provenance
    norm: CatalogNorm | None = None


# ---------------------------------------------------------------- the document


class Document(Record):
    schema_version: str = SCHEMA_VERSION
    source: str  # file name as given
    sha256: str
    format: SourceFormat
    size_bytes: int
    page_count: int
    encoding: str = ""  # for text: utf-8, tcvn3, vni, ...
    needs_ocr_pages: list[int] = Field(default_factory=list)  # pages with no text layer
    warnings: list[ExtractionWarning] = Field(default_factory=list)
    metadata: Metadata
    sections: list[Section] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    catalog: list[CatalogEntry] = Field(default_factory=list)
