"""The dataset stage's rows' codes computed once (matching/rowcodes.py): the same partitions of the rows as the
tuples bounds.py and batchscore.py built per row (whole runs: tests/test_forked.py, tests/test_batchscore.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.bounds import _codes
from matching.features import EntryFeatures, build_features
from matching.goldset import load_gold
from matching.rowcodes import RowCodes

ROOT = Path(__file__).resolve().parents[1]


def _gold_features() -> list[EntryFeatures]:
    return build_features([g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")])


def _synthetic_features() -> list[EntryFeatures]:
    from benchmarks.bench_matching import build_archive

    return build_features(sorted(build_archive(3_000, seed=7).documents, key=lambda d: d.sha256))


def _tuple_codes(features: list[EntryFeatures]) -> dict[str, np.ndarray]:
    """The codes as bounds.py and batchscore.py built them before RowCodes: one tuple per row."""
    return {
        "level": _codes([f.scope.level for f in features]),
        "province": _codes([f.scope.province for f in features]),
        "head": _codes([f.text.head for f in features]),
        "bound_words": _codes([(f.text.tokens, f.text.qualifiers, f.locality, f.text.head) for f in features]),
        "words": _codes(
            [(id(f.idf), f.text.tokens, f.text.qualifiers, f.text.core_tokens, f.locality) for f in features]
        ),
        "place": _codes([(f.document, f.table, f.group, f.number) if f.number else "" for f in features]),
        "description": _codes([f.description for f in features]),
        "unit": _codes([(f.unit_types, f.unit_label) if f.unit_types else "" for f in features]),
        "group": _codes([f.group for f in features]),
    }  # fmt: skip


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_row_codes_partition_the_rows_as_their_tuples(source) -> None:
    features = source()
    codes = RowCodes.of(features)
    for name, expected in _tuple_codes(features).items():
        found = getattr(codes, name)
        # One code for one value both ways, and 0 (unknown) for the same rows.
        assert len(set(zip(expected.tolist(), found.tolist(), strict=True))) == len(set(expected.tolist())), name
        assert len(set(found.tolist())) == len(set(expected.tolist())), name
        assert np.array_equal(expected == 0, found == 0), name
    assert codes.document.tolist() == [f.document for f in features]
    assert codes.counts.tolist() == [f.text.counts for f in features]
    assert codes.lists.tolist() == [f.text.lists for f in features]


def test_no_rows_no_codes_and_reconcile_of_no_entries() -> None:
    """An archive whose documents hold no catalog entry (a mini corpus, plans without tables) reconciles to
    nothing; the codes' combining once failed on the empty columns (`max` of nothing)."""
    from matching.reconcile import reconcile

    codes = RowCodes.of([])
    assert codes.words.shape == (0,) and codes.place.shape == (0,)
    result = reconcile([])
    assert result.datasets == [] and result.links == []
