"""API reads on a reconciled store: ``GET /v1/catalog/{id}`` and ``GET /v1/flags``, p50 and p99.

One server process (``api.testing.running_server``, as ``benchmarks/bench_api.py`` starts it), no
extraction workers, one client in a closed loop: what one reviewer waits for, not throughput. The
first request of each endpoint is timed apart ("first": the server builds its views then); then up
to ``requests`` requests or ``seconds`` seconds per endpoint, whichever ends first (at least 3).
Dataset ids are drawn at random from the store; flag pages at random offsets.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

REQUEST_TIMEOUT = 600.0
MIN_REQUESTS = 3


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, math_ceil(len(ordered) * 0.99) - 1)]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1), "p99_ms": round(p99 * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}  # fmt: skip


def math_ceil(value: float) -> int:
    whole = int(value)
    return whole if whole == value else whole + 1


def _timed(client: httpx.Client, target: str) -> float:
    started = time.perf_counter()
    response = client.get(target)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {target}: {response.status_code} {response.text[:200]}")
    return elapsed


def _loop(client: httpx.Client, targets: list[str], requests: int, seconds: float) -> dict[str, float]:
    first = _timed(client, targets[0])
    times: list[float] = []
    stop_at = time.monotonic() + seconds
    for target in targets[1 : requests + 1]:
        if len(times) >= MIN_REQUESTS and time.monotonic() > stop_at:
            break
        times.append(_timed(client, target))
    return {**_percentiles(times or [first]), "first_ms": round(first * 1000, 1)}


def measure_api(database: str, requests: int, seconds: float) -> dict[str, dict[str, float]]:
    from api.keys import Role, create_key
    from api.testing import running_server
    from catalog.models import DatasetRow, FlagRow
    from catalog.store import CatalogStore

    rng = random.Random(13)
    with CatalogStore(database) as store:
        key = create_key(store.engine, "bench-scale", Role.READER)
        with store.snapshot() as session:
            ids = list(session.scalars(select(DatasetRow.id).order_by(func.random()).limit(requests + 1)))
            flags = session.scalar(select(func.count()).select_from(FlagRow)) or 0
    if not ids:
        raise SystemExit("no dataset in the store: reconcile first")
    ids = [ids[rng.randrange(len(ids))] for _ in range(requests + 1)]
    pages = [f"/v1/flags?limit=50&offset={rng.randrange(0, max(1, flags - 50)) if flags > 50 else 0}"
             for _ in range(requests + 1)]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-scale-api-") as folder, \
            running_server(database, Path(folder), extractors="0", startup_seconds=600.0) as base, \
            httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=REQUEST_TIMEOUT) as client:  # fmt: skip
        catalog = _loop(client, [f"/v1/catalog/{dataset}" for dataset in ids], requests, seconds)
        flag_pages = _loop(client, pages, requests, seconds)
    return {"catalog": catalog, "flags": {**flag_pages, "flags_in_store": flags}}
