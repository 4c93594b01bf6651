"""OpenRefine scores that mean something, on the seed corpus catalog, and every answer checked
against the official W3C Reconciliation API 0.2 JSON Schemas (../shared/standards)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from w3c_schemas import schema_errors, schema_validator

from api.catalog_view import CatalogView
from api.reconcile_service import ReconcileQuery, ReconcileService
from api.settings import Settings
from catalog.store import CatalogStore
from matching.goldset import load_gold

ROOT = Path(__file__).resolve().parents[1]
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReconcileService]:
    folder = tmp_path_factory.mktemp("refine-corpus")
    with CatalogStore(f"sqlite:///{folder}/corpus.db") as store:
        for gold in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs"):
            store.add_document(gold.document)
        store.reconcile()
        yield ReconcileService(CatalogView(store), Settings(public_url="http://127.0.0.1:8000"))


def _batch(service: ReconcileService, queries: dict[str, ReconcileQuery]) -> dict[str, object]:
    answer = {name: result.model_dump(mode="json") for name, result in service.reconcile(queries).items()}
    errors = schema_errors("reconciliation-result-batch.json", answer)
    assert not errors, errors
    return answer


def test_the_docs_example_finds_the_poverty_dataset_first(service: ReconcileService) -> None:
    for query in ("co so du lieu ho ngheo", "Cơ sở dữ liệu hộ nghèo", "ho ngeo"):
        best = service.candidates(ReconcileQuery(query=query))[0]
        assert "nghèo" in best.name and "số hộ" not in best.name, (query, best)


def test_unrelated_titles_score_low_and_exact_titles_high(service: ReconcileService) -> None:
    for nonsense in ("xyzzy không có", "quản lý tàu vũ trụ", "abc"):
        for candidate in service.candidates(ReconcileQuery(query=nonsense, limit=10)):
            assert candidate.score <= 50, (nonsense, candidate)
    for title in ("Dữ liệu các trường Tiểu học trên địa bàn", "CSDL về hộ kinh doanh", "Dữ liệu đăng ký khai sinh"):
        best = service.candidates(ReconcileQuery(query=title))[0]
        assert best.name == title and best.score >= 95 and best.match, best
    accent_free = service.candidates(ReconcileQuery(query="du lieu dang ky khai sinh"))[0]
    assert accent_free.name == "Dữ liệu đăng ký khai sinh" and accent_free.score >= 95


def test_match_does_not_depend_on_limit(service: ReconcileService) -> None:
    queries = ["co so du lieu ho ngheo", "Dữ liệu các trường Tiểu học trên địa bàn", "khai sinh",
               "Dữ liệu lãi suất tiền gửi của các tổ chức tín dụng", "du lieu ho tich", "CSDL về du lịch"]  # fmt: skip
    for query in queries:
        ranked = {limit: service.candidates(ReconcileQuery(query=query, limit=limit)) for limit in (1, 2, 3, 10)}
        assert len({(r[0].id, r[0].score, r[0].match) for r in ranked.values()}) == 1, query


def test_answers_validate_against_the_official_schemas(service: ReconcileService) -> None:
    batch = {
        "q0": {"query": "co so du lieu ho ngheo", "type": "dataset", "type_strict": "should", "limit": 3},
        "q1": {"query": "Dữ liệu giáo viên", "limit": 2, "properties": [{"pid": "unit", "v": "Sở Giáo dục"}]},
        "q2": {"query": "xyzzy không có"},
    }
    assert schema_validator("reconciliation-query-batch.json").is_valid(batch)
    answer = _batch(service, {k: ReconcileQuery.model_validate(v) for k, v in batch.items()})
    assert set(answer) == {"q0", "q1", "q2"}
    manifest = service.manifest()
    errors = schema_errors("manifest.json", manifest)
    assert not errors, errors
