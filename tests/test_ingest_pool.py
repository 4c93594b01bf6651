"""The ingest's workers come warm from the fork server (catalog/ingest_pool.py), with the writer's environment."""

from __future__ import annotations

import os
import sys

import pytest

from catalog.ingest_pool import pool, start_warm_server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is POSIX")


def test_workers_read_the_environment_of_their_pool_not_of_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    start_warm_server()  # started now (or earlier in this process), without the variable below
    monkeypatch.setenv("DANHMUC_INGEST_POOL_PROBE", "set after the server started")
    with pool(1) as executor:
        assert executor.submit(os.getenv, "DANHMUC_INGEST_POOL_PROBE").result() == "set after the server started"


def test_workers_are_forked_from_the_server_not_from_the_writer() -> None:
    with pool(2) as executor:
        parents = {executor.submit(os.getppid).result() for _ in range(4)}
    assert os.getpid() not in parents  # nothing of the writer's state (connections, threads) is inherited
