"""Dataset matching on the corpus gold (and on the real extraction pipeline when it is available)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from extract.model import CatalogEntry, Document
from matching import (
    ConfirmLink,
    Decision,
    MergeDatasets,
    RejectLink,
    SetCanonical,
    SplitDataset,
    apply_decisions,
    dataset_id_for,
    entry_key,
    pairwise_scores,
    reconcile,
)
from matching.blocking import candidate_pairs
from matching.calibrate import calibrate_gold
from matching.cluster import Constraints, cluster_links
from matching.compare import score_pair
from matching.crossval import report
from matching.features import build_features
from matching.goldset import GoldDocument, load_gold
from matching.reconcile import THRESHOLDS_FILE, load_threshold

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "corpus" / "gold"
DOCS_DIR = ROOT / "corpus" / "docs"
WHEN = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def gold() -> dict[str, GoldDocument]:
    return {g.name: g for g in load_gold(GOLD_DIR, DOCS_DIR)}


def _truth(gold: dict[str, GoldDocument]) -> dict[str, str]:
    return {k: v for g in gold.values() for k, v in g.dataset_keys.items()}


def _entry(doc: Document, title: str, number: str | None = None) -> CatalogEntry:
    return next(e for e in doc.catalog if e.title == title and (number is None or e.number == number))


def _key(gold: dict[str, GoldDocument], name: str, title: str, number: str | None = None) -> str:
    doc = gold[name].document
    return entry_key(doc, _entry(doc, title, number))


def test_linking_f1_on_gold(gold: dict[str, GoldDocument]) -> None:
    result = reconcile([g.document for g in gold.values()])
    scores = pairwise_scores(result.assignment, _truth(gold))
    assert scores.f1 >= 0.95, scores
    assert scores.precision >= 0.95, scores


def test_near_neighbours_are_not_merged(gold: dict[str, GoldDocument]) -> None:
    result = reconcile([g.document for g in gold.values()])
    same = [
        ("hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu các Nhà trẻ trên địa bàn",
         "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu các trường Mẫu giáo trên địa bàn"),
        ("dong_cuu_ke_hoach_2026", "Dữ liệu hộ nghèo, cận nghèo",
         "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu số hộ nghèo và tỷ lệ nghèo trên địa bàn tỉnh"),
        ("dong_cuu_ke_hoach_2026", "Dữ liệu hộ nghèo, cận nghèo",
         "ha_tinh_qd_1402_danh_muc_csdl", "CSDL về hộ nghèo và cận nghèo"),
        ("hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu về bảng giá đất nông nghiệp",
         "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu về bảng giá đất phi nông nghiệp"),
    ]  # fmt: skip
    for doc_a, title_a, doc_b, title_b in same:
        a, b = _key(gold, doc_a, title_a), _key(gold, doc_b, title_b)
        assert result.assignment[a] != result.assignment[b], (title_a, title_b)


def test_sub_rows_of_one_number_stay_apart(gold: dict[str, GoldDocument]) -> None:
    doc = gold["hung_yen_ke_hoach_du_lieu_mo"].document
    rows = [entry_key(doc, e) for e in doc.catalog if e.number == "124"]
    assert len(rows) == 4
    result = reconcile([doc])
    assert len({result.assignment[k] for k in rows}) == 4


def test_links_carry_scores_and_vietnamese_reasons(gold: dict[str, GoldDocument]) -> None:
    result = reconcile([g.document for g in gold.values()])
    a = _key(gold, "dong_cuu_ke_hoach_2026", "Dữ liệu chứng thực")
    b = _key(gold, "son_hai_ke_hoach_2026", "Dữ liệu chứng thực")
    link = next(x for x in result.links if {x.left, x.right} == {a, b})
    assert link.accepted and link.score >= result.threshold
    assert link.reasons[0] == "tiêu đề giống 1.00"
    assert any(r.startswith("khác loại đơn vị:") for r in link.reasons)
    # A commune's list vs a province's count: scored, explained, not linked.
    poor = _key(gold, "dong_cuu_ke_hoach_2026", "Dữ liệu hộ nghèo, cận nghèo")
    count = _key(gold, "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu số hộ cận nghèo trên địa bàn tỉnh")
    near = [x for x in result.links if {x.left, x.right} == {poor, count}]
    assert not near or (not near[0].accepted and any("khác cấp văn bản" in r for r in near[0].reasons))


def _variant(doc: Document, sha: str, titles: dict[str, str]) -> Document:
    catalog = [e.model_copy(update={"title": titles.get(e.title, e.title)}) for e in doc.catalog]
    return doc.model_copy(update={"sha256": sha, "source": f"{sha[:6]}.txt", "catalog": catalog})


def test_abbreviation_and_tone_placement_variants_link(gold: dict[str, GoldDocument]) -> None:
    son_hai = gold["son_hai_ke_hoach_2026"].document
    variant = _variant(son_hai, "f" * 64, {
        "Dữ liệu kết quả giải quyết TTHC": "Dữ liệu kết quả giải quyết thủ tục hành chính",
        "Dữ liệu số hóa hồ sơ": "Dữ liệu số hoá hồ sơ",
        "Dữ liệu tiêm chủng mở rộng": "Dữ liệu tiêm chủng mỡ rộng",
    })  # fmt: skip
    result = reconcile([son_hai, variant])
    for original, changed in [
        ("Dữ liệu kết quả giải quyết TTHC", "Dữ liệu kết quả giải quyết thủ tục hành chính"),
        ("Dữ liệu số hóa hồ sơ", "Dữ liệu số hoá hồ sơ"),
        ("Dữ liệu tiêm chủng mở rộng", "Dữ liệu tiêm chủng mỡ rộng"),
    ]:
        a, b = entry_key(son_hai, _entry(son_hai, original)), entry_key(variant, _entry(variant, changed))
        assert result.assignment[a] == result.assignment[b], changed
    tthc = next(x for x in result.links if "sau khi mở rộng TTHC" in x.reasons[0])
    assert tthc.accepted


def test_blocking_avoids_all_pairs_but_keeps_true_pairs(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    features = build_features(documents)
    pairs, stats = candidate_pairs(features)
    n = len(features)
    assert stats.candidates < n * (n - 1) // 2 // 10
    found = {(features[i].key, features[j].key) for i, j in pairs.tolist()}
    truth = _truth(gold)
    for i, a in enumerate(features):
        for b in features[i + 1 :]:
            if truth[a.key] == truth[b.key] and a.text.full == b.text.full:
                assert (a.key, b.key) in found


def test_average_linkage_guard_stops_chaining() -> None:
    scores = {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.1}
    ids = cluster_links(["a", "b", "c"], [(i, j, s) for (i, j), s in scores.items()], 0.78,
                        lambda i, j: scores[(i, j)])  # fmt: skip
    assert ids[0] == ids[1] != ids[2]
    assert ids[0] == dataset_id_for("a")


def test_cannot_link_constraint_wins_over_score() -> None:
    ids = cluster_links(["a", "b"], [(0, 1, 0.99)], 0.78, lambda i, j: 0.99,
                        constraints=Constraints(cannot=[(0, 1)]))  # fmt: skip
    assert ids[0] != ids[1]


def test_dataset_ids_are_stable_when_documents_are_added(gold: dict[str, GoldDocument]) -> None:
    a = gold["dong_cuu_ke_hoach_2026"].document
    b = gold["hung_yen_ke_hoach_du_lieu_mo"].document
    c = gold["son_hai_ke_hoach_2026"].document
    first = reconcile([a, b], with_flags=False)
    for order in ([a, b, c], [c, b, a]):
        second = reconcile(order, previous=first.assignment, with_flags=False)
        for key, dataset in first.assignment.items():
            assert second.assignment[key] == dataset
    # Sơn Hải's rows joined Đông Cứu's datasets instead of founding new ones.
    birth = _key(gold, "son_hai_ke_hoach_2026", "Dữ liệu đăng ký khai sinh")
    assert (
        second.assignment[birth]
        == first.assignment[_key(gold, "dong_cuu_ke_hoach_2026", "Dữ liệu đăng ký khai sinh")]
    )
    # Without a previous map, ids come from the earliest member and do not depend on luck.
    again = reconcile([a, b], with_flags=False)
    assert again.assignment == first.assignment
    for founded in first.datasets:
        assert founded.id == dataset_id_for(founded.origin)


def test_reviewer_decisions_apply_on_every_run(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    birth_a = _key(gold, "dong_cuu_ke_hoach_2026", "Dữ liệu đăng ký khai sinh")
    birth_b = _key(gold, "son_hai_ke_hoach_2026", "Dữ liệu đăng ký khai sinh")
    agency = _key(gold, "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu các doanh nghiệp kinh doanh dịch vụ lữ hành")
    company = _key(gold, "hung_yen_ke_hoach_du_lieu_mo", "Dữ liệu các công ty lữ hành du lịch được cấp phép")
    decisions: list[Decision] = [
        RejectLink(who="lan", when=WHEN, left=birth_a, right=birth_b, reason="hai xã khác nhau"),
        ConfirmLink(who="lan", when=WHEN, left=agency, right=company),
    ]
    result = reconcile(documents, decisions=decisions)
    assert result.assignment[birth_a] != result.assignment[birth_b]
    assert result.assignment[agency] == result.assignment[company]
    scores = pairwise_scores(result.assignment, _truth(gold))
    assert (scores.correct_pairs, scores.predicted_pairs) == (24, 24)  # lost khai sinh, gained lữ hành
    hung_yen = [f for f in result.flags if f.document == "hung_yen_ke_hoach_du_lieu_mo.txt"]
    assert any(f.kind == "duplicate_entry" and set(f.evidence) == {"28", "30"} for f in hung_yen)
    # Next run with the previous assignment: the decisions still hold and nothing else moved.
    rerun = reconcile(documents, decisions=decisions, previous=result.assignment)
    assert rerun.assignment == result.assignment
    decided = next(x for x in rerun.links if {x.left, x.right} == {birth_a, birth_b})
    assert decided.decided_by == "lan" and not decided.accepted


def test_merge_split_and_canonical_decisions(gold: dict[str, GoldDocument]) -> None:
    documents = [g.document for g in gold.values()]
    base = reconcile(documents, with_flags=False)
    works_a = _key(gold, "dong_cuu_ke_hoach_2026", "Dữ liệu công trình trên địa bàn", "3")
    dataset = base.assignment[works_a]
    members = [m.key for m in base.dataset_of(works_a).members]  # type: ignore[union-attr]
    assert len(members) == 3
    report = _key(gold, "son_hai_ke_hoach_2026", "Dữ liệu điều hành, báo cáo")
    decisions: list[Decision] = [
        SplitDataset(who="minh", when=WHEN, dataset_id=dataset, members=[members[-1]]),
        MergeDatasets(who="minh", when=WHEN.replace(hour=1), dataset_ids=[dataset, base.assignment[report]]),
        SetCanonical(
            who="minh", when=WHEN.replace(hour=2), dataset_id=dataset, title="Công trình trên địa bàn xã"
        ),
    ]
    result = reconcile(documents, decisions=decisions, previous=base.assignment)
    assert result.assignment[works_a] == dataset  # the part holding the origin keeps the id
    assert result.assignment[members[-1]] != dataset
    assert result.assignment[report] == dataset
    merged = result.dataset_of(works_a)
    assert merged is not None and merged.title == "Công trình trên địa bàn xã"


def test_no_decisions_names_datasets_as_the_replay_does(gold: dict[str, GoldDocument]) -> None:
    # With no decision the replay is skipped: the result must be the replay's, whatever the datasets'
    # names were before (a decision on no dataset makes apply_decisions replay).
    documents = [g.document for g in gold.values()]
    base = reconcile(documents, with_flags=False)
    ghost = SetCanonical(who="minh", when=WHEN, dataset_id="ds-none", title="y")
    assert base == reconcile(documents, decisions=[ghost], with_flags=False)  # reconcile skips the replay too
    renamed = base.model_copy(update={"datasets": [d.model_copy(update={"title": "x"}) for d in base.datasets]})
    for result in (base, renamed):
        assert apply_decisions(result, []) == apply_decisions(result, [ghost])
    assert apply_decisions(renamed, []) == base
    # A link accepted across datasets is not "settled": the replay corrects it.
    link = next(x for x in base.links if not x.accepted)
    wrong = base.model_copy(update={"links": [link.model_copy(update={"accepted": True})]})
    assert apply_decisions(wrong, []).links == apply_decisions(wrong, [ghost]).links == [link]


def test_decisions_are_typed_records_that_round_trip() -> None:
    adapter = TypeAdapter(list[Decision])
    decisions: list[Decision] = [
        RejectLink(who="lan", when=WHEN, left="x:1:1", right="y:1:1", reason="khác xã"),
        SplitDataset(who="lan", when=WHEN, dataset_id="ds-1", members=["x:1:1"]),
    ]
    restored = adapter.validate_json(adapter.dump_json(decisions))
    assert restored == decisions
    assert isinstance(restored[0], RejectLink)


def test_threshold_is_calibrated_data_and_reproducible(gold: dict[str, GoldDocument]) -> None:
    stored = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    assert stored["pairwise_f1"] >= 0.95
    assert load_threshold() == stored["link_threshold"]
    fits = report()["fitted_on_all"]
    assert fits["dataset"]["threshold"] == stored["link_threshold"]
    assert fits["concept"]["threshold"] == stored["concept_threshold"]
    assert fits["dataset"]["f1"] == stored["pairwise_f1"]
    # The threshold fitted on the linking gold also sits on the seed corpus's best plateau.
    fit = calibrate_gold(list(gold.values()))
    assert fit.plateau[0] <= stored["link_threshold"] <= fit.plateau[1]


def test_score_is_symmetric(gold: dict[str, GoldDocument]) -> None:
    features = build_features([g.document for g in gold.values()])
    for a, b in zip(features[:60], features[30:90], strict=False):
        assert score_pair(a, b).score == score_pair(b, a).score


def test_real_pipeline_links_datasets() -> None:
    from extract import extract_file
    from nlp import normalize_document

    gold_by_source = {g.document.source: g for g in load_gold(GOLD_DIR, DOCS_DIR)}
    documents, truth = [], {}
    for source in gold_by_source:  # the seed text of each gold entry
        document = normalize_document(extract_file(DOCS_DIR / source))
        keys = list(gold_by_source[document.source].dataset_keys.values())
        assert len(document.catalog) == len(keys), f"{source}: {len(document.catalog)} rows, gold has {len(keys)}"
        truth.update({entry_key(document, e): k for e, k in zip(document.catalog, keys, strict=True)})
        documents.append(document)
    result = reconcile(documents)
    assert pairwise_scores(result.assignment, truth).f1 >= 0.95


def test_missing_thresholds_is_a_project_error_naming_the_file(tmp_path: Path) -> None:
    """Matching failures belong to the DanhmucError family, so the CLI and API map them without a traceback."""
    from danhmuc.errors import DanhmucError
    from matching import ThresholdsMissingError

    missing = tmp_path / "thresholds.json"
    with pytest.raises(ThresholdsMissingError) as caught:
        load_threshold(missing)
    assert isinstance(caught.value, DanhmucError)
    assert caught.value.code == "thresholds_missing"
    assert str(missing) in caught.value.describe()
    assert "calibrate" in caught.value.message_vi
