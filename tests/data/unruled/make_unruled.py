"""Make the unruled-table fixtures: corpus DOCX renderings with their catalog tables' rules removed.

Real documents print catalogs with only horizontal rules (top, bottom and between rows) or with
no rules at all, columns aligned by position only; rule-based table finders see nothing there.
This script takes corpus renderings (``corpus/docs/<name>.docx``), rewrites the borders of
every ruled table (the catalog tables; the national header is already borderless) and prints
each variant to PDF with LibreOffice:

- ``<name>_ruled.docx/.pdf``: the control, rules as in the corpus;
- ``<name>_hrules.docx/.pdf``: top, bottom and between-row rules, no vertical line;
- ``<name>_borderless.docx/.pdf``: no rule at all.

The body between the national header and the appendix ("PHỤ LỤC", which holds the catalog)
is dropped to keep the fixtures small and the tests fast; the appendix's text, column widths
and merges are untouched, so each fixture has exactly the catalog of its seed's gold
(``corpus/gold/<name>.json``). Output is byte-identical from run to
run (fixed ZIP timestamps, LibreOffice's date and IDs replaced), and the files are committed so
that the tests never need LibreOffice. Run from the repository root::

    .venv/bin/python tests/data/unruled/make_unruled.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from corpus.render.docx_writer import normalise_zip  # noqa: E402
from corpus.render.pdf import convert_to_pdf  # noqa: E402

HERE = Path(__file__).resolve().parent
SEEDS = ("dong_cuu_ke_hoach_2026", "hung_yen_ke_hoach_du_lieu_mo")
EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
# Which edges keep a rule in each variant.
VARIANTS: dict[str, frozenset[str]] = {
    "ruled": frozenset(EDGES),  # the control: the same trimmed document with its rules
    "hrules": frozenset({"top", "bottom", "insideH"}),
    "borderless": frozenset(),
}
APPENDIX = "PHỤ LỤC"


def is_ruled(table: Table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None:
        return False
    return any(edge.get(qn("w:val")) not in (None, "nil", "none") for edge in borders)


def set_rules(table: Table, kept: frozenset[str]) -> None:
    def edge(name: str) -> str:
        if name in kept:
            return f'<w:{name} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        return f'<w:{name} w:val="nil"/>'

    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    replacement = parse_xml(f"<w:tblBorders {nsdecls('w')}>{''.join(edge(e) for e in EDGES)}</w:tblBorders>")
    borders.addprevious(replacement)
    # Direct table borders override the "Table Grid" style's; cells carry no borders of their own.
    tbl_pr.remove(borders)


def drop_body_before_appendix(docx: DocxDocument) -> None:
    """Remove the blocks between the first table (the national header) and the appendix heading."""
    body = docx.element.body
    children = list(body.iterchildren())
    start = next(i for i, child in enumerate(children) if child.tag == qn("w:tbl")) + 1
    for child in children[start:]:
        text = "".join(child.itertext()).strip() if child.tag == qn("w:p") else ""
        if text.upper().startswith(APPENDIX):
            return
        body.remove(child)
    raise SystemExit(f"no {APPENDIX} heading found")


def write_variant(seed: str, variant: str, kept: frozenset[str]) -> Path:
    docx = Document(str(ROOT / "corpus" / "docs" / f"{seed}.docx"))
    drop_body_before_appendix(docx)
    changed = 0
    for table in docx.tables:
        if is_ruled(table):
            set_rules(table, kept)
            changed += 1
    if changed == 0:
        raise SystemExit(f"{seed}: no ruled table found")
    buffer = io.BytesIO()
    docx.save(buffer)
    target = HERE / f"{seed}_{variant}.docx"
    target.write_bytes(normalise_zip(buffer.getvalue()))
    return target


def to_pdf(docx_path: Path) -> Path:
    target = docx_path.with_suffix(".pdf")
    convert_to_pdf(docx_path, target)  # one font family checked, dates and IDs fixed
    return target


def main() -> None:
    for seed in SEEDS:
        for variant, kept in VARIANTS.items():
            docx_path = write_variant(seed, variant, kept)
            pdf_path = to_pdf(docx_path)
            sys.stdout.write(f"{pdf_path.relative_to(ROOT)} {pdf_path.stat().st_size} bytes\n")


if __name__ == "__main__":
    main()
