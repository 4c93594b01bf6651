"""OCR on real scans: page CER of danhmuc and of plain ``tesseract -l vie``, and whether each
post-correction moved the text towards the hand-checked transcription.

    .venv/bin/python benchmarks/bench_ocr.py real [--docs DIR] [--gold DIR] [--cache DIR]

Ground truth: ``realdocs/ocr/<stem>-p<N>.txt`` (see realdocs/ocr/README.md). CER = edit distance
between the whitespace-collapsed texts / reference characters. danhmuc's page text is the evaluator's
(danhmuc/evaluation/scan_text.py page_text): paragraphs as read, a table row by row with " | "
between cells (a spanned cell once), a two-column layout block column by column.

A correction is *right* when undoing it (putting back what Tesseract read, at the place it was
made) moves the page text further from the truth, *wrong* when undoing it moves the text closer,
*neutral* when it changes nothing the truth can tell (both readings equally far), *unlocated* when
its result cannot be found in the page text any more (a later pass rewrote it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from danhmuc.evaluation.scan_text import cer as page_cer
from danhmuc.evaluation.scan_text import page_text, tesseract_page_text
from extract.ocr.postcorrect import Correction

SCANS = ("09-2025-QD-TTg", "CT-QuangNgai-hoadondientu-scan", "KH-SYT-HCM-2021-kiemtra-VBQPPL-scan")


def collapse(text: str) -> str:
    return " ".join(text.split())


_CODE = re.compile(r"(?<![\w$])[A-ZĐ]{1,3}\d{2,5}(?!\w)")


def codes_found(reference: str, hypothesis: str) -> tuple[int, int]:
    """Codes of the truth ("G01", "H57") read exactly somewhere on the page, and how many there are."""
    from collections import Counter

    truth = Counter(_CODE.findall(reference))
    read = Counter(_CODE.findall(hypothesis))
    return sum((truth & read).values()), sum(truth.values())


def cer(reference: str, hypothesis: str) -> float:
    """The evaluator's CER (``danhmuc eval`` reports the same measure per document)."""
    return page_cer(reference, hypothesis).value or 0.0


@dataclass
class Verdicts:
    made: int = 0
    right: int = 0
    wrong: int = 0
    neutral: int = 0
    unlocated: int = 0
    wrong_examples: list[str] = field(default_factory=list)
    right_examples: list[str] = field(default_factory=list)

    def add(self, other: Verdicts) -> None:
        self.made += other.made
        self.right += other.right
        self.wrong += other.wrong
        self.neutral += other.neutral
        self.unlocated += other.unlocated
        self.wrong_examples.extend(other.wrong_examples)
        self.right_examples.extend(other.right_examples)

    def line(self) -> str:
        judged = self.right + self.wrong
        share = f"{self.right / judged:.0%}" if judged else "-"
        return (
            f"corrections {self.made}: right {self.right}, wrong {self.wrong}, neutral {self.neutral}, "
            f"unlocated {self.unlocated} (right share {share})"
        )


def _locate(text: str, correction: Correction) -> int | None:
    """Where the correction's result stands in the final text: its context with the result in
    place of the original when that is found, else its only whole-token occurrence."""
    if not correction.corrected:
        return None
    context = correction.context
    if correction.original and correction.original in context:
        marked = context.replace(correction.original, correction.corrected, 1)
        at = collapse(text).find(collapse(marked))
        if at >= 0:
            inner = collapse(marked).find(collapse(correction.corrected))
            return at + max(0, inner)
    pattern = re.compile(rf"(?<!\w){re.escape(collapse(correction.corrected))}(?!\w)")
    hits = [m.start() for m in pattern.finditer(collapse(text))]
    return hits[0] if len(hits) == 1 else None


def judge(truth: str, text: str, corrections: list[Correction]) -> Verdicts:
    verdicts = Verdicts()
    flat, reference = collapse(text), collapse(truth)
    applied = Levenshtein.distance(reference, flat)
    for correction in corrections:
        verdicts.made += 1
        at = _locate(text, correction)
        corrected = collapse(correction.corrected)
        if at is None or flat[at : at + len(corrected)] != corrected:
            verdicts.unlocated += 1
            continue
        undone = flat[:at] + collapse(correction.original) + flat[at + len(corrected) :]
        distance = Levenshtein.distance(reference, undone)
        example = f"{correction.original!r} -> {correction.corrected!r} ({correction.reason}: {correction.context!r})"
        if distance > applied:
            verdicts.right += 1
            verdicts.right_examples.append(example)
        elif distance < applied:
            verdicts.wrong += 1
            verdicts.wrong_examples.append(example)
        else:
            verdicts.neutral += 1
    return verdicts


def plain_tesseract(pdf: Path, page: int, cache: Path) -> str:
    """``tesseract -l vie`` on the page rendered at 300 dpi, as the evaluator runs it (cached in ``cache``)."""
    text = tesseract_page_text(pdf, page, cache)
    if text is None:
        raise SystemExit("tesseract and pdftoppm are needed for the real-scan benchmark")
    return text


@dataclass
class PageScore:
    name: str
    page: int
    ours: float
    plain: float
    verdicts: Verdicts
    warnings: list[str]
    codes: tuple[int, int, int]  # truth's codes read exactly by danhmuc, by tesseract, in all


def score_document(pdf: Path, gold: Path, cache: Path) -> list[PageScore]:
    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    data = pdf.read_bytes()
    scores = []
    for truth_file in sorted(gold.glob(f"{pdf.stem}-p*.txt"), key=lambda p: int(p.stem.rsplit("-p", 1)[1])):
        number = int(truth_file.stem.rsplit("-p", 1)[1])
        truth = truth_file.read_text(encoding="utf-8")
        result = ocr_page(render_pdf_page(data, pdf.name, number))  # one page at a time, in this process
        cache.mkdir(parents=True, exist_ok=True)
        text = page_text(result.blocks, number)  # the evaluator's page text, one implementation
        (cache / f"{pdf.stem}-{number}.danhmuc.txt").write_text(text, encoding="utf-8")  # to diff by hand
        plain = plain_tesseract(pdf, number, cache)
        scores.append(
            PageScore(
                pdf.stem,
                number,
                cer(truth, text),
                cer(truth, plain),
                judge(truth, text, result.corrections),
                [code for code, _, _ in result.warnings if code != "ocr_corrected"],
                (codes_found(truth, text)[0], *codes_found(truth, plain)),
            )
        )
    return scores


def run_real(docs: Path, gold: Path, cache: Path, verbose: bool) -> None:
    total = Verdicts()
    ours_sum = plain_sum = 0.0
    count = 0
    for name in SCANS:
        pdf = docs / f"{name}.pdf"
        if not pdf.exists():
            print(f"{name}: missing {pdf}")  # noqa: T201
            continue
        for score in score_document(pdf, gold, cache):
            count += 1
            ours_sum += score.ours
            plain_sum += score.plain
            total.add(score.verdicts)
            warned = ",".join(sorted(set(score.warnings))) or "-"
            ours, plain, total_codes = score.codes
            codes = f"  codes danhmuc {ours}/{total_codes} tesseract {plain}/{total_codes}" if total_codes else ""
            print(  # noqa: T201
                f"{score.name} p{score.page}: CER danhmuc {score.ours:.4f}  tesseract {score.plain:.4f}  "
                f"{score.verdicts.line()}  warnings {warned}{codes}"
            )
    if count:
        print(f"MEAN CER: danhmuc {ours_sum / count:.4f}  tesseract {plain_sum / count:.4f}  ({count} pages)")  # noqa: T201
    print(f"TOTAL {total.line()}")  # noqa: T201
    if verbose:
        for example in total.wrong_examples:
            print(f"  wrong: {example}")  # noqa: T201
        for example in total.right_examples:
            print(f"  right: {example}")  # noqa: T201
