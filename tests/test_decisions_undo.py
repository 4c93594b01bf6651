"""Contradictory decisions are refused, any decision can be undone: matching, the store (SQLite and
PostgreSQL) and the API (409 with the earlier decision's id; GET /v1/reviews shows undone ones)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from live_server import SyntheticEntry, running_server, seed_catalog

from api.keys import Role, create_key
from catalog import CatalogStore
from catalog.errors import UnknownReferenceError
from catalog.testing import postgres_schema_url, postgres_unreachable_reason
from danhmuc.errors import DanhmucError
from matching import ConfirmLink, RejectLink, SetCanonical
from matching.decisions import check_decision, decision_records, in_force
from matching.errors import AlreadyUndoneError, ContradictoryDecisionError
from matching.model import UndoDecision

WHEN = datetime(2026, 5, 1, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _confirm(a: str, b: str) -> ConfirmLink:
    return ConfirmLink(who="An", when=WHEN, left=a, right=b)


def _reject(a: str, b: str) -> RejectLink:
    return RejectLink(who="Bình", when=WHEN, left=a, right=b)


def _undo(number: int) -> UndoDecision:
    return UndoDecision(who="An", when=WHEN, decision_id=number)


def test_undo_of_an_undo_restores_the_decision() -> None:
    log = [(1, _reject("a", "b")), (2, _undo(1)), (3, _undo(2))]
    records = decision_records(log)
    assert [(r.id, r.undone_by) for r in records] == [(1, None), (2, 3), (3, None)]
    assert in_force(records) == [log[0][1]]
    with pytest.raises(ContradictoryDecisionError) as caught:
        check_decision(_confirm("b", "a"), records)  # either order of the pair
    assert isinstance(caught.value, DanhmucError) and "#1" in caught.value.message_vi
    with pytest.raises(AlreadyUndoneError):
        check_decision(_undo(2), records)


def test_store_refuses_contradictions_until_undone(store: CatalogStore) -> None:
    first = store.add_decision(_reject("k1", "k2"))
    store.add_decision(_reject("k1", "k2"))  # repeating a decision is harmless
    with pytest.raises(ContradictoryDecisionError):
        store.add_decision(_confirm("k2", "k1"))
    assert len(store.decision_records()) == 2  # nothing stored by the refused one
    with pytest.raises(UnknownReferenceError):
        store.add_decision(_undo(999))
    second = store.decision_records()[1].id
    store.add_decision(_undo(first))
    with pytest.raises(ContradictoryDecisionError):  # the second rejection is still in force
        store.add_decision(_confirm("k1", "k2"))
    undo_second = store.add_decision(_undo(second))
    with pytest.raises(AlreadyUndoneError):
        store.add_decision(_undo(second))
    confirmed = store.add_decision(_confirm("k1", "k2"))
    records = {r.id: r for r in store.decision_records()}
    assert records[first].undone_by is not None and records[second].undone_by == undo_second
    assert records[confirmed].undone_by is None
    assert store.decisions() == [_confirm("k1", "k2")]  # what reconciliation applies


ENTRIES = [
    SyntheticEntry("Dữ liệu hộ nghèo, cận nghèo", "Phòng Kinh tế", "Xã hội", "open", "Dữ liệu mở",
                   ("ANNUAL",), "Hằng năm", "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu người có công", "Phòng Văn hóa - Xã hội", "Xã hội", "open", "Dữ liệu mở",
                   ("ANNUAL",), "Hằng năm", "tỉnh Hưng Yên"),
]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("reviews")
    if request.param == "postgres":
        if reason := postgres_unreachable_reason():
            pytest.skip(reason)
        with postgres_schema_url() as url:
            yield from _serve(url, folder)
    else:
        yield from _serve(f"sqlite:///{folder}/reviews.db", folder)


def _serve(url: str, folder: Path) -> Iterator[tuple[str, str]]:
    with CatalogStore(url) as store:
        seed_catalog(store, ENTRIES, per_document=1)
        store.reconcile()
        key = create_key(store.engine, "Cán bộ rà soát", Role.REVIEWER)
    # No worker: the reconciliation jobs the decisions queue are not what this test is about.
    with running_server(url, folder, extractors="0") as base:
        yield base, key


def test_api_refuses_a_contradiction_with_409_and_lists_undone_decisions(api: tuple[str, str]) -> None:
    base, key = api
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        entries = sorted(e["key"] for d in client.get("/v1/catalog").json()["items"]
                         for e in client.get(f"/v1/catalog/{d['id']}").json()["members"])  # fmt: skip
        a, b = entries[:2]
        rejected = client.post("/v1/reviews", json={"kind": "reject_link", "left": a, "right": b})
        assert rejected.status_code == 201, rejected.text
        refused = client.post("/v1/reviews", json={"kind": "confirm_link", "left": b, "right": a})
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "contradictory_decision"
        assert f"#{rejected.json()['id']}" in error["message"] and "undo" in error["message_en"]
        undo = client.post("/v1/reviews", json={"kind": "undo", "decision_id": rejected.json()["id"]})
        assert undo.status_code == 201, undo.text
        again = client.post("/v1/reviews", json={"kind": "undo", "decision_id": rejected.json()["id"]})
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_undone"
        missing = client.post("/v1/reviews", json={"kind": "undo", "decision_id": 99999})
        assert missing.status_code == 404
        confirmed = client.post("/v1/reviews", json={"kind": "confirm_link", "left": b, "right": a})
        assert confirmed.status_code == 201, confirmed.text
        listed = {r["id"]: r for r in client.get("/v1/reviews").json()["items"]}
        assert listed[rejected.json()["id"]]["undone"] is True
        assert listed[rejected.json()["id"]]["undone_by"] == undo.json()["id"]
        assert listed[undo.json()["id"]]["kind"] == "undo" and listed[undo.json()["id"]]["undone"] is False
        assert listed[confirmed.json()["id"]]["left"] == b and listed[confirmed.json()["id"]]["undone"] is False


def test_set_canonical_is_never_a_contradiction() -> None:
    records = decision_records([(1, SetCanonical(who="An", when=WHEN, dataset_id="ds-1", title="A"))])
    check_decision(SetCanonical(who="An", when=WHEN, dataset_id="ds-1", title="B"), records)
