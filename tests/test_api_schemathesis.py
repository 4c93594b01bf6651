"""Property-based requests generated from the service's own OpenAPI schema: no input may cause a 500.

A bounded run (a few examples per operation) against a real server with an admin key, so
every route is reached past authentication; extraction workers are off (uploads stay queued).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from live_server import SyntheticEntry, running_server, seed_catalog  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from api.keys import Role, create_key  # noqa: E402
from catalog.store import CatalogStore  # noqa: E402

KEY: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder}/fuzz.db"
    with CatalogStore(url) as store:
        seed_catalog(store, [SyntheticEntry(f"Dữ liệu thử nghiệm {i}", "Sở Tư pháp", "Tư pháp", "open",
                                            "Dữ liệu mở", ("ANNUAL",)) for i in range(20)])  # fmt: skip
        KEY["admin"] = create_key(store.engine, "Fuzzer", Role.ADMIN)
    with running_server(url, folder, extractors="0") as base:
        yield schemathesis.openapi.from_url(f"{base}/openapi.json")


def test_no_server_errors(api_schema: Any) -> None:
    # Each operation gets its own bounded Hypothesis run; failures are gathered so one report names all.
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(headers={"X-API-Key": KEY["admin"]}, timeout=30)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collected and reported below
            failures.append(f"{operation.label}: {str(error)[:800]}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)
