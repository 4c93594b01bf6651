"""Reconciliation of many documents' catalogs into one catalog of datasets, with links and flags."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from extract.model import Document, Provenance
from matching import forked
from matching.batchscore import KeptScores, kept_scores
from matching.blocking import BlockingStats, BlockRow, candidate_pairs
from matching.bounds import certain_penalties, score_upper_bounds
from matching.cluster import cluster_links
from matching.compare import MAX_BONUS, MAX_SCORE_ACROSS_SCOPES, score_pair
from matching.conceptprep import dataset_labels, start_concepts
from matching.concepts import ConceptOutput, keep_concept_ids, link_concepts
from matching.decisions import apply_decisions, decision_constraints, dismiss_flags, most_common
from matching.errors import ThresholdsMissingError
from matching.features import EntryFeatures, build_features, features_of, row_texts, row_title_texts, title_texts
from matching.flags import compute_flags
from matching.model import Dataset, Decision, Link, MemberRef, Reconciliation, dataset_id_for
from matching.rowcodes import RowCodes
from matching.scope import document_scope
from matching.titlesim import RowTexts, title_similarities

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
LINK_FLOOR = 0.1  # links this far below the threshold are kept as near misses for reviewers
# Rows from which `reconcile(workers > 1)` forks the concept stage (matching/forked.py): below, a fork
# (page tables of the whole heap, copied pages, the pickled result) costs more than the overlap gains.
FORK_CONCEPTS_FROM = 20_000
# Rows from which `reconcile(workers > 1)` blocks in a forked child while it builds the features (`_matched`):
# ~0.6 CPU-s off the path to the concept fork at 100,000 rows, for ~0.35 more CPU (the fork, copy-on-write).
FORK_BLOCKING_FROM = 20_000
# Rows from which `reconcile(workers > 1)` writes the links' reasons in a forked child started once the pairs
# are scored: it overlaps the clustering (one core idle on a quiet machine) and takes ~1 CPU-s off the parent's
# tail at 100,000 rows, for ~0.3 CPU-s more in all (fork, copy-on-write, pickling). Under load it does not pay
# (docs/benchmarks.md, session 14, match14a).
FORK_REASONS_FROM = 20_000


def load_threshold(path: Path = THRESHOLDS_FILE) -> float:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return float(data["link_threshold"])
    except (OSError, ValueError, KeyError) as error:
        raise ThresholdsMissingError(str(path)) from error


def load_concept_threshold(path: Path = THRESHOLDS_FILE) -> float:
    """The concept-level threshold; the dataset threshold when the file predates concepts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return float(data.get("concept_threshold", data["link_threshold"]))
    except (OSError, ValueError, KeyError) as error:
        raise ThresholdsMissingError(str(path)) from error


# Candidate pairs from which `score_candidates(workers > 1)` finds the bounds' penalties in this thread while
# another compares the titles: below, a thread's start costs more than the overlap gains.
OVERLAP_TITLES_FROM = 50_000


def score_candidates(
    features: Sequence[EntryFeatures], pairs: np.ndarray, *, floor: float = 0.0, workers: int = 1,
    codes: RowCodes | None = None, texts: RowTexts | None = None,
) -> KeptScores:
    """Full comparison of the candidate pairs; only pairs scoring at least `floor` are kept (their reasons
    are written by `.with_reasons()`).

    Title similarity is computed for all pairs at once; a pair whose title plus every possible
    bonus stays under `floor` cannot become a link and is not compared further, nor is one whose
    `score_upper_bound` (all pairs at once too) is under it. The rest are scored all at once too
    (matching/batchscore.py), in this process: `workers` threads compare the titles. `codes` and `texts`:
    the rows' `RowCodes` (read by both the bounds and the scores) and `RowTexts`, when already computed.
    """
    penalties = None
    if workers > 1 and len(pairs) >= OVERLAP_TITLES_FROM:
        # rapidfuzz compares the titles without the GIL (its threads, and numpy's sorts): meanwhile this thread
        # builds the rows' codes when not given and finds the bounds' certain penalties of every pair, the few
        # the title filter drops included (Python, ~0.3 + ~0.2 CPU-s at 100,000 rows), where a core sat idle
        # (docs/benchmarks.md, session 17).
        with ThreadPoolExecutor(1) as pool:
            compared = pool.submit(title_similarities, features, pairs, workers=workers, rows=texts)
            codes = RowCodes.of(features) if codes is None else codes
            penalties = certain_penalties(features, pairs, codes.bound_words)
            titles = compared.result()
    else:
        titles = title_similarities(features, pairs, workers=workers, rows=texts)
        codes = RowCodes.of(features) if codes is None else codes
    keep = titles + MAX_BONUS >= floor
    pairs, titles = pairs[keep], titles[keep]
    penalties = None if penalties is None else penalties[keep]
    keep = score_upper_bounds(features, pairs, titles, codes, penalties) >= floor
    return kept_scores(features, pairs[keep], titles[keep], floor, codes)


_AUTO_FIELDS = frozenset({"left", "right", "score", "reasons", "accepted", "decided_by"})
_LEVEL_FIELDS = _AUTO_FIELDS | {"level"}
_set = object.__setattr__
_new_link = Link.__new__
# The slots every pydantic record has besides its `__dict__`, set through their descriptors: ~0.1 µs less a record
# than `object.__setattr__` by name, which counts for ~360,000 records at 100,000 rows.
_BASE_SLOTS = BaseModel.__dict__
_set_fields = _BASE_SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _BASE_SLOTS["__pydantic_extra__"].__set__
_set_private = _BASE_SLOTS["__pydantic_private__"].__set__


def trusted_link(
    left: str, right: str, score: float, reasons: list[str], *, accepted: bool, level: str | None = None
) -> Link:
    """`Link.model_construct(left=…, right=…, score=…, reasons=…, accepted=…, decided_by="auto"[, level=…])`,
    built directly: the same fields, defaults and fields-set (tests/test_match_speed.py compares them),
    at a tenth of the cost, which counts for 250,000 links of values built and checked here."""
    link = _new_link(Link)
    values = {"left": left, "right": right, "score": score, "reasons": reasons, "accepted": accepted,
              "decided_by": "auto", "level": "dataset" if level is None else level}  # fmt: skip
    _set(link, "__dict__", values)
    _set_fields(link, set(_AUTO_FIELDS if level is None else _LEVEL_FIELDS))
    _set_extra(link, None)
    _set_private(link, None)
    return link


_MEMBER_FIELDS = frozenset(MemberRef.model_fields)
_DATASET_FIELDS = frozenset(Dataset.model_fields)
_new_member = MemberRef.__new__
_new_dataset = Dataset.__new__


def _trusted(record: object, values: dict[str, object], fields: frozenset[str]) -> None:
    _set(record, "__dict__", values)
    _set_fields(record, set(fields))
    _set_extra(record, None)
    _set_private(record, None)


def trusted_member(
    key: str, document: str, sha256: str, number: str, title: str, unit: str, provenance: Provenance
) -> MemberRef:
    """`MemberRef.model_construct(…)` with every field given, built directly as `trusted_link` is
    (tests/test_match_speed.py compares them): 100,000 of them cost ~0.6 CPU-s through pydantic's loop."""
    member = _new_member(MemberRef)
    _trusted(member, {"key": key, "document": document, "sha256": sha256, "number": number, "title": title,
                      "unit": unit, "provenance": provenance}, _MEMBER_FIELDS)  # fmt: skip
    return member


def trusted_dataset(dataset_id: str, origin: str, title: str, unit: str, members: list[MemberRef]) -> Dataset:
    """`Dataset.model_construct(…)` with every field given, built directly (as `trusted_member`)."""
    dataset = _new_dataset(Dataset)
    values: dict[str, object] = {"id": dataset_id, "origin": origin, "title": title, "unit": unit, "members": members}
    _trusted(dataset, values, _DATASET_FIELDS)
    return dataset


def _datasets(documents: Sequence[Document], keys: list[str], ids: list[str]) -> list[Dataset]:
    """The datasets as records, in the order their first member comes (`keys` and `ids`: each row's key and dataset,
    in the documents' order), each named as apply_decisions names a dataset no reviewer named, so that it can skip
    them. Every value comes from validated Documents (str fields, a Provenance): the trusted constructors' records,
    without checking ~100,000 members again (the same records as model_construct's, tests/test_match19b.py)."""
    refs: dict[str, list[MemberRef]] = {}
    found = refs.get
    rows = iter(zip(keys, ids, strict=True))
    for document in documents:
        source, sha256 = document.source, document.sha256
        # Not strict: `rows` runs on over the next documents (zip stops at the catalog's end before taking a row).
        for entry, (key, dataset_id) in zip(document.catalog, rows, strict=False):
            member = trusted_member(key, source, sha256, entry.number, entry.title, entry.unit, entry.provenance)
            members = found(dataset_id)
            if members is None:
                refs[dataset_id] = [member]
            else:
                members.append(member)
    datasets: list[Dataset] = []
    for dataset_id, members in refs.items():
        first = members[0]
        if len(members) == 1:  # most datasets: what the general case below gives, without a hash and two lists
            origin, title, unit = first.key, first.title, first.unit
        else:
            origin = next((r.key for r in members if dataset_id_for(r.key) == dataset_id), first.key)
            title, unit = most_common([r.title for r in members]), most_common([r.unit for r in members])
        datasets.append(trusted_dataset(dataset_id, origin, title, unit, members))
    return datasets


@dataclass(frozen=True, slots=True)
class MatchOutput:
    features: list[EntryFeatures]
    scored: list[tuple[int, int, float, list[str]]]
    dataset_ids: list[str]
    stats: BlockingStats


def match_entries(
    documents: Sequence[Document],
    threshold: float,
    *,
    decisions: Sequence[Decision] = (),
    previous: Mapping[str, str] | None = None,
    workers: int = 1,
) -> MatchOutput:
    """Blocking, comparison and clustering, without building result records (used by calibration)."""
    matched = _matched(documents, threshold, decisions, previous, workers)
    return MatchOutput(
        features=matched.features, scored=matched.kept.with_reasons(), dataset_ids=matched.ids, stats=matched.stats
    )


@dataclass(frozen=True, slots=True)
class _Matched:
    features: list[EntryFeatures]
    kept: KeptScores
    ids: list[str]  # dataset id per row
    stats: BlockingStats
    reasons: forked.Forked[list[list[str]]]  # `kept.reasons()`, maybe being written in a forked child
    concepts: forked.Late[ConceptOutput] | None = None  # the concept stage forked early, waiting for the datasets


def _matched(
    documents: Sequence[Document], threshold: float, decisions: Sequence[Decision],
    previous: Mapping[str, str] | None, workers: int, *, fork_reasons: bool = False,
    early_concepts: float | None = None,
) -> _Matched:
    """match_entries with the links' reasons not written yet (with `fork_reasons` and many rows, being
    written in a forked child). `early_concepts`: the concept floor, when the caller runs the concept stage in a
    child with no decision to replay: with many rows it is forked before the scores (`_Matched.concepts`)."""
    # Blocking may skip pairs across scopes only when no such pair could clear the threshold.
    split_scopes = threshold > MAX_SCORE_ACROSS_SCOPES
    texts: RowTexts | None = None
    if workers > 1 and sum(len(d.catalog) for d in documents) >= FORK_BLOCKING_FROM:
        # Blocking reads only the rows' title texts and scopes: a child blocks (~0.9 CPU-s at 100,000 rows,
        # Python mostly) while this process builds the rows' texts, the features and their title texts (~1.0),
        # on a second core that was idle there. It starts as soon as every title's text is known: the rows' own
        # texts (a title with its description, ~0.25 CPU-s) are not needed for blocking. Its pairs come back as
        # one array. The rows' codes are built after, while another thread compares the titles (`score_candidates`).
        units = title_texts(documents, workers=workers)
        scopes = [document_scope(d) for d in documents]
        blocked = forked.start(
            lambda: candidate_pairs(
                [
                    BlockRow(t, s) for t, s in zip(
                        row_title_texts(documents),
                        [scope for d, scope in zip(documents, scopes, strict=True) for _ in d.catalog],
                        strict=True,
                    )
                ],
                workers=workers, split_scopes=split_scopes,
            )  # fmt: skip
        )
        features = features_of(documents, row_texts(documents), units, scopes)
        texts = RowTexts.of(features)
        pairs, stats = blocked.result()
    else:
        features = build_features(documents, workers=workers)
        pairs, stats = candidate_pairs(features, workers=workers, split_scopes=split_scopes)
    concepts = _early_concepts(features, early_concepts, workers)  # before the scores: a core is idle there
    kept = score_candidates(
        features, pairs, floor=threshold - LINK_FLOOR, workers=workers, texts=texts
    )
    # The reasons need the scored pairs only: a child writes them while this process clusters.
    fork = fork_reasons and workers > 1 and len(features) >= FORK_REASONS_FROM
    reasons = (forked.start if fork else forked.here)(kept.reasons)
    keys = [f.key for f in features]
    constraints = decision_constraints(decisions, {k: i for i, k in enumerate(keys)}, previous or {})

    def rescore(i: int, j: int) -> float:
        return score_pair(features[i], features[j]).score

    ids = cluster_links(keys, kept.scores(), threshold, rescore, previous=previous, constraints=constraints)
    return _Matched(features, kept, ids, stats, reasons, concepts)


def _early_concepts(
    features: list[EntryFeatures], floor: float | None, workers: int
) -> forked.Late[ConceptOutput] | None:
    """The concept stage forked before the scores (matching/conceptprep.py), when `_reconcile` will fork it anyway:
    `floor` given (concepts wanted, no decision to replay), two workers, many rows, and one row per key (a document
    given twice makes `_reconcile` replay the datasets)."""
    if floor is None or workers < 2 or len(features) < FORK_CONCEPTS_FROM:
        return None
    if len({f.key for f in features}) != len(features):
        return None
    return start_concepts(features, floor, workers)


def reconcile(
    documents: Sequence[Document],
    *,
    decisions: Sequence[Decision] = (),
    previous: Mapping[str, str] | None = None,
    threshold: float | None = None,
    workers: int = 1,
    with_flags: bool = True,
    concept_threshold: float | None = None,
    with_concepts: bool = True,
    previous_concepts: Mapping[str, str] | None = None,
    clustered: Callable[[], None] | None = None,
) -> Reconciliation:
    """Group the catalog entries of all documents into datasets.

    `previous` is the `assignment` of an earlier run: its datasets keep their ids. `decisions` are
    reviewers' records, applied as clustering constraints and then on the result. `previous_concepts`
    (an earlier run's `concepts`) keeps concept ids the same way. `workers` threads compare titles; with
    `workers` > 1 and 20,000 rows or more, forked children (matching/forked.py) also compute most title
    texts, the blocking, the links' reasons and, when there is no decision to replay, the concept stage,
    so that a run uses two cores. `clustered` is called once the rows are clustered into datasets, before
    the records and the concept stage (benchmarks/bench_matching.py times the part Splink also does by it;
    a forked child may be writing the links' reasons meanwhile).
    """
    with _without_cyclic_gc():
        return _reconcile(
            documents, decisions=decisions, previous=previous, threshold=threshold, workers=workers,
            with_flags=with_flags, concept_threshold=concept_threshold, with_concepts=with_concepts,
            previous_concepts=previous_concepts, clustered=clustered,
        )  # fmt: skip


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """No cyclic garbage collection while matching: a run makes millions of acyclic objects (pairs,
    reasons, links) and each full collection walks all of them again: 100,000 rows spent ~30 % of their
    CPU in the collector. Reference counting still frees everything; the collector runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _enable_without_collecting()


def _enable_without_collecting() -> None:
    """Turn the collector back on without it walking the run's millions of young objects at once
    (~2 CPU-s at 100,000 rows): they are moved to the oldest generation (freeze, then unfreeze), where
    the next full collection sees them as it would have. Not when the caller froze objects itself:
    unfreeze would release those too."""
    if gc.get_freeze_count():
        gc.enable()
        return
    gc.freeze()
    gc.enable()
    gc.unfreeze()


def _reconcile(
    documents: Sequence[Document],
    *,
    decisions: Sequence[Decision],
    previous: Mapping[str, str] | None,
    threshold: float | None,
    workers: int,
    with_flags: bool,
    concept_threshold: float | None,
    with_concepts: bool,
    previous_concepts: Mapping[str, str] | None,
    clustered: Callable[[], None] | None,
) -> Reconciliation:
    threshold = load_threshold() if threshold is None else threshold
    documents = sorted(documents, key=lambda d: d.sha256)  # by content, not ingest order: ties, ids, flags
    concept_floor = 0.0
    if with_concepts:
        concept_floor = load_concept_threshold() if concept_threshold is None else concept_threshold
    early = concept_floor if with_concepts and not decisions else None
    matched = _matched(documents, threshold, decisions, previous, workers, fork_reasons=True, early_concepts=early)
    features, ids = matched.features, matched.ids
    keys = [f.key for f in features]  # the rows' `entry_key`, in the documents' order
    if clustered is not None:
        clustered()
    assignment = dict(zip(keys, ids, strict=True))  # rows in index order: `ids[f.index]` of each `f.key`
    # With no decision and one row per key (no document given twice), the result is already what
    # replaying nothing gives: every member in its own dataset, links accepted within a dataset.
    replay = bool(decisions) or len(assignment) != len(features)
    concept_stage: forked.Forked[ConceptOutput] | None = None
    if with_concepts and not replay and workers > 1 and len(features) >= FORK_CONCEPTS_FROM:
        # The datasets are final already: the concept stage runs in a child while this process writes the
        # links' reasons and builds the records below (~4 of ~17 CPU-s at 100,000 rows). Forked before the
        # scores as a rule (`_early_concepts`): it has its wordings by now and gets the datasets.
        if matched.concepts is not None:
            concept_stage = matched.concepts.send(dataset_labels(ids))
        else:
            concept_stage = forked.start(
                lambda: link_concepts(features, ids, concept_floor, workers=workers, split=True)
            )
    elif matched.concepts is not None:  # the datasets are replayed after all: the early child's ids would not do
        matched.concepts.discard()

    # `assignment` keeps a key's last row's dataset: a key met twice (a document given twice, replayed below) groups
    # its rows by it, as the records always did.
    datasets = _datasets(documents, keys, [assignment[k] for k in keys] if replay else ids)
    links = _links_by_score(keys, matched.kept, matched.reasons.result(), ids)
    result = Reconciliation(
        datasets=datasets,
        links=links,
        flags=[],
        assignment=assignment,
        threshold=threshold,
        candidate_pairs=matched.stats.candidates,
    )
    if replay:
        result = apply_decisions(result, decisions)
    if with_flags:  # before the concepts: flags read only the datasets, so they overlap a forked stage too
        flags = compute_flags(documents, result.assignment)
        result = result.model_copy(update={"flags": dismiss_flags(flags, decisions)})
    if with_concepts:
        if concept_stage is None:
            # The concept level over the final datasets (after reviewers' decisions).
            dataset_ids = [result.assignment[f.key] for f in features]
            concepts = link_concepts(features, dataset_ids, concept_floor, workers=workers)
        else:
            concepts = concept_stage.result()
        result = _with_concepts(result, keys, concepts, concept_floor, previous_concepts or {})
    return result


def _links_by_score(keys: list[str], kept: KeptScores, reasons: list[list[str]], ids: list[str]) -> list[Link]:
    """The dataset links, by score (highest first, ties in the pairs' order, as a stable sort keeps them).
    Scores and reasons were built here and are already valid: `trusted_link`'s records, without re-validating
    ~257,000 links at 100,000 rows."""
    lefts, rights, scores = kept.columns
    links: list[Link] = []
    for k in np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable").tolist():
        i, j = lefts[k], rights[k]
        links.append(trusted_link(keys[i], keys[j], scores[k], reasons[k], accepted=ids[i] == ids[j]))
    return links


def _with_concepts(
    result: Reconciliation, keys: list[str], output: ConceptOutput, threshold: float, previous: Mapping[str, str]
) -> Reconciliation:
    """The result with the concept stage's output as records (`keys`: the rows' keys, by feature index). On the
    run's serial tail after the concept child returns: the rows' concepts by one `zip`, not a loop over the
    features (whose pages a forked child shares: each read there copied one)."""
    concepts = keep_concept_ids(dict(zip(keys, output.concept_of, strict=True)), previous)
    links = [
        trusted_link(
            min(keys[i], keys[j]), max(keys[i], keys[j]), score, reasons,
            accepted=concepts[keys[i]] == concepts[keys[j]], level="concept",
        )  # fmt: skip
        for i, j, score, reasons in sorted(output.links, key=itemgetter(2), reverse=True)
    ]
    return result.model_copy(update={"concepts": concepts, "concept_links": links, "concept_threshold": threshold})
