"""Catalog tables ("Danh mục dữ liệu ...") into catalog entries.

A table is a catalog when one column names datasets (Tên tập dữ liệu, Tên dữ liệu, Tên cơ sở
dữ liệu, ...) and either its other columns or the headings above it say so (unit, sharing,
frequency or description columns; a "Danh mục" / "Phụ lục" heading) — see :func:`catalog_evidence`;
a table taken on weak evidence is flagged. A task table (Nhiệm vụ, Thời gian hoàn thành...), a
workflow table (Bước | Tên | Mô tả) or a list of legal documents is not one.

Columns are mapped by the meaning of their header (:mod:`extract.structure.columns`); where
the header misleads, the cells decide: a column whose values are mostly sharing-level phrases
("Có thể mở", "Nội bộ") is the sharing column, and a leftover text column beside the title
becomes the description. Every entry keeps the cell text as printed (markup removed,
whitespace collapsed) and its provenance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.blocks import Paragraph
from extract.markup import fold
from extract.model import CatalogEntry, ExtractionWarning, Provenance, RowKind, Table, TableRow
from extract.structure.columns import ColumnRole, header_role, mostly_sharing, roles_for_header
from extract.structure.tables import Item, is_heading, is_numbered_heading

_CATALOG_CONTEXT = re.compile(r"danh muc|phu luc|du lieu|csdl|co so du lieu")
_OPEN_DATA = re.compile(r"du lieu (\w+ ){0,2}mo\b|open data")
_CONTEXT_PARAGRAPHS = 8
_TEXT_ROLES = (
    ColumnRole.TITLE,
    ColumnRole.DESCRIPTION,
    ColumnRole.UNIT,
    ColumnRole.SHARING,
    ColumnRole.FREQUENCY,
    ColumnRole.NOTE,
)


@dataclass(frozen=True, slots=True)
class CatalogColumns:
    """Column index for each catalog field; None when the table has no such column."""

    number: int | None
    title: int
    description: int | None = None
    unit: int | None = None
    sharing: int | None = None
    frequency: int | None = None
    note: int | None = None
    # "Mức độ chia sẻ" over sub-columns "Mặc định | Theo yêu cầu | Nội bộ" ticked with "x": (column, option) pairs
    sharing_options: tuple[tuple[int, str], ...] = ()
    frequency_options: tuple[tuple[int, str], ...] = ()


# ---------------------------------------------------------------- column mapping


def _column_values(table: Table, col: int) -> list[str]:
    return [
        row.cells[col].text
        for row in table.rows
        if row.kind is RowKind.DATA and col < len(row.cells) and not row.cells[col].inherited
    ]


_TICKS = frozenset({"x", "X", "×", "✓", "✔", "√", "v", "V", "•", "+", "có", "Có", "CÓ"})


def _option_columns(table: Table, role: ColumnRole) -> tuple[tuple[int, str], ...]:
    """Adjacent columns under one header of ``role`` whose cells are only ticks: each column is an option.

    The option is the sub-header below the shared header ("Mức độ chia sẻ Mặc định" → "Mặc định").
    """
    cols = [col for col, label in enumerate(table.header) if header_role(label) is role]
    if len(cols) < 2 or cols != list(range(cols[0], cols[0] + len(cols))):
        return ()
    values = [value for col in cols for value in _column_values(table, col) if value]
    if not values or any(value.strip() not in _TICKS for value in values):
        return ()
    words = [table.header[col].split() for col in cols]
    shared = 0
    while all(len(label) > shared + 1 and label[shared] == words[0][shared] for label in words):
        shared += 1
    if shared == 0:
        return ()
    return tuple((col, " ".join(label[shared:])) for col, label in zip(cols, words, strict=True))


def map_columns(table: Table) -> CatalogColumns | None:
    """Catalog fields to columns, by header meaning with content as the tie-breaker; None without a title."""
    roles = roles_for_header(table.header)
    if ColumnRole.TITLE not in roles or ColumnRole.TASK in roles:
        return None
    title = roles.index(ColumnRole.TITLE)
    if ColumnRole.SHARING not in roles:
        for col, role in enumerate(roles):
            if role in (ColumnRole.NUMBER, ColumnRole.TITLE, ColumnRole.UNIT):
                continue
            if mostly_sharing(_column_values(table, col)):
                roles[col] = ColumnRole.SHARING
                break
    beside = title + 1
    if (
        ColumnRole.DESCRIPTION not in roles
        and beside < len(roles)
        and roles[beside] is ColumnRole.OTHER
        and any(_column_values(table, beside))
    ):
        roles[beside] = ColumnRole.DESCRIPTION  # free text right of the title describes it

    def find(role: ColumnRole) -> int | None:
        return roles.index(role) if role in roles else None

    return CatalogColumns(
        number=find(ColumnRole.NUMBER),
        title=title,
        description=find(ColumnRole.DESCRIPTION),
        unit=find(ColumnRole.UNIT),
        sharing=find(ColumnRole.SHARING),
        frequency=find(ColumnRole.FREQUENCY),
        note=find(ColumnRole.NOTE),
        sharing_options=_option_columns(table, ColumnRole.SHARING),
        frequency_options=_option_columns(table, ColumnRole.FREQUENCY),
    )


_DATASET_WORDS = re.compile(r"du lieu|csdl|co so du lieu")


def catalog_evidence(table: Table, columns: CatalogColumns | None, context: Sequence[str] = ()) -> str | None:
    """How strongly the table reads as a data catalog: "strong", "weak", or None for not a catalog.

    The title column must name datasets: a header speaking of data ("Tên tập dữ liệu", "Tên cơ sở
    dữ liệu") is strong, a bare "Tên" is weak (workflow tables have "Bước | Tên | Mô tả"). Unit,
    sharing and frequency columns are strong companions, a description column or a catalog heading
    above the table weak ones. A strong title with a strong companion is a catalog; a strong title
    with weak support, or a weak title with two strong companions (or one and weak support), is one
    on weak evidence; anything less is not.
    """
    if columns is None or not any(row.kind is RowKind.DATA for row in table.rows):
        return None
    title_label = fold(table.header[columns.title]) if columns.title < len(table.header) else ""
    strong_title = bool(_DATASET_WORDS.search(title_label))
    strong = sum(1 for col in (columns.unit, columns.sharing, columns.frequency) if col is not None)
    strong += bool(columns.sharing_options) and columns.sharing is None
    weak = columns.description is not None or any(
        _CATALOG_CONTEXT.search(fold(text)) for text in [table.caption, *context]
    )
    if strong_title:
        return "strong" if strong else ("weak" if weak else None)
    if strong >= 2 or (strong == 1 and weak):
        return "weak"
    return None


def is_catalog_table(table: Table, columns: CatalogColumns | None, context: Sequence[str] = ()) -> bool:
    """A title column naming datasets plus catalog-like companions or a catalog heading above it."""
    return catalog_evidence(table, columns, context) is not None


def is_open_data_list(table: Table, context: Sequence[str] = ()) -> bool:
    """The whole list is declared open data ("Danh mục dữ liệu mở ...") and rows state no sharing.

    The nlp stage calls this to set ``sharing=open`` on such rows; ``context`` is the text of
    headings above the table when known (the caption is always consulted).
    """
    columns = map_columns(table)
    if columns is not None and columns.sharing is not None:
        return False
    return any(_OPEN_DATA.search(fold(text)) for text in [table.caption, *context])


# ---------------------------------------------------------------- entries


def _heading_group(paragraphs: Sequence[Paragraph]) -> str:
    """The numbered heading right above the table ("1. Nhóm dữ liệu ...").

    An unnumbered heading on the way up ("DANH MỤC ...", "PHỤ LỤC") is the list's title, not a
    group, and stops the search.
    """
    for paragraph in reversed(paragraphs[-_CONTEXT_PARAGRAPHS:]):
        if is_numbered_heading(paragraph):
            return paragraph.text
        if is_heading(paragraph):
            return ""
    return ""


def _group_text(row: TableRow) -> str:
    parts: list[str] = []
    for cell in row.cells:
        if cell.text and not cell.inherited and (not parts or parts[-1] != cell.text):
            parts.append(cell.text)
    return " ".join(parts)


def _field(row: TableRow, col: int | None) -> str:
    if col is None or col >= len(row.cells):
        return ""
    return row.cells[col].text


def _ticked(row: TableRow, options: tuple[tuple[int, str], ...], col: int | None) -> str:
    """The options ticked in a row ("Mặc định"), or the plain cell when the column has no options."""
    if not options:
        return _field(row, col)
    return "; ".join(option for option_col, option in options if _field(row, option_col).strip() in _TICKS)


def extract_catalog(
    items: Sequence[Item], *, source: str
) -> tuple[list[CatalogEntry], list[ExtractionWarning]]:
    entries: list[CatalogEntry] = []
    warnings: list[ExtractionWarning] = []
    paragraphs: list[Paragraph] = []  # since the previous table
    for item in items:
        if isinstance(item, Paragraph):
            paragraphs.append(item)
            continue
        context = [paragraph.text for paragraph in paragraphs[-_CONTEXT_PARAGRAPHS:] if is_heading(paragraph)]
        columns = map_columns(item)
        evidence = catalog_evidence(item, columns, context)
        if columns is not None and evidence is not None:
            if evidence == "weak":
                warnings.append(
                    ExtractionWarning(
                        code="catalog_weak_evidence",
                        message=f"Bảng {item.index} được coi là danh mục dữ liệu dù ít dấu hiệu "
                        f"(cột: {' | '.join(item.header)}) / table {item.index} taken as a data catalog "
                        "on weak evidence (its columns)",
                        provenance=Provenance(file=source, page=item.provenance.page, table=item.index),
                    )
                )
            entries.extend(_entries(item, columns, _heading_group(paragraphs), source, warnings))
        paragraphs = []
    return entries, warnings


def _entries(
    table: Table, columns: CatalogColumns, heading_group: str, source: str, warnings: list[ExtractionWarning]
) -> list[CatalogEntry]:
    entries: list[CatalogEntry] = []
    group = heading_group
    for row in table.rows:
        if row.kind is RowKind.GROUP:
            group = _group_text(row)
            continue
        if row.kind is not RowKind.DATA:
            continue
        provenance = Provenance(
            file=source,
            page=row.page,
            table=table.index,
            row=row.index,
            raw=" | ".join(cell.text for cell in row.cells),
        )
        content = [col for col, cell in enumerate(row.cells) if cell.text and col != columns.number]
        if not content:
            continue
        title = _field(row, columns.title)
        if not title:
            warnings.append(
                ExtractionWarning(
                    code="catalog_row_without_title",
                    message=f"Bảng {table.index}, hàng {row.index}: không có tên dữ liệu / "
                    f"table {table.index}, row {row.index}: no dataset title",
                    provenance=provenance,
                )
            )
        entries.append(
            CatalogEntry(
                group=group,
                number=_field(row, columns.number),
                title=title,
                description=_field(row, columns.description),
                unit=_field(row, columns.unit),
                sharing_raw=_ticked(row, columns.sharing_options, columns.sharing),
                frequency_raw=_ticked(row, columns.frequency_options, columns.frequency),
                note=_field(row, columns.note),
                table=table.index,
                row=row.index,
                provenance=provenance,
            )
        )
    return entries
