"""Plain text (UTF-8) into a block stream.

Text files in this genre are conversions of DOCX/PDF originals, so tables survive in two
shapes, both recognised by structure, never by wording:

* **tab rows** — one table row per line, cells separated by TABs. A converted PDF shows a
  page break inside such a table as blank lines (often followed by the repeated header row),
  so a blank line inside a run of tab rows ends a fragment and the next fragment is marked
  ``after_break``: its first row may continue the last row of the previous page.
* **one cell per line** — every cell on its own line starting with a TAB, lines of a wrapped
  cell following without the TAB, rows separated by blank lines, the first row being the
  header. A run of TAB-led lines is a table when later row groups have the header's width.

Cell text contract (shared with the DOCX and PDF readers): ``RawCell.text`` is markup-cleaned,
each line whitespace-collapsed, and the lines of a multi-line cell are joined by ``"\\n"`` — the
structure builder joins them with one space for the model (as the gold does) but can still
split a cell laid out line by line, such as the national header's two columns.

There is no page information in text: every block has ``page=None``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.errors import UnsupportedFormatError
from extract.legacy import decode_text as decode_legacy_text
from extract.markup import clean_inline, detect_emphasis, split_glued_headings
from extract.safety import max_table_rows, max_text_chars


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode UTF-16 with a BOM, UTF-8, or a legacy Vietnamese encoding converted to Unicode NFC."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise UnsupportedFormatError(
                source, f"UTF-16 hỏng tại byte {error.start} / broken UTF-16 at byte {error.start}"
            ) from error
    # Everything else is UTF-8 or a pre-Unicode Vietnamese encoding (TCVN3, VNI, VIQR, Windows-1258);
    # the legacy decoder decides from the evidence and leaves genuine UTF-8 untouched.
    return decode_legacy_text(data)


def _cut_bytes(data: bytes, limit: int) -> bytes:
    """The first ``limit`` bytes or fewer, ending after a line break (whole characters in UTF-8, UTF-16)."""
    if len(data) <= limit:
        return data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        newline = b"\n\x00" if data.startswith(codecs.BOM_UTF16_LE) else b"\x00\n"
        end = limit - limit % 2
        while (end := data.rfind(newline, 2, end)) > 0 and end % 2:
            pass
        return data[: end + 2] if end > 0 else data[: limit - limit % 2]
    end = data.rfind(b"\n", 0, limit)
    return data[: end + 1] if end > 0 else data[:limit]


def _bounded_text(data: bytes, source: str) -> tuple[str, str, bool]:
    """Decoded text of at most DANHMUC_MAX_TEXT_CHARS characters, cut at a line end; True when cut.

    The bytes are cut before decoding (3 bytes a character covers Vietnamese in UTF-8), so a huge
    file is never decoded whole.
    """
    limit = max_text_chars()
    text, encoding = decode_text(_cut_bytes(data, 3 * limit + 3), source)
    cut = len(data) > 3 * limit + 3
    if len(text) > limit:
        end = text.rfind("\n", 0, limit)
        text, cut = text[: end if end > 0 else limit], True
    return text, encoding, cut


def read_text(data: bytes, source: str) -> BlockStream:
    text, encoding, cut = _bounded_text(data, source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    reader = _LineReader(lines)
    warnings = list(reader.warnings)
    if cut:
        limit = max_text_chars()
        warnings.append(
            (
                "text_cut",
                f"Văn bản quá dài: chỉ đọc {len(text):,} ký tự đầu, đến hết dòng {len(lines):,} (giới hạn "
                f"{limit:,} ký tự, biến môi trường DANHMUC_MAX_TEXT_CHARS) / Text too long: only the first "
                f"{len(text):,} characters were read, to the end of line {len(lines):,} (limit {limit:,}, "
                "env DANHMUC_MAX_TEXT_CHARS)",
                None,
            )
        )
    if encoding not in ("utf-8", "utf-16"):
        warnings.insert(
            0,
            (
                "legacy_encoding",
                f"Văn bản mã {encoding} đã được chuyển sang Unicode / {encoding} text converted to Unicode",
                None,
            ),
        )
    return BlockStream(blocks=reader.read(), page_count=1, encoding=encoding, warnings=warnings)


# ---------------------------------------------------------------- line shapes


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_tab_row(line: str) -> bool:
    """Cells separated by TABs: a TAB between two pieces of the line (not just indentation)."""
    return "\t" in line.strip(" ").lstrip("\t").rstrip() or (line.count("\t") >= 2 and not _is_blank(line))


_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _is_pipe_row(line: str) -> bool:
    """A Markdown pipe-table row ("| STT | Tên dữ liệu |") or its "|---|---|" separator."""
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def _split_pipe_row(line: str) -> list[str]:
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", stripped)]


def _split_tab_row(line: str) -> list[str]:
    return line.split("\t")


def _is_cell_line(line: str) -> bool:
    """One cell of a one-cell-per-line table: a leading TAB and no other TAB ("\\t" alone = empty cell)."""
    return line.startswith("\t") and "\t" not in line[1:]


def _cell(raw: str) -> RawCell:
    return RawCell(text=clean_inline(raw, keep_breaks=True))


@dataclass
class _CellGroup:
    """The cells of one row of a one-cell-per-line table, each a list of raw lines."""

    cells: list[list[str]] = field(default_factory=list)
    line: int = 0


class _LineReader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.blocks: list[Block] = []
        self.warnings: list[tuple[str, str, int | None]] = []
        # Rows past the document's table budget are cut by extract.safety.bound_tables; cleaning
        # their cells (most of the reader's time on a 200,000-row table) would be wasted.
        self.rows_left = max_table_rows()

    # line numbers in blocks are 1-based
    def read(self) -> list[Block]:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if _is_pipe_row(line):
                consumed = self._read_row_table(index, _is_pipe_row, _split_pipe_row)
                if consumed:
                    index += consumed
                    continue
            elif _is_tab_row(line):
                consumed = self._read_row_table(index, _is_tab_row, _split_tab_row)
                if consumed:
                    index += consumed
                    continue
            elif _is_cell_line(line) and line.strip():
                consumed = self._read_cell_table(index)
                if consumed:
                    index += consumed
                    continue
            self._paragraph(line, index)
            index += 1
        return self.blocks

    def _paragraph(self, line: str, index: int) -> None:
        for raw in split_glued_headings(line.replace("\t", " ")):
            text = clean_inline(raw)
            if not text:
                continue
            emphasis = detect_emphasis(raw.strip())
            self.blocks.append(
                Paragraph(
                    text=text,
                    line=index + 1,
                    bold=emphasis.bold or emphasis.heading_mark,
                    italic=emphasis.italic,
                )
            )

    # ------------------------------------------------------------ one row per line (TABs or pipes)

    def _read_row_table(self, start: int, is_row: Callable[[str], bool], split: Callable[[str], list[str]]) -> int:
        """Read a run of one-line rows (blank lines inside it are page breaks); return lines consumed."""
        fragments, end = self._row_fragments(start, is_row, split)
        if not fragments:
            return 0
        fragments = _rejoin_row_spaced(fragments)
        if _stray_line(fragments):
            return 0  # one stray line with a TAB or two: running text, not a table
        for number, (line_index, fragment_rows) in enumerate(fragments):
            cells = [[_cell(cell) for cell in row] for row in fragment_rows[: max(self.rows_left, 0)]]
            cells += [[RawCell(text=cell) for cell in row] for row in fragment_rows[len(cells) :]]
            self.rows_left -= len(fragment_rows)
            self.blocks.append(
                RawTable(
                    rows=_grid(cells),
                    line=line_index + 1,
                    ruled=False,
                    after_break=number > 0,
                )
            )
        return end - start

    def _row_fragments(
        self, start: int, is_row: Callable[[str], bool], split: Callable[[str], list[str]]
    ) -> tuple[list[tuple[int, list[list[str]]]], int]:
        """Runs of rows from ``start`` (first line, cells), split at blank lines; and the line after the last row."""
        fragments: list[tuple[int, list[list[str]]]] = []
        rows: list[list[str]] = []
        fragment_start = start
        index = start
        end = start
        while index < len(self.lines):
            line = self.lines[index]
            if is_row(line):
                if not rows:
                    fragment_start = index
                if not _PIPE_SEPARATOR.match(line):
                    rows.append(split(line))
                index += 1
                end = index
                continue
            ahead = _after_blanks(self.lines, index)
            if ahead == index or ahead >= len(self.lines) or not is_row(self.lines[ahead]):
                break  # not blank, or the blank lines do not lead to another row
            if rows:
                fragments.append((fragment_start, rows))
                rows = []
            index = ahead
        if rows:
            fragments.append((fragment_start, rows))
        return fragments, end

    # ------------------------------------------------------------ one cell per line

    def _read_cell_table(self, start: int) -> int:
        header, index = self._read_group(start, width=None)
        width = len(header.cells)
        if width < 2:
            return 0
        groups: list[_CellGroup] = []
        end = index
        while index < len(self.lines):
            index = self._skip_blank(index)
            if index >= len(self.lines) or not _is_cell_line(self.lines[index]):
                break
            group, index = self._read_group(index, width=width)
            groups.append(group)
            end = index
        matching = sum(1 for group in groups if len(group.cells) == width)
        if not groups or matching < max(1, len(groups) // 2):
            return 0
        for group in groups:
            if len(group.cells) != width:
                self.warnings.append(
                    (
                        "table_row_width",
                        f"Dòng {group.line}: hàng có {len(group.cells)} ô, tiêu đề có {width} ô / "
                        f"line {group.line}: the row has {len(group.cells)} cells, the header {width}",
                        None,
                    )
                )
        # a header group repeated further down is a page break: a new fragment starts there
        header_texts = [self._cell_text(lines) for lines in header.cells]
        fragment: list[list[RawCell]] = [[RawCell(text=text) for text in header_texts]]
        fragment_line = start + 1
        after_break = False
        for group in groups:
            texts = [self._cell_text(lines) for lines in group.cells]
            if texts == header_texts:
                self._emit_cells(fragment, fragment_line, after_break)
                fragment, fragment_line, after_break = [], group.line, True
            fragment.append([RawCell(text=text) for text in texts])
        self._emit_cells(fragment, fragment_line, after_break)
        return end - start

    def _emit_cells(self, rows: list[list[RawCell]], line: int, after_break: bool) -> None:
        if rows:
            self.rows_left -= len(rows)
            self.blocks.append(RawTable(rows=_grid(rows), line=line, ruled=False, after_break=after_break))

    def _skip_blank(self, index: int) -> int:
        while index < len(self.lines) and _is_blank(self.lines[index]) and not _is_cell_line(self.lines[index]):
            index += 1
        return index

    def _read_group(self, start: int, *, width: int | None) -> tuple[_CellGroup, int]:
        """Read one row: TAB-led cell lines, each with its continuation lines.

        A blank line ends the row, except inside an incomplete row when the next text line is
        a continuation (a wrapped cell with an empty line in it). A row also ends once it has
        ``width`` cells and another TAB-led line starts.
        """
        group = _CellGroup(line=start + 1)
        index = start
        while index < len(self.lines):
            line = self.lines[index]
            if _is_cell_line(line):
                if width is not None and len(group.cells) == width:
                    break
                group.cells.append([line[1:]])
                index += 1
                continue
            if _is_blank(line):
                ahead = self._skip_blank(index)
                incomplete = width is not None and 0 < len(group.cells) < width
                if (
                    incomplete
                    and ahead < len(self.lines)
                    and not _is_cell_line(self.lines[ahead])
                    and not _is_tab_row(self.lines[ahead])
                ):
                    index = ahead
                    continue
                break
            if _is_tab_row(line) or not group.cells:
                break
            group.cells[-1].append(line)
            index += 1
        return group, index

    @staticmethod
    def _cell_text(lines: list[str]) -> str:
        return clean_inline("\n".join(lines), keep_breaks=True)


def _after_blanks(lines: list[str], index: int) -> int:
    """The first line from ``index`` that is not blank."""
    while index < len(lines) and _is_blank(lines[index]):
        index += 1
    return index


def _stray_line(fragments: list[tuple[int, list[list[str]]]]) -> bool:
    """One row of fewer than three filled cells, or rows of one cell: not a table."""
    total_rows = sum(len(fragment_rows) for _, fragment_rows in fragments)
    widest = max(len(row) for _, fragment_rows in fragments for row in fragment_rows)
    return (total_rows < 2 and sum(1 for cell in fragments[0][1][0] if cell.strip()) < 3) or widest < 2


def _rejoin_row_spaced(fragments: list[tuple[int, list[list[str]]]]) -> list[tuple[int, list[list[str]]]]:
    """Undo blank lines that separate *every* row: then a blank line is spacing, not a page break.

    Only a fragment opening with the repeated header row still marks a page break.
    """
    single = sum(1 for _, rows in fragments if len(rows) == 1)
    if len(fragments) < 3 or single < 0.8 * len(fragments):
        return fragments
    header = _row_key(fragments[0][1][0])
    joined: list[tuple[int, list[list[str]]]] = [(fragments[0][0], list(fragments[0][1]))]
    for line_index, rows in fragments[1:]:
        if _row_key(rows[0]) == header:
            joined.append((line_index, list(rows)))
        else:
            joined[-1][1].extend(rows)
    return joined


def _row_key(row: list[str]) -> tuple[str, ...]:
    keys = [clean_inline(cell).lower() for cell in row]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


def _grid(rows: list[list[RawCell]]) -> list[list[RawCell]]:
    """Pad every row to the table width; trailing empty cells beyond it are dropped."""
    trimmed = []
    for row in rows:
        cells = list(row)
        while cells and not cells[-1].text:
            cells.pop()
        trimmed.append(cells)
    width = max((len(row) for row in trimmed), default=0)
    width = max(width, len(rows[0]) if rows else 0)
    return [row + [RawCell(text="") for _ in range(width - len(row))] for row in trimmed]
