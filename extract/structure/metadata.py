"""The document's identity: kind, số hiệu, place and date, issuer, title, signer, citations, parent plan.

Everything is read from the preamble — the national header (left column: issuing body,
số hiệu; right column: place and date), the kind line ("KẾ HOẠCH") and its title, the
Căn cứ / Thực hiện lines — with two fallbacks the genre needs: a document whose Số line
was lost names itself in its appendix ("Kèm theo Quyết định số 1402/QĐ-UBND ngày
12/7/2022"), and a commune plan converted without its header names its issuer in the
issuing sentence ("Ủy ban nhân dân xã ban hành Kế hoạch phát triển dữ liệu xã Đông Cứu").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extract.blocks import Paragraph, Stamp
from extract.markup import fold
from extract.model import CitedDocument, Metadata, Table
from extract.structure.citations import LEGAL_KINDS, PLAN_KINDS, find_citations
from extract.structure.gazette import GazetteHeading, read_gazette_heading
from extract.structure.issuer import find_issuer, locality_of
from extract.structure.metadata_identity import (
    STAMP_RAW_PREFIX,
    Identity,
    annexed_to,
    appendix_identity,
    appendix_self_reference,
    header_identity,
    stamped_identity,
)
from extract.structure.metadata_title import annex_reference, kind_and_title_noted
from extract.structure.numbering import LabelKind, Line, logical_lines, parse_label
from extract.structure.signer import find_signer
from nlp.localities import known_place_spelling

# STAMP_RAW_PREFIX: re-exported (metadata_warnings and the tests import it from here).
__all__ = ["STAMP_RAW_PREFIX", "extract_metadata"]


def extract_metadata(
    items: list[Paragraph | Table],
    *,
    source: str,
    lines: list[Line] | None = None,
    stamps: Sequence[Stamp] = (),
    ocr_pages: Sequence[int] = (),
) -> Metadata:
    """``lines`` is ``logical_lines(items)`` when the caller already has it (the builder shares it);
    ``stamps`` are the values an e-signature system drew over the pages (PDF annotations); ``ocr_pages``
    the pages whose text came from OCR."""
    lines = logical_lines(items) if lines is None else lines
    preamble_end = _preamble_end(lines)
    preamble = lines[:preamble_end]
    found = Identity(source)
    sources = found.sources
    note = found.note

    annex = annex_reference(lines)
    kind, title, kind_index = kind_and_title_noted(lines, preamble, annex, ocr_pages, note)
    if annex is None:
        header_identity(preamble, found)
        appendix = appendix_self_reference(lines, kind)
        if appendix is not None:
            appendix_identity(appendix, found)
        stamped_identity(stamps, found)

    issuer = find_issuer(preamble, lines, title, kind_index, note)
    if kind_index is not None and (heading := read_gazette_heading(title)) is not None:
        title, issuer = _gazette_identity(heading, preamble[min(kind_index + 1, len(preamble) - 1)], found, issuer)
    place = known_place_spelling(found.place)
    issuer = _issuer_spelt_as_place(issuer, place or known_place_spelling(locality_of(issuer)))
    if not place and issuer:
        # No place line (a decision converted without its header): the issuer's locality is the place.
        place = locality_of(issuer)
        if place and "issuer" in sources:
            sources["place"] = sources["issuer"]
    signer = find_signer(lines, note)
    cited = find_citations(lines, source=source, preamble_end=preamble_end)
    if annex is not None:
        parent: CitedDocument | None = annexed_to(annex, stamps, source)
    else:
        parent = _parent(cited, found.number)
    if parent is not None:
        sources["parent"] = parent.provenance
    return Metadata(
        kind=kind,
        number=found.number,
        number_template=found.template,
        issuer=issuer,
        place=place,
        date=found.date,
        date_raw=found.date_raw,
        year=found.year,
        title=title,
        signer=signer,
        cited=cited,
        parent=parent,
        sources=sources,
    )


def _gazette_identity(heading: GazetteHeading, line: Line, found: Identity, issuer: str) -> tuple[str, str]:
    """The title without the issuer, number and date the gazette's heading names; what the header lacked from it."""
    if not found.number:
        found.number = found.template = heading.number
        found.note("number", line)
    if not found.date:
        found.take_date(heading.date)
        found.note("date", line)
    if not issuer and heading.issuer:
        issuer = find_issuer([replace(line, text=heading.issuer)], [], heading.title, None, found.note)
    return heading.title, issuer


def _issuer_spelt_as_place(issuer: str, place: str) -> str:
    """The issuer's place as the place-date line spells it, when the two differ only in their marks.

    An OCR drops the marks of the header's capitals more often than of the date line's ("ỦY BAN NHÂN DÂN / TỈNH
    QUANG NGAI" over "Quảng Ngãi, ngày 4 tháng 01 năm 2025", TB 46/TB-UBND, 53/TB-UBND, TTr 22/TTr-UBND Quảng Ngãi
    2025, scans): both name one place, and the marked spelling is the place's name.
    """
    where = locality_of(issuer)
    if not where or not place or where == place or fold(where) != fold(place) or not issuer.endswith(where):
        return issuer
    return issuer[: -len(where)] + place


def _preamble_end(lines: list[Line]) -> int:
    """Index of the first numbered heading: the header and Căn cứ lines come before it."""
    for index, line in enumerate(lines):
        label = parse_label(line.text)
        if label is not None and label.kind in (
            LabelKind.CHAPTER,
            LabelKind.ROMAN,
            LabelKind.ARTICLE,
            LabelKind.DOTTED,
            LabelKind.APPENDIX,
        ):
            return index
    return len(lines)


def _parent(cited: list[CitedDocument], own_number: str) -> CitedDocument | None:
    """The plan this document implements: a Thực hiện plan first, a Căn cứ plan otherwise."""
    for role in ("implements", "basis"):
        for doc in cited:
            if doc.role == role and doc.kind in PLAN_KINDS and (not own_number or doc.number != own_number):
                return doc
    # No plan: the document a "Thực hiện …" opening names ("Thực hiện Công điện số 131/CĐ-TTg", "Thực hiện
    # Công văn số 1781-CV/TU"), unless it is a legal instrument, which is carried out, not implemented.
    for doc in cited:
        if doc.role == "implements" and doc.kind not in LEGAL_KINDS and doc.number and doc.number != own_number:
            return doc
    return None
