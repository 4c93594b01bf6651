"""One page through the whole OCR pipeline: clean, find tables, read cells, read text, order.

Runs inside a pool worker; everything it returns is a plain frozen record so it pickles back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from extract.blocks import Block, Paragraph, RawTable
from extract.ocr.cellfix import correct_readings
from extract.ocr.cells import LOW_CONFIDENCE, CellReading, mean_confidence, read_cells, to_raw_table
from extract.ocr.columns import PageCodes, off_pattern, page_codes, siblings_of
from extract.ocr.engine import PSM_SINGLE_COLUMN, Engine, Word, get_engine
from extract.ocr.grid import find_tables, line_masks
from extract.ocr.header_number import uncertain_number
from extract.ocr.layout import LaidOutBlock, lay_out, relabel_letters
from extract.ocr.numbering import out_of_sequence
from extract.ocr.postcorrect import Correction, correct_text, vietnamese_share
from extract.ocr.preprocess import (
    PageImage,
    PreparedPage,
    Seal,
    ink_share,
    is_blank,
    prepare,
    rotate_quarter,
)
from extract.ocr.roman import recount_roman

Warning = tuple[str, str, int | None]

LOW_PAGE_CONFIDENCE = 0.55
MIN_VIETNAMESE_SHARE = 0.15
MAX_INK_SHARE = 0.30


@dataclass(frozen=True, slots=True)
class PageStats:
    skew_deg: float = 0.0
    rotated: int = 0
    tables: int = 0
    cells: int = 0
    words: int = 0
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class PageResult:
    number: int
    blocks: list[Block]
    warnings: list[Warning] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    stats: PageStats = field(default_factory=PageStats)


def ocr_page(image: PageImage) -> PageResult:
    prepared = prepare(image)
    result = _ocr_prepared(image, prepared)
    if not prepared.seals:
        return result
    warnings = list(result.warnings) + [seal_warning(image.number, seal) for seal in prepared.seals]
    return PageResult(result.number, result.blocks, warnings, result.corrections, result.stats)


def seal_warning(number: int, seal: Seal) -> Warning:
    """Removing a seal keeps its ink out of the text, but printed words under it lose the strokes they
    share with it: a reviewer must know where to look on the page."""
    colour = {"red": ("đỏ", "red"), "blue": ("xanh", "blue")}[seal.colour]
    top, bottom = round(seal.top_share * 100), round(seal.bottom_share * 100)
    return (
        "seal_removed",
        f"Trang {number}: đã xoá con dấu màu {colour[0]} (khoảng {seal.width_mm} × {seal.height_mm} mm, từ "
        f"{top} % đến {bottom} % chiều cao trang) trước khi nhận dạng; chữ nằm dưới dấu có thể bị mất hoặc "
        f"đọc sai — cần kiểm tra / page {number}: a {colour[1]} seal or stamp (about {seal.width_mm} × "
        f"{seal.height_mm} mm, {top}-{bottom} % down the page) was removed before OCR; text under it may be "
        "lost or misread",
        number,
    )


def _ocr_prepared(image: PageImage, prepared: PreparedPage) -> PageResult:
    if is_blank(prepared.ink):
        return PageResult(image.number, [], [_empty_page(image.number)], stats=PageStats(skew_deg=prepared.skew_deg))
    if ink_share(prepared.ink) > MAX_INK_SHARE:
        # Reading a photo or noise as text takes tesseract half a minute and yields garbage.
        return PageResult(
            image.number, [], [_not_a_document(image.number)], stats=PageStats(skew_deg=prepared.skew_deg)
        )
    engine = get_engine()
    result = _read(engine, prepared)
    if _looks_unreadable(result):
        turned = _upright(engine, prepared)
        if turned is not None:
            retry = _read(engine, turned[0])
            if (retry.stats.confidence or 0.0) > (result.stats.confidence or 0.0):
                stats = retry.stats
                result = PageResult(
                    retry.number,
                    retry.blocks,
                    retry.warnings,
                    retry.corrections,
                    PageStats(stats.skew_deg, turned[1], stats.tables, stats.cells, stats.words, stats.confidence),
                )
    return _with_page_warnings(result)


def _read(engine: Engine, page: PreparedPage) -> PageResult:
    number, dpi = page.number, page.dpi
    grids = find_tables(page.ink, dpi)
    masks = line_masks(page.ink, dpi)
    lines = cv2.bitwise_or(masks.horizontal, masks.vertical)
    paper = int(np.percentile(page.gray, 95))
    clean = page.gray.copy()
    clean[lines > 0] = paper
    ink = cv2.bitwise_and(page.ink, cv2.bitwise_not(lines))

    laid_out: list[tuple[int, Block]] = []
    warnings: list[Warning] = []
    all_words: list[Word] = []
    cell_count = 0
    cell_corrections: list[Correction] = []
    read = [read_cells(engine, clean, ink, grid, dpi) for grid in grids]
    # A one-row table ("57 | HĐND thành phố Huế | K57") shows no pattern of its own: the page's other
    # tables of its width lend theirs.
    codes = page_codes(read)
    for grid, raw_readings in zip(grids, read, strict=True):
        siblings = siblings_of(raw_readings, codes)
        # Repaired while word boxes and confidences are at hand: text alone cannot tell a speck from a mark.
        readings, fixed = correct_readings(raw_readings, number, siblings)
        cell_corrections.extend(fixed)
        warnings.extend(column_warnings(readings, number, codes))
        cell_count += len(readings)
        table = to_raw_table(grid, readings, number, after_break=False)
        laid_out.append((grid.top, table))
        if number == 1:  # the national header set in a ruled grid: "Số: …" is in one of its cells
            warnings.extend(_number_warning([reading.words for reading in readings]))
        for reading in readings:
            all_words.extend(reading.words)
            if reading.confidence is not None and reading.confidence < LOW_CONFIDENCE:
                warnings.append(
                    (
                        "low_confidence_cell",
                        f"Ô bảng (hàng {reading.cell.row + 1}, cột {reading.cell.col + 1}) nhận dạng kém, "
                        f"độ tin cậy {reading.confidence:.2f}: «{reading.text[:60]}» — cần kiểm tra / "
                        f"low OCR confidence in table cell (row {reading.cell.row + 1}, "
                        f"column {reading.cell.col + 1}): {reading.confidence:.2f}",
                        number,
                    )
                )

    text_image = clean.copy()
    text_ink = ink.copy()
    margin = max(4, dpi // 50)
    for grid in grids:
        box = (
            slice(max(0, grid.top - margin), grid.bottom + margin),
            slice(max(0, grid.left - margin), grid.right + margin),
        )
        text_image[box] = paper
        text_ink[box] = 0
    text_blocks: list[LaidOutBlock] = []
    if not is_blank(text_ink):
        engine.set_image(text_image, dpi)
        words, recounted = recount_roman(engine.words(PSM_SINGLE_COLUMN), text_image, number)
        words, relabelled = relabel_letters(words, number)
        cell_corrections.extend(recounted + relabelled)
        all_words.extend(words)
        text_blocks = lay_out(words, number, text_image.shape[1], dpi)
        if number == 1:
            warnings.extend(_number_warning([words]))
    laid_out.extend((block.top, block.block) for block in text_blocks)
    laid_out.sort(key=lambda item: item[0])

    blocks, corrections = _correct(laid_out, number)
    if _too_many_changes(laid_out, corrections):
        # The language model's picture of the text does not hold here (names, codes, another
        # language): Tesseract's own reading of the running text is kept, and the page flagged.
        blocks, corrections = [block for _, block in laid_out], []
        warnings.append(
            (
                "ocr_corrections_reverted",
                f"Trang {number}: hậu kiểm OCR muốn sửa quá nhiều từ, giữ nguyên bản đọc của Tesseract — cần "
                f"kiểm tra / page {number}: post-correction would change too many words; Tesseract's reading "
                "kept",
                number,
            )
        )
    corrections = cell_corrections + corrections
    blocks = _mark_after_break(blocks, number)
    stats = PageStats(
        skew_deg=page.skew_deg,
        tables=len(grids),
        cells=cell_count,
        words=len(all_words),
        confidence=mean_confidence(all_words),
    )
    return PageResult(number, blocks, warnings, corrections, stats)


def _number_warning(groups: list[list[Word]]) -> list[Warning]:
    """The first page's "Số: …" read with low confidence: likely handwritten, to be checked by eye.

    ``groups`` are words recognised together (the page's running text, or one table cell each): line
    numbers are only comparable within one recognition.
    """
    found = next((hit for hit in map(uncertain_number, groups) if hit is not None), None)
    if found is None:
        return []
    text, confidence = found
    return [
        (
            "metadata_number_uncertain",
            f"Số hiệu «{text}» đọc với độ tin cậy thấp ({confidence:.2f}), có thể viết tay — cần kiểm tra / "
            f"the document number '{text}' was read with low OCR confidence ({confidence:.2f}), perhaps "
            "handwritten: check it",
            1,
        )
    ]


# Post-correction changes a few words in a hundred of a real page (4 % at most on the real scans);
# wanting to change more than this share says the text is not what the model knows.
MAX_CORRECTED_SHARE = 0.2
MIN_GUARDED_WORDS = 30


def _too_many_changes(laid_out: list[tuple[int, Block]], corrections: list[Correction]) -> bool:
    words = sum(len(block.text.split()) for _, block in laid_out if isinstance(block, Paragraph))
    return words >= MIN_GUARDED_WORDS and len(corrections) > MAX_CORRECTED_SHARE * words


def column_warnings(readings: list[CellReading], number: int, codes: PageCodes | None = None) -> list[Warning]:
    """Row numbers out of their column's sequence and codes off their column's pattern, left as read."""
    found: list[Warning] = []
    for index in out_of_sequence(readings):
        cell = readings[index].cell
        found.append(
            (
                "number_out_of_sequence",
                f"Số thứ tự «{readings[index].text}» (hàng {cell.row + 1}, cột {cell.col + 1}) không khớp "
                f"thứ tự của cột — cần kiểm tra / row number {readings[index].text!r} (row {cell.row + 1}, "
                f"column {cell.col + 1}) breaks its column's sequence; left as read",
                number,
            )
        )
    for index in off_pattern(readings, siblings_of(readings, codes)):
        cell = readings[index].cell
        found.append(
            (
                "code_out_of_pattern",
                f"Mã «{readings[index].text}» (hàng {cell.row + 1}, cột {cell.col + 1}) không theo mẫu của cột "
                f"— cần kiểm tra / code {readings[index].text!r} (row {cell.row + 1}, column {cell.col + 1}) "
                "does not fit its column's pattern; left as read",
                number,
            )
        )
    return found


def _correct(laid_out: list[tuple[int, Block]], number: int) -> tuple[list[Block], list[Correction]]:
    blocks: list[Block] = []
    corrections: list[Correction] = []
    for _, block in laid_out:
        if isinstance(block, Paragraph):
            text, fixed = correct_text(block.text, number)
            corrections.extend(fixed)
            blocks.append(Paragraph(text=text, page=block.page, centered=block.centered))
            continue
        if block.ruled:
            blocks.append(block)  # its cells were corrected with the readings' evidence (cellfix)
            continue
        rows = []
        for row in block.rows:
            new_row = []
            for cell in row:
                text, fixed = correct_text(cell.text, number)
                if not cell.inherited:
                    corrections.extend(fixed)
                new_row.append(
                    type(cell)(
                        text=text,
                        row_span=cell.row_span,
                        col_span=cell.col_span,
                        page=cell.page,
                        inherited=cell.inherited,
                        confidence=cell.confidence,
                    )
                )
            rows.append(new_row)
        blocks.append(
            RawTable(
                rows=rows,
                page=block.page,
                ruled=block.ruled,
                after_break=block.after_break,
                borderless=block.borderless,
                pages=block.pages,
            )
        )
    return blocks, corrections


def _mark_after_break(blocks: list[Block], number: int) -> list[Block]:
    """A ruled table that opens a page (nothing but a page number above it) may continue the last page's."""
    if number <= 1:
        return blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if is_page_number(block.text):
                continue
            return blocks
        if block.borderless:
            return blocks
        marked = RawTable(
            rows=block.rows,
            page=block.page,
            ruled=block.ruled,
            after_break=True,
            borderless=False,
            pages=block.pages,
        )
        return blocks[:index] + [marked] + blocks[index + 1 :]
    return blocks


def is_page_number(text: str) -> bool:
    stripped = text.strip(" -–—.")
    return stripped.isdigit() and len(stripped) <= 4


def _looks_unreadable(result: PageResult) -> bool:
    confidence = result.stats.confidence
    return result.stats.words < 8 or confidence is None or confidence < LOW_PAGE_CONFIDENCE


def _upright(engine: Engine, page: PreparedPage) -> tuple[PreparedPage, int] | None:
    """Ask tesseract's orientation detector (only for pages that read badly: it costs a process)."""
    degrees = _osd_rotation(page.gray, page.dpi)
    if degrees == 0:
        return None
    gray = rotate_quarter(page.gray, degrees)
    ink = rotate_quarter(page.ink, degrees)
    turned = PreparedPage(
        number=page.number, gray=gray, ink=ink, dpi=page.dpi, skew_deg=page.skew_deg, seals=page.seals
    )
    return turned, degrees


def _osd_rotation(gray: np.ndarray, dpi: int) -> int:
    """Counter-clockwise quarter turns (in degrees) that make the page upright; 0 when unsure."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(gray, config=f"--psm 0 --dpi {dpi}", output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, OSError, ValueError):
        return 0
    if float(osd.get("orientation_conf", 0.0)) < 1.5:
        return 0
    rotate_cw = int(osd.get("rotate", 0)) % 360
    # Tesseract says how far to rotate clockwise; np.rot90 turns counter-clockwise.
    return (360 - rotate_cw) % 360


def _with_page_warnings(result: PageResult) -> PageResult:
    number = result.number
    warnings = list(result.warnings)
    texts = [block.text for block in result.blocks if isinstance(block, Paragraph)]
    texts += [cell.text for block in result.blocks if isinstance(block, RawTable) for row in block.rows for cell in row]
    joined = " ".join(text for text in texts if text)
    if not joined.strip():
        warnings.append(_empty_page(number))
        return PageResult(number, [], warnings, result.corrections, result.stats)
    confidence = result.stats.confidence or 0.0
    if confidence < LOW_PAGE_CONFIDENCE:
        warnings.append(
            (
                "low_confidence_page",
                f"Trang {number} nhận dạng kém (độ tin cậy {confidence:.2f}); "
                "có thể không phải trang văn bản "
                f"hoặc ảnh quá mờ / page {number} read poorly (OCR confidence {confidence:.2f}): "
                "not a document page, or too blurred",
                number,
            )
        )
    share = vietnamese_share(joined)
    if share is not None and share < MIN_VIETNAMESE_SHARE:
        warnings.append(
            (
                "no_vietnamese_text",
                f"Trang {number} không có chữ tiếng Việt nhận dạng được / "
                f"no Vietnamese text recognised on page {number}",
                number,
            )
        )
    return PageResult(number, result.blocks, warnings, result.corrections, result.stats)


def _not_a_document(number: int) -> Warning:
    return (
        "not_a_document",
        f"Trang {number} không giống trang văn bản (ảnh chụp hoặc nhiễu), bỏ qua nhận dạng / "
        f"page {number} does not look like a document page (a photo or noise); OCR skipped",
        number,
    )


def _empty_page(number: int) -> Warning:
    return (
        "empty_page",
        f"Trang {number} không có chữ (trang trắng hoặc chỉ có hình) / page {number} has no text (blank or image only)",
        number,
    )
