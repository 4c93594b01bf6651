"""The concept level in the store: what is written, kept across runs, and the facts read back.

Real stores on both backends (the ``store`` fixture), real matching and nlp over three commune plans
(``concept_fixtures.py``).
"""

from __future__ import annotations

from concept_fixtures import PLANS, plan, plans
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from catalog.concept_facts import DocumentFact, MemberFact, concept_detail, level_and_province
from catalog.concepts_store import dataset_concepts, read_concepts, save_concepts, stored_concepts
from catalog.exports.view import export_datasets
from catalog.models import ConceptEntryRow, ConceptRow, DocumentLocalityRow
from catalog.store import CatalogStore
from matching import reconcile
from matching.concepts import keep_concept_ids


def _filled(store: CatalogStore) -> None:
    for document in plans():
        store.add_document(document)
    store.reconcile()


def _poverty(store: CatalogStore) -> str:
    with store.snapshot() as session:
        return next(c.id for c in read_concepts(session) if c.title == "Dữ liệu hộ nghèo")


def test_reconciliation_stores_each_rows_concept_and_the_heads(store: CatalogStore) -> None:
    _filled(store)
    with store.snapshot() as session:
        heads = {row.id: row for row in session.scalars(select(ConceptRow))}
        assigned = stored_concepts(session)
    rows = sum(len(r) for r in PLANS.values())
    assert len(assigned) == rows and set(assigned.values()) == set(heads)
    poverty = next(h for h in heads.values() if h.title == "Dữ liệu hộ nghèo")
    assert (poverty.member_count, poverty.locality_count, poverty.publisher_count) == (2, 2, 2)
    merit = next(h for h in heads.values() if h.title == "Dữ liệu người có công")
    assert (merit.member_count, merit.locality_count) == (3, 3)
    # Each dataset names its concept, and the catalog's export carries it.
    exported = {d.title: d for d in export_datasets(store)}
    assert exported["Dữ liệu hộ nghèo"].concept_id == poverty.id
    assert exported["Dữ liệu hộ nghèo"].concept_title == "Dữ liệu hộ nghèo"
    assert all(d.concept_id in heads for d in exported.values())


def test_coverage_and_unit_conflicts_with_reasons(store: CatalogStore) -> None:
    _filled(store)
    with store.snapshot() as session:
        concept = next(c for c in read_concepts(session) if c.title == "Dữ liệu hộ nghèo")
    [coverage] = concept.coverage
    # The province comes from the plan each commune implements: its issuer names only the commune.
    assert (coverage.level, coverage.province) == ("xã", "tỉnh Bình Lợi")
    assert [item.locality for item in coverage.listed] == ["xã An Bình, tỉnh Bình Lợi", "xã Tân Lập, tỉnh Bình Lợi"]
    [gap] = coverage.not_listed
    assert gap.locality == "xã Hòa Phú, tỉnh Bình Lợi" and not gap.dataset_ids
    assert [d.source for d in gap.documents] == ["ke-hoach-xa-hoa-phu.txt"]
    assert "xã Hòa Phú" in gap.reason and "2 dòng" in gap.reason and " / " in gap.reason
    assert concept.not_listed_count == 1
    [conflict] = concept.conflicts
    assert conflict.level == "xã"
    assert {(h.unit_type, tuple(h.localities)) for h in conflict.holders} == {
        ("phong_kinh_te", ("xã An Bình, tỉnh Bình Lợi",)), ("phong_vhxh", ("xã Tân Lập, tỉnh Bình Lợi",)),
    }  # fmt: skip
    assert "Phòng Kinh tế (xã An Bình, tỉnh Bình Lợi)" in conflict.reason
    assert {p.unit_id for p in concept.publishers} == {"phong_kinh_te@xã An Bình", "phong_vhxh@xã Tân Lập"}
    with store.snapshot() as session:
        merit = next(c for c in read_concepts(session) if c.title == "Dữ liệu người có công")
    # Every commune lists it, with one kind of unit: no gap, no conflict.
    assert merit.not_listed_count == 0 and merit.conflicts == [] and merit.locality_count == 3


def test_communes_of_another_province_are_not_a_gap(store: CatalogStore) -> None:
    _filled(store)
    store.add_document(plan("xã Mỹ Lộc", [("Dữ liệu trường mầm non", "Phòng Văn hóa - Xã hội")],
                            province="tỉnh Nam Định"))  # fmt: skip
    store.reconcile()
    with store.snapshot() as session:
        concepts = {c.title: c for c in read_concepts(session)}
        stored = dict(session.execute(select(DocumentLocalityRow.sha256, DocumentLocalityRow.locality)).all())
    assert sorted(stored.values()) == sorted([f"{p}, tỉnh Bình Lợi" for p in PLANS] + ["xã Mỹ Lộc, tỉnh Nam Định"])
    poverty = concepts["Dữ liệu hộ nghèo"]
    assert [x.locality for c in poverty.coverage for x in c.not_listed] == ["xã Hòa Phú, tỉnh Bình Lợi"]
    kindergartens = concepts["Dữ liệu trường mầm non"]  # listed in one commune of each province
    assert {(c.province, len(c.not_listed)) for c in kindergartens.coverage} == {("tỉnh Bình Lợi", 2),
                                                                                 ("tỉnh Nam Định", 0)}


def test_concept_ids_stay_when_a_plan_is_added(store: CatalogStore) -> None:
    _filled(store)
    before = _poverty(store)
    rows = store.previous_concepts()
    store.add_document(plan("xã Mỹ Lộc", [("Dữ liệu hộ nghèo", "Phòng Kinh tế")]))
    store.reconcile()
    assert _poverty(store) == before
    after = store.previous_concepts()
    assert all(after[key] == concept for key, concept in rows.items())
    with store.snapshot() as session:
        concept = next(c for c in read_concepts(session) if c.id == before)
    assert concept.locality_count == 3 and concept.not_listed_count == 1


def test_previous_ids_win_over_derived_ones() -> None:
    documents = plans()
    fresh = reconcile(documents)
    keys = sorted(fresh.concepts)
    renamed = reconcile(documents, previous_concepts=dict.fromkeys(keys, "cc-from-last-run"))
    biggest = max(set(fresh.concepts.values()), key=lambda c: (list(fresh.concepts.values()).count(c), c))
    moved = {k for k, c in fresh.concepts.items() if c == biggest}
    assert {renamed.concepts[k] for k in moved} == {"cc-from-last-run"}
    # Only one concept inherits it; the others keep their own.
    assert all(renamed.concepts[k] == fresh.concepts[k] for k in keys if k not in moved)


def test_keep_concept_ids_never_gives_one_id_twice() -> None:
    current = {"a": "cc-1", "b": "cc-1", "c": "cc-2", "d": "cc-3"}
    previous = {"a": "cc-old", "b": "cc-old", "c": "cc-old", "d": "cc-1"}
    kept = keep_concept_ids(current, previous)
    assert kept["a"] == kept["b"] == "cc-old"  # the larger part keeps the split concept's id
    assert kept["d"] == "cc-1"  # its previous id, although another concept was derived as cc-1
    assert kept["c"] not in {"cc-old", "cc-1"} and len({kept["a"], kept["c"], kept["d"]}) == 3


@given(st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=4),
                       st.sampled_from([f"cc-{n}" for n in range(6)]), max_size=40))  # fmt: skip
def test_a_first_run_keeps_every_derived_concept_id(current: dict[str, str]) -> None:
    """With no previous run the shortcut returns the derived ids, as the general steps do (a previous run none of
    whose keys is here takes that path), keys in the same order (match18's tail shortcut)."""
    general = keep_concept_ids(current, {"a key of no row here": "cc-old"})
    assert keep_concept_ids(current, {}) == general == current
    assert list(keep_concept_ids(current, {})) == list(general)


def test_incremental_write_moves_only_the_given_rows(store: CatalogStore) -> None:
    _filled(store)
    poverty = _poverty(store)
    with store.snapshot() as session:
        keys = [k for k, c in stored_concepts(session).items() if c == poverty]
    with store.transaction() as session:
        count = save_concepts(session, {keys[0]: "cc-tach-rieng"}, replace=False)
    with store.snapshot() as session:
        heads = {row.id: row for row in session.scalars(select(ConceptRow))}
        assert heads[poverty].member_count == 1 and heads["cc-tach-rieng"].member_count == 1
        assert count == len(heads)
    with store.transaction() as session:  # the last row leaves: the concept goes
        save_concepts(session, {keys[1]: "cc-tach-rieng"}, replace=False)
    with store.snapshot() as session:
        assert session.get(ConceptRow, poverty) is None
        assert session.get(ConceptRow, "cc-tach-rieng").member_count == 2  # type: ignore[union-attr]
        assert dataset_concepts(session)  # datasets still find their concept


def test_deleting_a_document_cascades_to_its_concept_rows(store: CatalogStore) -> None:
    _filled(store)
    with store.snapshot() as session:
        before = session.scalar(select(func.count()).select_from(ConceptEntryRow))
    with store.transaction() as session:
        from catalog.models import DocumentRow, FileVersionRow

        sha = plans()[2].sha256
        session.query(FileVersionRow).filter(FileVersionRow.sha256 == sha).delete()
        session.query(DocumentRow).filter(DocumentRow.sha256 == sha).delete()
    with store.snapshot() as session:
        after = session.scalar(select(func.count()).select_from(ConceptEntryRow))
    assert before - after == len(PLANS["xã Hòa Phú"])


def _member(key: str, dataset: str, title: str, locality: str = "", unit: str = "") -> MemberFact:
    return MemberFact(entry_key=key, concept_id="cc-1", dataset_id=dataset, dataset_title=title, dataset_unit="",
                      unit_ids=(unit,) if unit else (), document_id=key, locality=locality)  # fmt: skip


def test_harmonised_title_is_the_most_common_and_says_why() -> None:
    most = concept_detail("cc-1", [_member("a", "d1", "Dữ liệu hộ nghèo"), _member("b", "d2", "Dữ liệu hộ nghèo"),
                                   _member("c", "d3", "CSDL hộ nghèo, cận nghèo")], [])  # fmt: skip
    assert most.title == "Dữ liệu hộ nghèo" and most.title_reason.startswith("Tên của 2/3 tập dữ liệu, phổ biến nhất")
    assert most.titles == ["Dữ liệu hộ nghèo", "CSDL hộ nghèo, cận nghèo"]
    tie = concept_detail("cc-1", [_member("a", "d1", "CSDL về quản lý Giấy phép lái xe"),
                                  _member("b", "d2", "Dữ liệu về cấp, đổi giấy phép lái xe trên địa bàn tỉnh")], [])
    assert tie.title == "CSDL về quản lý Giấy phép lái xe" and "ngắn nhất" in tie.title_reason


def test_provinces_are_compared_across_the_country_and_levels_do_not_conflict() -> None:
    assert level_and_province("tỉnh Hà Tĩnh") == ("tỉnh", "")
    assert level_and_province("xã Đông Cứu, tỉnh Bắc Ninh") == ("xã", "tỉnh Bắc Ninh")
    universe = [DocumentFact(id=p, source=f"{p}.txt", title="", number="", locality=p, entry_count=5)
                for p in ("tỉnh Hà Tĩnh", "tỉnh Hưng Yên", "xã Sơn Hải")]  # fmt: skip
    detail = concept_detail("cc-1", [
        _member("a", "d1", "Dữ liệu hộ nghèo", "tỉnh Hà Tĩnh", "so_ldtbxh@tỉnh Hà Tĩnh"),
        _member("b", "d2", "Dữ liệu hộ nghèo", "xã Sơn Hải", "phong_kinh_te@xã Sơn Hải"),
    ], universe)  # fmt: skip
    provinces = next(c for c in detail.coverage if c.level == "tỉnh")
    assert [x.locality for x in provinces.not_listed] == ["tỉnh Hưng Yên"]
    assert detail.conflicts == []  # a province's Sở and a commune's Phòng are different levels, not a conflict
