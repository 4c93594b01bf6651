"""API reads on a reconciled store: ``GET /v1/catalog/{id}`` and ``GET /v1/flags``, p50 and p99.

One server process (``tests/live_server.py::running_server``, as ``benchmarks/bench_api.py`` starts it), no
extraction workers, one client in a closed loop: what one reviewer waits for, not throughput. The
first request of each endpoint is timed apart ("first": the server builds its views then); then up
to ``requests`` requests or ``seconds`` seconds per endpoint, whichever ends first (at least 3).
Dataset ids are drawn at random from the store; flag pages at random offsets.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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


def _loop(
    client: httpx.Client, targets: list[str], requests: int, seconds: float, save: Callable[[dict[str, float]], None]
) -> dict[str, float]:
    """Time the requests; ``save`` gets the figures so far after each one (a step killed by its time
    limit keeps what it measured)."""
    first = _timed(client, targets[0])
    times: list[float] = []
    figures = {**_percentiles([first]), "first_ms": round(first * 1000, 1), "n": 0}
    save(figures)
    stop_at = time.monotonic() + seconds
    for target in targets[1 : requests + 1]:
        if len(times) >= MIN_REQUESTS and time.monotonic() > stop_at:
            break
        times.append(_timed(client, target))
        figures = {**_percentiles(times), "first_ms": round(first * 1000, 1)}
        save(figures)
    return figures


def measure_api(database: str, requests: int, seconds: float, out: Path) -> dict[str, dict[str, float]]:
    """Flags first (cheaper), then dataset reads; the figures so far are in ``out`` (JSON) after every request."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test scaffolding (needs httpx)
    from live_server import running_server

    from api.keys import Role, create_key
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
        found: dict[str, dict[str, float]] = {}

        def saver(name: str) -> Callable[[dict[str, float]], None]:
            def save(figures: dict[str, float]) -> None:
                found[name] = {**figures, **({"flags_in_store": flags} if name == "flags" else {})}
                out.write_text(json.dumps(found, indent=2), encoding="utf-8")

            return save

        _loop(client, pages, requests, seconds, saver("flags"))
        _loop(client, [f"/v1/catalog/{dataset}" for dataset in ids], requests, seconds, saver("catalog"))
    return found
