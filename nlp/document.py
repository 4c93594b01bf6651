"""Normalise a whole extracted Document: catalog entries, tasks and citations get their ``norm``.

The document decides the context: units resolve against the issuer's locality (refined with the
province named by the plan it implements or cites, so "Sở Khoa học và Công nghệ" in a commune plan
is the province's Sở), periods default to the document's year, and a catalog table is an
open-data list when its caption, group or the document title says "dữ liệu mở" and none of its
rows has a sharing value.

Never raises: a problem with one entry becomes an ExtractionWarning on the returned copy.
"""

from __future__ import annotations

import re
from collections import defaultdict

from extract.model import (
    CatalogEntry,
    CatalogNorm,
    CitedDocument,
    Document,
    ExtractionWarning,
    Metadata,
    Task,
    TaskNorm,
    UnitMention,
)
from nlp.citations import normalize_number
from nlp.frequency import parse_frequency
from nlp.periods import parse_period
from nlp.sharing import parse_sharing
from nlp.text import correct_slips, fold
from nlp.titles import title_key
from nlp.units import locality_of_issuer, parse_locality, resolve_single, resolve_units

_OPEN_DATA = "du lieu mo"
# Cities under the central government: their place line is "Hà Nội", their locality a thành phố.
_CENTRAL_CITIES = frozenset({"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"})


def _place_of_province_agency(doc: Document) -> str:
    """'Phú Thọ' under a Sở's decision → 'tỉnh Phú Thọ'.

    By the rules on administrative documents (NĐ 30/2020, Phụ lục I) a provincial agency's place line
    names its province, so an issuer without a place ("Sở Khoa học và Công nghệ") takes it from there.
    """
    meta = doc.metadata
    place = meta.place.strip(" ,.")
    if not place or not meta.issuer:
        return ""
    issuer = resolve_single(meta.issuer)
    if not issuer.unit_id or issuer.score < 1.0 or not issuer.unit_type or issuer.level in ("ubnd", "hdnd"):
        return ""
    from nlp.registry import get_registry

    unit = get_registry().units.get(issuer.unit_type)
    if unit is None or unit.scope != "province":
        return ""
    level = "thành phố" if fold(place).removeprefix("tp ").removeprefix("thanh pho ") in _CENTRAL_CITIES else "tỉnh"
    return parse_locality(f"{level} {place}").text


# An issuer that is a local body without its place ("UBND xã", "Ban Thường trực" read alone), or none read: the place
# line may then be all that says where the document is from.
_LOCAL_BODY = re.compile(
    r"^(?:UBND|HĐND|[ỦU]ỷ?\s*ban|Hội\s+đồng\s+nhân\s+dân|Ban\s+Thường\s+trực|Ban\s+Chấp\s+hành|Đảng\s+[ủu]ỷ?|"
    r"Mặt\s+trận|Tiểu\s+ban)\b|^$",
    re.IGNORECASE,
)
# "UBND xã": the issuing sentence named the level, not the place ("Ủy ban nhân dân xã ban hành Kế hoạch …").
_BARE_LEVEL = re.compile(r"\b(?P<level>tỉnh|thành\s+phố|huyện|quận|thị\s+xã|thị\s+trấn|xã|phường)\s*$", re.IGNORECASE)


def place_line_locality(meta: Metadata) -> tuple[str, str]:
    """The place line's name at the level the document states elsewhere, for a local issuer read without its place.

    A place line says no level ("Lương Minh, ngày …" is a commune's, "Quảng Ninh, ngày …" a province's; a province's
    name is a ward's too since 2025), so the level must come from the issuer's own words ("UBND xã"), the title or a
    cited document naming the place with it ("… của UBND xã Lương Minh"): ``(locality, "")`` when exactly one level
    is stated; ``("", the levels seen)`` when none or several are (the caller warns); ``("", "")`` when there is no
    place line or the issuer is a body whose place is not the document's (a ministry writes "Hà Nội, ngày …").
    """
    place = meta.place.strip(" ,.*")
    if not place or not _LOCAL_BODY.match(meta.issuer.strip()):
        return "", ""
    levels: set[str] = set()
    bare = _BARE_LEVEL.search(meta.issuer)
    if bare:
        levels.add(" ".join(bare.group("level").lower().split()))
    cited = [c for c in [meta.parent, *meta.cited] if c is not None]
    for text in [meta.title, *(c.issuer for c in cited), *(c.title for c in cited)]:
        for level, name in parse_locality(text).parts:
            if fold(name) == fold(place):
                levels.add(level)
    if len(levels) == 1:
        return parse_locality(f"{levels.pop()} {place}").text, ""
    return "", ", ".join(sorted(levels)) or "không có / none"


def document_locality(doc: Document) -> str:
    """The issuer's locality, with the province added when the issuer is below it and a citation names it."""
    meta = doc.metadata
    own = parse_locality(locality_of_issuer(meta.issuer))
    if not own.parts:
        own = parse_locality(meta.title)
    if not own.parts:
        return _place_of_province_agency(doc) or place_line_locality(meta)[0]
    if own.at_rank(1):
        return own.text
    cited = [c for c in [meta.parent, *meta.cited] if c is not None]
    for citation in cited:
        province = parse_locality(locality_of_issuer(citation.issuer)).at_rank(1)
        if province:
            return f"{own.text}, {province}"
    return own.text


def _uncertain_place_warning(meta: Metadata) -> ExtractionWarning | None:
    """A place line whose level the document does not state: units are left without a place, and a reviewer told."""
    try:
        locality, levels = place_line_locality(meta)
    except Exception:  # noqa: BLE001 - lenient by contract
        return None
    if locality or not levels:
        return None
    place = meta.place.strip(" ,.*")
    return ExtractionWarning(
        code="locality_uncertain",
        message=(
            f"Địa danh «{place}» ở dòng ngày tháng không cho biết cấp (xã, tỉnh…) và cơ quan ban hành không đọc được "
            f"địa bàn (cấp thấy trong văn bản: {levels}): đơn vị không gắn địa bàn — cần kiểm tra / the place line "
            f"'{place}' does not say its level and no place was read from the issuer (levels stated: {levels}): "
            "units are left without a place"
        ),
        provenance=meta.sources.get("place") or meta.sources.get("date"),
    )


def _open_list_tables(doc: Document) -> set[int]:
    captions = {table.index: table.caption for table in doc.tables}
    by_table: dict[int, list[CatalogEntry]] = defaultdict(list)
    for entry in doc.catalog:
        by_table[entry.table].append(entry)
    title_open = _OPEN_DATA in fold(doc.metadata.title)
    open_tables: set[int] = set()
    for table, entries in by_table.items():
        if any(entry.sharing_raw.strip() for entry in entries):
            continue
        declared = title_open or _OPEN_DATA in fold(captions.get(table, ""))
        declared = declared or any(_OPEN_DATA in fold(entry.group) for entry in entries)
        if declared:
            open_tables.add(table)
    return open_tables


def _unresolved_warnings(mentions: list[UnitMention], where: CatalogEntry | Task) -> list[ExtractionWarning]:
    return [
        ExtractionWarning(
            code="unit_unresolved",
            message=(
                f"Không xác định được đơn vị '{m.raw}' (ứng viên: {', '.join(m.candidates) or 'không có'}) / "
                f"unit not resolved, best candidates listed"
            ),
            provenance=where.provenance,
        )
        for m in mentions
        if not m.collective and not m.unit_id
    ]


def _normalize_entry(
    entry: CatalogEntry, locality: str, place: str, is_open: bool, issuer: str = ""
) -> tuple[CatalogNorm, list[str]]:
    reasons: list[str] = []
    unit_text, unit_fixes = correct_slips(entry.unit, context_place=place)
    title_text, title_fixes = correct_slips(entry.title, context_place=place)
    reasons.extend(unit_fixes + title_fixes)
    units = resolve_units(unit_text, locality=locality, issuer=issuer)
    sharing = parse_sharing(entry.sharing_raw, open_list=is_open)
    if is_open and not entry.sharing_raw.strip():
        reasons.append(
            "danh mục dữ liệu mở không có cột chia sẻ → open / open-data list without a sharing column"
        )
    frequency = parse_frequency(entry.frequency_raw)
    norm = CatalogNorm(
        units=units, sharing=sharing, frequency=frequency, title_key=title_key(title_text), reasons=reasons
    )
    return norm, reasons


def _normalize_citation(citation: CitedDocument) -> CitedDocument:
    return citation.model_copy(update={"number_key": normalize_number(citation.number)})


def normalize_document(doc: Document) -> Document:
    """A copy of ``doc`` with catalog, task and citation norms filled in; never raises."""
    warnings = list(doc.warnings)
    try:
        locality = document_locality(doc)
    except Exception as exc:  # noqa: BLE001 - lenient by contract
        locality = ""
        warnings.append(
            ExtractionWarning(
                code="nlp_locality_failed", message=f"Không xác định được địa bàn: {exc} / locality not found"
            )
        )
    if not locality:
        uncertain = _uncertain_place_warning(doc.metadata)
        if uncertain is not None:
            warnings.append(uncertain)
    place = parse_locality(locality).parts[0][1] if parse_locality(locality).parts else ""
    year = doc.metadata.year

    try:
        open_tables = _open_list_tables(doc)
    except Exception:  # noqa: BLE001
        open_tables = set()

    catalog: list[CatalogEntry] = []
    for entry in doc.catalog:
        try:
            norm, _ = _normalize_entry(entry, locality, place, entry.table in open_tables, doc.metadata.issuer)
            catalog.append(entry.model_copy(update={"norm": norm}))
            warnings.extend(_unresolved_warnings(norm.units, entry))
        except Exception as exc:  # noqa: BLE001
            catalog.append(entry)
            warnings.append(
                ExtractionWarning(
                    code="nlp_entry_failed",
                    provenance=entry.provenance,
                    message=f"Lỗi chuẩn hóa dòng danh mục: {exc} / entry not normalised",
                )
            )

    tasks: list[Task] = []
    for task in doc.tasks:
        try:
            lead = resolve_units(task.lead_raw, locality=locality, issuer=doc.metadata.issuer)
            partners = resolve_units(task.partner_raw, locality=locality, issuer=doc.metadata.issuer)
            task_norm = TaskNorm(
                period=parse_period(task.time_raw, default_year=year) if task.time_raw else None,
                lead=lead,
                partners=partners,
            )
            tasks.append(task.model_copy(update={"norm": task_norm}))
            warnings.extend(_unresolved_warnings(lead + partners, task))
        except Exception as exc:  # noqa: BLE001
            tasks.append(task)
            warnings.append(
                ExtractionWarning(
                    code="nlp_task_failed",
                    provenance=task.provenance,
                    message=f"Lỗi chuẩn hóa nhiệm vụ: {exc} / task not normalised",
                )
            )

    metadata = doc.metadata
    try:
        metadata = metadata.model_copy(
            update={
                "cited": [_normalize_citation(c) for c in metadata.cited],
                "parent": _normalize_citation(metadata.parent) if metadata.parent else None,
            }
        )
    except Exception as exc:  # noqa: BLE001
        warnings.append(
            ExtractionWarning(
                code="nlp_citations_failed",
                message=f"Lỗi chuẩn hóa số hiệu: {exc} / citations not normalised",
            )
        )

    return doc.model_copy(
        update={"catalog": catalog, "tasks": tasks, "metadata": metadata, "warnings": warnings}
    )
