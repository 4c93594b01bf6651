"""The source of a row as a reviewer sees it: the page image with the row's region marked.

Pages are rendered on the server from the stored original with pypdfium2. Rows carry no bounding
box in their provenance (page, table, row only), so the region is looked up on the page: on a PDF
with a text layer the row's number and title are searched with pdfplumber and the lines found are
framed; on a scan (no text layer) or when the text is not found, the whole page is framed and the
answer says so (``X-Highlight: page``), never a guessed box. Renders are kept per process, since a
review queue shows the same pages again and again.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from api.routes.documents import _from_archive
from api.state import ServiceState
from extract.model import CatalogEntry, Document, SourceFormat
from extract.pdf.native import PDFIUM_LOCK

RENDER_SCALE = 1.5  # 108 dpi: a table row stays legible on a 1366×768 screen without zooming
CACHE_ENTRIES = 64
HIGHLIGHT = (255, 196, 0)


@dataclass(frozen=True, slots=True)
class PageImage:
    png: bytes
    highlight: str  # "region" (the row's lines were found) or "page" (only the page is known)
    box: tuple[int, int, int, int] | None = None  # the region in image pixels (x0, top, x1, bottom)

    def cropped(self, margin: int = 90) -> bytes:
        """Just the region and a few lines around it: what a side-by-side comparison has room for."""
        if self.box is None:
            return self.png
        from PIL import Image

        image = Image.open(io.BytesIO(self.png))
        top, bottom = max(0, self.box[1] - margin), min(image.height, self.box[3] + margin)
        buffer = io.BytesIO()
        image.crop((0, top, image.width, bottom)).save(buffer, format="PNG")
        return buffer.getvalue()


_cache: OrderedDict[tuple[str, int, str], PageImage] = OrderedDict()
_lock = threading.Lock()


def original_bytes(state: ServiceState, document: Document) -> bytes | None:
    data = state.blobs.get(document.sha256)
    return data if data is not None else _from_archive(state, document.sha256)


def has_page_images(document: Document) -> bool:
    return document.format in (SourceFormat.PDF, SourceFormat.IMAGE) and document.page_count > 0


def _following(document: Document, entry: CatalogEntry | None) -> CatalogEntry | None:
    if entry is None:
        return None
    later = [e for e in document.catalog if e.table == entry.table and e.row > entry.row]
    return min(later, key=lambda e: e.row) if later else None


def _tokens(text: str) -> list[str]:
    return [unicodedata.normalize("NFC", word).casefold() for word in text.split()]


def _line_top(words: list[dict[str, Any]], entry: CatalogEntry) -> tuple[float, float] | None:
    """(top, bottom) of the line where the entry's row starts: its number then the first words of its title.

    Table cells wrap, so the whole title is rarely on one line (in a narrow column not even its first
    three words are): the row's number followed by as many of the title's first words as share its line
    identifies the row, and tells apart rows whose titles begin alike. Without a printed number, three
    words of the title on one line must do.
    """
    title = _tokens(entry.title)[:3]
    number = entry.number.strip().casefold()
    texts = [unicodedata.normalize("NFC", w["text"]).casefold() for w in words]
    for size in range(len(title), 0 if number else len(title) - 1, -1):
        wanted = ([number] if number else []) + title[:size]
        for start in range(len(words) - len(wanted) + 1):
            if texts[start : start + len(wanted)] != wanted:
                continue
            run = words[start : start + len(wanted)]
            if max(w["top"] for w in run) - min(w["top"] for w in run) <= 3:  # in reading order, and on one line
                return min(w["top"] for w in run), max(w["bottom"] for w in run)
    return None


def _region(data: bytes, page_number: int, entry: CatalogEntry | None,
            following: CatalogEntry | None) -> tuple[float, float, float, float] | None:  # fmt: skip
    """The row's box in PDF points (x0, top, x1, bottom), when the row is found in the text layer."""
    if entry is None:
        return None
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), pages=[page_number]) as pdf:
            page = pdf.pages[0]
            if not page.chars:
                return None  # a scan: no text to find the row by
            words = page.extract_words()
            found = _line_top(words, entry)
            if found is None:
                return None
            top, bottom = found
            after = _line_top(words, following) if following is not None else None
            if after is not None and after[0] > bottom:
                bottom = after[0] - 2
            else:
                bottom += 2 * (bottom - top)  # the next row is on another page: about three lines
            return 0.0, top - 3, float(page.width), min(float(page.height), bottom)
    except Exception:  # noqa: BLE001 - a page we cannot search is shown whole, and said so
        return None


def render_page(state: ServiceState, document: Document, page_number: int, entry: CatalogEntry | None) -> PageImage:
    """The page as PNG with the entry's region (or the whole page) framed; raises LookupError when absent."""
    key = (document.sha256, page_number, f"{entry.table}:{entry.row}" if entry else "")
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    data = original_bytes(state, document)
    if data is None or not 1 <= page_number <= max(1, document.page_count):
        raise LookupError(page_number)
    import pypdfium2
    from PIL import Image, ImageDraw

    if document.format is SourceFormat.IMAGE:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        box = None
    else:
        with PDFIUM_LOCK:
            pdf = pypdfium2.PdfDocument(data)
            try:
                image = pdf[page_number - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
            finally:
                pdf.close()
        box = _region(data, page_number, entry, _following(document, entry))
    draw = ImageDraw.Draw(image, "RGBA")
    pixels = None
    if box is not None:
        x0, top, x1, bottom = (int(value * RENDER_SCALE) for value in box)
        pixels = (x0, top, x1, bottom)
        draw.rectangle((x0 + 2, top, x1 - 2, bottom), fill=(*HIGHLIGHT, 70), outline=(*HIGHLIGHT, 255), width=4)
    else:
        draw.rectangle((1, 1, image.width - 2, image.height - 2), outline=(*HIGHLIGHT, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    rendered = PageImage(buffer.getvalue(), "region" if box is not None else "page", pixels)
    with _lock:
        _cache[key] = rendered
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return rendered
