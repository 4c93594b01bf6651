"""Legacy renderings of seeds: TCVN3 and VNI text, a Word 97-2003 .doc, and a DOCX typed in .VnTime.

``python -m corpus.render.legacy [--docs DIR] [--skip-doc]``

* ``<name>_tcvn3.txt`` — the seed as single-byte TCVN3 (TCVN 5712 VN1 capitals, cp1252
  punctuation such as – “ ” in the byte positions Windows gave them);
* ``<name>_vni.txt`` — the seed as single-byte VNI (cp1252 for the other characters);
* ``<name>.doc`` — the corpus DOCX saved by LibreOffice as "MS Word 97";
* ``<name>_vntime.docx`` — the corpus DOCX with every run re-typed the ABC way: lowercase
  text in ``.VnTime`` with TCVN3 codes, stretches of capitals holding a toned capital in the
  all-caps ``.VnTimeH`` with the lowercase codes (VN3 fonts have no toned capitals).

The text and DOCX files are byte-identical from run to run (the DOCX keeps the ZIP entry
order and timestamps of its source). The .doc is written by LibreOffice and is only as stable
as LibreOffice makes it; it is committed, so tests never need to re-render it.
"""

from __future__ import annotations

import argparse
import copy
import io
import logging
import sys
import zipfile
from pathlib import Path

from lxml import etree

from extract.legacy.encodings import encode_tcvn3, encode_vni
from extract.legacy.soffice import SofficeError, convert_with_soffice
from extract.legacy.tables import TCVN3_HIGH

LOG = logging.getLogger("corpus.render.legacy")
DEFAULT_DOCS = Path(__file__).resolve().parent.parent / "docs"
TEXT_SEEDS = ("son_hai_ke_hoach_2026", "dong_cuu_ke_hoach_2026")
DOC_SEED = "son_hai_ke_hoach_2026"
VNTIME_SEED = "dong_cuu_ke_hoach_2026"
SOFFICE_TIMEOUT_S = 300

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
VNTIME, VNTIME_CAPS = ".VnTime", ".VnTimeH"

# What a .VnTime (VN3) font can show: lowercase letters and the seven untoned capitals.
_VN3_CODES: dict[str, str] = {
    chr(TCVN3_HIGH[byte - 0x80]): chr(byte)
    for byte in range(0xA1, 0xFF)
    if chr(TCVN3_HIGH[byte - 0x80]).islower() or chr(TCVN3_HIGH[byte - 0x80]) in "ĂÂÊÔƠƯĐ"
}


def render_text_encodings(name: str, docs: Path) -> list[Path]:
    text = (docs / f"{name}.txt").read_text(encoding="utf-8")
    written = []
    for suffix, encode in (("_tcvn3", encode_tcvn3), ("_vni", encode_vni)):
        data = encode(text)
        if data.count(b"?") != text.count("?"):
            raise ValueError(f"{name}: ký tự không mã hoá được / unencodable characters for {suffix}")
        target = docs / f"{name}{suffix}.txt"
        target.write_bytes(data)
        written.append(target)
    return written


def render_doc(name: str, docs: Path) -> Path:
    source = docs / f"{name}.docx"
    try:
        data = convert_with_soffice(source, "doc:MS Word 97", timeout_s=SOFFICE_TIMEOUT_S)
    except SofficeError as error:
        raise RuntimeError(f"LibreOffice không chuyển được {source.name} / conversion failed: {error}") from None
    target = docs / f"{name}.doc"
    target.write_bytes(data)
    return target


# ---------------------------------------------------------------- .VnTime DOCX


def _segments(text: str) -> list[tuple[str, bool]]:
    """Split text into (piece, needs the caps font): a stretch without lowercase letters that holds
    a capital the VN3 font cannot show is typed in .VnTimeH."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or text[index].islower() != text[start].islower():
            piece = text[start:index]
            caps = not piece[0].islower() and any(
                char.isupper() and not char.isascii() and char not in _VN3_CODES for char in piece
            )
            if pieces and pieces[-1][1] == caps:
                pieces[-1] = (pieces[-1][0] + piece, caps)
            else:
                pieces.append((piece, caps))
            start = index
    return pieces


def _to_vn3(text: str) -> str:
    return "".join(_VN3_CODES.get(char, char) for char in text)


def _set_font(r_pr: etree._Element, font: str) -> None:
    fonts = r_pr.find(f"{W}rFonts")
    if fonts is None:
        fonts = etree.Element(f"{W}rFonts")
        style = r_pr.find(f"{W}rStyle")
        r_pr.insert(0 if style is None else 1, fonts)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(f"{W}{attr}", font)


def _retype_run(run: etree._Element) -> list[etree._Element]:
    r_pr = run.find(f"{W}rPr")
    new_runs: list[etree._Element] = []

    def make(children: list[etree._Element], font: str) -> None:
        new = etree.Element(f"{W}r", attrib=dict(run.attrib))
        props = copy.deepcopy(r_pr) if r_pr is not None else etree.Element(f"{W}rPr")
        _set_font(props, font)
        new.append(props)
        for child in children:
            new.append(child)
        new_runs.append(new)

    for child in run:
        if child is r_pr:
            continue
        if child.tag != f"{W}t" or not child.text:
            make([copy.deepcopy(child)], VNTIME)
            continue
        for piece, caps in _segments(child.text):
            element = etree.Element(f"{W}t")
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            element.text = _to_vn3(piece.lower()) if caps else _to_vn3(piece)
            make([element], VNTIME_CAPS if caps else VNTIME)
    return new_runs


def vntime_document_xml(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for run in list(root.iter(f"{W}r")):
        if run.find(f"{W}t") is None:
            continue
        parent = run.getparent()
        if parent is None:
            continue
        position = parent.index(run)
        parent.remove(run)
        for offset, new in enumerate(_retype_run(run)):
            parent.insert(position + offset, new)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def render_vntime_docx(name: str, docs: Path) -> Path:
    source = zipfile.ZipFile(docs / f"{name}.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = vntime_document_xml(data)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    path = docs / f"{name}_vntime.docx"
    path.write_bytes(buffer.getvalue())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.render.legacy", description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--skip-doc", action="store_true", help="do not run LibreOffice for the .doc")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for name in TEXT_SEEDS:
        for path in render_text_encodings(name, args.docs):
            LOG.info("%s", path.name)
    LOG.info("%s", render_vntime_docx(VNTIME_SEED, args.docs).name)
    if not args.skip_doc:
        LOG.info("%s", render_doc(DOC_SEED, args.docs).name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
