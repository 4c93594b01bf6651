"""Keys for administrators (list, create, revoke at once), rate limits per key, unknown keys kept away
from the database (issue #15 "keys and headers", issue #16 "Role.ADMIN guards nothing")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.keys import Role, create_key, list_keys
from api.settings import Settings
from catalog.store import CatalogStore
from danhmuc.cli import app as cli


def _settings(data: Path, **overrides: object) -> Settings:
    return Settings(database_url=f"sqlite:///{data}/api.db", data_dir=data, extractors=0, workers=1, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def keys(data: Path) -> dict[Role, str]:
    with CatalogStore(_settings(data).database_url) as store:
        return {role: create_key(store.engine, f"Cán bộ {role.value}", role) for role in Role}


@pytest.fixture
def client(data: Path, keys: dict[Role, str]) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(data))) as test_client:
        yield test_client


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_admin_lists_creates_and_revokes(client: TestClient, keys: dict[Role, str]) -> None:
    listed = client.get("/v1/keys", headers=_auth(keys[Role.ADMIN]))
    assert listed.status_code == 200
    assert {k["role"] for k in listed.json()} == {r.value for r in Role}
    assert all("secret" not in str(k) and "hash" not in str(k) for k in listed.json())

    made = client.post("/v1/keys", json={"role": "reader", "owner": "OpenRefine"}, headers=_auth(keys[Role.ADMIN]))
    assert made.status_code == 201
    new_key = made.json()["key"]
    assert client.get("/v1/catalog", headers=_auth(new_key)).status_code == 200

    gone = client.delete(f"/v1/keys/{made.json()['id']}", headers=_auth(keys[Role.ADMIN]))
    assert gone.status_code == 204
    # At once, though the key was just verified and remembered by this process.
    assert client.get("/v1/catalog", headers=_auth(new_key)).status_code == 401
    assert client.delete("/v1/keys/khongco", headers=_auth(keys[Role.ADMIN])).status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.UPLOADER, Role.REVIEWER])
def test_only_an_admin_manages_keys(client: TestClient, keys: dict[Role, str], role: Role) -> None:
    assert client.get("/v1/keys", headers=_auth(keys[role])).status_code == 403
    made = client.post("/v1/keys", json={"role": "admin", "owner": "x"}, headers=_auth(keys[role]))
    assert made.status_code == 403
    assert client.get("/v1/keys").status_code == 401


def test_revocation_reaches_another_server_process_at_once(data: Path, keys: dict[Role, str]) -> None:
    """Two apps on one store and data directory stand for two server processes."""
    with TestClient(create_app(_settings(data))) as first, TestClient(create_app(_settings(data))) as second:
        reader = _auth(keys[Role.READER])
        assert first.get("/v1/flags", headers=reader).status_code == 200
        assert second.get("/v1/flags", headers=reader).status_code == 200
        key_id = keys[Role.READER].split("_")[1]
        assert first.delete(f"/v1/keys/{key_id}", headers=_auth(keys[Role.ADMIN])).status_code == 204
        assert second.get("/v1/flags", headers=reader).status_code == 401


def test_cli_revocation_reaches_a_running_server(
    data: Path, keys: dict[Role, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(data)
    with TestClient(create_app(settings)) as server:
        reader = _auth(keys[Role.READER])
        assert server.get("/v1/flags", headers=reader).status_code == 200
        monkeypatch.setenv("DANHMUC_DATA_DIR", str(data))
        result = CliRunner().invoke(cli, ["keys", "revoke", keys[Role.READER], "--database-url", settings.database_url])
        assert result.exit_code == 0, result.output
        assert server.get("/v1/flags", headers=reader).status_code == 401
    listed = CliRunner().invoke(cli, ["keys", "list", "--database-url", settings.database_url])
    assert "đã thu hồi/revoked" in listed.output and keys[Role.READER].split("_", 2)[2] not in listed.output
    with CatalogStore(settings.database_url) as store:
        assert sum(info.revoked for info in list_keys(store.engine)) == 1


def test_rate_limit_per_key_answers_429_with_retry_after(data: Path, keys: dict[Role, str]) -> None:
    with TestClient(create_app(_settings(data, rate_limit=1.0))) as server:
        answers = [server.get("/v1/flags", headers=_auth(keys[Role.READER])).status_code for _ in range(4)]
        assert answers[:2] == [200, 200] and 429 in answers[2:]
        refused = server.get("/v1/flags", headers=_auth(keys[Role.READER]))
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"]["code"] == "rate_limited"
        # Another key has its own bucket.
        assert server.get("/v1/flags", headers=_auth(keys[Role.REVIEWER])).status_code == 200


def test_unknown_keys_are_remembered_and_then_limited(
    data: Path, keys: dict[Role, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.auth

    calls: list[str] = []
    real = api.auth.verify_key

    def counting(engine: object, presented: str) -> object:
        calls.append(presented)
        return real(engine, presented)  # type: ignore[arg-type]

    monkeypatch.setattr(api.auth, "verify_key", counting)
    # Refill slower than any machine answers 30 requests: on a loaded CI host the default refill (a few
    # per second) could keep pace with the requests and the last answer would still be 401.
    monkeypatch.setattr(api.auth, "BAD_KEY_RATE", 0.01)
    with TestClient(create_app(_settings(data))) as server:
        answers = [server.get("/v1/flags", headers=_auth("dm_abc_sai")).status_code for _ in range(30)]
    assert calls.count("dm_abc_sai") == 1  # remembered as unknown, not looked up 30 times
    assert answers[0] == 401 and answers[-1] == 429
