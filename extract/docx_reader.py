"""DOCX reader: WordprocessingML body -> block stream.

The package is opened by :mod:`extract.docx_package` (only the document, styles and
numbering parts are inflated) and the body is walked with lxml, because this genre depends on
things no DOCX library exposes: the body order of paragraphs and tables, automatic numbering
labels, merged cells (gridSpan / vMerge), table borders and super/subscript runs.

The walk reads each element's children once and keeps the few it needs: lxml's ``find``
goes through its path engine on every call, and a find per property per run was most of
the reading time.

DOCX has no pages (Word lays them out at print time), so blocks carry ``page=None`` and
``line`` is the 1-based index of the body element (paragraph or table) they come from.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.docx_grid import cell_span as _cell_span
from extract.docx_grid import first_child as _first
from extract.docx_grid import int_value as _int
from extract.docx_grid import row_cells as _row_cells
from extract.docx_grid import squared as _squared
from extract.docx_numbering import NumberingTracker, W, w_val
from extract.docx_package import open_docx
from extract.docx_tab_grid import TAB, tab_grid_blocks
from extract.legacy import convert_runs, legacy_font_encoding
from extract.legacy.fonts import already_unicode

_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP_CHARS = set("0123456789+-=()n")
_SUB_CHARS = set("0123456789+-=()")
# Containers whose runs are part of the paragraph's visible text.
_TRANSPARENT = {
    f"{W}{tag}" for tag in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo")
}
_BORDER_SIDES = frozenset(
    f"{W}{side}" for side in ("top", "left", "bottom", "right", "insideH", "insideV", "start", "end")
)
_OFF = ("0", "false", "off", "none")
_VAL = f"{W}val"
# Tags compared on every element of the body, built once.
_P, _TBL, _TR, _TC, _R, _T = (f"{W}{tag}" for tag in ("p", "tbl", "tr", "tc", "r", "t"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{W}sdt", f"{W}sdtContent", f"{W}customXml"
_PPR, _PSTYLE, _JC, _NUMPR, _NUMID, _ILVL = (f"{W}{tag}" for tag in ("pPr", "pStyle", "jc", "numPr", "numId", "ilvl"))
_RPR, _RSTYLE, _B, _I, _VERT, _RFONTS = (f"{W}{tag}" for tag in ("rPr", "rStyle", "b", "i", "vertAlign", "rFonts"))
_TAB, _PTAB, _BR, _CR, _NB_HYPHEN, _SYM = (f"{W}{tag}" for tag in ("tab", "ptab", "br", "cr", "noBreakHyphen", "sym"))
_TRPR, _TCPR, _GRID_BEFORE, _GRID_SPAN, _VMERGE = (
    f"{W}{tag}" for tag in ("trPr", "tcPr", "gridBefore", "gridSpan", "vMerge")
)
_TBLPR, _TBL_BORDERS, _TBL_STYLE, _TC_BORDERS = (
    f"{W}{tag}" for tag in ("tblPr", "tblBorders", "tblStyle", "tcBorders")
)
_RUN_PROPERTIES = frozenset((_RSTYLE, _B, _I, _VERT, _RFONTS))
_TXBX_CONTENT = f"{W}txbxContent"
_ASCII, _HANSI, _TYPE, _CHAR = f"{W}ascii", f"{W}hAnsi", f"{W}type", f"{W}char"


@dataclass(frozen=True, slots=True)
class _Style:
    based_on: str | None
    bold: bool | None
    italic: bool | None
    centered: bool | None
    num_id: str | None
    ilvl: int | None
    borders: bool | None  # table styles: do they draw borders
    font: str | None = None  # w:rFonts ascii/hAnsi: a legacy font (.VnTime, VNI-Times) means legacy bytes


class _RunText(NamedTuple):  # a tuple: thousands per document, and a frozen dataclass is slow to build
    text: str
    bold: bool
    italic: bool
    line_break: bool = False  # a w:br / w:cr: the paragraph continues on a new line


class _RunLook(NamedTuple):
    bold: bool
    italic: bool
    font: str
    legacy: bool  # the font is a TCVN3/VNI one: its text is converted to Unicode
    vert: str | None  # "superscript", "subscript" or None


def _run_pieces(r: etree._Element, look: _RunLook) -> list[_RunText]:
    """The text of a run, one piece per line it spans (w:br and w:cr end a line)."""
    out: list[_RunText] = []
    buffer: list[str] = []
    for child in r.iterchildren():
        tag = child.tag
        if tag == _T:
            text = child.text or ""
            buffer.append(convert_runs(text, look.font) if look.legacy else text)
        elif tag == _TAB or tag == _PTAB:
            buffer.append(TAB)  # whitespace to every reader; a list set with tabs reads its columns at it
        elif tag == _BR or tag == _CR:
            if child.get(_TYPE) in (None, "textWrapping"):
                if buffer:
                    out.append(_RunText("".join(buffer), look.bold, look.italic))
                    buffer.clear()
                out.append(_RunText("", look.bold, look.italic, line_break=True))
        elif tag == _NB_HYPHEN:
            buffer.append("-")
        elif tag == _SYM and (symbol := _symbol(child.get(_CHAR) or "")) is not None:
            buffer.append(symbol)
    if buffer:
        out.append(_RunText("".join(buffer), look.bold, look.italic))
    return out


def _symbol(code: str) -> str | None:
    """A w:sym character by its hex code; None for an unreadable code."""
    try:
        return chr(int(code, 16))
    except ValueError:
        return None


def _raised(pieces: list[_RunText], look: _RunLook) -> _RunText | None:
    """A superscript or subscript run as Unicode script characters (1m² not 1m2), or None if it has none."""
    text = "".join(run.text for run in pieces if not run.line_break)
    table, allowed = (_SUPERSCRIPT, _SUP_CHARS) if look.vert == "superscript" else (_SUBSCRIPT, _SUB_CHARS)
    scripted = _to_script(text, table, allowed)
    return None if scripted is None else _RunText(scripted, look.bold, look.italic)


def _paragraph_properties(ppr: etree._Element | None) -> tuple[str | None, str | None, etree._Element | None]:
    """A paragraph's style id, justification and numbering element (the first of each, as Word reads them)."""
    if ppr is None:
        return None, None, None
    style_el = jc_el = num_pr = None
    for child in ppr:
        tag = child.tag
        if tag == _PSTYLE:
            style_el = child if style_el is None else style_el
        elif tag == _JC:
            jc_el = child if jc_el is None else jc_el
        elif tag == _NUMPR and num_pr is None:
            num_pr = child
    return w_val(style_el), w_val(jc_el), num_pr


def _lines_of(runs: list[_RunText]) -> tuple[list[str], bool, bool]:
    """The paragraph's lines, and whether all its visible text is bold, italic."""
    lines: list[str] = [""]
    for run in runs:
        if run.line_break:
            lines.append("")
        else:
            lines[-1] += run.text
    visible = [run for run in runs if run.text.strip()]
    bold = bool(visible) and all(run.bold for run in visible)
    italic = bool(visible) and all(run.italic for run in visible)
    return lines, bold, italic


def read_docx(data: bytes, source: str) -> BlockStream:
    package = open_docx(data, source)
    styles = _style_table(package.styles)
    reader = _BodyReader(styles, NumberingTracker(package.numbering, styles.num_ids()), styles.default_font())
    reader.warnings.extend(package.warnings)
    reader.read_body(package.body)
    return BlockStream(blocks=reader.blocks, page_count=package.page_count, warnings=reader.warnings)


def _on(element: etree._Element | None) -> bool | None:
    if element is None:
        return None
    return element.get(_VAL) not in _OFF


def _font_of(rpr: etree._Element | None) -> str | None:
    fonts = _first(rpr, _RFONTS)
    if fonts is None:
        return None
    return fonts.get(_ASCII) or fonts.get(_HANSI) or None


# The last style table of this thread, for the next document with the same styles part: the package
# hands over the same (read-only) tree for the same bytes (extract/docx_package.py), and what the table
# derives from it (the styles parsed so far, the numbered styles, the default font) depends on it alone.
_last_table = threading.local()


def _style_table(root: etree._Element | None) -> _StyleTable:
    if root is None:
        return _StyleTable(None)
    table: _StyleTable | None = getattr(_last_table, "table", None)
    if table is None or table.root is not root:
        table = _last_table.table = _StyleTable(root)
    return table


class _StyleTable:
    """styles.xml, parsed one style at a time: a document uses a handful of its hundreds of styles."""

    def __init__(self, root: etree._Element | None) -> None:
        self.root = root
        self._elements: dict[str, etree._Element] = {}
        self._parsed: dict[str, _Style | None] = {}
        self._num_ids: dict[str, str] | None = None
        self._default_font: str | None = None
        if root is not None:
            for style in root.iterchildren(f"{W}style"):
                style_id = style.get(f"{W}styleId")
                if style_id is not None:
                    self._elements[style_id] = style  # a repeated id: the last definition wins

    def get(self, style_id: str) -> _Style | None:
        try:
            return self._parsed[style_id]
        except KeyError:
            element = self._elements.get(style_id)
            style = self._parsed[style_id] = None if element is None else _parse_style(element)
            return style

    def num_ids(self) -> dict[str, str]:
        """Style id -> numId of the styles that number their paragraphs (list styles included)."""
        if self._num_ids is None:
            self._num_ids = self._numbered_styles()
        return dict(self._num_ids)  # the caller's own copy: the table serves the next documents too

    def _numbered_styles(self) -> dict[str, str]:
        if self.root is None:
            return {}
        out: dict[str, str] = {}
        for style in self.root.xpath("w:style[w:pPr/w:numPr]", namespaces={"w": W[1:-1]}):
            style_id = style.get(f"{W}styleId")
            if style_id is not None and self._elements.get(style_id) is style:
                parsed = self.get(style_id)
                if parsed is not None and parsed.num_id:
                    out[style_id] = parsed.num_id
        return out

    def default_font(self) -> str:
        """The font of docDefaults: real legacy documents often set .VnTime only there or in Normal."""
        if self.root is None:
            return ""
        if self._default_font is None:
            self._default_font = _font_of(self.root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")) or ""
        return self._default_font


def _parse_style(style: etree._Element) -> _Style:
    rpr = _first(style, _RPR)
    ppr = _first(style, _PPR)
    num_pr = _first(ppr, _NUMPR)
    jc = w_val(_first(ppr, _JC))
    ilvl = w_val(_first(num_pr, _ILVL))
    tbl_borders = _first(_first(style, _TBLPR), _TBL_BORDERS)
    return _Style(
        based_on=w_val(_first(style, f"{W}basedOn")),
        bold=_on(_first(rpr, _B)),
        italic=_on(_first(rpr, _I)),
        centered=None if jc is None else jc == "center",
        num_id=w_val(_first(num_pr, _NUMID)),
        ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
        font=_font_of(rpr),
        borders=None if tbl_borders is None else _draws_borders(tbl_borders),
    )


def _draws_borders(borders: etree._Element) -> bool:
    seen: set[str] = set()
    for edge in borders:
        if edge.tag not in _BORDER_SIDES or edge.tag in seen:  # a repeated side: Word reads the first one
            continue
        seen.add(edge.tag)
        if (edge.get(_VAL) or "nil") not in ("nil", "none"):
            return True
    return False


def _to_script(text: str, table: dict[int, int], allowed: set[str]) -> str | None:
    stripped = text.strip()
    if stripped and all(ch in allowed for ch in stripped):
        return stripped.translate(table)
    return None


def clean_text(text: str) -> str:
    """NFC with every whitespace run collapsed to one space (str.split and re's \\s agree on whitespace)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class _BodyReader:
    def __init__(self, styles: _StyleTable, numbering: NumberingTracker, default_font: str = "") -> None:
        self.styles = styles
        self.default_font = default_font
        self._paragraph_font = default_font
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.warnings: list[tuple[str, str, int | None]] = []
        self.index = 0
        self._box_lines: list[str] = []
        self._paragraph: etree._Element | None = None  # the paragraph being read, and whether its legacy-font runs
        self._legacy_unicode: bool | None = None  # hold Unicode (computed on its first legacy run)
        # (style id, attribute) -> value through the basedOn chain: a few styles, thousands of runs.
        self._resolved: dict[tuple[str | None, str], object] = {}

    # ------------------------------------------------------------ style lookup

    def _style_attr(self, style_id: str | None, attr: str) -> object:
        key = (style_id, attr)
        try:
            return self._resolved[key]
        except KeyError:
            value = self._resolved[key] = self._resolve_style_attr(style_id, attr)
            return value

    def _resolve_style_attr(self, style_id: str | None, attr: str) -> object:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return None
            value = getattr(style, attr)
            if value is not None:
                return value
            style_id = style.based_on
        return None

    # ------------------------------------------------------------ body

    def read_body(self, body: etree._Element) -> None:
        for child in body.iterchildren():
            tag = child.tag
            if tag == _P:
                self.index += 1
                self.blocks.extend(self._paragraph_blocks(child, self.index))
            elif tag == _TBL:
                self.index += 1
                table = self._table(child, self.index)
                boxed = self._tab_list(table) if table.rows and all(len(row) == 1 for row in table.rows) else None
                self.blocks.extend(boxed if boxed is not None else [table])
            elif tag == _SDT or tag == _CUSTOM_XML:
                content = _first(child, _SDT_CONTENT) if tag == _SDT else child
                if content is not None:
                    self.read_body(content)

    def _tab_list(self, table: RawTable) -> list[Block] | None:
        """A one-column box holding a list set with tabs: its lines as paragraphs and the list as a table."""
        lines = self._box_lines  # set by _table for the table just read
        return tab_grid_blocks(lines, table.line or self.index, self.warnings) if lines else None

    def _paragraph_blocks(self, p: etree._Element, index: int, *, in_cell: bool = False) -> list[Paragraph]:
        lines, bold, italic, centered, label = self._paragraph_content(p, keep_empty_label=in_cell)
        blocks: list[Paragraph] = []
        for number, line in enumerate(lines):
            # A cell's lines keep their tabs between the fields (a list set with tabs in a box); text has none.
            text = TAB.join(clean_text(field) for field in line.split(TAB)).strip() if in_cell else clean_text(line)
            if number == 0 and label is not None:
                marker, separator = label
                text = clean_text(f"{marker}{separator}{text}") if text else clean_text(marker)
            if not text:
                continue
            blocks.append(
                Paragraph(
                    text=text,
                    line=index,
                    bold=bold,
                    italic=italic,
                    centered=centered,
                    auto_label=number == 0 and label is not None,
                )
            )
        blocks.extend(self._text_box_blocks(p, index))
        return blocks

    def _text_box_blocks(self, p: etree._Element, index: int) -> list[Paragraph]:
        """Paragraphs inside text boxes anchored in ``p`` (some national headers are laid out so).

        A text box is stored twice (DrawingML choice and VML fallback); the fallback copy is skipped.
        """
        blocks: list[Paragraph] = []
        for box in p.iter(_TXBX_CONTENT):
            if any(_local(ancestor.tag) == "Fallback" for ancestor in box.iterancestors()):
                continue
            for inner in box.iterchildren(_P):
                blocks.extend(self._paragraph_blocks(inner, index))
        return blocks

    def _paragraph_content(
        self, p: etree._Element, *, keep_empty_label: bool = False
    ) -> tuple[list[str], bool, bool, bool, tuple[str, str] | None]:
        style_id, jc, num_pr = _paragraph_properties(_first(p, _PPR))
        centered = jc == "center" if jc is not None else bool(self._style_attr(style_id, "centered"))
        style_bold = bool(self._style_attr(style_id, "bold"))
        style_italic = bool(self._style_attr(style_id, "italic"))
        self._paragraph_font = str(self._style_attr(style_id or "Normal", "font") or self.default_font)
        self._paragraph, self._legacy_unicode = p, None
        lines, bold, italic = _lines_of(self._runs(p, style_bold, style_italic))
        # An empty numbered paragraph still advances the list in Word, so the counter always moves.
        label = self._numbering_label(num_pr, style_id)
        if not any(line.strip() for line in lines):
            if not keep_empty_label or label is None:
                return lines, bold, italic, centered, None
            # A table's STT column is often an empty numbered paragraph per row: the number is all
            # the cell shows, so it is the cell's text (KH 2242/KH-SCT Lào Cai's task table).
            lines = [""]
        return lines, bold, italic, centered, label

    def _numbering_label(self, num_pr: etree._Element | None, style_id: str | None) -> tuple[str, str] | None:
        num_id = w_val(_first(num_pr, _NUMID))
        ilvl_raw = w_val(_first(num_pr, _ILVL))
        if num_id is None:
            num_id = self._style_attr(style_id, "num_id")  # type: ignore[assignment]
        if ilvl_raw is None:
            style_ilvl = self._style_attr(style_id, "ilvl")
            ilvl_raw = str(style_ilvl) if style_ilvl is not None else "0"
        if not num_id:
            return None
        return self.numbering.label(str(num_id), int(ilvl_raw) if ilvl_raw.isdigit() else 0)

    def _runs(self, container: etree._Element, style_bold: bool, style_italic: bool) -> list[_RunText]:
        out: list[_RunText] = []
        for child in container.iterchildren():
            tag = child.tag
            if tag == _R:
                out.extend(self._run(child, style_bold, style_italic, out))
            elif tag in _TRANSPARENT:
                out.extend(self._runs(child, style_bold, style_italic))
            elif tag == _SDT:
                content = _first(child, _SDT_CONTENT)
                if content is not None:
                    out.extend(self._runs(content, style_bold, style_italic))
        return out

    def _run(self, r: etree._Element, style_bold: bool, style_italic: bool, before: list[_RunText]) -> list[_RunText]:
        look = self._run_look(_first(r, _RPR), style_bold, style_italic)
        if look.legacy and self._legacy_runs_hold_unicode():
            look = look._replace(legacy=False)
        out = _run_pieces(r, look)
        if look.vert in ("superscript", "subscript") and out:
            raised = _raised(out, look)
            if raised is not None:
                # "1m <sup>2</sup>" prints as "1m²": the space before the raised run is dropped.
                _strip_trailing_space(before)
                return [raised]
        return out

    def _legacy_runs_hold_unicode(self) -> bool:
        """Whether a run of this paragraph in a legacy font already holds Unicode letters ("Trịnh Thị Chung"): then
        its other legacy-font runs are Unicode too, though they hold no letter past U+00FF ("Thanh Hóa").

        LibreOffice's copy of a .doc keeps the TCVN3 font's name (".vn time;Times New Roman") over the Unicode text
        Word stored, and splits a line into runs: read one run at a time, "Thanh Hóa" was converted again to "Thanh
        Húa" (D3_KT1.doc). A TCVN3 or VNI run cannot hold such letters, so the paragraph's evidence is as safe."""
        if self._legacy_unicode is None:
            self._legacy_unicode = False
            for r in self._paragraph.iter(_R) if self._paragraph is not None else ():
                text = "".join(t.text or "" for t in r.iter(_T))
                if not text or not already_unicode(text):
                    continue
                fonts = _first(_first(r, _RPR), _RFONTS)
                font = (fonts.get(_ASCII) or fonts.get(_HANSI)) if fonts is not None else None
                if legacy_font_encoding(font or self._paragraph_font) is not None:
                    self._legacy_unicode = True
                    break
        return self._legacy_unicode

    def _run_look(self, rpr: etree._Element | None, style_bold: bool, style_italic: bool) -> _RunLook:
        """A run's bold, italic, font and vertical position: direct formatting, then its style, then the paragraph's."""
        char_style = vert = None
        direct_bold = direct_italic = direct_font = None
        if rpr is not None:
            found: dict[str, etree._Element] = {}
            for child in rpr:
                if child.tag in _RUN_PROPERTIES:
                    found.setdefault(child.tag, child)
            char_style = w_val(found.get(_RSTYLE))
            vert = w_val(found.get(_VERT))
            direct_bold = _on(found.get(_B))
            direct_italic = _on(found.get(_I))
            fonts = found.get(_RFONTS)
            direct_font = (fonts.get(_ASCII) or fonts.get(_HANSI) or None) if fonts is not None else None
        font = direct_font or str(self._style_attr(char_style, "font") or "") or self._paragraph_font
        return _RunLook(
            bold=_pick(direct_bold, self._style_attr(char_style, "bold"), style_bold),
            italic=_pick(direct_italic, self._style_attr(char_style, "italic"), style_italic),
            font=font,
            legacy=bool(font) and legacy_font_encoding(font) is not None,
            vert=vert,
        )

    # ------------------------------------------------------------ tables

    def _table(self, tbl: etree._Element, index: int) -> RawTable:
        grid: list[list[RawCell]] = []
        # (row, col) -> text of the vMerge restart cell above, to fill continuation cells.
        open_merges: dict[int, tuple[int, str, tuple[str, ...]]] = {}
        span_rows: dict[tuple[int, int], int] = {}
        box_lines: list[str] = []  # every cell's lines, tabs kept: a one-column box may hold a list set with tabs
        for tr in tbl.iterchildren(_TR):
            row_index = len(grid)
            row: list[RawCell] = []
            before = _int(w_val(_first(_first(tr, _TRPR), _GRID_BEFORE)))
            row.extend(RawCell("") for _ in range(before))
            for tc in _row_cells(tr):
                span, vmerge = _cell_span(_first(tc, _TCPR))
                col = len(row)
                if vmerge is not None and vmerge.get(_VAL) != "restart" and col in open_merges:
                    start_row, text, paragraphs = open_merges[col]
                    span_rows[(start_row, col)] = span_rows.get((start_row, col), 1) + 1
                    row.extend(RawCell(text, col_span=span, inherited=True, paragraphs=paragraphs) for _ in range(span))
                    continue
                tabbed = self._cell_paragraphs(tc)
                box_lines.extend(tabbed)
                paragraphs = tuple(line for part in tabbed if (line := clean_text(part)))
                text = clean_text(" ".join(paragraphs))
                # One paragraph is the text itself; two or more are lines a unit reader keeps apart.
                paragraphs = paragraphs if len(paragraphs) > 1 else ()
                for offset in range(span):
                    open_merges.pop(col + offset, None)
                if vmerge is not None:
                    open_merges[col] = (row_index, text, paragraphs)
                row.extend(RawCell(text, col_span=span, paragraphs=paragraphs) for _ in range(span))
            grid.append(row)
        rows = _squared(grid, span_rows)
        self._box_lines = box_lines  # after the nested tables read inside the cells, so this table's own lines
        return RawTable(rows=rows, page=None, line=index, ruled=True, borderless=not self._has_borders(tbl))

    def _cell_paragraphs(self, tc: etree._Element) -> tuple[str, ...]:
        """The cell's printed lines: each paragraph (a line break inside one starts a line too) and each cell of
        a nested table, in reading order, whitespace collapsed but tabs kept; the empty ones dropped."""
        parts: list[str] = []
        for child in tc.iterchildren():
            tag = child.tag
            if tag == _P:
                for paragraph in self._paragraph_blocks(child, self.index, in_cell=True):
                    parts.append(paragraph.text)
            elif tag == _TBL:
                # A nested table is flattened to its text in reading order.
                for row in self._table(child, self.index).rows:
                    seen: list[str] = []
                    for cell in row:
                        if cell.text and (not seen or seen[-1] != cell.text):
                            seen.append(cell.text)
                    parts.extend(seen)
            elif tag == _SDT:
                content = _first(child, _SDT_CONTENT)
                if content is not None:
                    parts.extend(self._cell_paragraphs(content))
        return tuple(part for part in parts if part.strip())

    def _has_borders(self, tbl: etree._Element) -> bool:
        tblpr = _first(tbl, _TBLPR)
        if tblpr is not None:
            borders = _first(tblpr, _TBL_BORDERS)
            if borders is not None:
                return _draws_borders(borders)
            style_borders = self._style_attr(w_val(_first(tblpr, _TBL_STYLE)), "borders")
            if style_borders is not None:
                return bool(style_borders)
        return any(_draws_borders(tc_borders) for tc_borders in tbl.iter(_TC_BORDERS))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _pick(direct: bool | None, char_style: object, paragraph_style: bool) -> bool:
    if direct is not None:
        return direct
    if char_style is not None:
        return bool(char_style)
    return paragraph_style


def _strip_trailing_space(runs: list[_RunText]) -> None:
    while runs and not runs[-1].line_break:
        last = runs[-1]
        trimmed = last.text.rstrip()
        if trimmed == last.text:
            return
        runs[-1] = _RunText(trimmed, last.bold, last.italic)
        if trimmed:
            return
        runs.pop()
