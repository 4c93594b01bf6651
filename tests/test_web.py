"""The workspace without a browser: sessions, CSRF, roles, CSP, catalog search and order, ZIP uploads,
and the catalog read model answering consistently after an acknowledged change."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from live_server import SyntheticEntry, seed_catalog

from api.app import create_app
from api.catalog_view import CatalogQuery, CatalogView
from api.keys import Role, create_key, revoke_key
from api.settings import Settings
from api.web import session as sessions
from api.web.common import WEB_CSP
from api.web.pages import _unpack
from catalog.store import CatalogStore
from matching.model import Dataset, MemberRef, Reconciliation
from nlp.collation import sort_key

ENTRIES = [
    SyntheticEntry("Dữ liệu hộ nghèo, cận nghèo", "Phòng Văn hóa - Xã hội", sharing="internal", locality="xã Sơn Hải"),
    SyntheticEntry("Đất đai và quy hoạch", "Phòng Kinh tế", sharing="open", frequency=("ANNUAL",),
                   locality="xã Đông Cứu"),
    SyntheticEntry("Dân cư", "Công an xã", sharing="restricted", locality="xã Sơn Hải"),
    SyntheticEntry("Ưu đãi người có công", "Phòng Văn hóa - Xã hội", locality="xã Đông Cứu"),
    SyntheticEntry("An toàn thực phẩm", "Trạm Y tế", sharing="open", locality="xã Sơn Hải"),
]


Served = tuple[TestClient, dict[str, str]]


@pytest.fixture()
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/web.db", data_dir=tmp_path / "data", extractors=0,
                        rate_limit=0)  # fmt: skip
    with CatalogStore(settings.database_url) as store:
        seed_catalog(store, ENTRIES)
        keys = {role.value: create_key(store.engine, f"cán bộ {role.value}", role) for role in Role}
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client, keys


def _sign_in(client: TestClient, key: str) -> str:
    answer = client.post("/ui/login", data={"key": key, "next": "/ui/catalog"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = client.get("/ui/catalog")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_sign_in_sets_a_strict_http_only_cookie_and_pages_carry_their_csp(app_client: Served) -> None:
    client, keys = app_client
    assert client.get("/ui/catalog", follow_redirects=False).headers["location"].startswith("/ui/login?next=")
    bad = client.post("/ui/login", data={"key": "dm_nothing_here"})
    assert bad.status_code == 401 and "Khóa không đúng" in bad.text
    answer = client.post("/ui/login", data={"key": keys["reader"], "next": "//evil.example/x"}, follow_redirects=False)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and keys["reader"].lower() not in cookie
    assert answer.headers["location"] == "/ui"  # never sent off-site after signing in
    page = client.get("/ui/catalog")
    assert page.status_code == 200 and page.headers["content-security-policy"] == WEB_CSP
    assert "unsafe-inline" not in WEB_CSP and "<script>" not in page.text and "style=" not in page.text
    assert client.get("/v1/documents").headers["content-security-policy"].startswith("default-src 'none'")


def test_roles_and_csrf_are_checked_on_the_server(app_client: Served) -> None:
    client, keys = app_client
    csrf = _sign_in(client, keys["reader"])
    form = {"kind": "dismiss_flag", "flag_id": "fl-x", "reason": "x", "csrf": csrf}
    assert client.post("/ui/decide", data=form).status_code == 403  # a reader cannot decide
    assert client.get("/ui/keys").status_code == 403
    csrf = _sign_in(client, keys["reviewer"])
    assert client.post("/ui/decide", data={**form, "csrf": "0" * 64}).status_code == 400  # forged token
    assert client.post("/ui/decide", data={**form, "csrf": ""}).status_code == 400
    refused = client.post("/ui/decide", data={**form, "csrf": csrf})
    assert refused.status_code == 404 and "fl-x" in refused.text  # the API's own check, in its words
    assert client.get("/ui/keys").status_code == 403  # a reviewer cannot manage keys
    _sign_in(client, keys["admin"])
    assert client.get("/ui/keys").status_code == 200


def test_a_revoked_key_ends_its_session_and_a_forged_cookie_is_refused(app_client: Served) -> None:
    client, keys = app_client
    _sign_in(client, keys["uploader"])
    assert client.get("/ui/upload").status_code == 200
    value = client.cookies.get(sessions.COOKIE)
    assert value
    payload, _, signature = value.partition(".")
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE, payload + "." + ("0" * len(signature)))
    assert client.get("/ui/upload", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE, value)
    assert client.get("/ui/upload", follow_redirects=False).status_code == 200
    engine = client.app.state.service.store.engine  # type: ignore[attr-defined]
    revoke_key(engine, keys["uploader"].split("_")[1])
    assert client.get("/ui/upload", follow_redirects=False).status_code == 303


def test_catalog_search_ignores_diacritics_and_sorts_in_vietnamese_order(app_client: Served) -> None:
    client, keys = app_client
    _sign_in(client, keys["reader"])
    for typed in ("ho ngheo", "hộ nghèo", "HỘ NGHÈO", "hô ngheo"):
        page = client.get("/ui/catalog", params={"q": typed}).text
        assert "Dữ liệu hộ nghèo" in page and "Dân cư" not in page, typed
    titles = re.findall(r'<a href="/ui/datasets/[^"]+">([^<]+)</a>', client.get("/ui/catalog").text)
    assert titles == ["An toàn thực phẩm", "Dân cư", "Dữ liệu hộ nghèo, cận nghèo", "Đất đai và quy hoạch",
                      "Ưu đãi người có công"]  # fmt: skip
    by_locality = client.get("/ui/catalog", params={"locality": "xã Đông Cứu", "sharing": "open"}).text
    assert "Đất đai và quy hoạch" in by_locality and "Ưu đãi" not in by_locality
    assert "Đất đai" in client.get("/ui/catalog", params={"frequency": "ANNUAL"}).text
    exported = client.get("/ui/export", params={"format": "csv"})
    assert exported.status_code == 200 and "Dân cư" in exported.text


def test_vietnamese_order_letters_first_then_tones() -> None:
    words = ["hộ", "ho", "hồ", "hó", "hò", "Đông", "Dương", "Ăn", "an", "anh", "an toàn", "ưu", "uống", "10 năm"]
    assert sorted(words, key=sort_key) == ["10 năm", "an", "an toàn", "anh", "Ăn", "Dương", "Đông", "ho", "hò",
                                           "hó", "hồ", "hộ", "uống", "ưu"]  # fmt: skip


def test_zip_uploads_are_unpacked_with_each_problem_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ke-hoach/a.txt", "KẾ HOẠCH\n")
        archive.writestr("__MACOSX/._a.txt", "junk")
        archive.writestr("ke-hoach/big.txt", "x" * 2000)
    found = dict(_unpack("lo.zip", buffer.getvalue(), limit=1000))
    assert found["lo.zip/ke-hoach/a.txt"] == "KẾ HOẠCH\n".encode()
    assert "quá lớn" in str(found["lo.zip/ke-hoach/big.txt"])
    assert len(found) == 2
    assert "hỏng" in str(dict(_unpack("x.zip", b"not a zip", limit=1000))["x.zip"])


def _one_dataset_more(store: CatalogStore, title: str) -> None:
    """Save a reconciliation with one dataset more, as a job of another server process would."""
    datasets = store.datasets()
    member = datasets[0].members[0]
    extra = Dataset(id="ds-extra", origin=member.key, title=title, unit="", members=[MemberRef(**member.model_dump())])
    kept = [Dataset(**{**d.model_dump(), "members": d.members if i else []}) for i, d in enumerate(datasets)]
    assignment = {m.key: d.id for d in [*kept, extra] for m in d.members}
    store.save_reconciliation(Reconciliation(datasets=[*kept, extra], links=[], flags=[], assignment=assignment,
                                             threshold=1.0), documents=1, decisions=0)  # fmt: skip


def test_reads_after_an_acknowledged_change_see_it_in_every_process(tmp_path: Path) -> None:
    """Two read models on one store, as two server processes: once the writer's job is acknowledged
    (after ``invalidate``), the other answers from the new version on its very next read, and so do
    requests that arrive while it rebuilds."""
    url = f"sqlite:///{tmp_path}/c.db"
    stamp = tmp_path / "catalog.version"
    with CatalogStore(url) as store:
        seed_catalog(store, ENTRIES)
        writer, reader = CatalogView(store, stamp=stamp), CatalogView(store, stamp=stamp)
        before = reader.snapshot().version
        writer.snapshot()
        _one_dataset_more(store, "Tập mới sau quyết định")
        writer.invalidate()  # what the job does before it reports success
        seen: list[int] = []
        threads = [threading.Thread(target=lambda: seen.append(reader.snapshot().version)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert set(seen) == {writer.snapshot().version} and before not in seen
        assert b'"ds-extra"' in reader.snapshot().page(CatalogQuery.of(q="Tập mới sau quyết định"), 50, 0)[1]


def test_an_upload_without_javascript_lists_each_file_with_its_job_or_its_error(app_client: Served) -> None:
    client, keys = app_client
    csrf = _sign_in(client, keys["uploader"])
    plan = "ỦY BAN NHÂN DÂN XÃ A\nKẾ HOẠCH\nPhát triển dữ liệu năm 2026\n".encode()
    page = client.post("/ui/upload", data={"csrf": csrf}, files=[
        ("files", ("ke-hoach.txt", plan, "text/plain")),
        ("files", ("anh.exe", b"MZ\x90\x00" + bytes(200), "application/octet-stream")),
    ])  # fmt: skip
    assert page.status_code == 200
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.text, flags=re.S)[1:]
    assert "ke-hoach.txt" in rows[0] and "Đang chờ" in rows[0]  # no extractor in this test: it waits
    assert "anh.exe" in rows[1] and "Lỗi" in rows[1]
    job = re.search(r'data-job="([0-9a-f]+)"', page.text)
    assert job is not None
    listed = client.get("/ui/jobs.json", params={"ids": job.group(1)}).json()
    assert listed[0]["status"] == "queued" and listed[0]["stage"] == "Đang chờ"
    assert client.post("/ui/upload", data={"csrf": csrf}).status_code == 400  # nothing chosen, said in Vietnamese


def test_a_refused_decision_is_explained_and_undo_lights_up_when_the_api_has_it(
    app_client: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace goes through ``api.web.decisions`` only: a refusal of the decisions API (such as a
    decision contradicting an earlier one) reaches the reviewer in its own words, and undo is offered
    as soon as the API knows an undo kind."""
    from api.errors import ApiError
    from api.web import decisions

    client, keys = app_client
    csrf = _sign_in(client, keys["reviewer"])

    class Contradiction(ApiError):
        code, status = "contradicts_decision", 409

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise Contradiction("Quyết định này trái với quyết định số 3 (bác bỏ liên kết, 05/12/2026).", "contradiction")

    monkeypatch.setattr(decisions.reviews, "post_review", refuse)
    answer = client.post("/ui/decide", data={"kind": "confirm_link", "left": "a", "right": "b", "csrf": csrf,
                                             "next": "/ui/review"})  # fmt: skip
    assert answer.status_code == 409 and "trái với quyết định số 3" in answer.text
    assert decisions.undo_kind() == "undo"  # the decisions API's own kind
    with monkeypatch.context() as patched:  # an API without undo: nothing offered
        patched.setattr(decisions, "undo_kind", lambda: "")
        assert "<kbd>U</kbd>" not in client.get("/ui/review").text
    sent: list[tuple[int, str]] = []

    def undo(_state: object, _who: object, decision_id: int, reason: str) -> decisions.Recorded:
        sent.append((decision_id, reason))
        return decisions.Recorded(decision_id + 1, "job", True)

    monkeypatch.setattr(decisions, "undo", undo)
    assert "<kbd>U</kbd>" in client.get("/ui/review").text
    done = client.post("/ui/undo", data={"decision_id": "7", "reason": "nhầm", "csrf": csrf, "next": "/ui/review"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/ui/review?done=undo" and sent == [(7, "nhầm")]


def test_a_dataset_page_shows_the_flags_about_its_own_rows_only() -> None:
    from api.catalog_view import MemberView
    from api.web.review import _concerns
    from extract.model import Provenance
    from matching.model import Flag, FlagKind

    member = MemberView(key="d1:1:4", document_id="d1", document="a.docx", document_title="", document_number="",
                        number="3", title="Dữ liệu khai tử", description="", unit="", group="", sharing="",
                        sharing_raw="", frequency=[], frequency_raw="", unit_ids=[],
                        provenance=Provenance(file="a.docx", table=1, row=4))  # fmt: skip

    def flag(evidence: list[str], *places: tuple[int, int], sha256: str = "d1") -> Flag:
        return Flag(id="fl", kind=FlagKind.DUPLICATE_ENTRY, message="m", evidence=evidence, document="a.docx",
                    sha256=sha256, provenance=[Provenance(file="a.docx", table=t, row=r) for t, r in places])

    assert _concerns(flag(["3"], (1, 4)), [member])
    assert not _concerns(flag(["3"], (2, 4)), [member])  # row 3 of another table of the same document
    assert _concerns(flag(["3"]), [member])  # no place given: by the number it names
    assert not _concerns(flag(["3"], sha256="d2"), [member])
