"""Run the pipeline over a gold set and score every stage, per rendering format and overall."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from danhmuc.errors import DanhmucError
from danhmuc.evaluation.archive import ArchiveScores, score_archive
from danhmuc.evaluation.gold import GoldDocument, GoldEntry, GoldTask, load_gold_dir
from danhmuc.evaluation.matching_adapter import MatchingOutcome, run_matching
from danhmuc.evaluation.metrics import (
    PairCounts,
    PrecisionRecall,
    Ratio,
    align,
    collapse,
    pair_counts,
    text_similarity,
)
from danhmuc.pipeline import process_file
from extract.model import CatalogEntry, Document, Task, UnitMention

CATALOG_FIELDS = ("title", "description", "unit", "sharing_raw", "frequency_raw", "note")
TASK_FIELDS = ("time_raw", "lead_raw", "partner_raw")
META_FIELDS = ("kind", "number", "date", "issuer", "parent", "place", "title")


@dataclass(frozen=True)
class ProcessedFile:
    """A file the caller already ran through the pipeline (the demo does), with how long it took."""

    document: Document | None
    seconds: float
    error: str = ""


@dataclass
class FileOutcome:
    gold_name: str
    file: str
    rendering: str
    error: str = ""
    pages: int = 0
    seconds: float = 0.0


@dataclass
class Scores:
    """Everything counted for one rendering format (or all of them)."""

    files: int = 0
    errors: int = 0
    pages: int = 0
    seconds: float = 0.0
    catalog: PrecisionRecall = field(default_factory=PrecisionRecall)
    fields: dict[str, Ratio] = field(default_factory=lambda: {name: Ratio() for name in CATALOG_FIELDS})
    tasks: Ratio = field(default_factory=Ratio)
    task_fields: dict[str, Ratio] = field(default_factory=lambda: {name: Ratio() for name in TASK_FIELDS})
    metadata: Ratio = field(default_factory=Ratio)
    sharing: Ratio = field(default_factory=Ratio)
    frequency: Ratio = field(default_factory=Ratio)
    periods: Ratio = field(default_factory=Ratio)
    unit_labels: list[tuple[str, str]] = field(default_factory=list)
    normalised: bool = False
    datasets: PairCounts | None = None
    flags: PrecisionRecall | None = None

    def merge(self, other: Scores) -> None:
        self.files += other.files
        self.errors += other.errors
        self.pages += other.pages
        self.seconds += other.seconds
        self.catalog.merge(other.catalog)
        for name in CATALOG_FIELDS:
            self.fields[name].merge(other.fields[name])
        self.tasks.merge(other.tasks)
        for name in TASK_FIELDS:
            self.task_fields[name].merge(other.task_fields[name])
        self.metadata.merge(other.metadata)
        self.sharing.merge(other.sharing)
        self.frequency.merge(other.frequency)
        self.periods.merge(other.periods)
        self.unit_labels.extend(other.unit_labels)
        self.normalised = self.normalised or other.normalised
        if other.datasets is not None:
            self.datasets = self.datasets or PairCounts()
            self.datasets.merge(other.datasets)
        if other.flags is not None:
            self.flags = self.flags or PrecisionRecall()
            self.flags.merge(other.flags)

    @property
    def unit_grouping(self) -> PairCounts | None:
        return pair_counts(self.unit_labels) if self.normalised and self.unit_labels else None

    @property
    def pages_per_second(self) -> float | None:
        return self.pages / self.seconds if self.seconds > 0 else None


@dataclass
class EvalResult:
    by_rendering: dict[str, Scores]
    overall: Scores
    outcomes: list[FileOutcome]
    # Every file with its extraction (None when it failed), for the per-document view.
    documents: list[tuple[GoldDocument, FileOutcome, Document | None]] = field(default_factory=list)
    # Flags over one archive of every rendering, without then with document identity (archive.py).
    archive_without_identity: ArchiveScores | None = None
    archive: ArchiveScores | None = None


def evaluate(
    gold_dir: Path,
    docs_dir: Path,
    *,
    renderings: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    already_processed: Mapping[str, ProcessedFile] | None = None,
) -> EvalResult:
    """Run the pipeline on every listed file of every gold document and score it.

    ``already_processed`` holds files (by name) the caller has already run, so none is extracted twice.
    """
    gold_documents = load_gold_dir(gold_dir)
    wanted = set(renderings) if renderings else None
    by_rendering: dict[str, Scores] = {}
    outcomes: list[FileOutcome] = []
    processed: dict[str, list[tuple[GoldDocument, Document]]] = {}
    documents: list[tuple[GoldDocument, FileOutcome, Document | None]] = []
    for gold in gold_documents:
        for file_name in gold.files:
            rendering = gold.rendering(file_name)
            if wanted is not None and rendering not in wanted:
                continue
            scores = by_rendering.setdefault(rendering, Scores())
            outcome = FileOutcome(gold.name, file_name, rendering)
            outcomes.append(outcome)
            if progress:
                progress(file_name)
            already = (already_processed or {}).get(file_name)
            document = _reuse(already, outcome) if already else run_one(docs_dir / file_name, outcome)
            scores.files += 1
            documents.append((gold, outcome, document))
            if document is None:
                scores.errors += 1
                continue
            scores.pages += outcome.pages
            scores.seconds += outcome.seconds
            score_document(gold, document, scores)
            processed.setdefault(rendering, []).append((gold, document))
    for rendering, pairs in processed.items():
        # Cross-document findings (parent plans, unit conflicts) need the whole archive: a rendering
        # that exists for only some documents is reconciled beside the others' first rendering, and
        # only its own documents are scored.
        present = {gold.name for gold, _ in pairs}
        context = [
            documents[0][1]
            for name, documents in _first_rendering(processed).items()
            if name not in present and documents
        ]
        outcome_of_matching = run_matching([document for _, document in pairs] + context)
        if outcome_of_matching is not None:
            _score_matching(pairs, outcome_of_matching, by_rendering[rendering])
    overall = Scores()
    for scores in by_rendering.values():
        overall.merge(scores)
    everything = [(gold, document) for pairs in processed.values() for gold, document in pairs]
    return EvalResult(
        by_rendering=by_rendering, overall=overall, outcomes=outcomes, documents=documents,
        archive_without_identity=score_archive(everything, with_identity=False) if everything else None,
        archive=score_archive(everything, with_identity=True) if everything else None,
    )  # fmt: skip


def _first_rendering(
    processed: dict[str, list[tuple[GoldDocument, Document]]],
) -> dict[str, list[tuple[str, Document]]]:
    """Per gold document, its processed renderings in the order the gold lists them."""
    by_name: dict[str, list[tuple[str, Document]]] = {}
    for rendering, pairs in processed.items():
        for gold, document in pairs:
            by_name.setdefault(gold.name, []).append((rendering, document))
    for gold_name, documents in by_name.items():
        order = {name: index for index, name in enumerate(_listed_renderings(gold_name, processed))}
        documents.sort(key=lambda item: order.get(item[0], len(order)))
    return by_name


def _listed_renderings(gold_name: str, processed: dict[str, list[tuple[GoldDocument, Document]]]) -> list[str]:
    for pairs in processed.values():
        for gold, _ in pairs:
            if gold.name == gold_name:
                return [gold.rendering(file_name) for file_name in gold.files]
    return []


def _reuse(already: ProcessedFile, outcome: FileOutcome) -> Document | None:
    outcome.error = already.error
    outcome.seconds = already.seconds
    if already.document is not None:
        outcome.pages = already.document.page_count
    return already.document


def run_one(path: Path, outcome: FileOutcome) -> Document | None:
    if not path.is_file():
        outcome.error = "không tìm thấy tệp / file not found"
        return None
    started = time.perf_counter()
    try:
        document = process_file(path)
    except DanhmucError as error:
        outcome.error = error.describe()
        return None
    except Exception as error:  # noqa: BLE001 - the evaluator reports a crash as a result, not a traceback
        outcome.error = f"lỗi nội bộ / internal error: {type(error).__name__}: {error}"
        return None
    outcome.seconds = time.perf_counter() - started
    outcome.pages = document.page_count
    return document


# ---------------------------------------------------------------- one document


def score_document(gold: GoldDocument, document: Document, scores: Scores) -> None:
    _score_metadata(gold, document, scores)
    _score_catalog(gold, document, scores)
    _score_tasks(gold, document, scores)


def meta_values(document: Document) -> dict[str, str]:
    """The scored metadata fields of a document by their gold names (both sets' evaluators read these)."""
    predicted = document.metadata
    return {
        "kind": predicted.kind,
        "number": predicted.number,
        "date": predicted.date,
        "issuer": predicted.issuer,
        "parent": predicted.parent.number if predicted.parent else "",
        "place": predicted.place,
        "title": predicted.title,
        "signer": predicted.signer,
    }


def _score_metadata(gold: GoldDocument, document: Document, scores: Scores) -> None:
    values = meta_values(document)
    for name in META_FIELDS:
        expected = getattr(gold.meta, name)
        if expected is None:
            continue
        scores.metadata.add(collapse(values[name]) == collapse(expected))


def entry_similarity(gold: GoldEntry, entry: CatalogEntry) -> float:
    number_bonus = 0.2 if collapse(gold.number) == collapse(entry.number) else 0.0
    return (
        0.6 * text_similarity(gold.title, entry.title)
        + 0.2 * text_similarity(gold.description, entry.description)
        + number_bonus
    )


def _score_catalog(gold: GoldDocument, document: Document, scores: Scores) -> None:
    alignment = align(gold.catalog, document.catalog, entry_similarity, threshold=0.55)
    scores.catalog.merge(
        PrecisionRecall(true_positives=len(alignment.pairs), predicted=len(document.catalog), gold=len(gold.catalog))
    )
    for gold_entry, entry in alignment.pairs:
        for name in CATALOG_FIELDS:
            scores.fields[name].add(collapse(getattr(entry, name)) == collapse(getattr(gold_entry, name)))
        if entry.norm is None:
            continue
        scores.normalised = True
        scores.sharing.add(entry.norm.sharing == gold_entry.sharing)
        scores.frequency.add(sorted(entry.norm.frequency) == sorted(gold_entry.frequency))
        if gold_entry.unit_key:
            scores.unit_labels.append(
                (gold_entry.unit_key, _unit_label(entry.norm.units, f"{document.source}#{entry.row}"))
            )


def task_similarity(gold: GoldTask, task: Task) -> float:
    same_ref = 1.0 if collapse(gold.ref) == collapse(task.ref) else 0.0
    return 0.7 * same_ref + 0.3 * text_similarity(gold.heading, task.heading)


def _score_tasks(gold: GoldDocument, document: Document, scores: Scores) -> None:
    alignment = align(gold.tasks, document.tasks, task_similarity, threshold=0.7)
    for _ in alignment.unmatched_gold:
        scores.tasks.add(False)
    for gold_task, task in alignment.pairs:
        scores.tasks.add(True)
        scores.task_fields["time_raw"].add(collapse(task.time_raw) == collapse(gold_task.time_raw))
        scores.task_fields["lead_raw"].add(collapse(task.lead_raw) == collapse(gold_task.lead_raw))
        if gold_task.partner_raw is not None:
            scores.task_fields["partner_raw"].add(collapse(task.partner_raw) == collapse(gold_task.partner_raw))
        if task.norm is None:
            continue
        scores.normalised = True
        quarters = task.norm.period.quarters if task.norm.period else []
        scores.periods.add(quarters == gold_task.periods)
        where = f"{document.source}@{task.ref}"
        if gold_task.lead_key:
            scores.unit_labels.append((gold_task.lead_key, _unit_label(task.norm.lead, where + ":lead")))
        predicted_partners = [m.unit_id for m in task.norm.partners if m.unit_id and not m.collective]
        for index, key in enumerate(gold_task.partner_keys):
            label = (
                predicted_partners[index] if index < len(predicted_partners) else f"unresolved:{where}:partner{index}"
            )
            scores.unit_labels.append((key, label))


def _unit_label(mentions: list[UnitMention], where: str) -> str:
    """The predicted identity of a cell: its resolved units joined, or a singleton when none resolved."""
    ids = [mention.unit_id for mention in mentions if mention.unit_id and not mention.collective]
    return "+".join(ids) if ids else f"unresolved:{where}"


# ---------------------------------------------------------------- across documents


def _score_matching(pairs: list[tuple[GoldDocument, Document]], outcome: MatchingOutcome, scores: Scores) -> None:
    labels: list[tuple[str, str]] = []
    flags = PrecisionRecall()
    for gold, document in pairs:
        alignment = align(gold.catalog, document.catalog, entry_similarity, threshold=0.55)
        for gold_entry, entry in alignment.pairs:
            dataset = outcome.dataset_of.get((document.source, entry.table, entry.row))
            if gold_entry.dataset_key and dataset:
                labels.append((gold_entry.dataset_key, dataset))
        predicted_flags = {
            (kind, frozenset(collapse(item) for item in evidence))
            for kind, evidence in outcome.flags_of.get(document.source, [])
        }
        gold_flags = {(flag.kind, frozenset(collapse(item) for item in flag.evidence)) for flag in gold.flags}
        flags.merge(
            PrecisionRecall(
                true_positives=len(predicted_flags & gold_flags),
                predicted=len(predicted_flags),
                gold=len(gold_flags),
            )
        )
    scores.datasets = pair_counts(labels)
    scores.flags = flags
