"""Concept level: a title that lists every item of another (matching/coverage.py), on the linking gold's real pairs.

The pairs are the concept-level misses of issue #12 (a sector database against a list with many more
words) and the near misses the gold labels different (a sector against one of its sub-lists); each
test fails when the covering is removed or loosened.
"""

from __future__ import annotations

import pytest

from catalog.store import CatalogStore
from matching import reconcile
from matching.compare import score_pair
from matching.coverage import covering, title_items
from matching.features import EntryFeatures, build_features
from matching.linkgold import LinkingGold, load_linking_gold
from matching.reconcile import load_concept_threshold

# (document, title) pairs the gold labels one concept, across provinces: one lists the other's items.
COVERED = [
    (("ha_tinh", "CSDL về đăng ký doanh nghiệp"),
     ("hung_yen", "Dữ liệu thông tin doanh nghiệp, danh sách doanh nghiệp đăng ký mới, thay đổi, tạm ngừng, "
                  "giải thể, hoạt động trở lại")),
    (("ha_tinh", "CSDL về quy hoạch đô thị"), ("hung_yen", "Dữ liệu quy hoạch xây dựng, quy hoạch đô thị")),
    (("ha_tinh", "CSDL về di sản văn hóa"),
     ("hung_yen", "Dữ liệu các di sản văn hóa ( bao gồm di sản văn hóa vật thể và phi vật thể ) trên địa bàn tỉnh")),
    (("dong_cuu", "Dữ liệu cán bộ, công chức xã"),
     ("ha_tinh", "CSDL Quản lý hồ sơ Cán bộ, công chức, viên chức tỉnh Hà Tĩnh")),
    (("hung_yen", "Dữ liệu về doanh nghiệp/dự án đầu tư trong các KCN"),
     ("dong_nai", "Thông tin doanh nghiệp trong các khu công nghiệp tỉnh Đồng Nai")),
]  # fmt: skip

# Pairs the gold labels different concepts although every word of one stands in the other.
NOT_COVERED = [
    (("ha_tinh", "CSDL về du lịch"), ("hung_yen", "Dữ liệu các cơ sở lưu trú du lịch được cấp phép")),
    (("dong_cuu", "Dữ liệu cơ sở giáo dục trên địa bàn"),
     ("hung_yen", "Dữ liệu các cơ sở giáo dục nghề nghiệp trên địa bàn tỉnh")),
    (("ha_tinh", "CSDL về di sản văn hóa"),
     ("hung_yen", "Dữ liệu danh mục Di sản văn hóa phi vật thể quốc gia trên địa bàn tỉnh")),
    (("dong_cuu", "Dữ liệu văn bản điện tử"), ("ha_tinh", "CSDL về quản lý văn bản và điều hành tác nghiệp")),
    (("ha_tinh", "CSDL về quản lý dự án đầu tư của doanh nghiệp, hợp tác xã và các tổ chức, cá nhân"),
     ("hung_yen", "Dữ liệu các hợp tác xã trên địa bàn tỉnh")),
    (("hung_yen", "Dữ liệu các khu công nghiệp trên địa bàn tỉnh"),
     ("dong_nai", "Thông tin doanh nghiệp trong các khu công nghiệp tỉnh Đồng Nai")),
    (("hung_yen", "Dữ liệu về danh sách cụm công nghiệp trên địa bàn tỉnh"),
     ("hung_yen", "Dữ liệu về danh sách các doanh nghiệp đang hoạt động tại cụm công nghiệp")),
]  # fmt: skip


@pytest.fixture(scope="module")
def gold() -> LinkingGold:
    return load_linking_gold()


@pytest.fixture(scope="module")
def features(gold: LinkingGold) -> dict[str, EntryFeatures]:
    return {f.key: f for f in build_features(gold.documents)}


def _key(gold: LinkingGold, doc: str, title: str) -> str:
    document = gold.documents[gold.names.index(doc)]
    entry = next(e for e in document.catalog if e.title == title)
    return f"{document.sha256}:{entry.table}:{entry.row}"


def _entry_id(gold: LinkingGold, doc: str, title: str) -> str:
    key = _key(gold, doc, title)
    return next(i for i, k in gold.keys.items() if k == key)


@pytest.mark.parametrize(("left", "right"), COVERED)
def test_a_list_naming_the_other_title_is_one_concept(
    gold: LinkingGold, features: dict[str, EntryFeatures], left: tuple[str, str], right: tuple[str, str]
) -> None:
    assert gold.concept[_entry_id(gold, *left)] == gold.concept[_entry_id(gold, *right)]  # the gold says so
    a, b = features[_key(gold, *left)], features[_key(gold, *right)]
    assert covering(a, b) is not None and covering(b, a) is not None
    scored = score_pair(a, b)
    assert scored.concept >= load_concept_threshold(), scored.reasons
    assert scored.score == 0.0  # two provinces: never one dataset, whatever the covering says
    assert any(r.startswith("mức khái niệm: mọi mục") for r in scored.reasons), scored.reasons


@pytest.mark.parametrize(("left", "right"), NOT_COVERED)
def test_a_sector_and_its_sub_list_stay_apart(
    gold: LinkingGold, features: dict[str, EntryFeatures], left: tuple[str, str], right: tuple[str, str]
) -> None:
    assert gold.concept[_entry_id(gold, *left)] != gold.concept[_entry_id(gold, *right)]
    a, b = features[_key(gold, *left)], features[_key(gold, *right)]
    assert covering(a, b) is None
    assert score_pair(a, b).concept < load_concept_threshold()


def test_items_of_a_title() -> None:
    parsed = title_items("CSDL Quản lý hồ sơ Cán bộ, công chức, viên chức tỉnh Hà Tĩnh")
    assert parsed.labels == ("cán bộ", "công chức", "viên chức tỉnh hà tĩnh") and not parsed.tail
    # "(bao gồm …)" spells out the parts of what is named; a preposition ends the head phrase.
    assert title_items("Dữ liệu các di sản văn hóa ( bao gồm di sản văn hóa vật thể và phi vật thể )").labels == (
        "di sản văn hóa",
    )
    parsed = title_items("Dữ liệu về doanh nghiệp/dự án đầu tư trong các KCN")
    assert parsed.labels == ("doanh nghiệp", "dự án đầu tư") and parsed.tail == {"khu", "công", "nghiệp"}
    # "hợp tác xã" and "cấp xã" keep their "xã"; a bare closing "xã" is the own place.
    assert title_items("Dữ liệu các hợp tác xã").labels == ("hợp tác xã",)
    assert title_items("Dữ liệu cán bộ, công chức xã").labels == ("cán bộ", "công chức")


def test_reconcile_finds_covered_pairs_through_their_items(gold: LinkingGold) -> None:
    """Word-ratio blocking misses a short title against a long list: the item blocking must find them."""
    result = reconcile(gold.documents, with_flags=False)
    for left, right in COVERED:
        a, b = _key(gold, *left), _key(gold, *right)
        assert result.concepts[a] == result.concepts[b], (left, right)
        assert result.assignment[a] != result.assignment[b]
    for left, right in NOT_COVERED:
        assert result.concepts[_key(gold, *left)] != result.concepts[_key(gold, *right)], (left, right)


@pytest.mark.parametrize("order", [("ha_tinh", "hung_yen"), ("hung_yen", "ha_tinh")])
def test_the_store_places_a_covered_wording_in_its_concept(
    store: CatalogStore, gold: LinkingGold, order: tuple[str, str]
) -> None:
    """The store's incremental concept search (catalog/incremental_concepts.py) finds and gates on the covering
    too, whether the list or the title it covers arrives first."""
    for name in order:
        store.add_document(gold.documents[gold.names.index(name)])
        store.reconcile()  # one run per document: the second's rows are placed against the stored first
    concepts = store.concept_assignment()
    for left, right in COVERED[:3]:
        assert concepts[_key(gold, *left)] == concepts[_key(gold, *right)], (left, right)


def test_title_items_spacing_and_abbreviations() -> None:
    """title_items joins an abbreviation's expansion as it is (its words one space apart) and spaces marks
    by str.replace: the same items as with the marks and words spaced by hand."""
    from matching.text import ABBREVIATIONS

    assert all(value == " ".join(value.split()) for value in ABBREVIATIONS.values())
    plain = title_items("Cơ sở dữ liệu về đất đai , quy hoạch / kế hoạch ( bao gồm bản đồ ) của tỉnh")
    assert title_items("CSDL về đất đai,quy hoạch/kế hoạch(bao gồm bản đồ) của tỉnh") == plain
    assert title_items("Danh sách hộ nghèo, hộ cận nghèo xã") == title_items("hộ nghèo , hộ cận nghèo")
