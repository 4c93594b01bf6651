"""The API says how each decision applies after a file gets a new version: GET /v1/decisions lists the
orphaned ones with their reason (?orphaned=true) apart from those applied, GET /v1/reviews carries
the status and, for a re-anchored one, the decision as applied now; SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from live_server import running_server

from api.keys import Role, create_key
from catalog import CatalogStore
from catalog.testing import postgres_schema_url, postgres_unreachable_reason
from extract import extract_file
from extract.model import Document
from matching.model import ConfirmLink, RejectLink, entry_key

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
WHEN = datetime(2026, 5, 1, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
OLD_ROW = "3\tDữ liệu người có công\tHồ sơ quản lý tại xã\tPhòng VH–XH\tTheo QĐ"
NEW_ROW = "3\tDữ liệu quản lý nghĩa trang nhân dân\tDanh sách phần mộ\tPhòng Kinh tế\tNội bộ"


def _row(document: Document, title: str) -> str:
    return entry_key(document, next(e for e in document.catalog if e.title == title))


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict]]:
    folder = tmp_path_factory.mktemp("anchoring")
    if request.param == "postgres":
        if reason := postgres_unreachable_reason():
            pytest.skip(reason)
        with postgres_schema_url() as url:
            yield from _serve(url, folder)
    else:
        yield from _serve(f"sqlite:///{folder}/anchoring.db", folder)


def _serve(url: str, folder: Path) -> Iterator[tuple[str, str, dict]]:
    old = extract_file(DOCS / "dong_cuu_ke_hoach_2026.txt")
    son_hai = extract_file(DOCS / "son_hai_ke_hoach_2026.txt")
    edited = folder / "dong_cuu_ke_hoach_2026.txt"
    text = (DOCS / edited.name).read_text(encoding="utf-8")
    assert OLD_ROW in text
    edited.write_text(text.replace(OLD_ROW, NEW_ROW), encoding="utf-8")
    new = extract_file(edited)
    with CatalogStore(url) as store:
        store.add_document(old, path="xa/dong_cuu.txt")
        store.add_document(son_hai, path="xa/son_hai.txt")
        store.reconcile()
        kept = store.add_decision(RejectLink(who="An", when=WHEN, left=_row(old, "Dữ liệu chứng thực"),
                                             right=_row(son_hai, "Dữ liệu chứng thực")))  # fmt: skip
        gone = store.add_decision(ConfirmLink(who="An", when=WHEN, left=_row(old, "Dữ liệu người có công"),
                                              right=_row(son_hai, "Dữ liệu người có công")))  # fmt: skip
        store.add_document(new, path="xa/dong_cuu.txt")
        store.reconcile()
        key = create_key(store.engine, "Cán bộ rà soát", Role.REVIEWER)
    facts = {"kept": kept, "gone": gone, "new": new.sha256}
    with running_server(url, folder, extractors="0") as base:
        yield base, key, facts


def test_orphaned_decisions_are_listed_with_their_reason(api: tuple[str, str, dict]) -> None:
    base, key, facts = api
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        orphaned = client.get("/v1/decisions", params={"orphaned": "true"})
        assert orphaned.status_code == 200, orphaned.text
        [item] = orphaned.json()["items"]
        assert item["id"] == facts["gone"] and item["status"] == "orphaned" and item["applied_as"] is None
        assert any("row not found" in r for r in item["status_reasons"]), item["status_reasons"]
        others = client.get("/v1/decisions", params={"orphaned": "false"}).json()["items"]
        assert [r["id"] for r in others] == [facts["kept"]]
        listed = {r["id"]: r for r in client.get("/v1/reviews").json()["items"]}
        assert listed[facts["kept"]]["status"] == "reanchored"
        assert listed[facts["kept"]]["applied_as"]["left"].startswith(facts["new"])
        assert listed[facts["gone"]]["status"] == "orphaned"


def test_the_workspace_history_says_which_decisions_no_longer_apply(api: tuple[str, str, dict]) -> None:
    base, key, facts = api
    with httpx.Client(base_url=base, timeout=60) as client:
        signed = client.post("/ui/login", data={"key": key, "next": "/ui/review"}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
        page = client.get("/ui/review")
        assert page.status_code == 200, page.text
        rows = {int(m.group(1)): m.group(0) for m in re.finditer(r"<tr[^>]*><td>#(\d+)</td>.*?</tr>", page.text, re.S)}
        assert "đã chuyển theo phiên bản mới" in rows[facts["kept"]]
        assert "cùng số thứ tự và tên" in rows[facts["kept"]]
        assert "(không còn áp dụng)" in rows[facts["gone"]] and "row not found" in rows[facts["gone"]]


def test_an_orphaned_decision_can_be_undone(api: tuple[str, str, dict]) -> None:
    base, key, facts = api
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        # Undoing the orphaned decision takes it off the list of decisions in force.
        undo = client.post("/v1/reviews", json={"kind": "undo", "decision_id": facts["gone"]})
        assert undo.status_code == 201, undo.text
        listed = {r["id"]: r for r in client.get("/v1/reviews").json()["items"]}
        assert listed[facts["gone"]]["status"] == "undone" and listed[undo.json()["id"]]["status"] == "undo"
        assert client.get("/v1/decisions", params={"orphaned": "true"}).json()["items"] == []
