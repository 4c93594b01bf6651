"""Gold annotation files (shared/gold-format.md) as normalised Documents with their truth.

Calibration and the matching tests need Documents whose normalised fields are exactly the gold's,
so that matching is measured on its own and not through extraction errors. Unit keys
("vanphong_dongcuu") become unit mentions of type "vanphong" in locality "dongcuu"; periods
become task periods. A gold file does not record the parent plan's title, so it is read from the
document's own "Thực hiện Kế hoạch số ... về việc ..." line when the text file is at hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.model import (
    CatalogEntry,
    CatalogNorm,
    CitedDocument,
    Document,
    Metadata,
    Period,
    Provenance,
    SourceFormat,
    Task,
    TaskNorm,
    UnitMention,
)
from matching.errors import GoldFormatError
from matching.model import entry_key


@dataclass(frozen=True)
class GoldDocument:
    name: str
    document: Document
    dataset_keys: dict[str, str]  # entry key -> gold dataset_key
    flags: list[tuple[str, frozenset[str]]]  # (kind, evidence set)


def _parent_citation(text: str, number: str, source: str) -> CitedDocument:
    """The parent plan's citation with issuer and title, read from the implementing sentence."""
    citation = CitedDocument(
        kind="Kế hoạch", number=number, role="implements", provenance=Provenance(file=source)
    )
    pattern = re.compile(
        re.escape(number)
        + r"(?:\s+ngày\s+(?P<date>[\d/]+))?\s+của\s+(?P<issuer>.+?)\s+về\s+(?:việc\s+)?(?P<title>[^.\n]+)"
    )
    match = pattern.search(text)
    if match is None:
        return citation
    return citation.model_copy(
        update={"issuer": match.group("issuer").strip(), "title": match.group("title").strip()}
    )


def _title_key(title: str) -> str:
    """nlp's title key when nlp provides one; "" lets matching fall back to the printed title."""
    try:
        import nlp
    except ImportError:
        return ""
    make_key = getattr(nlp, "title_key", None)
    return str(make_key(title)) if callable(make_key) else ""


def _units(raw: str, unit_key: str) -> list[UnitMention]:
    mentions = []
    for key in [k for k in unit_key.split("+") if k]:
        unit_type, _, locality = key.partition("_")
        mentions.append(UnitMention(raw=raw, unit_type=unit_type, canonical_name=raw, locality=locality,
                                    unit_id=key, score=1.0))  # fmt: skip
    return mentions


def gold_document(gold: dict[str, Any], docs_dir: Path | None = None) -> GoldDocument:
    name = gold["name"]
    source = gold["files"][0]
    text_path = docs_dir / source if docs_dir else None
    data = text_path.read_bytes() if text_path and text_path.is_file() else name.encode("utf-8")
    text = data.decode("utf-8", errors="replace") if text_path else ""
    meta = gold["meta"]
    cited = [
        CitedDocument(number=c["number"], date=c.get("date", ""), provenance=Provenance(file=source))
        for c in meta.get("cited", [])
    ]
    parent = _parent_citation(text, meta["parent"], source) if meta.get("parent") else None
    if parent is not None:
        date = next((c.date for c in cited if c.number == parent.number), "")
        parent = parent.model_copy(update={"date": date})
    metadata = Metadata(
        kind=meta.get("kind", ""), number=meta.get("number", ""), issuer=meta.get("issuer", ""),
        place=meta.get("place", ""), date=meta.get("date", ""), year=meta.get("year"),
        title=meta.get("title", ""), cited=cited, parent=parent,
    )  # fmt: skip
    groups: dict[str, int] = {}
    entries = []
    for row, item in enumerate(gold.get("catalog", []), start=1):
        table = groups.setdefault(item["group"], len(groups) + 1)
        entries.append(CatalogEntry(
            group=item["group"], number=item["number"], title=item["title"], description=item["description"],
            unit=item["unit"], sharing_raw=item["sharing_raw"], frequency_raw=item["frequency_raw"],
            note=item.get("note", ""), table=table, row=row,
            provenance=Provenance(file=source, table=table, row=row, raw=item["title"]),
            norm=CatalogNorm(units=_units(item["unit"], item.get("unit_key", "")),
                             sharing=item.get("sharing", ""), frequency=item.get("frequency", []),
                             title_key=_title_key(item["title"])),
        ))  # fmt: skip
    tasks = [
        Task(
            ref=t["ref"],
            heading=t["heading"],
            time_raw=t.get("time_raw", ""),
            lead_raw=t.get("lead_raw", ""),
            partner_raw=t.get("partner_raw", ""),
            provenance=Provenance(file=source, raw=t["heading"]),
            norm=TaskNorm(period=Period(raw=t.get("time_raw", ""), quarters=t.get("periods", []))),
        )  # fmt: skip
        for t in gold.get("tasks", [])
    ]
    document = Document(
        source=source, sha256=hashlib.sha256(data).hexdigest(), format=SourceFormat.TEXT,
        size_bytes=len(data), page_count=1, metadata=metadata, tasks=tasks, catalog=entries,
    )  # fmt: skip
    keys = {
        entry_key(document, e): item["dataset_key"] for e, item in zip(entries, gold["catalog"], strict=True)
    }
    flags = [(f["kind"], frozenset(f["evidence"])) for f in gold.get("flags", [])]
    return GoldDocument(name=name, document=document, dataset_keys=keys, flags=flags)


def load_gold(gold_dir: Path, docs_dir: Path | None = None) -> list[GoldDocument]:
    out = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            out.append(gold_document(json.loads(path.read_text(encoding="utf-8")), docs_dir))
        except (KeyError, ValueError, TypeError) as error:
            raise GoldFormatError(str(path), str(error)) from error
    return out
