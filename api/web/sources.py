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
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from api.routes.documents import _from_archive
from api.state import ServiceState
from extract.model import CatalogEntry, Document, SourceFormat

RENDER_SCALE = 1.5  # 108 dpi: a table row stays legible on a 1366×768 screen without zooming
CACHE_ENTRIES = 64
HIGHLIGHT = (255, 196, 0)


@dataclass(frozen=True, slots=True)
class PageImage:
    png: bytes
    highlight: str  # "region" (the row's lines were found) or "page" (only the page is known)


_cache: OrderedDict[tuple[str, int, str], PageImage] = OrderedDict()
_lock = threading.Lock()


def original_bytes(state: ServiceState, document: Document) -> bytes | None:
    data = state.blobs.get(document.sha256)
    return data if data is not None else _from_archive(state, document.sha256)


def has_page_images(document: Document) -> bool:
    return document.format in (SourceFormat.PDF, SourceFormat.IMAGE) and document.page_count > 0


def _needles(entry: CatalogEntry | None) -> list[str]:
    if entry is None:
        return []
    words = re.sub(r"\s+", " ", entry.title).strip()
    found = [words[:60]] if len(words) >= 6 else []
    if len(words) > 25:
        found.append(words[:25])
    return found


def _region(data: bytes, page_number: int, entry: CatalogEntry | None) -> tuple[float, float, float, float] | None:
    """The row's box in PDF points (x0, top, x1, bottom), when its title is found in the text layer."""
    needles = _needles(entry)
    if not needles:
        return None
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), pages=[page_number]) as pdf:
            page = pdf.pages[0]
            if not page.chars:
                return None
            for needle in needles:
                hits = page.search(re.escape(needle).replace(r"\ ", r"\s*"), regex=True, case=False)
                if hits:
                    hit = hits[0]
                    return 0.0, float(hit["top"]) - 4, float(page.width), float(hit["bottom"]) + 4
    except Exception:  # noqa: BLE001 - a page we cannot search is shown whole, and said so
        return None
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
        pdf = pypdfium2.PdfDocument(data)
        try:
            image = pdf[page_number - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
        box = _region(data, page_number, entry)
    draw = ImageDraw.Draw(image, "RGBA")
    if box is not None:
        x0, top, x1, bottom = (value * RENDER_SCALE for value in box)
        draw.rectangle((x0 + 2, top, x1 - 2, bottom), fill=(*HIGHLIGHT, 70), outline=(*HIGHLIGHT, 255), width=4)
    else:
        draw.rectangle((1, 1, image.width - 2, image.height - 2), outline=(*HIGHLIGHT, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    rendered = PageImage(buffer.getvalue(), "region" if box is not None else "page")
    with _lock:
        _cache[key] = rendered
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return rendered
