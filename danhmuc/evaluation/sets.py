"""The two evaluation sets: the bundled corpus and the real documents, scored side by side.

Real documents are public files that are not committed (``../shared/realdocs`` beside the
checkout); their gold is (``realdocs/gold``). When the documents are not there the real set is
skipped with one visible line, and the corpus is still scored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from danhmuc.evaluation.gold import GoldDocument, load_gold_dir
from danhmuc.evaluation.realset import DocumentScores, PageCer, merged, score_file
from danhmuc.evaluation.runner import EvalResult, FileOutcome, evaluate, run_one
from danhmuc.evaluation.scan_text import Cer, cer, danhmuc_page_texts, tesseract_page_text


class EvalSet(StrEnum):
    CORPUS = "corpus"
    REAL = "real"
    BOTH = "both"


@dataclass
class RealResult:
    documents: list[DocumentScores]
    overall: DocumentScores
    notes: list[str] = field(default_factory=list)


@dataclass
class SetsResult:
    corpus: EvalResult | None = None
    corpus_documents: list[DocumentScores] = field(default_factory=list)
    corpus_overall: DocumentScores | None = None
    real: RealResult | None = None
    skipped: list[str] = field(default_factory=list)  # one line per set that could not be scored


def evaluate_sets(
    which: EvalSet,
    *,
    corpus_gold: Path,
    corpus_docs: Path,
    real_gold: Path,
    real_docs: Path,
    renderings: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> SetsResult:
    result = SetsResult()
    if which in (EvalSet.CORPUS, EvalSet.BOTH):
        result.corpus = evaluate(corpus_gold, corpus_docs, renderings=renderings, progress=progress)
        result.corpus_documents = [
            score_file("corpus", gold, outcome.file, document, error=outcome.error, seconds=outcome.seconds)
            for gold, outcome, document in result.corpus.documents
        ]
        result.corpus_overall = merged("corpus", "overall", result.corpus_documents)
    if which in (EvalSet.REAL, EvalSet.BOTH):
        if not real_docs.is_dir():
            result.skipped.append(
                f"Bộ tài liệu thật: không có thư mục {real_docs}, chỉ chấm bộ mẫu / "
                f"real set skipped: no documents directory {real_docs}"
            )
        elif not real_gold.is_dir():
            result.skipped.append(
                f"Bộ tài liệu thật: không có thư mục gold {real_gold} / real set skipped: no gold directory {real_gold}"
            )
        else:
            result.real = evaluate_real(real_gold, real_docs, cache_dir=cache_dir, progress=progress)
    return result


def evaluate_real(
    gold_dir: Path,
    docs_dir: Path,
    *,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    with_cer: bool = True,
) -> RealResult:
    """Run the pipeline on every file the real gold lists and score each one."""
    documents: list[DocumentScores] = []
    notes: list[str] = []
    for gold in load_gold_dir(gold_dir):
        for file_name in gold.files:
            if progress:
                progress(file_name)
            outcome = FileOutcome(gold.name, file_name, "")
            path = docs_dir / file_name
            document = run_one(path, outcome)
            scores = score_file("real", gold, file_name, document, error=outcome.error, seconds=outcome.seconds)
            if document is not None and gold.scan_pages and with_cer:
                started = time.perf_counter()
                try:
                    _score_scan_pages(gold, gold_dir.parent, path, cache_dir, scores, notes)
                except Exception as error:  # noqa: BLE001 - a page that cannot be read again is a note, not a crash
                    reason = f"{type(error).__name__}: {error}"
                    notes.append(f"{file_name}: CER không tính được / CER not computed: {reason}")
                if progress:
                    progress(f"{file_name}: CER {time.perf_counter() - started:.1f} s")
            documents.append(scores)
    return RealResult(documents=documents, overall=merged("real", "overall", documents), notes=notes)


def _score_scan_pages(
    gold: GoldDocument, root: Path, path: Path, cache_dir: Path | None, scores: DocumentScores, notes: list[str]
) -> None:
    pages = [scan.page for scan in gold.scan_pages if (root / scan.text).is_file()]
    ours = danhmuc_page_texts(path, pages) if pages else {}
    for scan in gold.scan_pages:
        reference_path = root / scan.text
        page = PageCer(scan.page)
        scores.page_cer.append(page)
        if not reference_path.is_file():
            page.note = f"không có bản chép / no transcription: {scan.text}"
            notes.append(f"{path.name} p{scan.page}: {page.note}")
            continue
        reference = reference_path.read_text(encoding="utf-8")
        page.danhmuc = cer(reference, ours.get(scan.page, ""))
        plain = tesseract_page_text(path, scan.page, cache_dir)
        if plain is None:
            page.note = "không chạy được tesseract / tesseract unavailable"
            notes.append(f"{path.name} p{scan.page}: {page.note}")
        else:
            page.tesseract = cer(reference, plain)
    for name in ("danhmuc", "tesseract"):
        measured = [getattr(p, name) for p in scores.page_cer if getattr(p, name) is not None]
        if measured:
            total = Cer()
            for value in measured:
                total.merge(value)
            setattr(scores, f"cer_{name}", total)
