"""The linking gold: its size, its sources, and that its labels are consistent."""

from __future__ import annotations

import json
from collections import Counter

from matching.linkgold import LINKING_GOLD, load_linking_gold


def test_the_gold_is_large_and_labels_both_levels() -> None:
    gold = load_linking_gold()
    assert len(gold.pairs) >= 300
    relations = Counter(p.relation for p in gold.pairs)
    assert relations["across_provinces"] >= 100 and relations["same_province"] >= 30
    assert sum(p.same_concept and not p.same_dataset for p in gold.pairs) >= 10  # concept-only links
    assert len({n.partition("_")[0] for n in gold.names}) >= 4


def test_same_dataset_implies_same_concept_and_one_province() -> None:
    gold = load_linking_gold()
    for pair in gold.pairs:
        assert not pair.same_dataset or pair.same_concept, pair
        assert not pair.same_dataset or pair.relation != "across_provinces", pair
        assert pair.same_dataset == (gold.dataset[pair.left] == gold.dataset[pair.right])


def test_every_document_names_its_source() -> None:
    data = json.loads(LINKING_GOLD.read_text(encoding="utf-8"))
    for document in data["documents"]:
        assert document["source"] and document["province"] and document["level"], document["id"]
