"""Keys and sizes are checked before a request body is read (issue #15 "before authentication").

A real uvicorn server, spoken to over raw sockets so a test can send the headers and only a small
part of the body: the answer must come back without the server waiting for (or storing) the rest.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import running_server

from api.keys import Role, create_key
from catalog.store import CatalogStore

MIB = 2**20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[Role, str]]]:
    data = tmp_path_factory.mktemp("guard")
    url = f"sqlite:///{data}/guard.db"
    with CatalogStore(url) as store:
        keys = {role: create_key(store.engine, role.value, role) for role in Role}
    with running_server(url, data, extractors="0", max_upload_bytes=str(MIB)) as base:
        yield base, keys


def _exchange(base: str, head: str, body_part: bytes, *, seconds: float = 10.0) -> tuple[int, dict[str, str], float]:
    """Send ``head`` and ``body_part`` (the start of a body that is never finished); the status, headers and
    how long the answer took."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=seconds) as sock:
        sock.sendall(head.encode("latin-1") + body_part)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    elapsed = time.monotonic() - started
    status_line, *header_lines = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, elapsed


def _head(method: str, path: str, headers: dict[str, str]) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return "\r\n".join(lines) + "\r\n\r\n"


def test_anonymous_chunked_upload_is_refused_before_its_body(server: tuple[str, dict[Role, str]]) -> None:
    base, _ = server
    head = _head("POST", "/v1/documents", {
        "Transfer-Encoding": "chunked", "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    first_chunk = f"{MIB:x}\r\n".encode() + b"a" * MIB + b"\r\n"  # of a body announced as endless
    status, _, elapsed = _exchange(base, head, first_chunk)
    assert status == 401 and elapsed < 5


def test_declared_size_over_the_limit_is_refused_without_waiting_for_the_body(
    server: tuple[str, dict[Role, str]],
) -> None:
    base, keys = server
    head = _head("POST", "/v1/documents", {
        "Authorization": f"Bearer {keys[Role.UPLOADER]}", "Content-Length": str(10 * 2**30),
        "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    status, headers, elapsed = _exchange(base, head, b"")
    assert status == 413 and elapsed < 5
    assert headers.get("connection") == "close"


def test_chunked_upload_past_the_limit_stops_at_the_limit(server: tuple[str, dict[Role, str]]) -> None:
    base, keys = server
    head = _head("POST", "/v1/documents", {
        "Authorization": f"Bearer {keys[Role.UPLOADER]}", "Transfer-Encoding": "chunked",
        "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
    pieces = [part, *(b"b" * (MIB // 4) for _ in range(6))]  # a well-formed start, 1.5 MiB of file, no end
    body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces)
    status, _, elapsed = _exchange(base, head, body)
    assert status == 413 and elapsed < 5


def test_anonymous_large_json_review_is_refused_before_parsing(server: tuple[str, dict[Role, str]]) -> None:
    base, keys = server
    body = json.dumps({"kind": "dismiss_flag", "flag_id": "x", "reason": "a" * (8 * MIB)}).encode()
    head = _head("POST", "/v1/reviews", {"Content-Type": "application/json", "Content-Length": str(len(body))})
    status, _, elapsed = _exchange(base, head, body[:1024])
    assert status == 401 and elapsed < 5
    # A reader may not decide, whatever the body: refused before it is read too.
    head = _head("POST", "/v1/reviews", {
        "Authorization": f"Bearer {keys[Role.READER]}", "Content-Type": "application/json",
        "Content-Length": str(len(body))})  # fmt: skip
    assert _exchange(base, head, body[:1024])[0] == 403
    # A reviewer's oversized body is 413 before it is read.
    head = _head("POST", "/v1/reviews", {
        "Authorization": f"Bearer {keys[Role.REVIEWER]}", "Content-Type": "application/json",
        "Content-Length": str(len(body))})  # fmt: skip
    assert _exchange(base, head, body[:1024])[0] == 413


def test_normal_requests_still_pass(server: tuple[str, dict[Role, str]], tmp_path: Path) -> None:
    import httpx

    base, keys = server
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {keys[Role.ADMIN]}"}) as client:
        assert client.post("/v1/keys", json={"role": "reader", "owner": "x"}).status_code == 201
        answer = client.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "hộ nghèo"}})})
        assert answer.status_code == 200
        anonymous = httpx.post(f"{base}/reconcile", data={"queries": "{}"})
        assert anonymous.status_code == 401
        with_query_key = httpx.post(f"{base}/reconcile?api_key={keys[Role.READER]}", data={"queries": "{}"})
        assert with_query_key.status_code == 200


def _web_session(base: str, key: str) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a workspace session signed in with ``key``."""
    import re

    import httpx

    with httpx.Client(base_url=base) as client:
        assert client.post("/ui/login", data={"key": key, "next": "/ui/upload"}).status_code == 303
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/ui/upload").text)
        assert found is not None
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return cookie, found.group(1)


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_workspace_chunked_upload_stops_at_the_per_file_limit(server: tuple[str, dict[Role, str]], accept: str) -> None:
    """/ui/upload with no declared length: the file is refused when it passes the per-file limit (1 MiB
    here), while the client is still sending, not after the whole body was spooled to disk."""
    base, keys = server
    cookie, csrf = _web_session(base, keys[Role.UPLOADER])
    head = _head("POST", "/ui/upload", {
        "Cookie": cookie, "Accept": accept, "Transfer-Encoding": "chunked",
        "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    fields = f'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()
    part = '--x\r\nContent-Disposition: form-data; name="files"; filename="Kế hoạch.txt"\r\n\r\n'.encode()
    pieces = [fields + part, *(b"b" * (MIB // 4) for _ in range(6))]  # 1.5 MiB of the file, no end
    body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces)
    status, headers, elapsed = _exchange(base, head, body)
    assert status == 413 and elapsed < 5
    assert headers.get("connection") == "close"
