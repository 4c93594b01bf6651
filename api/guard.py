"""Who may send a body, and how much of it, decided before a single byte of it is read.

FastAPI reads and parses a request body (a multipart upload is spooled to disk) before the route's
key dependency runs, so without this layer an anonymous client could make the server store a 3 GiB
upload or parse a 200 MiB JSON body just to be told 401. For every request that carries a body,
this ASGI layer checks the key against the role the route needs, refuses a declared
``Content-Length`` over the route's limit at once (413), and counts a chunked body as it arrives,
stopping at the limit. Routes keep their own checks; this only moves refusal earlier.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import check_key
from api.errors import ApiError, PayloadTooLargeError, error_response
from api.keys import Role

JSON_BODY_LIMIT = 1 * 2**20  # reviews, keys: a few hundred bytes in practice
RECONCILE_BODY_LIMIT = 4 * 2**20  # OpenRefine batches of queries
MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around an uploaded file
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _route_rule(method: str, path: str, upload_limit: int) -> tuple[Role, int, bool] | None:
    """(role needed, body limit, key may come as ?api_key=) for a body-carrying route; None = not ours."""
    if path == "/v1/documents" and method == "POST":
        return Role.UPLOADER, upload_limit + MULTIPART_SLACK, False
    if path == "/v1/reviews" and method == "POST":
        return Role.REVIEWER, JSON_BODY_LIMIT, False
    if path == "/v1/keys" or path.startswith("/v1/keys/"):
        return Role.ADMIN, JSON_BODY_LIMIT, False
    if path == "/reconcile":
        return Role.READER, RECONCILE_BODY_LIMIT, True
    if path.startswith("/v1/"):
        return Role.READER, JSON_BODY_LIMIT, False
    return None


class BodyGuard:
    def __init__(self, app: ASGIApp, service: Any) -> None:
        self.app = app
        self.service = service  # the FastAPI app: its state holds the settings and the key checker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        settings = self.service.state.service.settings
        rule = _route_rule(scope["method"], scope["path"], settings.max_upload_bytes)
        if rule is None:
            await self.app(scope, receive, send)
            return
        role, limit, query_key = rule
        too_large = PayloadTooLargeError(limit - MULTIPART_SLACK if role is Role.UPLOADER else limit)  # as configured
        headers = dict(scope["headers"])
        try:
            presented = _presented(headers, scope, query_key)
            # The route charges the key's rate bucket; this check must not charge it twice.
            check_key(self.service.state.keys, presented, role, client=_client(scope), charge=False)
        except ApiError as error:
            await _answer(error, send)
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _answer(too_large, send)
            return
        seen = 0
        refused = False

        async def counted_receive() -> Message:
            # Past the limit, 413 is answered here and the app is told the client left: FastAPI would turn
            # an exception raised while it reads the body into a 400, and must not answer a second time.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    await _answer(too_large, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _presented(headers: dict[bytes, bytes], scope: Scope, query_key: bool) -> str:
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    presented = headers.get(b"x-api-key", b"").decode("latin-1").strip()
    if not presented and query_key:
        from urllib.parse import parse_qs

        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("api_key", [""])
        presented = values[0].strip()
    return presented


def _client(scope: Scope) -> str:
    client = scope.get("client") or ("",)
    return str(client[0])


async def _answer(error: ApiError, send: Send) -> None:
    response = error_response(error)
    # The body was never read: the connection is closed rather than kept for a next request.
    response.headers["connection"] = "close"
    await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})
