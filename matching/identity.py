"""Document identity: the files of one plan (TXT, DOCX, PDF, a scan, a re-upload) are one *work*.

Two files are renderings of one work when their metadata agree and either
- both carry the same số hiệu (with the same kind, issuer and year/date), or
- the number is missing on one side and their text is near-identical: the share of word 3-grams
  (accent-folded, so OCR tone errors cost little) found on both sides, averaged over the two sides,
  is at least ``SAME_CONTENT``.
Different numbers, kinds, issuers or years are never one work, however alike the text is. The bar is
high because plans copy each other: a commune plan of the corpus shares 76 % of its 3-grams with the
provincial plan it follows, while the scan of a plan shares 99.5 % with its typed original.

Every verdict comes with its reasons either way, so no file is merged or kept apart silently. The
best rendering of a work (typed over scanned, then the richer one) is its *primary*: only its entries
and tasks feed flags. The store groups files as they come (catalog/incremental_identity.py) with
:func:`same_work` and :func:`_primary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz

from extract.model import Document, Section
from matching.flags import number_key
from matching.text import fold

SAME_CONTENT = 0.9  # share of word 3-grams found on both sides, averaged over the two sides
SHINGLE = 3
SAME_ISSUER = 88  # folded issuer similarity at which two issuers are the same body


# ---------------------------------------------------------------- one pair


@dataclass(frozen=True, slots=True)
class Verdict:
    same: bool
    similarity: float
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class _Profile:
    kind: str
    number: str
    issuer: str
    date: str
    year: int | None
    shingles: frozenset[str]  # word 3-grams of the folded text: sections, tasks, catalog rows


def _section_text(sections: Sequence[Section]) -> list[str]:
    out = []
    for section in sections:
        out += [section.title, section.text, *_section_text(section.children)]
    return out


def _words(document: Document) -> list[str]:
    parts = _section_text(document.sections)
    parts += [f"{t.heading} {t.content}" for t in document.tasks]
    words = fold(" ".join(parts)).split()
    for entry in document.catalog:  # number and title: the rest of a row adds cost, not identity
        words += [entry.number, *fold(entry.title).split()]
    return words


def _profile(document: Document) -> _Profile:
    meta = document.metadata
    words = _words(document)
    return _Profile(
        kind=fold(meta.kind),
        number=number_key(meta.number) if meta.number else "",
        issuer=fold(meta.issuer),
        date=meta.date,
        year=meta.year,
        shingles=frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)),
    )


def content_similarity(left: AbstractSet[str], right: AbstractSet[str]) -> float:
    """Share of word 3-grams found on the other side, averaged over both sides (0..1)."""
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return (shared / len(left) + shared / len(right)) / 2


def _metadata_conflicts(a: _Profile, b: _Profile) -> list[str]:
    conflicts = []
    if a.number and b.number and a.number != b.number:
        conflicts.append(f"số hiệu khác nhau ({a.number} / {b.number}) / different numbers")
    if a.kind and b.kind and a.kind != b.kind:
        conflicts.append(f"loại văn bản khác nhau ({a.kind} / {b.kind}) / different kinds")
    if a.issuer and b.issuer and fuzz.ratio(a.issuer, b.issuer) < SAME_ISSUER:
        conflicts.append(f"cơ quan ban hành khác nhau ({a.issuer} / {b.issuer}) / different issuers")
    if a.date and b.date and a.date != b.date:
        conflicts.append(f"ngày ban hành khác nhau ({a.date} / {b.date}) / different dates")
    elif a.year and b.year and a.year != b.year:
        conflicts.append(f"năm khác nhau ({a.year} / {b.year}) / different years")
    return conflicts


def _same_work(a: _Profile, b: _Profile) -> Verdict:
    similarity = content_similarity(a.shingles, b.shingles)
    conflicts = _metadata_conflicts(a, b)
    if conflicts:
        return Verdict(False, similarity, conflicts)
    if a.number and a.number == b.number and a.issuer and b.issuer:
        return Verdict(True, 1.0, [
            f"cùng loại, số hiệu {a.number}, cơ quan ban hành và ngày / same kind, number, issuer and date",
        ])  # fmt: skip
    percent = f"{similarity:.0%}"
    if similarity >= SAME_CONTENT:
        missing = "thiếu số hiệu" if not (a.number and b.number) else "cùng số hiệu"
        return Verdict(True, similarity, [
            f"{missing}; nội dung gần như trùng khớp ({percent} cụm 3 từ chung) / "
            f"near-identical text ({percent} of word 3-grams shared)",
        ])  # fmt: skip
    return Verdict(False, similarity, [
        f"siêu dữ liệu không mâu thuẫn nhưng nội dung chỉ trùng {percent} (cần ≥ {SAME_CONTENT:.0%}) / "
        f"metadata agree but only {percent} of word 3-grams are shared",
    ])  # fmt: skip


def same_work(a: Document, b: Document) -> Verdict:
    """Whether two files show one document, with the reasons either way."""
    if a.sha256 == b.sha256:
        return Verdict(True, 1.0, ["cùng nội dung tệp (sha256) / same file content"])
    return _same_work(_profile(a), _profile(b))


# ---------------------------------------------------------------- the archive


def _is_scanned(document: Document) -> bool:
    return bool(document.needs_ocr_pages)


def _richness(document: Document) -> int:
    meta = document.metadata
    filled = sum(bool(v) for v in (meta.kind, meta.number, meta.issuer, meta.date, meta.title))
    return len(document.catalog) + len(document.tasks) + filled


def _primary(documents: Sequence[Document]) -> tuple[Document, list[str]]:
    """Typed over scanned, then the richer, then fewer extraction warnings, then the smallest content hash."""
    ranked = sorted(
        enumerate(documents),
        key=lambda item: (_is_scanned(item[1]), -_richness(item[1]), len(item[1].warnings), item[0]),
    )
    best = ranked[0][1]
    if len(documents) == 1:
        return best, []
    reasons = []
    if not _is_scanned(best) and any(_is_scanned(d) for d in documents):
        reasons.append("bản đánh máy được ưu tiên hơn bản quét / typed rendering preferred over scans")
    runner_up = next(d for _, d in ranked[1:])
    if _richness(best) > _richness(runner_up) and _is_scanned(best) == _is_scanned(runner_up):
        reasons.append(
            f"đầy đủ hơn: {len(best.catalog)} dòng danh mục, {len(best.tasks)} nhiệm vụ / richer: "
            f"{len(best.catalog)} catalog rows, {len(best.tasks)} tasks"
        )
    if not reasons:
        reasons.append("các bản tương đương, chọn theo mã nội dung / renderings equivalent, one kept by content hash")
    return best, reasons
