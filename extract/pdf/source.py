"""Where a PDF page's characters and ruling edges come from: PDFium (default) or pdfplumber.

The layout and table code read a page through :class:`PageSource` only: ``chars`` (is there a
text layer?), ``extract_words`` (pdfplumber's word grouping, with the characters of each word)
and ``find_tables`` (pdfplumber's ruled-table finder over the page's edges). A pdfplumber
``Page`` has these natively; :class:`~extract.pdf.pdfium_source.PdfiumPage` provides them from
PDFium, ~3x faster because pdfminer's pure-Python parsing is skipped. A page with ``/Rotate``
is read with pdfplumber (PDFium reports unrotated coordinates).

The backend is chosen with the environment variable ``DANHMUC_PDF_BACKEND`` (``pdfium`` or
``pdfplumber``); a document PDFium cannot open is read with pdfplumber, whose errors tell a
damaged file from an encrypted one.
"""

from __future__ import annotations

import io
from typing import Any, Protocol

from extract.settings import extract_settings

BACKEND_VARIABLE = "DANHMUC_PDF_BACKEND"
BACKENDS = ("pdfium", "pdfplumber")
DEFAULT_BACKEND = "pdfium"  # as ExtractSettings.pdf_backend


class PageSource(Protocol):
    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...

    @property
    def chars(self) -> list[dict[str, Any]]: ...

    def extract_words(self, **settings: Any) -> list[dict[str, Any]]: ...

    def find_tables(self, settings: dict[str, Any]) -> list[Any]: ...

    @property
    def figures(self) -> list[tuple[float, float, float, float]]:
        """Boxes (x0, top, x1, bottom) of drawings: curves and slanted strokes, never in a table."""
        ...

    def close(self) -> None: ...


class PageDocument(Protocol):
    backend: str

    def __len__(self) -> int: ...

    def page(self, index: int) -> PageSource: ...

    def close(self) -> None: ...


class PlumberDocument:
    """A pdfplumber PDF behind the :class:`PageDocument` interface."""

    backend = "pdfplumber"

    def __init__(self, data: bytes) -> None:
        import pdfplumber

        self._pdf = pdfplumber.open(io.BytesIO(data), password="")
        try:
            self._pages = list(self._pdf.pages)  # pages parse lazily: this only walks the page tree
        except Exception:
            self._pdf.close()
            raise

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, index: int) -> PageSource:
        return PlumberPage(self._pages[index])

    def close(self) -> None:
        self._pdf.close()


class PlumberPage:
    """A pdfplumber page whose table finder sees only the shapes that can be rules (no shading)."""

    def __init__(self, page: Any) -> None:
        self._page = page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)

    @property
    def width(self) -> float:
        return float(self._page.width)

    @property
    def height(self) -> float:
        return float(self._page.height)

    @property
    def chars(self) -> list[dict[str, Any]]:
        chars: list[dict[str, Any]] = self._page.chars
        return chars

    def extract_words(self, **settings: Any) -> list[dict[str, Any]]:
        words: list[dict[str, Any]] = self._page.extract_words(**settings)
        return words

    @property
    def figures(self) -> list[tuple[float, float, float, float]]:
        from extract.pdf.rules import plumber_figures

        return plumber_figures(self._page)

    def find_tables(self, settings: dict[str, Any]) -> list[Any]:
        from extract.pdf.rules import closing_rules, plumber_rule_object

        page = self._page.filter(plumber_rule_object)
        return list(page.find_tables({**settings, "explicit_horizontal_lines": closing_rules(page.edges)}))

    def close(self) -> None:
        self._page.close()


class PdfiumBackedDocument:
    """A PDFium document behind the :class:`PageDocument` interface; rotated pages go to pdfplumber."""

    backend = "pdfium"

    def __init__(self, data: bytes) -> None:
        from extract.pdf.pdfium_source import PdfiumDocument

        self._data = data
        self._document = PdfiumDocument(data)
        self._plumber: PlumberDocument | None = None

    def __len__(self) -> int:
        return len(self._document)

    def page(self, index: int) -> PageSource:
        from extract.pdf.pdfium_source import RotatedPageError

        try:
            return self._document.page(index)
        except RotatedPageError:
            if self._plumber is None:
                self._plumber = PlumberDocument(self._data)
            return self._plumber.page(index)

    def close(self) -> None:
        self._document.close()
        if self._plumber is not None:
            self._plumber.close()


def chosen_backend() -> str:
    return extract_settings().pdf_backend


def open_document(data: bytes) -> PageDocument:
    """Open with the chosen backend; PDFium's failures fall back to pdfplumber (which may raise)."""
    if chosen_backend() == "pdfium":
        try:
            return PdfiumBackedDocument(data)
        except Exception:  # noqa: S110 - pdfplumber below reads it or explains what is wrong
            pass
    return PlumberDocument(data)
