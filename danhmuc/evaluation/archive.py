"""Flags over one archive holding every rendering of every gold document, as users upload them.

The per-rendering scores reconcile each rendering apart, so they never see the same plan twice.
Here all listed files go into one reconciliation: a flag is a true positive once per gold document;
the same finding raised again on another file of that document is a *duplicate* and counts as a
false positive. Document identity is scored pairwise: two files of one gold document should be one
work, files of different gold documents never.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from danhmuc.evaluation.gold import GoldDocument
from danhmuc.evaluation.metrics import PrecisionRecall, collapse
from danhmuc.pipeline import stage_available
from extract.model import Document


@dataclass
class ArchiveScores:
    files: int = 0
    flags: PrecisionRecall = field(default_factory=PrecisionRecall)  # over raised flags, duplicates included
    duplicates: int = 0  # flags repeating a finding already raised on another file of the same document
    identity: PrecisionRecall | None = None  # pairs of files put in one work
    works: int = 0
    missed: list[str] = field(default_factory=list)  # "document: kind [evidence]" gold flags not raised
    spurious: list[str] = field(default_factory=list)


def _pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    keys = sorted(labels)
    return {(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if labels[a] == labels[b]}


def score_archive(
    processed: Sequence[tuple[GoldDocument, Document]], *, with_identity: bool = True
) -> ArchiveScores | None:
    """Reconcile all files at once and score the flags per gold document; None without the matching stage."""
    if not stage_available("matching", "reconcile"):
        return None
    from matching import reconcile

    documents = list({document.sha256: document for _, document in processed}.values())
    result = reconcile(documents, with_identity=with_identity)
    gold_of = {document.source: gold for gold, document in processed}
    scores = ArchiveScores(files=len(documents))
    raised: dict[str, Counter[tuple[str, frozenset[str]]]] = {gold.name: Counter() for gold, _ in processed}
    for flag in result.flags:
        gold = gold_of.get(flag.document)
        if gold is not None and not flag.dismissed:
            raised[gold.name][(flag.kind.value, frozenset(collapse(e) for e in flag.evidence))] += 1
    for gold in {gold.name: gold for gold, _ in processed}.values():
        expected = {(f.kind, frozenset(collapse(e) for e in f.evidence)) for f in gold.flags}
        counts = raised[gold.name]
        hits = expected & set(counts)
        scores.duplicates += sum(n - 1 for n in counts.values())
        scores.flags.merge(
            PrecisionRecall(true_positives=len(hits), predicted=sum(counts.values()), gold=len(expected))
        )
        scores.missed += [f"{gold.name}: {kind} {sorted(ev)}" for kind, ev in sorted(expected - hits, key=str)]
        scores.spurious += [f"{gold.name}: {kind} {sorted(ev)}" for kind, ev in sorted(set(counts) - expected, key=str)]
    if result.works:
        work_of = {r.document: w.id for w in result.works for r in w.renderings}
        truth = _pairs({d.source: gold_of[d.source].name for d in documents})
        found = _pairs({d.source: work_of[d.source] for d in documents})
        scores.identity = PrecisionRecall(true_positives=len(truth & found), predicted=len(found), gold=len(truth))
        scores.works = len(result.works)
    return scores


def render_archive(scores: ArchiveScores) -> str:
    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    lines = [
        f"Kho gồm mọi bản của mọi văn bản / one archive of every rendering ({scores.files} tệp / files):",
        f"  cảnh báo / flags: precision {figure(scores.flags.precision)}, recall {figure(scores.flags.recall)}, "
        f"{scores.flags.predicted} raised, {scores.duplicates} duplicated across renderings",
    ]
    if scores.identity is not None:
        lines.append(
            f"  văn bản / works: {scores.works}; cặp tệp cùng văn bản / same-document file pairs: precision "
            f"{figure(scores.identity.precision)}, recall {figure(scores.identity.recall)}"
        )
    lines += [f"  thiếu / missed: {m}" for m in scores.missed]
    lines += [f"  thừa / spurious: {s}" for s in scores.spurious]
    return "\n".join(lines)


def archive_json(scores: ArchiveScores) -> dict[str, object]:
    return {
        "files": scores.files,
        "flags": {"precision": scores.flags.precision, "recall": scores.flags.recall,
                  "raised": scores.flags.predicted, "gold": scores.flags.gold},
        "duplicates": scores.duplicates,
        "works": scores.works,
        "identity": None if scores.identity is None else {
            "precision": scores.identity.precision, "recall": scores.identity.recall,
        },
        "missed": scores.missed,
        "spurious": scores.spurious,
    }  # fmt: skip
