"""The shortcuts of the fast matching path (issue 13) give what the plain path gives."""

from __future__ import annotations

import gc
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from extract.model import Provenance, Record
from matching import Link, reconcile
from matching.blocking import BlockRow, candidate_pairs
from matching.bounds import score_upper_bounds
from matching.compare import (
    _unmatched,
    _words_penalty,
    _words_penalty_uncached,
    concept_bound_before_covering,
    concept_may_reach,
    concept_upper_bound,
    pair_scores,
    score_pair,
    score_reaching,
    score_upper_bound,
    title_similarity,
)
from matching.coverage import _covers, _placeless, _without_places, covering, may_cover, title_items
from matching.features import EntryFeatures, build_features, row_texts, row_title_texts
from matching.goldset import GoldDocument, load_gold
from matching.model import Dataset, MemberRef, entry_key
from matching.reconcile import match_entries, trusted_dataset, trusted_link, trusted_member
from matching.scope import document_scope
from matching.titlesim import _combined, title_similarities

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gold() -> list[GoldDocument]:
    return load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")


def _pairs(features: list[EntryFeatures], minimum: int = 200) -> list[tuple[EntryFeatures, EntryFeatures]]:
    pairs, _ = candidate_pairs(features)
    assert len(pairs) > minimum
    return [(features[i], features[j]) for i, j in pairs.tolist()]


def _assert_same_record(fast: Record, plain: Record) -> None:
    """A record built by a trusted constructor is indistinguishable from model_construct's."""
    assert type(fast) is type(plain)
    assert fast == plain
    assert fast.model_fields_set == plain.model_fields_set
    assert fast.model_dump() == plain.model_dump()
    assert fast.model_dump_json() == plain.model_dump_json()
    assert fast.__pydantic_extra__ == plain.__pydantic_extra__
    assert fast.__pydantic_private__ == plain.__pydantic_private__


def test_trusted_link_is_model_construct() -> None:
    for level in (None, "concept"):
        extra: dict[str, Any] = {} if level is None else {"level": level}
        plain = Link.model_construct(
            left="a", right="b", score=0.8, reasons=["x"], accepted=True, decided_by="auto", **extra
        )
        fast = trusted_link("a", "b", 0.8, ["x"], accepted=True, level=level)
        _assert_same_record(fast, plain)


def test_trusted_records_are_model_construct() -> None:
    provenance = Provenance(file="a.txt", table=1, row=2, raw="x")
    member = MemberRef.model_construct(
        key="k:1:2", document="a.txt", sha256="k", number="2", title="Dữ liệu", unit="Sở", provenance=provenance
    )
    dataset = Dataset.model_construct(id="ds-1", origin="k:1:2", title="Dữ liệu", unit="Sở", members=[member])
    pairs: list[tuple[Record, Record]] = [
        (trusted_member("k:1:2", "a.txt", "k", "2", "Dữ liệu", "Sở", provenance), member),
        (trusted_dataset("ds-1", "k:1:2", "Dữ liệu", "Sở", [member]), dataset),
    ]
    for fast, plain in pairs:
        _assert_same_record(fast, plain)


def test_reconciled_links_are_model_construct() -> None:
    """The dataset links, built in one loop (reconcile._links_by_score), are trusted_link's records: by
    score, highest first, their order among equal scores the pairs' (a stable sort). On the synthetic
    archive: the gold corpus has a few dozen links, few ties."""
    from benchmarks.bench_matching import build_archive

    documents = build_archive(2_000, seed=11).documents
    result = reconcile(documents, with_flags=False, with_concepts=False)
    assert len(result.links) > 1_000 and any(link.accepted for link in result.links)
    matched = match_entries(sorted(documents, key=lambda d: d.sha256), result.threshold)
    keys = [f.key for f in matched.features]
    scored = sorted(matched.scored, key=lambda s: s[2], reverse=True)
    assert [(link.left, link.right, link.score, link.reasons) for link in result.links] == [
        (keys[i], keys[j], score, reasons) for i, j, score, reasons in scored
    ]
    for link in result.links:
        plain = Link.model_construct(
            left=link.left, right=link.right, score=link.score, reasons=list(link.reasons), accepted=link.accepted,
            decided_by="auto",
        )  # fmt: skip
        _assert_same_record(link, plain)
    assert len({link.score for link in result.links}) < len(result.links)  # ties were met


def test_scores_without_reasons_are_score_pairs(gold: list[GoldDocument]) -> None:
    features = build_features([g.document for g in gold])
    for a, b in _pairs(features):
        for left, right in ((a, b), (b, a)):
            full = score_pair(left, right)
            assert pair_scores(left, right) == (full.score, full.concept)
            assert concept_upper_bound(left, right, 1.0) >= full.concept - 1e-9 or full.concept == 0.0


def test_cached_words_penalty_follows_the_run(gold: list[GoldDocument]) -> None:
    # Two runs with different specificities, interleaved: each pair gets its own run's answer.
    runs = [build_features([g.document for g in gold]), build_features([g.document for g in gold[:3]])]
    assert runs[0][0].idf is not runs[1][0].idf
    pairs = [_pairs(run, 20) for run in runs]
    for k in range(max(map(len, pairs))):
        for run in pairs:
            if k < len(run):
                a, b = run[k]
                assert _words_penalty(a, b) == _words_penalty_uncached(a, b)


def test_covering_shortcut_matches_both_directions(gold: list[GoldDocument]) -> None:
    features = build_features([g.document for g in gold])
    found = 0
    for a, b in _pairs(features):
        places = a.locality | b.locality
        left, right = (a.title, a.text.tokens), (b.title, b.text.tokens)
        plain = _covers(left, right, places) or _covers(right, left, places)
        assert (covering(a, b) is None) == (plain is None)
        found += plain is not None
    assert found > 0


def test_placeless_keyed_by_the_named_places_matches_the_pairs_places(gold: list[GoldDocument]) -> None:
    # _placeless is memoised by the places a title names, not the pair's: the same items and tail either way.
    features = build_features([g.document for g in gold])
    named = 0
    for a, b in _pairs(features):
        places = a.locality | b.locality
        for title in (a.title, b.title):
            parsed = title_items(title)
            items = frozenset(_without_places(i, places) for i in parsed.items) - {frozenset()}
            assert _placeless(title, places) == (items, _without_places(parsed.tail, places))
            named += items != frozenset(parsed.items) - {frozenset()}
    assert named > 0  # some titles do name a place of their pair


def test_the_word_signature_never_drops_a_covering_pair(gold: list[GoldDocument]) -> None:
    features = build_features([g.document for g in gold])
    pairs = np.array([(a.index, b.index) for a, b in _pairs(features)], dtype=np.int64)
    coverable = may_cover(features, pairs)
    found = [covering(features[i], features[j]) is not None for i, j in pairs.tolist()]
    assert any(found) and not any(f and not c for f, c in zip(found, coverable.tolist(), strict=True))
    assert not coverable.all()  # and it does set pairs aside


@pytest.mark.parametrize("enabled", [True, False])
def test_reconcile_restores_the_collector(gold: list[GoldDocument], enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        reconcile([g.document for g in gold[:2]], with_flags=False)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0  # the run's objects went back to the collector's care
    finally:
        (gc.enable if was else gc.disable)()


def test_title_similarities_once_per_pair_of_texts(gold: list[GoldDocument]) -> None:
    # Each distinct pair of texts is compared once and copied: the same floats as comparing every pair.
    features = build_features([g.document for g in gold])
    pairs, _ = candidate_pairs(features)
    texts = [(f.text.full, f.text.content, f.text.core) for f in features]
    twins = [(i, j) for i in range(len(features)) for j in range(i + 1, len(features)) if texts[i] == texts[j]]
    assert twins  # rows of the same wording: their pairs share texts
    first = {t: i for i, t in reversed(list(enumerate(texts)))}
    extra = [(first[texts[i]], j) for i, j in pairs.tolist() if first[texts[i]] != i and first[texts[i]] < j]
    assert extra
    everything = np.concatenate([pairs, np.array(extra + twins, dtype=np.int64), pairs[::-1]])
    assert np.array_equal(title_similarities(features, everything), _every_pair(features, everything))


def test_title_similarities_once_per_pair_of_strings() -> None:
    # Synthetic rows under four heads: distinct full titles whose contents and cores repeat, each distinct
    # pair of those strings compared once (titlesim._Strings): the same floats as comparing every pair.
    from benchmarks.bench_matching import build_archive

    features = build_features(build_archive(1_500).documents)
    pairs, _ = candidate_pairs(features)
    texts = {(f.text.full, f.text.content, f.text.core) for f in features}
    assert len({content for _, content, _ in texts}) * 10 <= len(texts) * 9  # the path that pairs strings
    everything = np.concatenate([pairs, pairs[::-1]])
    assert np.array_equal(title_similarities(features, everything), _every_pair(features, everything))


def _every_pair(features: list[EntryFeatures], pairs: np.ndarray) -> np.ndarray:
    """title_similarities' plain path: the four rapidfuzz scorers on every pair, token_sort_ratio itself."""
    left, right = pairs[:, 0].tolist(), pairs[:, 1].tolist()

    def scored(field: str, scorer: Any) -> np.ndarray:
        mine = [getattr(features[i].text, field) for i in left]
        return process.cpdist(mine, [getattr(features[j].text, field) for j in right], scorer=scorer, dtype=np.float32)

    same = np.array([features[i].text.full == features[j].text.full for i, j in zip(left, right, strict=True)])
    return _combined(
        scored("full", fuzz.ratio), scored("content", fuzz.token_sort_ratio),
        scored("content", fuzz.token_set_ratio), scored("core", fuzz.token_sort_ratio), same,
    )  # fmt: skip


def test_bounds_of_many_pairs_are_the_scalar_bounds(gold: list[GoldDocument]) -> None:
    # Over several scopes and documents (level, province and same-document terms), both directions.
    features = build_features([g.document for g in gold])
    pairs, _ = candidate_pairs(features)
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    titles = title_similarities(features, pairs)
    bounds = score_upper_bounds(features, pairs, titles)
    terms = set()
    for (i, j), title, bound in zip(pairs.tolist(), titles.tolist(), bounds.tolist(), strict=True):
        a, b = features[i], features[j]
        assert bound == score_upper_bound(a, b, title)
        assert concept_bound_before_covering(a, b, title) <= concept_upper_bound(a, b, title)
        terms.add((a.scope.province != b.scope.province, a.scope.level != b.scope.level, a.document == b.document))
    assert len(terms) >= 3


def test_short_words_are_never_typos() -> None:
    assert _unmatched(frozenset({"xe", "ôtô"}), frozenset({"xa", "ôtô"})) == {"xe"}
    assert _unmatched(frozenset({"nghiệp", "dục"}), frozenset({"nghiêp", "dục"})) == set()


def test_score_reaching_is_score_pair_or_none(gold: list[GoldDocument]) -> None:
    # The covering test is skipped for pairs under the floor only: the kept ones get the same score,
    # concept and reasons as score_pair; a sub-row pair (score 0) is kept at floor 0.
    features = build_features([g.document for g in gold])
    kept = dropped = 0
    for a, b in _pairs(features):
        title = title_similarity(a.text, b.text)
        full = score_pair(a, b, title)
        for floor in (0.0, 0.5, 0.67, 0.9):
            fast = score_reaching(a, b, title, floor)
            assert fast == (full if full.score >= floor else None)
            kept, dropped = kept + (fast is not None), dropped + (fast is None)
    assert kept and dropped


def test_concept_bound_with_the_pairs_own_description(gold: list[GoldDocument]) -> None:
    # The concept stage's tighter bound is still a bound: never under the concept score it gates,
    # with the stage's float32 titles, and tighter than the general one for some pairs.
    features = build_features([g.document for g in gold])
    pairs, _ = candidate_pairs(features)
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    tighter = 0
    for (i, j), title in zip(pairs.tolist(), title_similarities(features, pairs).tolist(), strict=True):
        a, b = features[i], features[j]
        bound = concept_upper_bound(a, b, title, own_description=True)
        concept = score_pair(a, b, title).concept
        assert bound >= concept or concept == 0.0  # a score is clipped at 0; floors are above it
        assert concept_bound_before_covering(a, b, title, own_description=True) <= bound
        tighter += bound < concept_upper_bound(a, b, title) - 0.01
        for floor in (0.5, 0.73, 0.9, 0.96):
            assert concept_may_reach(a, b, title, floor) == (bound >= floor)
    assert tighter > 0


def test_comparison_text_title_part_is_shared_across_descriptions() -> None:
    # The title's part is computed once; the description still decides figure/list when the title does not.
    from matching.text import comparison_text

    plain = comparison_text("hộ nghèo", "", "Dữ liệu hộ nghèo")
    figure = comparison_text("hộ nghèo", "Số lượng hộ nghèo theo năm", "Dữ liệu hộ nghèo")
    listed = comparison_text("hộ nghèo", "Danh sách hộ nghèo", "Dữ liệu hộ nghèo")
    assert (plain.counts, plain.lists, figure.counts, figure.lists, listed.counts, listed.lists) == (
        False, False, True, False, False, True,
    )  # fmt: skip
    assert figure.tokens is plain.tokens and listed.core == plain.core and listed.head == plain.head == "dữ liệu"
    titled = comparison_text("danh sách hộ nghèo", "Số lượng hộ", "Danh sách hộ nghèo")
    assert (titled.counts, titled.lists) == (False, True)  # the title says a list: the description is not asked


def test_unique_pair_codes_are_numpys() -> None:
    from matching.blocking import _unique

    rng = np.random.default_rng(5)
    for codes in (rng.integers(0, 10**10, 50_000), rng.integers(0, 9, 100), np.array([7]), np.empty(0, np.int64)):
        expected = np.unique(codes)
        assert _unique(codes).dtype == expected.dtype
        assert np.array_equal(_unique(codes), expected)


def test_document_frequencies_are_counted_word_by_word(gold: list[GoldDocument]) -> None:
    from collections import Counter

    from matching.text import document_frequencies

    texts = [f.text for f in build_features([g.document for g in gold])] * 2
    plain = Counter(w for t in texts for w in t.tokens)
    fast = document_frequencies(texts)
    assert fast == plain and list(fast) == list(plain)  # the same counts, in the same order


def test_most_common_is_the_counted_earliest() -> None:
    """decisions.most_common counts in a loop: the same value as a Counter and each value's first index."""
    import random
    from collections import Counter

    from matching.decisions import most_common

    def reference(values: list[str]) -> str:
        if len(set(values)) == 1:
            return values[0]
        counts = Counter(v for v in values if v)
        return max(counts, key=lambda v: (counts[v], -values.index(v))) if counts else ""

    rng = random.Random(5)
    for _ in range(2_000):
        values = [rng.choice(["", "Sở A", "Sở B", "UBND"]) for _ in range(rng.randint(1, 7))]
        assert most_common(values) == reference(values), values


def test_features_set_by_slots_are_the_constructors(gold: list[GoldDocument]) -> None:
    """`_document_features` sets the slots directly: the same records as `EntryFeatures(...)` of the same
    values, every field set (an unset slot would raise AttributeError when read by ==)."""
    documents = [g.document for g in gold]
    features = build_features(documents)
    assert len(features) > 200
    rows = [(d, e) for d in documents for e in d.catalog]
    for feature, (document, entry) in zip(features, rows, strict=True):
        plain = EntryFeatures(
            index=feature.index, key=entry_key(document, entry), document=feature.document, number=entry.number,
            table=entry.table, title=entry.title, text=feature.text, description=feature.description,
            unit_types=feature.unit_types, unit_label=feature.unit_label, group=feature.group, scope=feature.scope,
            idf=feature.idf, locality=frozenset(feature.scope.province.split()),
        )  # fmt: skip
        assert feature == plain
        assert [getattr(feature, f.name) for f in fields(EntryFeatures)] == [
            getattr(plain, f.name) for f in fields(EntryFeatures)
        ]
    assert [f.index for f in features] == list(range(len(features)))


def test_blocking_reads_the_same_words_from_the_title_texts() -> None:
    """reconcile's blocking child blocks the rows' title texts (`row_title_texts`), not their comparison texts:
    what blocking reads (words, wording) is the same, though a description may change `counts` / `lists`."""
    from benchmarks.bench_matching import build_archive

    documents = build_archive(2_000, seed=11).documents
    titles, texts = row_title_texts(documents), row_texts(documents)
    assert any(t.counts != c.counts or t.lists != c.lists for t, c in zip(titles, texts, strict=True))
    assert [(t.tokens, t.content) for t in titles] == [(c.tokens, c.content) for c in texts]
    rows = [BlockRow(t, document_scope(d)) for d in documents for t in row_title_texts([d])]
    assert np.array_equal(candidate_pairs(rows)[0], candidate_pairs(build_features(documents))[0])
