"""A document's facts for matching as catalog.incremental stores them: its match_documents row, its
dated numbers (match_citations) and its catalog rows (match_entries, and the StoredRow placed)."""

from __future__ import annotations

import json

from extract.model import Document, Provenance
from matching.features import _unit_types
from matching.flags import citation_key, number_key, parent_title_text
from matching.model import entry_key
from matching.placement import StoredRow
from matching.scope import Scope
from matching.text import normalize


def document_row(document: Document, seq: int, scope: Scope) -> dict[str, object]:
    meta = document.metadata
    parent = meta.parent
    return {
        "sha256": document.sha256, "seq": seq, "source": document.source, "scope_level": scope.level,
        "scope_province": scope.province, "number_key": number_key(meta.number) if meta.number else "",
        "parent_key": citation_key(parent) if parent is not None else "",
        "parent_title": parent_title_text(parent.title) if parent is not None and parent.title else "",
        "title_norm": normalize(meta.title) if meta.title else "", "parent_sha": "", "parent_score": 0,
    }  # fmt: skip


def stored_rows(document: Document, scope: Scope) -> list[StoredRow]:
    """The document's catalog rows the store keeps (catalog.rows.entry_rows), each once, in order:
    the first of two entries claiming one table row, as entry_rows keeps it."""
    stored: list[StoredRow] = []
    seen: set[str] = set()
    for entry in document.catalog:
        key = entry_key(document, entry)
        if key in seen:
            continue
        seen.add(key)
        types, label = _unit_types(entry)
        stored.append(StoredRow(
            key=key, document=document.sha256, number=entry.number, table=entry.table, group=entry.group,
            title=entry.title, title_key=entry.norm.title_key if entry.norm is not None else "",
            description=entry.description, unit_types=tuple(sorted(types)), unit_label=label,
            scope_level=scope.level, scope_province=scope.province, unit=entry.unit,
        ))  # fmt: skip
    return stored


def citations(document: Document) -> list[dict[str, object]]:
    """The dated số hiệu of matching.flags.citation_conflicts: the document's own, then what it cites."""
    found: list[tuple[str, str, Provenance]] = []
    meta = document.metadata
    if meta.number and meta.date:
        found.append((number_key(meta.number), meta.date,
                      meta.sources.get("number") or Provenance(file=document.source)))  # fmt: skip
    for cited in meta.cited:
        if cited.number and cited.date:
            found.append((citation_key(cited), cited.date, cited.provenance))
    return [
        {"document_sha256": document.sha256, "key": key, "date": date, "position": i,
         "provenance_json": json.dumps(p.model_dump(mode="json"), ensure_ascii=False)}
        for i, (key, date, p) in enumerate(found)
    ]  # fmt: skip
