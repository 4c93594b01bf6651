"""Catalog tables printed without full rules: only horizontal rules, or none at all.

The fixtures in ``tests/data/unruled/`` are corpus DOCX renderings whose catalog tables had
their borders changed (see ``make_unruled.py``) and were printed by LibreOffice; the text and
layout are otherwise the seed's, so each must give the catalog of its seed's gold.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document as open_docx
from rapidfuzz import fuzz

import extract
from extract.model import CatalogEntry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "unruled"
GOLD = ROOT / "corpus" / "gold"
FIELDS = ("number", "title", "unit", "sharing_raw", "frequency_raw")
TARGET_RECALL = 0.95
TARGET_FIELD_ACCURACY = 0.95
SEEDS = ("dong_cuu_ke_hoach_2026", "hung_yen_ke_hoach_du_lieu_mo")
UNRULED = ("hrules", "borderless")
VARIANTS = ("ruled", *UNRULED)
_PAGES_CHECKED = 3

# Before extract/aligned_tables.py the reader scored recall 0.000 on all four fixtures: it took the
# columns from the centred header labels. Columns now come from the gutters no word crosses.
CASES = [
    pytest.param(f"{seed}_{variant}", id=f"{seed}_{variant}")
    for seed in SEEDS
    for variant in UNRULED
]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _seed_of(name: str) -> str:
    return re.sub(r"_(ruled|hrules|borderless)$", "", name)


@cache
def _gold(seed: str) -> list[dict[str, Any]]:
    catalog: list[dict[str, Any]] = json.loads((GOLD / f"{seed}.json").read_text(encoding="utf-8"))["catalog"]
    return catalog


@cache
def _catalog(name: str) -> list[CatalogEntry]:
    return list(extract.extract_file(DATA / f"{name}.pdf").catalog)


def _align(
    gold: list[dict[str, Any]], predicted: list[CatalogEntry]
) -> list[tuple[dict[str, Any], CatalogEntry]]:
    """Pair each gold row with the first unused predicted entry of (nearly) the same title, in order."""
    pairs: list[tuple[dict[str, Any], CatalogEntry]] = []
    used: set[int] = set()
    for row in gold:
        title = _collapse(row["title"])
        best, best_score = None, 80.0
        for index, entry in enumerate(predicted):
            if index in used:
                continue
            score = fuzz.ratio(title, _collapse(entry.title))
            if score > best_score:
                best, best_score = index, score
                if score == 100.0:
                    break
        if best is not None:
            used.add(best)
            pairs.append((row, predicted[best]))
    return pairs


def _scores(seed: str, predicted: list[CatalogEntry]) -> tuple[float, float, list[str]]:
    """(recall of gold rows, accuracy of the compared fields over found rows, the wrong fields)."""
    gold = _gold(seed)
    pairs = _align(gold, predicted)
    wrong = [
        f"{row['number']} {field}: {getattr(entry, field)!r} != {row[field]!r}"
        for row, entry in pairs
        for field in FIELDS
        if _collapse(getattr(entry, field)) != _collapse(row[field])
    ]
    accuracy = 1 - len(wrong) / (len(FIELDS) * len(pairs)) if pairs else 0.0
    return len(pairs) / len(gold), accuracy, wrong


@pytest.mark.parametrize("name", CASES)
def test_unruled_catalog_matches_gold(name: str) -> None:
    recall, accuracy, wrong = _scores(_seed_of(name), _catalog(name))
    assert recall >= TARGET_RECALL, f"{name}: recall {recall:.3f}"
    assert accuracy >= TARGET_FIELD_ACCURACY, f"{name}: field accuracy {accuracy:.3f}; {wrong[:10]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_ruled_control_matches_gold_exactly(seed: str) -> None:
    """The same trimmed fixture with its rules: what the unruled variants must reach."""
    assert _scores(seed, _catalog(f"{seed}_ruled")) == (1.0, 1.0, [])


def test_alignment_counts_a_missing_row_and_a_wrong_field() -> None:
    seed = SEEDS[0]
    gold = _gold(seed)
    predicted = _catalog(f"{seed}_ruled")
    damaged = [predicted[0].model_copy(update={"unit": "Sai đơn vị"}), *predicted[2:]]
    recall, accuracy, wrong = _scores(seed, damaged)
    assert recall == pytest.approx((len(gold) - 1) / len(gold))
    assert len(wrong) == 1 and wrong[0].startswith(f"{gold[0]['number']} unit: 'Sai đơn vị'")
    assert accuracy == pytest.approx(1 - 1 / (len(FIELDS) * (len(gold) - 1)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_fixture_has_the_rules_it_claims(seed: str, variant: str) -> None:
    """ruled: a grid; hrules: horizontal rules only; borderless: none (the header table never had any)."""
    with pdfplumber.open(DATA / f"{seed}_{variant}.pdf") as pdf:
        # The first pages are all catalog; reading every page's drawings is slow and adds nothing.
        edges = [edge for page in pdf.pages[:_PAGES_CHECKED] for edge in page.edges]
    vertical = [edge for edge in edges if edge["orientation"] == "v"]
    horizontal = [edge for edge in edges if edge["orientation"] == "h"]
    if variant == "ruled":
        assert vertical != []
    else:
        assert vertical == []
    if variant == "borderless":
        assert horizontal == []
    else:
        assert len(horizontal) >= 3 * _PAGES_CHECKED  # a rule under every row


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_fixture_keeps_the_seed_text(seed: str, variant: str) -> None:
    """Only borders changed: every table cell of the fixture DOCX reads as in the corpus DOCX
    (the body dropped before the appendix has no table)."""

    def cells(path: Path) -> list[list[str]]:
        return [
            [cell.text for cell in row.cells] for table in open_docx(str(path)).tables for row in table.rows
        ]

    assert cells(DATA / f"{seed}_{variant}.docx") == cells(ROOT / "corpus" / "docs" / f"{seed}.docx")


# ---------------------------------------------------------------- the peers benchmark's metric


def _cell_accuracy() -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import cell_accuracy
    finally:
        sys.path.pop(0)
    return cell_accuracy


def test_cell_accuracy_of_the_gold_as_a_table_is_one() -> None:
    metric = _cell_accuracy()
    gold = _gold(SEEDS[0])
    table = [[str(row[name]) for name in metric.FIELDS] for row in gold]
    score = metric.cell_accuracy(gold, [table])
    assert (score.accuracy, score.rows_found) == (1.0, len(gold))
    assert score.total == sum(1 for row in gold for name in metric.FIELDS if row[name])


def test_cell_accuracy_collapses_wrapping_and_counts_misses() -> None:
    metric = _cell_accuracy()
    gold = [
        {"number": "1", "title": "Dữ liệu khai tử", "unit": "Văn phòng HĐND&UBND", "sharing_raw": "Nội bộ"},
        {"number": "2", "title": "Dữ liệu khai tử", "unit": "Phòng VH-XH", "sharing_raw": ""},
    ]
    # Wrapped lines still match; the duplicate title needs its own row; a garbled unit is a miss.
    table = [
        ["1", "Dữ liệu\nkhai tử", "Văn phòng \nHĐND&UBND", "Nội bộ"],
        ["2", "Dữ liệu khai tử", "Phòng", ""],
    ]
    score = metric.cell_accuracy(gold, [table])
    assert (score.matched, score.total, score.rows_found) == (6, 7, 2)
    assert metric.cell_accuracy(gold, []).accuracy == 0.0
