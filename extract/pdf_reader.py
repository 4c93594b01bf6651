"""Text-layer PDF reader: pages -> block stream (paragraphs and table fragments, in reading order).

Pages are read one at a time and released (``page.close()``) so memory stays flat on long
documents. Per page: ruled tables from the drawn lines, space-aligned tables from their header
line, and the remaining words as lines and paragraphs. Page numbers and running headers or
footers are furniture, not content, and are dropped. A page without a text layer is never
silently empty: it is listed in ``needs_ocr_pages`` with a warning, for the OCR reader.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

from extract import progress
from extract.aligned_tables import find_aligned_tables
from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.errors import CorruptFileError, EncryptedFileError, ExtractError, LimitExceededError
from extract.pdf.forms import read_stamped_values
from extract.pdf.layout import (
    Line,
    TextFrame,
    TextRepairs,
    ends_with_hyphen_break,
    group_lines,
    join_lines,
    lift_superscript_words,
    page_words,
    split_segments,
    text_frame,
    wraps_onto,
)
from extract.pdf.repair import complete_truncated, is_truncated
from extract.pdf.source import PageDocument, PageSource, open_document
from extract.pdf.tables import PageTable, aligned_tables, continue_merges, inside, ruled_tables
from extract.pdf.textlayer import signature_caption_only, unreadable_layer
from extract.settings import extract_settings

_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:trang\s+|page\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?$", re.I)
_NATIONAL_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA", re.IGNORECASE)
# A column gap of side-by-side blocks (national header, signature) is far wider than a space.
_COLUMN_GAP_FACTOR = 2.5


@dataclass(slots=True)
class _Item:
    """A page's block with its vertical position, before the page's blocks are ordered."""

    top: float
    block: Block
    bottom: float
    margin_text: str = ""  # normalised text when the block sits in the page's header/footer zone
    first_line: Line | None = None  # for a paragraph: its first and last visual lines
    last_line: Line | None = None


@dataclass(slots=True)
class _ReaderState:
    source: str
    blocks: list[Block] = field(default_factory=list)
    margin_items: list[tuple[int, str]] = field(default_factory=list)  # (block index, normalised text)
    margin_seen: set[str] = field(default_factory=set)
    furniture_positions: set[int] = field(default_factory=set)  # blocks that look like running headers
    needs_ocr: list[int] = field(default_factory=list)
    warnings: list[tuple[str, str, int | None]] = field(default_factory=list)
    frame: TextFrame | None = None
    previous_table: PageTable | None = None  # the last table of the previous page when it ended the page
    header_texts: list[str] | None = None
    text_pages: int = 0
    # The last line of the previous page when a paragraph ended it: the next page may continue it.
    open_line: Line | None = None


def read_pdf(data: bytes, source: str) -> BlockStream:
    """The blocks of a PDF. A file cut short is read as far as it goes, with a ``pdf_truncated`` warning
    (callers that read the bytes again, as OCR does, pass ``complete_truncated(data)`` themselves)."""
    settings = extract_settings()
    max_pages, max_seconds = settings.max_pdf_pages, settings.max_pdf_seconds
    truncated = is_truncated(data)
    data = complete_truncated(data) or data
    pdf = _open(data, source, truncated=truncated)
    state = _ReaderState(source)
    if truncated:
        state.warnings.append(
            (
                "pdf_truncated",
                "Tệp PDF bị cắt cụt (thiếu phần cuối); đã đọc những trang còn đọc được / "
                "The PDF is truncated (its end is missing); the pages that could be read were read",
                None,
            )
        )
    started = time.monotonic()
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise CorruptFileError(source, "PDF không có trang nào / the PDF has no pages")
        if page_count > max_pages:
            raise LimitExceededError(
                source,
                f"PDF có {page_count} trang, giới hạn {max_pages} trang (biến môi trường DANHMUC_MAX_PDF_PAGES)",
                f"the PDF has {page_count} pages, the limit is {max_pages} (env DANHMUC_MAX_PDF_PAGES)",
            )
        progress.set_total(page_count)
        for number in range(1, page_count + 1):
            if time.monotonic() - started > max_seconds:
                raise LimitExceededError(
                    source,
                    f"đọc PDF quá {max_seconds} giây (dừng ở trang {number}/{page_count})",
                    f"reading the PDF took over {max_seconds} s (stopped at page {number}/{page_count})",
                )
            page: PageSource | None = None
            waiting_for_ocr = len(state.needs_ocr)
            try:
                page = pdf.page(number - 1)
                _read_page(page, number, state)
            except ExtractError:
                raise
            except Exception as exc:  # a broken page is a warning, not a lost document
                state.previous_table = None
                state.warnings.append(
                    (
                        "page_unreadable",
                        f"Không đọc được trang {number}: {exc} / Page {number} could not be read",
                        number,
                    )
                )
            finally:
                if page is not None:
                    page.close()
            if len(state.needs_ocr) == waiting_for_ocr:  # a page left for OCR is done when OCR has read it
                progress.page_done()
    finally:
        pdf.close()
    if state.text_pages == 0 and not state.needs_ocr and state.warnings:
        raise CorruptFileError(source, "không đọc được trang nào / no page could be read")
    blocks = _drop_running_furniture(state)
    return BlockStream(
        blocks=blocks,
        page_count=page_count,
        needs_ocr_pages=state.needs_ocr,
        warnings=state.warnings,
        stamps=read_stamped_values(data),  # e-signed PDFs: the số hiệu and date drawn by annotations
    )


def _open(data: bytes, source: str, *, truncated: bool = False) -> PageDocument:
    try:
        return open_document(data)
    except Exception as exc:
        if truncated:
            raise CorruptFileError(
                source, "PDF bị cắt cụt, mất cả phần mô tả cấu trúc / truncated PDF, its structure is lost"
            ) from exc
        raise _classify_open_error(exc, source) from exc


def _classify_open_error(exc: Exception, source: str) -> ExtractError:
    chain: list[BaseException] = [exc]
    while chain[-1].__cause__ is not None or (chain[-1].args and isinstance(chain[-1].args[0], BaseException)):
        nxt = chain[-1].__cause__ or chain[-1].args[0]
        if not isinstance(nxt, BaseException) or nxt in chain:
            break
        chain.append(nxt)
    names = " ".join(type(err).__name__ for err in chain)
    if "Password" in names or "Encrypt" in names:
        return EncryptedFileError(source)
    detail = str(chain[-1]) or type(chain[-1]).__name__
    return CorruptFileError(source, f"PDF hỏng: {detail[:200]} / damaged PDF")


# ---------------------------------------------------------------- one page


def _read_page(page: PageSource, number: int, state: _ReaderState) -> None:
    # One pass over the characters: the joined layer is blank exactly when every character is.
    layer = "".join([str(ch.get("text", "")) for ch in page.chars])
    if not layer.strip():
        _leave_for_ocr(number, state)
        return
    if unreadable_layer(layer, lambda: [str(word["text"]) for word in page.extract_words()]):
        # A scanner's Latin-only OCR under the image ("C6c sd, ban, ngdnh"): read the image instead.
        _leave_for_ocr(number, state, unreadable=True)
        return
    if signature_caption_only(layer):
        # A certified or signed scan whose signing tool wrote only its caption as text: read the image.
        _leave_for_ocr(number, state)
        return
    state.text_pages += 1
    height = float(page.height)
    tables, lines = _page_tables(page, number, state)
    lines = _drop_page_numbers(lines, height)
    if len(lines) >= 8 or state.frame is None:
        state.frame = text_frame(lines) if lines else state.frame
    frame = state.frame or TextFrame(0.0, float(page.width))

    items = _paragraph_items(lines, frame, number, height, float(page.width))
    tables.sort(key=lambda table: table.bbox[1])
    content = _content_items(items, state)
    _place_tables(tables, items, content, number, state)
    content_ids = {id(item) for item in content} | {id(item) for item in items if isinstance(item.block, RawTable)}
    items.sort(key=lambda item: item.top)
    _continue_from_previous_page(items, content_ids, state, frame)
    for item in items:
        if item.margin_text:
            state.margin_items.append((len(state.blocks), item.margin_text))
        if id(item) not in content_ids:
            state.furniture_positions.add(len(state.blocks))
        state.blocks.append(item.block)


def _leave_for_ocr(number: int, state: _ReaderState, *, unreadable: bool = False) -> None:
    state.needs_ocr.append(number)
    state.previous_table = None
    if unreadable:
        state.warnings.append(
            (
                "text_layer_unreadable",
                f"Trang {number}: lớp văn bản không phải tiếng Việt (OCR của máy quét, ví dụ «C6c» hay «c§u»), "
                f"bỏ qua và nhận dạng lại bằng OCR / page {number}: the text layer is not Vietnamese (a scanner's "
                "Latin-only OCR); ignored, the page is read by OCR",
                number,
            )
        )
    state.warnings.append(
        (
            "needs_ocr",
            f"Trang {number} không có lớp văn bản (ảnh quét), cần nhận dạng OCR / "
            f"Page {number} has no text layer (a scan); it needs OCR",
            number,
        )
    )


def _page_tables(page: PageSource, number: int, state: _ReaderState) -> tuple[list[PageTable], list[Line]]:
    """The page's tables (ruled, gutter-aligned, header-aligned) and the lines of text outside them."""
    repairs = TextRepairs()
    words = page_words(page, repairs)
    _warn_repairs(repairs, number, state)
    tables = ruled_tables(page, words, number, state.warnings)
    loose = [word for word in words if not any(inside(word, table.bbox) for table in tables)]
    lines = [Line(tuple(lift_superscript_words(list(line.words)))) for line in group_lines(loose)]
    # Tables drawn without vertical rules (only horizontal ones, or none): columns from the gutters.
    found = find_aligned_tables(
        [word for line in lines for word in line.words],
        page_width=float(page.width),
    )
    tables.extend(
        PageTable(
            rows=[[RawCell(text, page=number) for text in row] for row in table.rows], bbox=table.bbox, ruled=False
        )
        for table in found
    )
    lines = [line for line in lines if not any(inside(line.words[0], table.bbox) for table in found)]
    aligned, used = aligned_tables(lines, number)
    tables.extend(aligned)
    return tables, [line for index, line in enumerate(lines) if index not in used]


def _content_items(items: list[_Item], state: _ReaderState) -> list[_Item]:
    """The page's items less running headers and footers, whose margin text is then remembered.

    Text already seen in the same margin on an earlier page is a running header or footer: it
    does not count as content before or after a table when deciding where a table breaks.
    """
    furniture = [bool(item.margin_text) and item.margin_text in state.margin_seen for item in items]
    content = [item for item, is_furniture in zip(items, furniture, strict=True) if not is_furniture]
    state.margin_seen.update(item.margin_text for item in items if item.margin_text)
    return content


def _place_tables(
    tables: list[PageTable], items: list[_Item], content: list[_Item], number: int, state: _ReaderState
) -> None:
    """Add the page's tables (sorted top-down) to ``items`` as fragments, joining one that continues
    the previous page's table; remember the last one when it ends the page."""
    first_top = min((item.top for item in content), default=float("inf"))
    last_bottom = max((item.bottom for item in content), default=-1.0)
    for position, table in enumerate(tables):
        starts_page = table.bbox[1] <= first_top
        after_break = starts_page and state.previous_table is not None
        if after_break:
            table = continue_merges(table, state.previous_table, state.header_texts)
            tables[position] = table
        else:
            state.header_texts = [cell.text for cell in table.rows[0]] if table.rows else None
        raw = RawTable(
            rows=table.rows,
            page=number,
            line=None,
            ruled=table.ruled,
            after_break=after_break,
            pages=[number],
        )
        items.append(_Item(top=table.bbox[1], block=raw, bottom=table.bbox[3]))
        state.previous_table = None
    last_table = tables[-1] if tables else None
    # The page ends inside a table when nothing but furniture follows the last table.
    state.previous_table = last_table if last_table is not None and last_table.bbox[3] >= last_bottom else None


def _warn_repairs(repairs: TextRepairs, number: int, state: _ReaderState) -> None:
    if repairs.controls:
        codes = ", ".join(sorted(set(repairs.controls)))
        state.warnings.append(
            (
                "control_chars_dropped",
                f"Trang {number}: bỏ {len(repairs.controls)} ký tự điều khiển ({codes}) trong lớp văn bản / "
                f"page {number}: {len(repairs.controls)} control characters ({codes}) dropped from the text layer",
                number,
            )
        )
    if repairs.rotated_words:
        sample = " ".join(repairs.rotated_words[:6])[:80]
        state.warnings.append(
            (
                "rotated_text_dropped",
                f"Trang {number}: bỏ {len(repairs.rotated_words)} từ in xoay hoặc lật (hình vẽ, sơ đồ): «{sample}» / "
                f"page {number}: {len(repairs.rotated_words)} rotated or mirrored words (a diagram) left out",
                number,
            )
        )


def _continue_from_previous_page(
    items: list[_Item], content_ids: set[int], state: _ReaderState, frame: TextFrame
) -> None:
    """Join the page's first paragraph to the previous page's last one when it is its wrapped tail.

    Running headers and footers (``content_ids`` leaves them out) do not interrupt the text.
    """
    open_line, state.open_line = state.open_line, None
    content = [item for item in items if id(item) in content_ids]
    last = content[-1] if content else None
    if last is not None and isinstance(last.block, Paragraph) and last.last_line is not None:
        state.open_line = last.last_line
    position = next((i for i in range(len(state.blocks) - 1, -1, -1) if i not in state.furniture_positions), None)
    if open_line is None or not content or position is None:
        return
    previous = state.blocks[position]
    first = content[0]
    if not isinstance(first.block, Paragraph) or first.first_line is None or not isinstance(previous, Paragraph):
        return
    if not wraps_onto(open_line, first.first_line, frame, 0.25 * open_line.size, same_page=False):
        return
    if previous.bold != first.block.bold:
        return
    state.blocks[position] = Paragraph(
        text=f"{previous.text}{'' if ends_with_hyphen_break(open_line) else ' '}{first.block.text}",
        page=previous.page,
        line=previous.line,
        bold=previous.bold,
        italic=previous.italic and first.block.italic,
        centered=previous.centered,
    )
    if first is last:
        state.open_line = first.last_line
    items.remove(first)


def _drop_page_numbers(lines: list[Line], height: float) -> list[Line]:
    """A lone number ("3", "- 3 -", "Trang 3") as the first or last line near the page edge."""
    kept = list(lines)
    for position in (0, -1):
        if not kept:
            break
        line = kept[position]
        near_edge = line.top < 0.15 * height or line.bottom > 0.85 * height
        if near_edge and _PAGE_NUMBER.match(line.text.strip()):
            kept.pop(position)
    return kept


def _paragraph_items(lines: list[Line], frame: TextFrame, number: int, height: float, width: float) -> list[_Item]:
    items: list[_Item] = []
    index = 0
    body: list[tuple[int, Line]] = []
    while index < len(lines):
        block_end, split_x = _column_block(lines, index)
        if block_end > index:
            items.extend(_column_block_items(lines[index:block_end], split_x, number, index + 1))
            index = block_end
            continue
        body.append((index, lines[index]))
        index += 1
    current: list[tuple[int, Line]] = []
    for line_index, line in body:
        if current and current[-1][0] == line_index - 1 and wraps_onto(current[-1][1], line, frame, 0.25 * line.size):
            current.append((line_index, line))
            continue
        if current:
            items.append(_paragraph_item(current, frame, number, height, len(lines)))
        current = [(line_index, line)]
    if current:
        items.append(_paragraph_item(current, frame, number, height, len(lines)))
    return items


def _paragraph_item(group: list[tuple[int, Line]], frame: TextFrame, number: int, height: float, n_lines: int) -> _Item:
    lines = [line for _, line in group]
    first, last = lines[0], lines[-1]
    text = join_lines(lines)
    centre = (frame.left + frame.right) / 2
    centered = all(
        abs((line.x0 + line.x1) / 2 - centre) < 0.04 * (frame.right - frame.left)
        and line.x0 > frame.left + 1.5 * line.size
        and line.x1 < frame.right - 1.5 * line.size
        for line in lines
    )
    paragraph = Paragraph(
        text=text,
        page=number,
        line=group[0][0] + 1,
        bold=all(line.bold for line in lines),
        italic=all(line.italic for line in lines),
        centered=centered,
    )
    in_margin = group[0][0] < 2 or group[-1][0] >= n_lines - 2
    near_edge = first.top < 0.12 * height or last.bottom > 0.88 * height
    margin_text = re.sub(r"\d+", "#", text.lower()) if in_margin and near_edge else ""
    return _Item(
        top=first.top,
        block=paragraph,
        bottom=last.bottom,
        margin_text=margin_text,
        first_line=first,
        last_line=last,
    )


def _column_block(lines: list[Line], start: int) -> tuple[int, float]:
    """Lines from ``start`` laid out as two side-by-side columns; returns (end index, split x)."""
    segments = split_segments(lines[start], _COLUMN_GAP_FACTOR)
    if len(segments) < 2:
        return start, 0.0
    split_x = segments[1].x0
    end = start + 1
    prev = lines[start]
    while end < len(lines):
        line = lines[end]
        if line.top - prev.bottom > 1.5 * line.size:
            break
        parts = split_segments(line, _COLUMN_GAP_FACTOR)
        one_side = line.x1 < split_x - line.size or line.x0 >= split_x - 2 * line.size
        two_sides = len(parts) >= 2 and parts[0].x1 < split_x and parts[1].x0 >= split_x - 2 * line.size
        if not (one_side or two_sides):
            break
        prev = line
        end += 1
    return end, split_x


def _column_block_items(lines: list[Line], split_x: float, number: int, first_line: int) -> list[_Item]:
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        for segment in split_segments(line, _COLUMN_GAP_FACTOR):
            (right if segment.x0 >= split_x - 2 * segment.size else left).append(segment.text)
    top, bottom = lines[0].top, lines[-1].bottom
    if any(_NATIONAL_MOTTO.search(text) for text in left + right):
        # The national header is a borderless 2-column table in the DOCX original: same block here.
        cells = [RawCell(" ".join(left), page=number), RawCell(" ".join(right), page=number)]
        return [
            _Item(
                top,
                RawTable(rows=[cells], page=number, line=first_line, borderless=True, pages=[number]),
                bottom,
            )
        ]
    items = [_Item(top, Paragraph(text, page=number, line=first_line), bottom) for text in left]
    items.extend(_Item(top + 0.01, Paragraph(text, page=number, line=first_line), bottom) for text in right)
    return items


# ---------------------------------------------------------------- the whole document


def _drop_running_furniture(state: _ReaderState) -> list[Block]:
    """Running headers/footers: the same margin text on at least half the pages (and at least 3)."""
    counts = Counter(text for _, text in state.margin_items)
    threshold = max(3, (state.text_pages + 1) // 2)
    drop = {index for index, text in state.margin_items if counts[text] >= threshold}
    return [block for index, block in enumerate(state.blocks) if index not in drop]
