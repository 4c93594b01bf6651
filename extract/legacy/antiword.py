"""A second, independent reader of Word 97-2003 (.doc): Debian's ``antiword``.

LibreOffice is the main .doc reader (it keeps numbering, merged cells and fonts), but it can lose
a table or a stretch of text that antiword, reading the Word binary format on its own, still finds.
:mod:`extract.doc_reader` compares the two and keeps the one with the evidence on its side.

antiword is asked for DocBook (``-x db``) rather than its text form: the text form wraps every
cell to its column width, so one catalog row becomes several ``|``-lines that cannot be told apart
from rows; DocBook gives each ``<entry>`` whole, one paragraph per line. Its ``<para>`` become
:class:`Paragraph` blocks and its ``<informaltable>`` become :class:`RawTable` blocks through the
same cell cleaning and grid padding as the text reader's pipe tables.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.legacy.soffice import BoundedRunTimeout, run_bounded
from extract.markup import clean_inline, detect_emphasis, split_glued_headings

ANTIWORD_TIMEOUT_S = 30.0
# antiword writes UTF-8 only with this mapping file (Debian ships it in /usr/share/antiword).
_MAPPING = "UTF-8.txt"
_LAYOUT_MAX_COLUMNS = 3
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>", re.DOTALL)


class AntiwordError(Exception):
    """antiword is missing, timed out, or could not read the file; ``reason`` is bilingual."""

    def __init__(self, reason: str, *, missing: bool = False, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.timed_out = timed_out


def find_antiword() -> str | None:
    return shutil.which("antiword")


def antiword_docbook(data: bytes, *, timeout_s: float = ANTIWORD_TIMEOUT_S) -> str:
    """antiword's DocBook XML for the .doc bytes; raises :class:`AntiwordError` when it cannot."""
    antiword = find_antiword()
    if antiword is None:
        raise AntiwordError("antiword chưa được cài / antiword is not installed", missing=True)
    with tempfile.TemporaryDirectory(prefix="danhmuc_antiword_") as workdir:
        # A fixed, harmless name: the upload's own name may hold anything.
        input_path = Path(workdir) / "document.doc"
        input_path.write_bytes(data)
        try:
            result = run_bounded([antiword, "-m", _MAPPING, "-x", "db", str(input_path)], timeout_s=timeout_s)
        except BoundedRunTimeout:
            raise AntiwordError(
                f"antiword chạy quá {timeout_s:g} giây / antiword took longer than {timeout_s:g} s", timed_out=True
            ) from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AntiwordError(detail[-1] if detail else f"mã thoát / exit code {result.returncode}")
    return result.stdout.decode("utf-8", "replace")


def read_docbook(xml: str) -> BlockStream:
    """antiword's DocBook as a block stream; raises :class:`AntiwordError` on XML it cannot parse.

    ``line`` is the position of the block among the document's top-level paragraphs and tables.
    """
    # The DOCTYPE names an external DTD; nothing in it is needed, and no entity may be expanded.
    try:
        root = ElementTree.fromstring(_DOCTYPE.sub("", xml, count=1))
    except ElementTree.ParseError as error:
        raise AntiwordError(f"XML của antiword hỏng ({error}) / antiword's XML is broken") from None
    blocks: list[Block] = []
    _walk(root, blocks)
    return BlockStream(blocks=blocks, page_count=1, encoding="utf-8")


def _walk(element: ElementTree.Element, blocks: list[Block]) -> None:
    for child in element:
        if child.tag == "bookinfo" or (child.tag == "title" and element.tag == "book"):
            continue  # the file's properties (title, author): often another document's, never its text
        if child.tag == "para":
            _read_para(child, blocks)
        elif child.tag == "title":
            text = clean_inline(_escape("".join(child.itertext())))
            if text:
                blocks.append(Paragraph(text=text, line=len(blocks) + 1, bold=True))
        else:
            _walk(child, blocks)


def _read_para(para: ElementTree.Element, blocks: list[Block]) -> None:
    """One ``<para>``: its own text (split at its line breaks), then any table it holds, in order."""
    pieces: list[tuple[str, bool]] = []  # (text, bold) in document order, up to the next table

    def flush() -> None:
        text = "".join(piece for piece, _ in pieces)
        # Bold only when every printed character is: a bold label ("Thời gian:") does not make a heading.
        all_bold = all(bold for piece, bold in pieces if piece.strip())
        pieces.clear()
        for line in text.split("\n"):
            for raw in split_glued_headings(line.replace("\t", " ")):
                clean = clean_inline(_escape(raw))
                if not clean:
                    continue
                emphasis = detect_emphasis(raw.strip())
                blocks.append(
                    Paragraph(text=clean, line=len(blocks) + 1, bold=all_bold or emphasis.bold, italic=emphasis.italic)
                )

    if para.text:
        pieces.append((para.text, False))
    for child in para:
        if child.tag == "informaltable":
            flush()
            table = _table(child, len(blocks) + 1)
            if table is not None:
                blocks.append(table)
        elif child.tag == "para":
            flush()
            _read_para(child, blocks)
        else:
            bold = child.tag == "emphasis" and child.get("role") == "bold"
            pieces.append(("".join(child.itertext()), bold))
        if child.tail:
            pieces.append((child.tail, False))
    flush()


def _escape(text: str) -> str:
    # clean_inline strips tags and unescapes entities; literal "<" and "&" of the document must survive it.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(table: ElementTree.Element, line: int) -> RawTable | None:
    rows: list[list[RawCell]] = []
    for row in table.iter("row"):
        cells = []
        for entry in row.findall("entry"):
            text = "\n".join(part for part in "".join(entry.itertext()).split("\n") if part.strip())
            cells.append(RawCell(text=clean_inline(_escape(text), keep_breaks=True)))
        rows.append(cells)
    rows = [row for row in rows if row]
    if not rows:
        return None
    width = max(len(row) for row in rows)
    grid = [row + [RawCell(text="") for _ in range(width - len(row))] for row in rows]
    # antiword's DocBook carries no borders (frame='none' always). A data table is ruled in Word;
    # the national header and the signature block are two or three borderless columns. Narrow
    # tables are therefore marked borderless, which only lets the structure builder test them for
    # the signature's wording (a catalog with numbered rows is never taken for one).
    return RawTable(rows=grid, line=line, ruled=True, borderless=width <= _LAYOUT_MAX_COLUMNS)


def read_doc_with_antiword(data: bytes, *, timeout_s: float = ANTIWORD_TIMEOUT_S) -> BlockStream:
    return read_docbook(antiword_docbook(data, timeout_s=timeout_s))
