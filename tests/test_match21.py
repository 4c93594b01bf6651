"""`coverage.row_signatures` keeping its last rows' array: the concept stage asks for its representatives'
signatures ~7 times (covering_pairs, the gate of each part, three times in the scores of each part).

Guards: the reference is the code the change replaces (the signatures computed on every call, copied below as it
was). The archive is benchmarks/bench_matching.py's synthetic one.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import coverage
from matching.text import fold

reconcile_module = importlib.import_module("matching.reconcile")


@pytest.fixture(scope="module")
def features() -> list:
    """A 2,000-row archive's rows."""
    from benchmarks.bench_matching import build_archive

    documents = sorted(build_archive(2_000, seed=21).documents, key=lambda d: d.sha256)
    return list(reconcile_module.match_entries(documents, reconcile_module.load_threshold()).features)


def _signatures_as_before(features: list) -> np.ndarray:
    """coverage.row_signatures before this session: every row's pair looked up (or computed) on every call."""
    rows = []
    for f in features:
        key = (f.text.tokens, f.locality)
        found = coverage._SIGNATURES.get(key)
        if found is None:
            folded = {w: fold(w) for w in f.text.tokens}
            needed = {v for w, v in folded.items() if w not in coverage.LEVEL_WORDS and v not in f.locality}
            found = coverage._SIGNATURES.put(key, (
                coverage._signature(needed), coverage._signature(set(folded.values()) | set(f.locality)),
            ))  # fmt: skip
        rows.append(found)
    size = coverage.SIGNATURE_BITS // 8
    data = b"".join(bits.to_bytes(size, "little") for row in rows for bits in row)
    words = np.frombuffer(data, dtype="<u8").astype(np.uint64).reshape(len(rows), 2, size // 8)
    return words.transpose(1, 0, 2)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_row_signatures_kept_for_the_last_rows_are_the_rows_own(features: list, data: st.DataObject) -> None:
    """Calls on lists drawn at random (the same list again, a copy of it, a list changed in place since the last
    call, another list of the same length, an empty one): each gives the former computation's array, read-only."""
    index = st.integers(0, len(features) - 1)
    rows = [features[k] for k in data.draw(st.lists(index, max_size=40))]
    for step in data.draw(st.lists(st.sampled_from(["same", "copy", "change", "other", "empty"]), max_size=8)):
        if step == "copy":
            rows = list(rows)
        elif step == "change" and rows:
            rows[data.draw(st.integers(0, len(rows) - 1))] = features[data.draw(index)]
        elif step == "other":
            rows = [features[data.draw(index)] for _ in rows]
        elif step == "empty":
            rows = []
        got = coverage.row_signatures(rows)
        assert not got.flags.writeable
        assert got.dtype == np.uint64 and np.array_equal(got, _signatures_as_before(rows))


def test_row_signatures_of_the_same_rows_are_kept(features: list) -> None:
    """The same rows asked again (the concept stage's repeated `may_cover` calls): the array kept, not rebuilt; a
    copy of the list too; a list changed in place since gets its own."""
    rows = list(features[:500])
    first = coverage.row_signatures(rows)
    assert coverage.row_signatures(rows) is first
    assert coverage.row_signatures(list(rows)) is first
    rows[7] = features[600]
    assert coverage.row_signatures(rows) is not first
    assert np.array_equal(coverage.row_signatures(rows), _signatures_as_before(rows))


def test_may_cover_with_the_kept_signatures_is_the_former_test(features: list) -> None:
    """`may_cover` on the same rows twice (the second from the kept array) and on other rows in between."""
    rows = features[:300]
    left, right = np.triu_indices(len(rows), 1)
    pairs = np.stack([left, right], axis=1).astype(np.int64)
    needed, present = _signatures_as_before(rows)
    expected = ~(needed[right] & ~present[left]).any(axis=1) | ~(needed[left] & ~present[right]).any(axis=1)
    assert np.array_equal(coverage.may_cover(rows, pairs), expected)
    coverage.may_cover(features[300:600], pairs)
    assert np.array_equal(coverage.may_cover(rows, pairs), expected)
    assert np.array_equal(coverage.may_cover(rows, pairs), expected)
    assert expected.any() and not expected.all()
