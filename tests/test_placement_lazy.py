"""matching.placement.place scores candidates only as far as its choices need them (`Scores`): its
dataset and links must be those of scoring every candidate, as it did before (`_eager_place` below)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.compare import MAX_BONUS, ROUNDING_SLACK, score_pair, score_upper_bound, title_similarity
from matching.placement import (
    _HOPELESS,
    GATE_SLACK,
    NEAR_MISSES,
    Candidate,
    Placement,
    ScoredLink,
    Specificity,
    StoredRow,
    features_of,
    place,
    text_of,
)
from matching.titlesim import titles_against

WORDS = ["danh", "sách", "hộ", "nghèo", "cận", "đất", "nông", "nghiệp", "phi", "số", "dữ", "liệu", "cơ", "sở",
         "giáo", "dục", "đăng", "ký", "khai", "sinh", "kết", "hôn", "xã", "huyện", "tỷ", "lệ", "người", "có", "công"]  # fmt: skip
UNITS = [(), ("ubnd",), ("ubnd_xa",), ("so_tnmt",), ("ubnd", "so_tnmt")]
SCOPES = [("", ""), ("xa", "ha tinh"), ("tinh", "ha tinh"), ("xa", "nghe an")]


def _eager_place(row, candidates, idf, threshold, floor, *, cannot=(), must="") -> Placement:  # type: ignore[no-untyped-def]
    """matching.placement.place as it was before Scores: every candidate past the bounds scored."""
    scored: list[ScoredLink] = []
    by_dataset: dict[str, list[float]] = {}
    gate = titles_against(row.text, [text_of(c.row) for c in candidates])
    for candidate, rough in zip(candidates, gate.tolist(), strict=True):
        result = _HOPELESS
        if rough + MAX_BONUS + GATE_SLACK >= floor:
            other = features_of(candidate.row, candidate.document, idf)
            title = title_similarity(other.text, row.text)
            if score_upper_bound(other, row, title) >= floor:
                result = score_pair(other, row, title)
        by_dataset.setdefault(candidate.dataset, []).append(result.score)
        if result.score >= floor:
            scored.append(ScoredLink(candidate.row.key, result.score, result.reasons, candidate.dataset))
    scored.sort(key=lambda link: (-link.score, link.other))
    forbidden = set(cannot)
    chosen = must
    if not chosen:
        for link in scored:
            if link.score < threshold:
                break
            if link.dataset in forbidden:
                continue
            scores = by_dataset[link.dataset]
            if sum(scores) / len(scores) >= threshold:
                chosen = link.dataset
                break
    kept: list[ScoredLink] = []
    seen: set[str] = set()
    for link in scored:
        if link.dataset in seen:
            continue
        seen.add(link.dataset)
        kept.append(link)
        if len(kept) > NEAR_MISSES:
            break
    return Placement(dataset=chosen, links=kept)


titles = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
stored = st.builds(
    lambda title, extra, doc, number, units, scope: (title, extra, doc, number, units, scope),
    titles, st.sampled_from(["", "", "của xã", "tỷ lệ"]), st.integers(0, 4), st.sampled_from(["", "", "1", "2"]),
    st.sampled_from(UNITS), st.sampled_from(SCOPES),
)  # fmt: skip


def _row(key: str, spec: tuple[str, str, int, str, tuple[str, ...], tuple[str, str]]) -> StoredRow:
    title, extra, doc, number, units, (level, province) = spec
    full = f"{title} {extra}".strip()
    return StoredRow(key=key, document=f"d{doc}", number=number, table=0, group="", title=full, title_key="",
                     description="", unit_types=units, unit_label="", scope_level=level, scope_province=province)  # fmt: skip


def _idf(rows: Iterable[StoredRow]) -> Mapping[str, float]:
    counts: dict[str, int] = {}
    for row in rows:
        for word in set(text_of(row).tokens):
            counts[word] = counts.get(word, 0) + 1
    return Specificity(counts, len(counts))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    new=stored,
    others=st.lists(st.tuples(stored, st.integers(0, 5)), max_size=25),
    threshold=st.sampled_from([0.77, 0.6, 0.9, 0.3, 0.05]),
    cannot=st.sets(st.integers(0, 5), max_size=2),
    must=st.sampled_from(["", "", "", "D1"]),
)
def test_lazy_scoring_chooses_as_scoring_every_candidate(
    new: tuple[str, str, int, str, tuple[str, ...], tuple[str, str]],
    others: Sequence[tuple[tuple[str, str, int, str, tuple[str, ...], tuple[str, str]], int]],
    threshold: float,
    cannot: set[int],
    must: str,
) -> None:
    row = _row("new", new)
    stored_rows = [_row(f"k{i:02d}", spec) for i, (spec, _) in enumerate(others)]
    idf = _idf([row, *stored_rows])
    feature = features_of(row, 0, idf)
    candidates = [
        Candidate(r, f"D{dataset}", 0 if r.document == row.document else 1)
        for r, (_, dataset) in zip(stored_rows, others, strict=True)
    ]  # fmt: skip
    floor = threshold - 0.1
    forbidden = [f"D{d}" for d in cannot]
    lazy = place(feature, candidates, idf, threshold, floor, cannot=forbidden, must=must)
    eager = _eager_place(feature, candidates, idf, threshold, floor, cannot=forbidden, must=must)
    assert lazy == eager


@settings(max_examples=300, deadline=None)
@given(a=stored, b=stored)
def test_the_bounds_are_upper_bounds(
    a: tuple[str, str, int, str, tuple[str, ...], tuple[str, str]],
    b: tuple[str, str, int, str, tuple[str, ...], tuple[str, str]],
) -> None:
    """Each step's bound (Scores) is no lower than the score: the gate's and score_upper_bound's, with
    their slack (Scores takes 0 for a negative one: scores are clipped to [0, 1])."""
    left, right = _row("a", a), _row("b", b)
    idf = _idf([left, right])
    fa, fb = features_of(left, 0, idf), features_of(right, 0 if left.document == right.document else 1, idf)
    score = score_pair(fb, fa).score
    title = title_similarity(fb.text, fa.text)
    rough = float(titles_against(fa.text, [fb.text])[0])
    assert score <= max(0.0, score_upper_bound(fb, fa, title) + ROUNDING_SLACK)
    assert score <= max(0.0, rough + MAX_BONUS + GATE_SLACK + ROUNDING_SLACK)
