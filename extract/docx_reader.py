"""DOCX reader: WordprocessingML body -> block stream.

python-docx opens the package and finds the parts; the body itself is walked with lxml,
because python-docx has no API for the things this genre depends on: the body order of
paragraphs and tables, automatic numbering labels, merged cells (gridSpan / vMerge),
table borders and super/subscript runs.

DOCX has no pages (Word lays them out at print time), so blocks carry ``page=None`` and
``line`` is the 1-based index of the body element (paragraph or table) they come from.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.docx_numbering import NumberingTracker, W, w_val
from extract.errors import CorruptFileError, ExtractError, LimitExceededError
from extract.legacy import convert_runs
from extract.safety import DEFAULT_ZIP_LIMITS, open_checked_zip, read_zip_member

_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP_CHARS = set("0123456789+-=()n")
_SUB_CHARS = set("0123456789+-=()")
_SPACES = re.compile(r"\s+")
# Containers whose runs are part of the paragraph's visible text.
_TRANSPARENT = {
    f"{W}{tag}" for tag in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo")
}
_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV", "start", "end")


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


@dataclass(frozen=True, slots=True)
class _RunText:
    text: str
    bold: bool
    italic: bool
    line_break: bool = False  # a w:br / w:cr: the paragraph continues on a new line


def read_docx(data: bytes, source: str) -> BlockStream:
    archive = open_checked_zip(data, source)
    _inflate_all_bounded(archive, source)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except ExtractError:
        raise
    except Exception as exc:  # python-docx raises assorted KeyError/ValueError/lxml errors on damage
        raise CorruptFileError(source, f"không mở được DOCX: {exc} / cannot open the DOCX") from exc
    styles = _load_styles(document)
    numbering_xml = _numbering_root(document)
    num_id_by_style = {sid: st.num_id for sid, st in styles.items() if st.num_id}
    reader = _BodyReader(styles, NumberingTracker(numbering_xml, num_id_by_style), _default_font(document))
    body = document.element.body
    reader.read_body(body)
    return BlockStream(
        blocks=reader.blocks, page_count=_page_count(archive, source), warnings=reader.warnings
    )


def _inflate_all_bounded(archive: zipfile.ZipFile, source: str) -> None:
    """Inflate every entry once with a hard cap, so lying directory sizes cannot slip past the guard."""
    total = 0
    for info in archive.infolist():
        if not info.is_dir():
            total += len(read_zip_member(archive, info.filename, source))
            if total > DEFAULT_ZIP_LIMITS.max_total_uncompressed:
                raise LimitExceededError(
                    source,
                    f"dung lượng giải nén vượt {DEFAULT_ZIP_LIMITS.max_total_uncompressed // 2**20} MiB",
                    f"the archive inflates beyond {DEFAULT_ZIP_LIMITS.max_total_uncompressed // 2**20} MiB",
                )


def _page_count(archive: zipfile.ZipFile, source: str) -> int:
    try:
        app = etree.fromstring(read_zip_member(archive, "docProps/app.xml", source))
    except (ExtractError, etree.XMLSyntaxError):
        return 1
    for element in app.iter():
        if isinstance(element.tag, str) and element.tag.endswith("}Pages") and (element.text or "").isdigit():
            return max(1, int(element.text or "1"))
    return 1


def _numbering_root(document: object) -> etree._Element | None:
    try:
        return document.part.numbering_part.element  # type: ignore[attr-defined]
    except (NotImplementedError, KeyError, AttributeError):
        return None


def _on(element: etree._Element | None) -> bool | None:
    if element is None:
        return None
    return w_val(element) not in ("0", "false", "off", "none")


def _font_of(rpr: etree._Element | None) -> str | None:
    fonts = rpr.find(f"{W}rFonts") if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or None


def _default_font(document: object) -> str:
    """The font of docDefaults: real legacy documents often set .VnTime only there or in Normal."""
    try:
        root = document.styles.element  # type: ignore[attr-defined]
    except (KeyError, AttributeError, NotImplementedError):
        return ""
    return _font_of(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")) or ""


def _load_styles(document: object) -> dict[str, _Style]:
    try:
        root = document.styles.element  # type: ignore[attr-defined]
    except (KeyError, AttributeError, NotImplementedError):
        return {}
    styles: dict[str, _Style] = {}
    for style in root.iterchildren(f"{W}style"):
        style_id = w_val(style, "styleId")
        if style_id is None:
            continue
        rpr = style.find(f"{W}rPr")
        ppr = style.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        jc = w_val(ppr.find(f"{W}jc")) if ppr is not None else None
        ilvl = w_val(num_pr.find(f"{W}ilvl")) if num_pr is not None else None
        tbl_borders = style.find(f"{W}tblPr/{W}tblBorders")
        styles[style_id] = _Style(
            based_on=w_val(style.find(f"{W}basedOn")),
            bold=_on(rpr.find(f"{W}b")) if rpr is not None else None,
            italic=_on(rpr.find(f"{W}i")) if rpr is not None else None,
            centered=None if jc is None else jc == "center",
            num_id=w_val(num_pr.find(f"{W}numId")) if num_pr is not None else None,
            ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
            font=_font_of(rpr),
            borders=None if tbl_borders is None else _draws_borders(tbl_borders),
        )
    return styles


def _draws_borders(borders: etree._Element) -> bool:
    for side in _BORDER_SIDES:
        edge = borders.find(f"{W}{side}")
        if edge is not None and (w_val(edge) or "nil") not in ("nil", "none"):
            return True
    return False


def _to_script(text: str, table: dict[int, int], allowed: set[str]) -> str | None:
    stripped = text.strip()
    if stripped and all(ch in allowed for ch in stripped):
        return stripped.translate(table)
    return None


def clean_text(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


class _BodyReader:
    def __init__(self, styles: dict[str, _Style], numbering: NumberingTracker, default_font: str = "") -> None:
        self.styles = styles
        self.default_font = default_font
        self._paragraph_font = default_font
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.warnings: list[tuple[str, str, int | None]] = []
        self.index = 0

    # ------------------------------------------------------------ style lookup

    def _style_attr(self, style_id: str | None, attr: str) -> object:
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
            if child.tag == f"{W}p":
                self.index += 1
                self.blocks.extend(self._paragraph_blocks(child, self.index))
            elif child.tag == f"{W}tbl":
                self.index += 1
                self.blocks.append(self._table(child, self.index))
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
                if content is not None:
                    self.read_body(content)

    def _paragraph_blocks(self, p: etree._Element, index: int) -> list[Paragraph]:
        lines, bold, italic, centered, label = self._paragraph_content(p)
        blocks: list[Paragraph] = []
        for number, line in enumerate(lines):
            text = clean_text(line)
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
        for box in p.iter(f"{W}txbxContent"):
            if any(_local(ancestor.tag) == "Fallback" for ancestor in box.iterancestors()):
                continue
            for inner in box.iterchildren(f"{W}p"):
                blocks.extend(self._paragraph_blocks(inner, index))
        return blocks

    def _paragraph_content(
        self, p: etree._Element
    ) -> tuple[list[str], bool, bool, bool, tuple[str, str] | None]:
        ppr = p.find(f"{W}pPr")
        style_id = w_val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        jc = w_val(ppr.find(f"{W}jc")) if ppr is not None else None
        centered = jc == "center" if jc is not None else bool(self._style_attr(style_id, "centered"))
        style_bold = bool(self._style_attr(style_id, "bold"))
        style_italic = bool(self._style_attr(style_id, "italic"))
        self._paragraph_font = str(self._style_attr(style_id or "Normal", "font") or self.default_font)
        runs = list(self._runs(p, style_bold, style_italic))
        lines: list[str] = [""]
        visible = [run for run in runs if run.text.strip()]
        for run in runs:
            if run.line_break:
                lines.append("")
            else:
                lines[-1] += run.text
        bold = bool(visible) and all(run.bold for run in visible)
        italic = bool(visible) and all(run.italic for run in visible)
        # An empty numbered paragraph still advances the list in Word, so the counter always moves.
        label = self._numbering_label(ppr, style_id)
        if not any(line.strip() for line in lines):
            label = None
        return lines, bold, italic, centered, label

    def _numbering_label(self, ppr: etree._Element | None, style_id: str | None) -> tuple[str, str] | None:
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = w_val(num_pr.find(f"{W}numId")) if num_pr is not None else None
        ilvl_raw = w_val(num_pr.find(f"{W}ilvl")) if num_pr is not None else None
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
            if child.tag == f"{W}r":
                out.extend(self._run(child, style_bold, style_italic, out))
            elif child.tag in _TRANSPARENT:
                out.extend(self._runs(child, style_bold, style_italic))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    out.extend(self._runs(content, style_bold, style_italic))
        return out

    def _run(
        self, r: etree._Element, style_bold: bool, style_italic: bool, before: list[_RunText]
    ) -> list[_RunText]:
        rpr = r.find(f"{W}rPr")
        char_style = w_val(rpr.find(f"{W}rStyle")) if rpr is not None else None
        bold = _pick(rpr, "b", self._style_attr(char_style, "bold"), style_bold)
        italic = _pick(rpr, "i", self._style_attr(char_style, "italic"), style_italic)
        vert = w_val(rpr.find(f"{W}vertAlign")) if rpr is not None else None
        font = _font_of(rpr) or str(self._style_attr(char_style, "font") or "") or self._paragraph_font
        out: list[_RunText] = []
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                out.append(_RunText("".join(buffer), bold, italic))
                buffer.clear()

        for child in r.iterchildren():
            tag = child.tag
            if tag == f"{W}t":
                buffer.append(convert_runs(child.text or "", font) if font else (child.text or ""))
            elif tag in (f"{W}tab", f"{W}ptab"):
                buffer.append(" ")
            elif tag in (f"{W}br", f"{W}cr"):
                if w_val(child, "type") in (None, "textWrapping"):
                    flush()
                    out.append(_RunText("", bold, italic, line_break=True))
            elif tag == f"{W}noBreakHyphen":
                buffer.append("-")
            elif tag == f"{W}sym":
                code = w_val(child, "char") or ""
                try:
                    buffer.append(chr(int(code, 16)))
                except ValueError:
                    pass
        flush()
        if vert in ("superscript", "subscript") and out:
            text = "".join(run.text for run in out if not run.line_break)
            table, allowed = (_SUPERSCRIPT, _SUP_CHARS) if vert == "superscript" else (_SUBSCRIPT, _SUB_CHARS)
            scripted = _to_script(text, table, allowed)
            if scripted is not None:
                # "1m <sup>2</sup>" prints as "1m²": the space before the raised run is dropped.
                _strip_trailing_space(before)
                return [_RunText(scripted, bold, italic)]
        return out

    # ------------------------------------------------------------ tables

    def _table(self, tbl: etree._Element, index: int) -> RawTable:
        grid: list[list[RawCell]] = []
        # (row, col) -> text of the vMerge restart cell above, to fill continuation cells.
        open_merges: dict[int, tuple[int, str]] = {}
        span_rows: dict[tuple[int, int], int] = {}
        for tr in tbl.iterchildren(f"{W}tr"):
            row_index = len(grid)
            row: list[RawCell] = []
            trpr = tr.find(f"{W}trPr")
            before = _int(w_val(trpr.find(f"{W}gridBefore"))) if trpr is not None else 0
            row.extend(RawCell("") for _ in range(before))
            for tc in _row_cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span = max(1, _int(w_val(tcpr.find(f"{W}gridSpan"))) if tcpr is not None else 1)
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                col = len(row)
                if vmerge is not None and w_val(vmerge) != "restart" and col in open_merges:
                    start_row, text = open_merges[col]
                    span_rows[(start_row, col)] = span_rows.get((start_row, col), 1) + 1
                    row.extend(RawCell(text, col_span=span, inherited=True) for _ in range(span))
                    continue
                text = self._cell_text(tc)
                for offset in range(span):
                    open_merges.pop(col + offset, None)
                if vmerge is not None:
                    open_merges[col] = (row_index, text)
                row.extend(RawCell(text, col_span=span) for _ in range(span))
            grid.append(row)
        width = max((len(row) for row in grid), default=0)
        rows = [
            [
                _with_row_span(cell, span_rows.get((r, c), 1)) if not cell.inherited else cell
                for c, cell in enumerate(row + [RawCell("")] * (width - len(row)))
            ]
            for r, row in enumerate(grid)
        ]
        return RawTable(rows=rows, page=None, line=index, ruled=True, borderless=not self._has_borders(tbl))

    def _cell_text(self, tc: etree._Element) -> str:
        parts: list[str] = []
        for child in tc.iterchildren():
            if child.tag == f"{W}p":
                for paragraph in self._paragraph_blocks(child, self.index):
                    parts.append(paragraph.text)
            elif child.tag == f"{W}tbl":
                # A nested table is flattened to its text in reading order.
                for row in self._table(child, self.index).rows:
                    seen: list[str] = []
                    for cell in row:
                        if cell.text and (not seen or seen[-1] != cell.text):
                            seen.append(cell.text)
                    parts.extend(seen)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    parts.append(self._cell_text(content))
        return clean_text(" ".join(parts))

    def _has_borders(self, tbl: etree._Element) -> bool:
        tblpr = tbl.find(f"{W}tblPr")
        if tblpr is not None:
            borders = tblpr.find(f"{W}tblBorders")
            if borders is not None:
                return _draws_borders(borders)
            style_borders = self._style_attr(w_val(tblpr.find(f"{W}tblStyle")), "borders")
            if style_borders is not None:
                return bool(style_borders)
        return any(_draws_borders(tc_borders) for tc_borders in tbl.iter(f"{W}tcBorders"))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr.iterchildren():
        if child.tag == f"{W}tc":
            cells.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                cells.extend(content.iterchildren(f"{W}tc"))
    return cells


def _with_row_span(cell: RawCell, row_span: int) -> RawCell:
    if row_span == 1:
        return cell
    return RawCell(cell.text, row_span=row_span, col_span=cell.col_span, page=cell.page)


def _int(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0


def _pick(rpr: etree._Element | None, tag: str, char_style: object, paragraph_style: bool) -> bool:
    direct = _on(rpr.find(f"{W}{tag}")) if rpr is not None else None
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
