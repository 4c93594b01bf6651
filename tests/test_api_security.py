"""Security headers on every answer, and the API docs served with no third-party host (issue #15, #14)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data: Path = tmp_path_factory.mktemp("security")
    settings = Settings(database_url=f"sqlite:///{data}/api.db", data_dir=data, extractors=0, workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/health", "/v1/catalog", "/v1/flags", "/openapi.json", "/no-such-page", "/docs"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_json_answers_allow_no_script(client: TestClient) -> None:
    csp = client.get("/v1/catalog").headers["content-security-policy"]
    assert csp.startswith("default-src 'none'")


def test_docs_load_their_assets_from_the_app(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources), sources  # nothing from a CDN
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert asset.content  # the favicon is a few hundred bytes, the bundle megabytes
    assert client.get("/redoc").status_code == 404
