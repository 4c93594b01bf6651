"""Matching that generalises: title variants within a province, concepts across provinces, held-out F1."""

from __future__ import annotations

import pytest

from matching import reconcile
from matching.compare import score_pair
from matching.crossval import leave_one_document_out, score_gold_pairs
from matching.features import build_features
from matching.linkgold import LinkingGold, load_linking_gold, same_by, score_pairs


@pytest.fixture(scope="module")
def gold() -> LinkingGold:
    return load_linking_gold()


def _key(gold: LinkingGold, doc: str, title: str) -> str:
    document = gold.documents[gold.names.index(doc)]
    entry = next(e for e in document.catalog if e.title == title)
    return f"{document.sha256}:{entry.table}:{entry.row}"


ISSUE_VARIANTS = [
    ("Dữ liệu khai sinh", "Dữ liệu đăng ký khai sinh"),
    ("Dữ liệu người có công với cách mạng", "Dữ liệu người có công"),
    ("Dữ liệu văn bản đi, đến", "Dữ liệu văn bản điện tử"),
    ("Dữ liệu số hoá hồ sơ TTHC", "Dữ liệu số hóa hồ sơ"),
    ("Dữ liệu đánh giá mức độ hài lòng", "Dữ liệu mức độ hài lòng"),
]


def test_title_variants_within_a_province_are_one_dataset(gold: LinkingGold) -> None:
    result = reconcile(gold.documents, with_flags=False)
    for variant, seed in ISSUE_VARIANTS:
        a, b = _key(gold, "issue12_xa", variant), _key(gold, "dong_cuu", seed)
        assert result.assignment[a] == result.assignment[b], (variant, seed)
        link = next(x for x in result.links if {x.left, x.right} == {a, b})
        assert any("bổ nghĩa" in r or "tiêu đề giống 1.00" in r for r in link.reasons), link.reasons


def test_identical_titles_of_two_provinces_are_one_concept_two_datasets(gold: LinkingGold) -> None:
    result = reconcile(gold.documents, with_flags=False)
    for title in ("Dữ liệu lãi suất tiền gửi của các tổ chức tín dụng",):
        a, b = _key(gold, "issue12_tinh", title), _key(gold, "hung_yen", title)
        assert result.assignment[a] != result.assignment[b]
        assert result.concepts[a] == result.concepts[b]
    a = _key(gold, "issue12_tinh", "Dữ liệu các trường tiểu học trên địa bàn")
    b = _key(gold, "hung_yen", "Dữ liệu các trường Tiểu học trên địa bàn")
    assert result.assignment[a] != result.assignment[b] and result.concepts[a] == result.concepts[b]
    features = {f.key: f for f in build_features(gold.documents)}
    scored = score_pair(features[a], features[b])
    assert scored.score == 0.0 and scored.concept >= 0.95
    assert any("khác tỉnh" in r for r in scored.reasons)


def test_a_shared_qualifier_alone_does_not_link(gold: LinkingGold) -> None:
    features = {f.key: f for f in build_features(gold.documents)}
    birth = features[_key(gold, "dong_cuu", "Dữ liệu đăng ký khai sinh")]
    marriage = features[_key(gold, "dong_cuu", "Dữ liệu đăng ký kết hôn")]
    assert score_pair(birth, marriage).score < 0.5


def test_both_levels_on_the_whole_linking_gold(gold: LinkingGold) -> None:
    result = reconcile(gold.documents, with_flags=False)
    dataset = score_pairs(gold, same_by(result.assignment))
    concept = score_pairs(gold, same_by(result.concepts), level="concept")
    assert dataset.precision >= 0.95 and dataset.f1 >= 0.95, dataset
    # 0.907 before the covering (matching/coverage.py), 0.971 with it.
    assert concept.precision >= 0.95 and concept.f1 >= 0.95, concept


def test_held_out_f1_leave_one_document_out(gold: LinkingGold) -> None:
    held = {h.level: h.scores for h in leave_one_document_out(gold, score_gold_pairs(gold))}
    assert held["dataset"].f1 >= 0.9, held["dataset"]
    # Issue #12's target on catalogs not used for fitting: 0.894 before the covering, 0.966 with it.
    assert held["concept"].f1 >= 0.95, held["concept"]
