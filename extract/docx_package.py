"""Open a DOCX package: the main document, its styles and numbering parts, nothing else.

The parts are found the way Word finds them, through the package relationships
(``_rels/.rels`` -> main document -> its ``_rels``), and only those three are inflated and
parsed. A general OPC loader (python-docx) inflates and parses every part of the package —
``stylesWithEffects.xml``, themes, settings, images — which cost more than reading the
body itself, and a damaged part nobody reads would fail the whole file.

Each inflated part is bounded (:func:`extract.safety.read_zip_member`) and so is their sum,
so a central directory that lies about sizes cannot slip past the guards either.
"""

from __future__ import annotations

import hashlib
import posixpath
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from lxml import etree

from extract.docx_numbering import W
from extract.errors import CorruptFileError, LimitExceededError
from extract.safety import DEFAULT_ZIP_LIMITS, MIB, max_docx_xml_bytes, open_checked_zip, read_zip_member

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Transitional and Strict OOXML spell relationship types differently; the last segment is the same.
_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
_NUMBERING = "/numbering"
_DEFAULT_DOCUMENT = "word/document.xml"
# The same options python-docx parses with: no entity expansion, whitespace-only text dropped.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
# styles.xml and numbering.xml repeat from document to document (an office writes from a few templates:
# the scale archive's 96 DOCX share one 350 KB styles.xml, ~2.5 ms to parse, a fifth of reading a DOCX).
# A parsed part is kept for the next documents, keyed by its bytes' digest (the parse depends on nothing
# else), per thread: no lxml tree is ever read by two threads. The readers never modify these trees.
_PARTS_KEPT = 4
_kept = threading.local()


@dataclass(frozen=True, slots=True)
class DocxPackage:
    body: etree._Element
    styles: etree._Element | None
    numbering: etree._Element | None
    page_count: int
    warnings: list[tuple[str, str, int | None]] = field(default_factory=list)


def open_docx(data: bytes, source: str) -> DocxPackage:
    archive = open_checked_zip(data, source)
    reader = _PartReader(archive, source)
    document_name = reader.target(reader.relationships(""), _OFFICE_DOCUMENT) or _DEFAULT_DOCUMENT
    root = reader.parse(document_name)
    body = root.find(f"{W}body") if root.tag == f"{W}document" else None
    if body is None:
        raise CorruptFileError(
            source, f"phần '{document_name}' không phải nội dung Word / '{document_name}' is not a Word body"
        )
    related = reader.relationships(document_name)
    return DocxPackage(
        body=body,
        styles=reader.parse_optional(reader.target(related, _STYLES, base=document_name)),
        numbering=reader.parse_optional(reader.target(related, _NUMBERING, base=document_name)),
        page_count=_page_count(reader),
        warnings=reader.warnings,
    )


class _PartReader:
    def __init__(self, archive: zipfile.ZipFile, source: str) -> None:
        self.archive = archive
        self.source = source
        self.names = set(archive.namelist())
        self.inflated = 0
        self.warnings: list[tuple[str, str, int | None]] = []

    def read(self, name: str) -> bytes:
        xml_limit = max_docx_xml_bytes()
        declared = self.archive.getinfo(name).file_size if name in self.names else 0
        if declared > xml_limit:  # refused from the directory, before inflating or parsing anything
            raise _xml_too_large(self.source, name, xml_limit)
        # The declared size can lie: what is actually inflated is bounded by the same limit.
        limits = replace(DEFAULT_ZIP_LIMITS, max_total_uncompressed=xml_limit)
        try:
            data = read_zip_member(self.archive, name, self.source, limits)
        except LimitExceededError:
            raise _xml_too_large(self.source, name, xml_limit) from None
        self.inflated += len(data)
        limit = DEFAULT_ZIP_LIMITS.max_total_uncompressed
        if self.inflated > limit:
            raise LimitExceededError(
                self.source,
                f"dung lượng giải nén vượt {limit // MIB} MiB",
                f"the archive inflates beyond {limit // MIB} MiB",
            )
        return data

    def parse(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise CorruptFileError(
                self.source, f"phần '{name}' hỏng XML: {exc} / part '{name}' is not well-formed XML"
            ) from exc

    def parse_optional(self, name: str | None) -> etree._Element | None:
        """Styles and numbering: without them the body still reads (plain paragraphs, no labels)."""
        if name is None or name not in self.names:
            return None
        try:
            return _parse_shared(self.read(name))
        except (CorruptFileError, etree.XMLSyntaxError) as exc:
            detail = exc.args[0] if isinstance(exc, etree.XMLSyntaxError) else exc.__cause__ or exc
            self.warnings.append(
                (
                    "docx_part_unreadable",
                    f"Phần '{name}' bị hỏng, văn bản được đọc không có kiểu định dạng/đánh số tự động của nó / "
                    f"Part '{name}' is damaged; the text is read without its styles/automatic numbering ({detail})",
                    None,
                )
            )
            return None

    def relationships(self, part: str) -> list[etree._Element]:
        """The relationships of ``part`` ("" for the package itself); none when the rels part is absent."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels not in self.names:
            return []
        try:
            root = etree.fromstring(self.read(rels), _PARSER)
        except (etree.XMLSyntaxError, CorruptFileError):
            return []
        return list(root.iterchildren(_REL))

    def target(self, relationships: list[etree._Element], kind: str, base: str = "") -> str | None:
        """The member name of the first internal relationship whose type ends with ``kind``."""
        for rel in relationships:
            if not (rel.get("Type") or "").endswith(kind) or rel.get("TargetMode") == "External":
                continue
            target = unquote(rel.get("Target") or "")
            if not target:
                continue
            if target.startswith("/"):
                name = target.lstrip("/")
            else:
                name = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
            if name in self.names:
                return name
        return None


def _parse_shared(data: bytes) -> etree._Element:
    """The part's tree, parsed once for all the documents (of this thread) that carry the same bytes.

    Read only: the same tree is handed to each of those documents. A part that fails to parse is not kept.
    """
    trees: OrderedDict[bytes, etree._Element] | None = getattr(_kept, "trees", None)
    if trees is None:
        trees = _kept.trees = OrderedDict()
    key = hashlib.blake2b(data, digest_size=20).digest()
    root = trees.get(key)
    if root is None:
        root = trees[key] = etree.fromstring(data, _PARSER)
        if len(trees) > _PARTS_KEPT:
            trees.popitem(last=False)
    else:
        trees.move_to_end(key)
    return root


def _xml_too_large(source: str, name: str, limit: int) -> LimitExceededError:
    return LimitExceededError(
        source,
        f"phần '{name}' vượt {limit // MIB} MiB XML (biến môi trường DANHMUC_MAX_DOCX_XML_BYTES)",
        f"part '{name}' holds more than {limit // MIB} MiB of XML (env DANHMUC_MAX_DOCX_XML_BYTES)",
    )


def _page_count(reader: _PartReader) -> int:
    if "docProps/app.xml" not in reader.names:
        return 1
    try:
        app = etree.fromstring(reader.read("docProps/app.xml"), _PARSER)
    except (CorruptFileError, etree.XMLSyntaxError):
        return 1
    for element in app.iter():
        if isinstance(element.tag, str) and element.tag.endswith("}Pages") and (element.text or "").isdigit():
            return max(1, int(element.text or "1"))
    return 1
