"""The /reconcile endpoint spoken to exactly as OpenRefine 3.x does (W3C Reconciliation API 0.2).

OpenRefine fetches the manifest with a GET (older versions with ``?callback=`` for JSONP), sends
batches as ``application/x-www-form-urlencoded`` bodies ``queries={"q0": {...}, ...}``, and
loads previews in an iframe. Tests run against a real server on a seeded catalog.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import SyntheticEntry, running_server, seed_catalog
from w3c_schemas import schema_errors

from api.keys import Role, create_key
from catalog.store import CatalogStore

ENTRIES = [
    SyntheticEntry("Cơ sở dữ liệu hộ nghèo, hộ cận nghèo", "Sở Lao động - Thương binh và Xã hội", "Xã hội",
                   "open", "Dữ liệu mở", ("ANNUAL",), "Hằng năm", "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu giáo viên mầm non", "Sở Giáo dục và Đào tạo", "Giáo dục", "default",
                   "Chia sẻ mặc định", ("ANNUAL",), "Năm học", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Danh mục thủ tục hành chính", "Văn phòng UBND tỉnh", "Hành chính", "open", "Công khai",
                   ("IRREG",), "Khi có thay đổi", "tỉnh Bắc Ninh"),
    SyntheticEntry("Dữ liệu hộ tịch", "Sở Tư pháp", "Tư pháp", "restricted", "Hạn chế", ("CONT",), "Thường xuyên"),
    SyntheticEntry("Cơ sở dữ liệu đất đai", "Sở Tài nguyên và Môi trường", "Tài nguyên", "internal", "Nội bộ",
                   ("MONTHLY",), "Hằng tháng"),
]  # fmt: skip
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("openrefine")
    url = f"sqlite:///{folder}/refine.db"
    with CatalogStore(url) as store:
        seed_catalog(store, ENTRIES)
        key = create_key(store.engine, "OpenRefine", Role.READER)
    with running_server(url, Path(folder), extractors="0", public_url="http://127.0.0.1:8000") as base:
        yield base, key


@pytest.fixture()
def client(server: tuple[str, str]) -> Iterator[httpx.Client]:
    base, key = server
    with httpx.Client(base_url=base, params={"api_key": key}, timeout=30) as http:
        yield http


def test_manifest(client: httpx.Client) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    manifest = response.json()
    assert not schema_errors("manifest.json", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["name"] and manifest["identifierSpace"] and manifest["schemaSpace"]
    assert manifest["defaultTypes"] == [{"id": "dataset", "name": "Tập dữ liệu / Dataset"}]
    assert "{{id}}" in manifest["view"]["url"]
    assert "{{id}}" in manifest["preview"]["url"]
    assert manifest["preview"]["width"] > 0 and manifest["preview"]["height"] > 0


def test_manifest_as_jsonp(client: httpx.Client) -> None:
    response = client.get("/reconcile", params={"callback": "jsonp1700000000000"})
    assert response.headers["content-type"].startswith("application/javascript")
    text = response.text
    assert text.startswith("jsonp1700000000000(") and text.endswith(");")
    assert json.loads(text[len("jsonp1700000000000(") : -2])["versions"] == ["0.2"]
    bad = client.get("/reconcile", params={"callback": "alert(1)//"})
    assert bad.status_code == 422


def _batch() -> dict[str, dict[str, object]]:
    return {
        "q0": {"query": "co so du lieu ho ngheo", "type": "dataset", "type_strict": "should", "limit": 3},
        "q1": {"query": "Dữ liệu giáo viên mầm non", "type": "dataset", "limit": 3,
               "properties": [{"pid": "unit", "v": "Sở Giáo dục và Đào tạo"}]},
        "q2": {"query": "du lieu ho tich", "limit": 2},
    }  # fmt: skip


def _check_batch(answer: dict[str, dict[str, list[dict[str, object]]]]) -> None:
    assert not schema_errors("reconciliation-result-batch.json", answer)
    assert set(answer) == {"q0", "q1", "q2"}
    best = {name: answer[name]["result"][0] for name in answer}
    assert best["q0"]["name"] == "Cơ sở dữ liệu hộ nghèo, hộ cận nghèo"
    assert best["q1"]["name"] == "Dữ liệu giáo viên mầm non" and best["q1"]["match"] is True
    assert best["q2"]["name"] == "Dữ liệu hộ tịch"
    assert len(answer["q2"]["result"]) <= 2
    for candidate in best.values():
        assert set(candidate) >= {"id", "name", "score", "match", "type", "features"}
        assert str(candidate["id"]).startswith("ds-")
        assert candidate["type"] == [{"id": "dataset", "name": "Tập dữ liệu / Dataset"}]
        assert all(set(f) == {"id", "value"} for f in candidate["features"])  # type: ignore[attr-defined]
    scores = [float(c["score"]) for c in answer["q0"]["result"]]  # type: ignore[arg-type]
    assert scores == sorted(scores, reverse=True)


def test_form_encoded_post_as_openrefine_sends_it(client: httpx.Client) -> None:
    body = urllib.parse.urlencode({"queries": json.dumps(_batch(), ensure_ascii=False)})
    response = client.post("/reconcile", content=body.encode("utf-8"), headers=FORM)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    _check_batch(response.json())


def test_get_with_queries_parameter(client: httpx.Client) -> None:
    response = client.get("/reconcile", params={"queries": json.dumps(_batch())})
    _check_batch(response.json())


def test_accent_free_query_scores_like_the_accented_one(client: httpx.Client) -> None:
    both = {"a": {"query": "Dữ liệu hộ tịch"}, "b": {"query": "du lieu ho tich"}}
    answer = client.get("/reconcile", params={"queries": json.dumps(both)}).json()
    assert answer["a"]["result"][0]["id"] == answer["b"]["result"][0]["id"]
    assert answer["b"]["result"][0]["score"] >= 90


def test_bad_queries_are_422_not_500(client: httpx.Client) -> None:
    response = client.post("/reconcile", content=b"queries=%7Bnot%20json", headers=FORM)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"
    nested = client.post("/reconcile", data={"queries": "[" * 100_000 + "]" * 100_000})  # past the parser's stack
    assert nested.status_code == 422 and nested.json()["error"]["code"] == "invalid_parameter"
    assert client.post("/reconcile").status_code == 200  # no body: the service manifest, as a GET


def test_preview_and_view(client: httpx.Client) -> None:
    answer = client.get("/reconcile", params={"queries": json.dumps({"q": {"query": "dat dai"}})}).json()
    dataset_id = answer["q"]["result"][0]["id"]
    preview = client.get("/reconcile/preview", params={"id": dataset_id})
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert "Cơ sở dữ liệu đất đai" in preview.text and "Sở Tài nguyên" in preview.text
    view = client.get(f"/reconcile/view/{dataset_id}")
    assert view.status_code == 200 and "<table" in view.text
    assert client.get("/reconcile/preview", params={"id": "ds-none"}).status_code == 404


def test_cors_preflight_and_key_requirement(server: tuple[str, str]) -> None:
    base, _ = server
    with httpx.Client(base_url=base, timeout=30) as anonymous:
        preflight = anonymous.options("/reconcile", headers={"Origin": "http://localhost:3333",
                                                            "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert anonymous.get("/reconcile").status_code == 401  # reads are closed by default
