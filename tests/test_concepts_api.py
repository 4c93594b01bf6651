"""GET /v1/concepts and /v1/concepts/{id}, and the concept on /v1/catalog, through the real server.

The store is filled and reconciled here (three commune plans, ``concept_fixtures.py``), then a
uvicorn process on loopback answers over HTTP, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from concept_fixtures import plans
from live_server import running_server

from api.keys import Role, create_key
from catalog.store import CatalogStore
from catalog.testing import postgres_schema_url, postgres_unreachable_reason


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/concepts.db"
        return
    if reason := postgres_unreachable_reason():
        pytest.skip(reason)
    with postgres_schema_url() as url:
        yield url


@pytest.fixture(scope="module")
def client(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with CatalogStore(database_url) as store:
        for document in plans():
            store.add_document(document)
        store.reconcile()
        key = create_key(store.engine, "Cán bộ rà soát", Role.READER)
    data: Path = tmp_path_factory.mktemp("data")
    with running_server(database_url, data, extractors="0") as base:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as opened:
            yield opened


def _poverty(client: httpx.Client) -> dict[str, object]:
    found = client.get("/v1/concepts", params={"q": "ho ngheo"}).json()
    assert found["total"] == 1, found
    item: dict[str, object] = found["items"][0]
    return item


def test_list_is_paged_and_filtered(client: httpx.Client) -> None:
    everything = client.get("/v1/concepts").json()
    assert everything["total"] == len(everything["items"]) >= 4
    titles = [c["title"] for c in everything["items"]]
    assert titles == sorted(titles)
    page = client.get("/v1/concepts", params={"limit": 2, "offset": 1}).json()
    assert page["items"] == everything["items"][1:3] and page["total"] == everything["total"]
    poverty = _poverty(client)
    assert poverty["title"] == "Dữ liệu hộ nghèo"
    assert poverty["conflict_count"] == 1 and poverty["not_listed_count"] == 1
    assert [c["title"] for c in client.get("/v1/concepts", params={"conflicts": "true"}).json()["items"]] == [
        "Dữ liệu hộ nghèo"
    ]
    shared = client.get("/v1/concepts", params={"locality": "Hoa Phu"}).json()["items"]
    assert {c["title"] for c in shared} == {"Dữ liệu người có công", "Dữ liệu trường mầm non"}
    assert {c["title"] for c in client.get("/v1/concepts", params={"unit": "kinh te"}).json()["items"]} == {
        "Dữ liệu hộ nghèo"
    }
    assert client.get("/v1/concepts", params={"gaps": "true", "q": "có công"}).json()["total"] == 0
    assert client.get("/v1/concepts", params={"min_datasets": 2}).json()["total"] == 0  # one dataset each here


def test_detail_has_datasets_publishers_coverage_and_conflicts(client: httpx.Client) -> None:
    concept_id = str(_poverty(client)["id"])
    detail = client.get(f"/v1/concepts/{concept_id}").json()
    assert [d["title"] for d in detail["datasets"]] == ["Dữ liệu hộ nghèo"]
    publishers = {p["title"] for p in detail["publishers"]}
    assert publishers == {"Phòng Kinh tế xã An Bình", "Phòng Văn hóa - Xã hội xã Tân Lập"}  # unit ids name the commune
    [coverage] = detail["coverage"]
    assert [x["locality"] for x in coverage["not_listed"]] == ["xã Hòa Phú, tỉnh Bình Lợi"]
    assert detail["conflicts"][0]["reason"].startswith("Cùng khái niệm, cấp xã")
    # The catalog names each dataset's concept, and filters by it.
    catalog = client.get("/v1/catalog", params={"concept": concept_id}).json()
    assert [(d["title"], d["concept_id"], d["concept_title"]) for d in catalog["items"]] == [
        ("Dữ liệu hộ nghèo", concept_id, "Dữ liệu hộ nghèo")
    ]
    dataset = client.get(f"/v1/catalog/{catalog['items'][0]['id']}").json()
    assert dataset["concept_id"] == concept_id


def test_errors_are_mapped_like_the_other_routes(client: httpx.Client) -> None:
    missing = client.get("/v1/concepts/cc-khong-co")
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert error["code"] == "not_found" and "khái niệm" in error["message"] and "concept" in error["message_en"]
    bad = client.get("/v1/concepts", params={"limit": 0})
    assert bad.status_code == 422 and "error" in bad.json()
    refused = httpx.get(f"{client.base_url}/v1/concepts", timeout=30)
    assert refused.status_code == 401


def test_openapi_documents_the_routes(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    listing = spec["paths"]["/v1/concepts"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"q", "locality", "unit", "conflicts", "gaps", "limit"}
    assert "404" in spec["paths"]["/v1/concepts/{concept_id}"]["get"]["responses"]
    assert {"ConceptDetail", "Coverage", "UnitConflict"} <= set(spec["components"]["schemas"])
    assert "concept" in {p["name"] for p in spec["paths"]["/v1/catalog"]["get"]["parameters"]}


def test_workspace_concept_pages(client: httpx.Client) -> None:
    concept_id = str(_poverty(client)["id"])
    key = client.headers["authorization"].removeprefix("Bearer ")
    with httpx.Client(base_url=str(client.base_url), timeout=60) as browser:
        signed = browser.post("/ui/login", data={"key": key, "next": "/ui/concepts"}, follow_redirects=False)
        assert signed.status_code == 303
        listing = browser.get("/ui/concepts", params={"all": "true", "q": "ho ngheo"})
        assert listing.status_code == 200 and f'href="/ui/concepts/{concept_id}"' in listing.text
        assert "Dữ liệu người có công" not in listing.text
        shared_only = browser.get("/ui/concepts")  # by default only concepts of two or more datasets
        assert shared_only.status_code == 200 and "0 khái niệm" in shared_only.text
        page = browser.get(f"/ui/concepts/{concept_id}")
        assert page.status_code == 200
        assert "xã Hòa Phú" in page.text and "<strong>Chưa</strong>" in page.text
        assert "Phòng Kinh tế (xã An Bình, tỉnh Bình Lợi)" in page.text
        dataset_id = page.text.split('href="/ui/datasets/', 1)[1].split('"', 1)[0]
        dataset = browser.get(f"/ui/datasets/{dataset_id}")
        assert f'href="/ui/concepts/{concept_id}"' in dataset.text  # the dataset links back to its concept
        assert browser.get("/ui/concepts/cc-khong-co").status_code == 404
