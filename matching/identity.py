"""Document identity: the files of one plan (TXT, DOCX, PDF, a scan, a re-upload) are one *work*.

Two files are renderings of one work when their metadata agree and either
- both carry the same số hiệu (with the same kind, issuer and year/date), or
- the number is missing on one side and their text is near-identical: the share of word 3-grams
  (accent-folded, so OCR tone errors cost little) found on both sides, averaged over the two sides,
  is at least ``SAME_CONTENT``.
Different numbers, kinds, issuers or years are never one work, however alike the text is. The bar is
high because plans copy each other: a commune plan of the corpus shares 76 % of its 3-grams with the
provincial plan it follows, while the scan of a plan shares 99.5 % with its typed original.

Every verdict is kept with its reasons, including refusals of close pairs (``near_misses``), so no
file is merged or kept apart silently. The best rendering of a work (typed over scanned, then the
richer one) is its *primary*: only its entries and tasks feed flags (matching/flags.py).
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz

from extract.model import Document, Section
from matching.flags import number_key
from matching.model import Identity, IdentityNearMiss, Rendering, Work
from matching.text import fold

SAME_CONTENT = 0.9  # share of word 3-grams found on both sides, averaged over the two sides
NEAR_MISS = 0.6  # a refused pair at least this alike is reported as a near miss
SHINGLE = 3
SKETCH = 8  # rare 3-grams per file used for blocking
RARE = 32  # a 3-gram in more files than this is boilerplate, not identity
SAME_ISSUER = 88  # folded issuer similarity at which two issuers are the same body


def work_id_for(origin_sha256: str) -> str:
    return "wk-" + hashlib.sha256(origin_sha256.encode("utf-8")).hexdigest()[:16]


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


def _sketch_hash(shingle: str) -> int:
    return zlib.crc32(shingle.encode("utf-8"))


def _candidate_pairs(profiles: Sequence[_Profile]) -> tuple[list[tuple[int, int]], list[set[str]]]:
    """Pairs worth comparing: the same số hiệu, or a shared rare 3-gram among each file's sketch.

    The sketch is the SKETCH rare 3-grams (in at most RARE files) with the smallest hashes: two
    near-identical texts share most of their 3-grams, hence most of their sketch, while boilerplate
    that every plan of an archive repeats never makes a block (an archive of 10^3 plans would
    otherwise compare every pair).
    """
    frequency: Counter[str] = Counter(shingle for profile in profiles for shingle in profile.shingles)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    sketches = []
    for index, profile in enumerate(profiles):
        if profile.number:
            blocks[("n", profile.number)].append(index)
        rare = [shingle for shingle in profile.shingles if frequency[shingle] <= RARE]
        sketches.append(set(sorted(rare, key=_sketch_hash)[:SKETCH]))
        for shingle in sketches[-1]:
            blocks[("s", shingle)].append(index)
    pairs = {(a, b) for members in blocks.values() for i, a in enumerate(members) for b in members[i + 1 :]}
    return sorted(pairs), sketches


def identify(documents: Sequence[Document]) -> Identity:
    """Group the files into works, best-matching pairs first; a group never holds conflicting metadata."""
    # By content hash, not input order: the same files ingested in any order give the same works,
    # primaries, work ids and so flag ids (tests/test_determinism.py).
    unique = sorted({d.sha256: d for d in documents}.values(), key=lambda d: d.sha256)
    profiles = [_profile(d) for d in unique]
    verdicts, near_misses = _compare_candidates(unique, profiles)
    grouping = _Grouping.of(len(unique))
    for similarity, i, j, reasons in sorted(verdicts, key=lambda v: (-v[0], v[1], v[2])):
        a, b = grouping.owner[i], grouping.owner[j]
        if a == b:
            continue
        # Transitivity must not join what a direct comparison keeps apart (A~X, X~B, A≠B).
        clash = next(
            (
                c
                for x in grouping.groups[a]
                for y in grouping.groups[b]
                if (c := _metadata_conflicts(profiles[x], profiles[y]))
            ),
            None,
        )
        if clash:
            near_misses.append(IdentityNearMiss(
                left=unique[i].sha256, right=unique[j].sha256, similarity=round(similarity, 4),
                reasons=["đã ghép với văn bản khác mâu thuẫn / already grouped with a conflicting file", *clash],
            ))  # fmt: skip
            continue
        grouping.join(a, b, i, j, reasons)
    works = []
    for head in sorted(grouping.groups):
        members = sorted(grouping.groups[head])
        works.append(_work([unique[m] for m in members], members, grouping.joined_by))
    return Identity(works=works, near_misses=_best_per_pair(near_misses, grouping.owner, unique))


_Match = tuple[float, int, int, list[str]]  # similarity, the two files' indexes, reasons


def _compare_candidates(
    unique: Sequence[Document], profiles: list[_Profile]
) -> tuple[list[_Match], list[IdentityNearMiss]]:
    """The candidate pairs judged the same work, and those close enough to be shown as near misses."""
    verdicts: list[_Match] = []
    near_misses: list[IdentityNearMiss] = []
    pairs, sketches = _candidate_pairs(profiles)
    for i, j in pairs:
        # Metadata already keep these apart: measure the text (for a near miss) only when the sketches
        # say it may be close, since archives of one template share some rare 3-grams everywhere.
        if len(sketches[i] & sketches[j]) * 2 < SKETCH and _metadata_conflicts(profiles[i], profiles[j]):
            continue
        verdict = _same_work(profiles[i], profiles[j])
        if verdict.same:
            verdicts.append((verdict.similarity, i, j, verdict.reasons))
        elif verdict.similarity >= NEAR_MISS:
            near_misses.append(IdentityNearMiss(
                left=unique[i].sha256, right=unique[j].sha256, similarity=round(verdict.similarity, 4),
                reasons=verdict.reasons,
            ))  # fmt: skip
    return verdicts, near_misses


@dataclass
class _Grouping:
    """Which group owns each file, each group's files, and the reasons that first joined each file."""

    owner: list[int]
    groups: dict[int, list[int]]
    joined_by: dict[int, list[str]]

    @classmethod
    def of(cls, count: int) -> _Grouping:
        return cls(owner=list(range(count)), groups={i: [i] for i in range(count)}, joined_by={})

    def join(self, a: int, b: int, i: int, j: int, reasons: list[str]) -> None:
        """Merge groups ``a`` and ``b`` (into the lower one) because files ``i`` and ``j`` match."""
        keep, drop = min(a, b), max(a, b)
        for member in self.groups.pop(drop):
            self.owner[member] = keep
            self.groups[keep].append(member)
        self.joined_by.setdefault(i, reasons)
        self.joined_by.setdefault(j, reasons)


def _work(files: list[Document], members: list[int], joined_by: dict[int, list[str]]) -> Work:
    """One work of ``files`` (``members`` their indexes), its metadata from the primary, else any file."""
    best, why = _primary(files)
    meta = best.metadata
    return Work(
        id=work_id_for(files[0].sha256),
        origin=files[0].sha256,
        primary=best.sha256,
        primary_reasons=why,
        kind=meta.kind or next((f.metadata.kind for f in files if f.metadata.kind), ""),
        number=next((f.metadata.number for f in files if f.metadata.number), ""),
        issuer=meta.issuer or next((f.metadata.issuer for f in files if f.metadata.issuer), ""),
        date=meta.date or next((f.metadata.date for f in files if f.metadata.date), ""),
        renderings=[
            Rendering(sha256=file.sha256, document=file.source, primary=file is best, reasons=joined_by.get(m, []))
            for m, file in zip(members, files, strict=True)
        ],
    )


def _best_per_pair(
    near_misses: list[IdentityNearMiss], owner: list[int], unique: Sequence[Document]
) -> list[IdentityNearMiss]:
    """One near miss per pair of works (the closest files), so four renderings do not say it sixteen times."""
    index = {d.sha256: i for i, d in enumerate(unique)}
    best: dict[tuple[int, int], IdentityNearMiss] = {}
    for miss in sorted(near_misses, key=lambda m: -m.similarity):
        a, b = sorted((owner[index[miss.left]], owner[index[miss.right]]))
        if a != b:
            best.setdefault((a, b), miss)
    return list(best.values())
