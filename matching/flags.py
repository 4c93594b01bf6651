"""Findings a reviewer must see, computed over one archive of documents.

Evidence follows docs/gold-conventions.md: catalog numbers as printed, task refs, the dataset
title, the normalised số hiệu, or the names of blank metadata fields. Flags that need datasets
(duplicate_entry, unit_conflict) read the entry → dataset assignment of a reconciliation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from extract.model import CatalogEntry, CitedDocument, Document, Provenance, Task
from matching.model import Flag, FlagKind, entry_key, flag_id
from matching.text import fold, normalize
from nlp.units import unit_types_agree

_HEADER_COLUMNS = {
    "unit": re.compile(r"don vi|co quan"),
    "sharing": re.compile(r"chia se|muc do mo|hinh thuc mo"),
    "frequency": re.compile(r"tan suat|tan xuat|dinh ky|chu ky"),
}
_FIELD_NAMES = {"title": "tên dữ liệu", "unit": "đơn vị quản lý", "sharing": "mức độ chia sẻ",
                "frequency": "tần suất"}  # fmt: skip
_LABEL = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|[-+])\s*", re.IGNORECASE)
_HEADING_NOISE = re.compile(r"\b(?:đối với|dữ liệu|ngành|về|các|của|và)\b")
SAME_REF_HEADING = 50  # heading similarity (0..100) that confirms a parent task with the same ref
BEST_HEADING = 75  # heading similarity that finds the parent task when refs differ
PARENT_TITLE = 85


def _flag(kind: FlagKind, message: str, evidence: list[str], document: Document,
          provenance: list[Provenance]) -> Flag:  # fmt: skip
    return Flag(
        id=flag_id(kind, identity_key(document), evidence),
        kind=kind,
        message=message,
        evidence=evidence,
        document=document.source,
        sha256=document.sha256,
        provenance=provenance,
    )


def number_key(number: str) -> str:
    """Normalised số hiệu: "47/2020/NĐ;CP" → "47/2020/NĐ-CP" (nlp fills CitedDocument.number_key)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFC", number))
    return re.sub(r"[;:_–—.]", "-", text).strip("-")


def metadata_key(document: Document) -> str:
    """The document's identity from its metadata: số hiệu, issuer and date, "" unless all three are known.

    Every rendering of one plan (TXT, DOCX, PDF, a scan that read them) carries the same three, so
    the key does not depend on which file is read; hashed to the width of a content hash.
    """
    meta = document.metadata
    if not (meta.number and meta.issuer and meta.date):
        return ""
    raw = "|".join(["so-hieu", number_key(meta.number), " ".join(fold(meta.issuer).split()), meta.date])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def identity_key(document: Document) -> str:
    """The key flag ids are derived from: the metadata identity, else the file's content hash.

    The store records one per document when it is first matched (catalog/incremental_identity.py),
    the first rendering's, so a later rendering without the metadata does not change it.
    """
    return metadata_key(document) or document.sha256


def citation_key(cited: CitedDocument) -> str:
    """The key a cited document is looked up by: its số hiệu's key (the store keeps it per citation)."""
    return cited.number_key or number_key(cited.number)


# ---------------------------------------------------------------- per document


def missing_metadata(document: Document) -> list[Flag]:
    blank = [name for name in ("number", "date") if not getattr(document.metadata, name)]
    if not blank:
        return []
    names = " và ".join({"number": "số hiệu", "date": "ngày ban hành"}[b] for b in blank)
    sources = document.metadata.sources
    # Blank fields have no text of their own: point at where they were looked for.
    provenance = [sources.get(b) or sources.get("number_template") or Provenance(file=document.source, page=1)
                  for b in blank]  # fmt: skip
    return [_flag(FlagKind.MISSING_METADATA, f"Văn bản để trống {names} / blank {' and '.join(blank)}",
                  blank, document, provenance)]  # fmt: skip


def _as_int(number: str) -> int | None:
    digits = number.strip().rstrip(".")
    return int(digits) if digits.isdigit() else None


def numbering_gaps(document: Document) -> list[Flag]:
    flags = []
    runs: dict[tuple[int, str], list[CatalogEntry]] = defaultdict(list)
    for entry in document.catalog:
        runs[(entry.table, entry.group)].append(entry)
    for entries in runs.values():
        for before, after in zip(entries, entries[1:], strict=False):
            a, b = _as_int(before.number), _as_int(after.number)
            if a is not None and b is not None and b > a + 1:
                flags.append(_flag(
                    FlagKind.NUMBERING_GAP,
                    f"Số thứ tự nhảy từ {before.number} sang {after.number} / numbering jumps from "
                    f"{before.number} to {after.number}",
                    [before.number, after.number], document, [before.provenance, after.provenance],
                ))  # fmt: skip
    return flags


def _table_columns(document: Document, entries: list[CatalogEntry]) -> set[str]:
    """The optional columns a table has: from its header when known, else from any filled cell."""
    columns = set()
    table = next((t for t in document.tables if t.index == entries[0].table), None)
    for label in table.header if table else []:
        for name, pattern in _HEADER_COLUMNS.items():
            if pattern.search(fold(label)):
                columns.add(name)
    for name, attr in (("unit", "unit"), ("sharing", "sharing_raw"), ("frequency", "frequency_raw")):
        if any(getattr(e, attr).strip() for e in entries):
            columns.add(name)
    return columns


def missing_fields(document: Document) -> list[Flag]:
    flags = []
    by_table: dict[int, list[CatalogEntry]] = defaultdict(list)
    for entry in document.catalog:
        by_table[entry.table].append(entry)
    for entries in by_table.values():
        columns = _table_columns(document, entries)
        for entry in entries:
            missing = [] if entry.title.strip() else ["title"]
            values = {"unit": entry.unit, "sharing": entry.sharing_raw, "frequency": entry.frequency_raw}
            missing += [name for name in ("unit", "sharing", "frequency")
                        if name in columns and not values[name].strip()]  # fmt: skip
            if missing:
                names = ", ".join(_FIELD_NAMES[m] for m in missing)
                flags.append(_flag(
                    FlagKind.MISSING_FIELD,
                    f"Dòng {entry.number or '?'} thiếu {names} / row {entry.number or '?'} lacks "
                    f"{', '.join(missing)}",
                    [entry.number or entry.title], document, [entry.provenance],
                ))  # fmt: skip
    return flags


# ---------------------------------------------------------------- datasets


def duplicate_entries(document: Document, assignment: Mapping[str, str]) -> list[Flag]:
    by_dataset: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in document.catalog:
        dataset = assignment.get(entry_key(document, entry))
        if dataset:
            by_dataset[dataset].append(entry)
    flags = []
    for entries in by_dataset.values():
        # Sub-rows of one numbered item (same number, same group) are one row, not a duplicate.
        rows = {(e.group, e.number): e for e in entries}
        if len(rows) < 2:
            continue
        evidence = sorted({e.number for e in rows.values()}, key=lambda n: (len(n), n))
        flags.append(_flag(
            FlagKind.DUPLICATE_ENTRY,
            f"Tập dữ liệu “{entries[0].title}” được liệt kê {len(rows)} lần / "
            f"dataset listed {len(rows)} times",
            evidence, document, [e.provenance for e in rows.values()],
        ))  # fmt: skip
    return flags


def _unit_types(entry: CatalogEntry) -> set[str]:
    if entry.norm is None:
        return set()
    return {m.unit_type for m in entry.norm.units if m.unit_type and not m.collective}


def unit_conflicts(documents: Sequence[Document], assignment: Mapping[str, str]) -> list[Flag]:
    """Same dataset, managed by disjoint unit types in two documents: flag it in every document involved."""
    members: dict[str, dict[int, list[CatalogEntry]]] = defaultdict(lambda: defaultdict(list))
    for index, document in enumerate(documents):
        for entry in document.catalog:
            dataset = assignment.get(entry_key(document, entry))
            if dataset:
                members[dataset][index].append(entry)
    flags = []
    for per_document in members.values():
        if len(per_document) < 2:
            continue
        types = {i: set().union(*(_unit_types(e) for e in es)) for i, es in per_document.items()}
        known = [i for i, t in types.items() if t]
        involved = sorted({i for i in known for j in known if i != j and not unit_types_agree(types[i], types[j])})
        for i in involved:
            entries = per_document[i]
            others = sorted({e.unit for j in involved if j != i for e in per_document[j]})
            flags.append(_flag(
                FlagKind.UNIT_CONFLICT,
                f"“{entries[0].title}” do {entries[0].unit} quản lý ở văn bản này nhưng do "
                f"{'; '.join(others)} quản lý ở văn bản khác / managed by different units across documents",
                [entries[0].title], documents[i], [e.provenance for e in entries],
            ))  # fmt: skip
    return flags


# ---------------------------------------------------------------- across documents


def citation_conflicts(documents: Sequence[Document]) -> list[Flag]:
    dates: dict[str, set[str]] = defaultdict(set)
    citing: dict[str, dict[int, list[Provenance]]] = defaultdict(lambda: defaultdict(list))
    for index, document in enumerate(documents):
        meta = document.metadata
        if meta.number and meta.date:
            key = number_key(meta.number)
            dates[key].add(meta.date)
            citing[key][index].append(meta.sources.get("number") or Provenance(file=document.source))
        for cited in meta.cited:
            if cited.number and cited.date:
                key = citation_key(cited)
                dates[key].add(cited.date)
                citing[key][index].append(cited.provenance)
    flags = []
    for key, seen in dates.items():
        if len(seen) < 2:
            continue
        listed = ", ".join(sorted(seen))
        for index, provenance in citing[key].items():
            flags.append(_flag(
                FlagKind.CITATION_CONFLICT,
                f"Văn bản {key} được trích dẫn với các ngày khác nhau: {listed} / cited with different dates",
                [key], documents[index], provenance,
            ))  # fmt: skip
    return flags


def _heading_words(heading: str) -> str:
    return " ".join(_HEADING_NOISE.sub(" ", normalize(_LABEL.sub("", heading))).split())


# A cited plan's title is compared by its first PARENT_TITLE_CHARS characters: a reference that ran on
# into its paragraph matches no better by its tail, and the store indexes it (PostgreSQL refuses a
# btree entry past ~2.7 KB, a Vietnamese character takes up to 3 bytes): a longer one failed the run.
PARENT_TITLE_CHARS = 600


def parent_title_text(title: str) -> str:
    """The normalised title a document cites its parent by, as compared and stored."""
    return normalize(title)[:PARENT_TITLE_CHARS]


def parent_title_scores(wanted: str, titles: Sequence[str]) -> list[float]:
    """How well each normalised title matches the parent title a document wants (`parent_title_text`): a
    token_set_ratio, 0 under PARENT_TITLE (rapidfuzz stops early there). One rule for `find_parent` and the
    store's incremental search (catalog/incremental_parents.py)."""
    if not titles:
        return []
    scores: list[float] = process.cdist([wanted], list(titles), scorer=fuzz.token_set_ratio,
                                        score_cutoff=PARENT_TITLE)[0].tolist()  # fmt: skip
    return scores


def find_parent(document: Document, documents: Sequence[Document]) -> Document | None:
    """The plan this document implements: by its số hiệu, else by its title (its own number may be blank)."""
    parent = document.metadata.parent
    if parent is None:
        return None
    others = [d for d in documents if d is not document]
    wanted = citation_key(parent)
    if wanted:
        for other in others:
            if other.metadata.number and number_key(other.metadata.number) == wanted:
                return other
    if parent.title:
        titled = [o for o in others if o.metadata.title]
        scores = parent_title_scores(parent_title_text(parent.title), [normalize(o.metadata.title) for o in titled])
        best = max(zip(scores, titled, strict=True), key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= PARENT_TITLE:
            return best[1]
    return None


def _match_parent_task(task: Task, parent_tasks: Sequence[Task]) -> Task | None:
    words = _heading_words(task.heading)
    same_ref = [p for p in parent_tasks if p.ref == task.ref]
    for candidate in same_ref:
        if fuzz.token_set_ratio(words, _heading_words(candidate.heading)) >= SAME_REF_HEADING:
            return candidate
    scored = [(fuzz.token_set_ratio(words, _heading_words(p.heading)), p) for p in parent_tasks]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= BEST_HEADING else None


def _quarters(task: Task) -> list[str]:
    if task.norm is None or task.norm.period is None:
        return []
    return sorted(task.norm.period.quarters)


def periods_after_parent(document: Document, documents: Sequence[Document]) -> list[Flag]:
    parent = find_parent(document, documents)
    if parent is None:
        return []
    flags = []
    for task in document.tasks:
        mine = _quarters(task)
        match = _match_parent_task(task, parent.tasks)
        theirs = _quarters(match) if match is not None else []
        if match is None or not mine or not theirs or mine[-1] <= theirs[-1]:
            continue
        flags.append(_flag(
            FlagKind.PERIOD_AFTER_PARENT,
            f"Nhiệm vụ {task.ref} hoàn thành {mine[-1]}, muộn hơn nhiệm vụ {match.ref} của kế hoạch cấp trên "
            f"({theirs[-1]}) / task {task.ref} ends after the parent plan's task {match.ref}",
            [task.ref], document, [task.provenance, match.provenance],
        ))  # fmt: skip
    return flags


def compute_flags(documents: Sequence[Document], assignment: Mapping[str, str] | None = None) -> list[Flag]:
    """Every flag of the archive, in document order; dataset flags only when an assignment is given."""
    flags: list[Flag] = []
    assignment = assignment or {}
    by_document: dict[str, list[Flag]] = defaultdict(list)
    for flag in unit_conflicts(documents, assignment) + citation_conflicts(documents):
        by_document[flag.sha256].append(flag)
    for document in documents:
        flags += missing_metadata(document)
        flags += numbering_gaps(document)
        flags += missing_fields(document)
        flags += duplicate_entries(document, assignment)
        flags += periods_after_parent(document, documents)
        flags += by_document.pop(document.sha256, [])
    return flags
