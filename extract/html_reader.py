"""HTML (Word's "Save as Web Page", also plain .htm/.html, whatever the file is called) into a block stream.

Offices keep Word documents saved as web pages under a ``.doc`` name: "<html xmlns:o=…urn:schemas-microsoft-com…"
(the realdocs18 trial's "Ke_hoach_tap_huan.doc"). Read as plain text, its CSS rules became sections. Here the page is
parsed with lxml's HTML parser (libxml2: already a dependency, for DOCX; tolerant of Word's unquoted attributes,
unclosed tags and conditional comments; entities decoded) and read like a DOCX body: the visible text in block order,
one :class:`Paragraph` per paragraph line (``<br>`` breaks a line, as a soft break does in Word), and each
``<table>`` a :class:`RawTable` whose grid repeats a horizontally merged cell and marks the positions a
``rowspan`` covers ``inherited``, as the DOCX reader does. ``<head>``, ``<style>``, ``<script>``, comments (Word's
``<!--[if gte mso 9]><xml>…`` islands among them) and elements styled ``display:none`` are not text.

The charset is the page's own: a byte-order mark, else ``<meta charset>`` / ``http-equiv`` (Word writes utf-8 or
windows-1258, the latter with combining tone marks, composed here to NFC), else the legacy text decoder decides
(UTF-8, TCVN3, VNI, Windows-1258), as for a text file. ``line`` is the paragraph's 1-based index in the page, like
the DOCX reader's; there are no pages (``page`` None, one page counted).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.errors import CorruptFileError
from extract.legacy import convert_runs
from extract.legacy import decode_text as decode_legacy_text
from extract.legacy.encodings import decode_cp1258
from extract.mht import html_of_mht, looks_like_mht
from extract.safety import max_text_chars

# The opening of an HTML page: an XML declaration, comments and a doctype may come before <html>.
_HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html\b|<(?:html|head|body)[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SKIPPED = frozenset({"head", "style", "script", "noscript", "template", "title", "xml", "object", "iframe"})
_BLOCK = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
        "center", "section", "article", "header", "footer", "address", "hr", "form", "fieldset", "body", "caption",
        "tr", "td", "th", "thead", "tbody", "tfoot", "nav", "main", "aside", "figure", "figcaption",
    }
)  # fmt: skip
_BREAK = "\u2028"  # a <br>: the source's own newlines are mere spaces in HTML
_HEADING = re.compile(r"h[1-6]")
_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_ITALIC_STYLE = re.compile(r"font-style\s*:\s*italic", re.IGNORECASE)
_CENTERED_STYLE = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
# The font a run is drawn in: "<font face='.VnTime'>", "style='font-family:\".VnTimeH\";…'" (the first family named).
_FONT_FAMILY = re.compile(r"font-family\s*:\s*[\"'&quot;]*\s*([^;,\"']+)", re.IGNORECASE)
# A drawn border: "border:1.0pt solid windowtext", "border-top: solid black .5pt" (not "border:none", not mso-*).
_BORDER_STYLE = re.compile(
    r"(?<![\w-])border(?:-(?:top|bottom|left|right))?\s*:\s*[^;]*\b(?:solid|double|dotted|dashed)"
)


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` opens as an HTML page (UTF-8/ASCII-compatible bytes, or UTF-16 with its mark)."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    return bool(_HTML_START.match(head))


def _charset_declared(data: bytes, charset: str) -> bool:
    """Whether decode_html read the page by a mark or a known declared charset (not by the legacy decoder)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    declared = _META_CHARSET.search(data[:8192])
    for name in (charset, declared.group(1).decode("ascii") if declared is not None else ""):
        try:
            if name and codecs.lookup(name.lower()):
                return True
        except LookupError:
            continue
    return False


def decode_html(data: bytes, charset: str = "") -> tuple[str, str]:
    """The page's text and the encoding it was read with: its mark, ``charset`` (a MIME part's, extract.mht), its
    declared charset, else the evidence."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    declared = _META_CHARSET.search(data[:8192])
    for name in (charset, declared.group(1).decode("ascii") if declared is not None else ""):
        name = name.lower()
        if name in ("windows-1258", "cp1258", "x-cp1258"):
            return decode_cp1258(data), "cp1258"
        try:
            codec = codecs.lookup(name).name if name else ""
        except LookupError:
            codec = ""  # an unknown name: the next rule decides
        if codec:
            return data.decode(codec, errors="replace"), codec
    return decode_legacy_text(data)


@dataclass
class _Piece:
    text: str
    bold: bool
    italic: bool


def _font_of(element: etree._Element, inherited: str) -> str:
    """The font the element draws its text in: its own ``face`` or CSS ``font-family``, else its parent's."""
    face = (element.get("face") or "").split(",")[0].strip() if _tag(element) == "font" else ""
    family = _FONT_FAMILY.search(element.get("style", ""))
    return face or (family.group(1).strip() if family else "") or inherited


@dataclass
class _Reader:
    blocks: list[Block] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    centered: bool = False
    chars: int = 0
    limit: int = 0
    cut: bool = False
    # A page decoded by its declared charset may still hold TCVN3 or VNI text drawn in a legacy font (".VnTime",
    # "VNI-Times": an office page of the 2000s); one decoded by the legacy text decoder is Unicode already.
    legacy_fonts: bool = False

    # ------------------------------------------------------------ paragraphs

    def flush(self) -> None:
        pieces, self.pieces = self.pieces, []
        if not pieces or self.cut:
            return
        text = "".join(piece.text for piece in pieces)
        marked = [piece for piece in pieces if piece.text.strip()]
        bold = bool(marked) and all(piece.bold for piece in marked)
        italic = bool(marked) and all(piece.italic for piece in marked)
        index = len(self.blocks) + 1
        for line in text.split(_BREAK):
            line = _clean(line)
            if not line:
                continue
            self.chars += len(line)
            if self.chars > self.limit:
                self.cut = True
                return
            self.blocks.append(Paragraph(text=line, line=index, bold=bold, italic=italic, centered=self.centered))

    def walk(self, element: etree._Element, bold: bool, italic: bool, centered: bool, font: str = "") -> None:
        """Text of ``element`` and its children in document order; a block element ends the paragraph.

        ``bold``, ``italic`` and ``centered`` are the parent's: the element's own look adds to them for its
        content, and its tail (the text after its closing tag) is the parent's again.
        """
        tag = _tag(element)
        if tag is None or tag in _SKIPPED or _HIDDEN.search(element.get("style", "")):
            self.text(element.tail, bold, italic, font)
            return
        own_font = _font_of(element, font) if self.legacy_fonts else ""
        if tag == "table":
            self.flush()
            table = self.table(element, own_font)
            if table is not None and not self.cut:
                self.blocks.append(table)
            self.text(element.tail, bold, italic, font)
            return
        style = element.get("style", "")
        own_bold = bold or tag in ("b", "strong", "th") or _HEADING.fullmatch(tag) is not None
        own_bold = own_bold or bool(_BOLD_STYLE.search(style))
        own_italic = italic or tag in ("i", "em") or bool(_ITALIC_STYLE.search(style))
        block = tag in _BLOCK
        own_centered = centered
        if block:
            self.flush()
            own_centered = (
                tag == "center"
                or (element.get("align") or "").lower() == "center"
                or bool(_CENTERED_STYLE.search(style))
                or (centered and tag not in ("td", "th"))
            )
            self.centered = own_centered
        if tag == "br":
            self.text(_BREAK, own_bold, own_italic)
        self.text(element.text, own_bold, own_italic, own_font)
        for child in element:
            self.walk(child, own_bold, own_italic, own_centered, own_font)
        if block:
            self.flush()
            self.centered = centered
        self.text(element.tail, bold, italic, font)

    def text(self, text: str | None, bold: bool, italic: bool, font: str = "") -> None:
        if text:
            self.pieces.append(_Piece(convert_runs(text, font) if font else text, bold, italic))

    # ------------------------------------------------------------ tables

    def table(self, element: etree._Element, font: str = "") -> RawTable | None:
        grid: list[list[RawCell]] = []
        covered: dict[tuple[int, int], str] = {}  # (row, col) -> text of the rowspan cell above
        for row_index, tr in enumerate(_rows(element)):
            row: list[RawCell] = []
            for cell in tr:
                if _tag(cell) not in ("td", "th"):
                    continue
                while (row_index, len(row)) in covered:
                    row.append(RawCell(covered.pop((row_index, len(row))), inherited=True))
                text = self.cell_text(cell, _font_of(cell, _font_of(tr, font)) if self.legacy_fonts else "")
                col_span, row_span = _span(cell.get("colspan")), _span(cell.get("rowspan"))
                for offset in range(col_span):
                    for below in range(1, row_span):
                        covered[(row_index + below, len(row) + offset)] = text
                row.extend(RawCell(text, row_span=row_span, col_span=col_span) for _ in range(col_span))
            while (row_index, len(row)) in covered:
                row.append(RawCell(covered.pop((row_index, len(row))), inherited=True))
            grid.append(row)
        if not any(cell.text for row in grid for cell in row):
            return None
        width = max(len(row) for row in grid)
        rows = [row + [RawCell("")] * (width - len(row)) for row in grid if row]
        return RawTable(rows=rows, page=None, line=len(self.blocks) + 1, ruled=True, borderless=not _bordered(element))

    def cell_text(self, cell: etree._Element, font: str = "") -> str:
        """The cell's paragraphs and lines joined by "\\n" (the readers' cell contract); a nested table flattened."""
        inner = _Reader(limit=self.limit, legacy_fonts=self.legacy_fonts)
        inner.text(cell.text, False, False, font)
        for child in cell:
            if _tag(child) == "table":
                inner.flush()
                nested = inner.table(child, font)
                for row in nested.rows if nested is not None else []:
                    seen: list[str] = []
                    for raw in row:
                        if raw.text and (not seen or seen[-1] != raw.text):
                            seen.append(raw.text)
                    inner.blocks.append(Paragraph(" ".join(seen).replace("\n", " ")))
                inner.text(child.tail, False, False, font)
            else:
                inner.walk(child, False, False, False, font)
        inner.flush()
        return "\n".join(block.text for block in inner.blocks if isinstance(block, Paragraph))


def read_html(data: bytes, source: str) -> BlockStream:
    """Read an HTML page (or a one-file web page, .mht); raises :class:`CorruptFileError` naming ``source`` when it
    has no visible text."""
    charset = ""
    if looks_like_mht(data):
        data, charset = html_of_mht(data, source)
    text, encoding = decode_html(data, charset)
    text = text.lstrip("\ufeff")
    try:
        root = lxml_html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    reader = _Reader(limit=max_text_chars(), legacy_fonts=_charset_declared(data, charset))
    if root is not None:
        body = root.find("body")
        reader.walk(body if body is not None else root, False, False, False)
        reader.flush()
    if not reader.blocks:
        raise CorruptFileError(source, "trang HTML không có nội dung hiển thị / an HTML page with no visible text")
    warnings: list[tuple[str, str, int | None]] = []
    if reader.cut:
        warnings.append(
            (
                "text_cut",
                f"Văn bản quá dài: chỉ đọc {reader.limit:,} ký tự đầu (biến môi trường DANHMUC_MAX_TEXT_CHARS) / "
                f"Text too long: only the first {reader.limit:,} characters were read (env DANHMUC_MAX_TEXT_CHARS)",
                None,
            )
        )
    return BlockStream(blocks=reader.blocks, page_count=1, encoding=encoding, warnings=warnings)


def _tag(element: etree._Element) -> str | None:
    """The element's lower-case local name; None for comments and processing instructions."""
    if not isinstance(element.tag, str):
        return None
    # Word's own tags ("o:p", "st1:place", "v:shape") keep their prefix: none is a block of text.
    return element.tag.rsplit("}", 1)[-1].lower()


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (thead/tbody/tfoot included), not those of a table nested in a cell."""
    rows: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if _tag(row) == "tr")
    return rows


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(digits.group(1)), 1000)) if digits else 1


def _bordered(table: etree._Element) -> bool:
    if (table.get("border") or "0").strip() not in ("", "0"):
        return True
    cells = [table, *(cell for row in _rows(table) for cell in row)]
    return any(_BORDER_STYLE.search(cell.get("style", "")) for cell in cells)


def _clean(text: str) -> str:
    """NFC with every whitespace run (no-break spaces included) collapsed to one space, as the DOCX reader does."""
    return " ".join(unicodedata.normalize("NFC", text).split())
