"""Who is calling: an API key from ``Authorization: Bearer`` or ``X-API-Key``, checked per request.

Verified keys are remembered for a short while so a busy reader does not cost a query per
request; revocation takes effect within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Coroutine
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ForbiddenError, InvalidKeyError, NotAuthenticatedError
from api.keys import ANONYMOUS, Principal, Role, verify_key

CACHE_SECONDS = 30.0


class KeyChecker:
    def __init__(self, engine: object, *, anonymous_reads: bool) -> None:
        self._engine = engine
        self.anonymous_reads = anonymous_reads
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def principal(self, presented: str) -> Principal | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(presented)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        found = verify_key(self._engine, presented)  # type: ignore[arg-type]
        if found is not None:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[presented] = (now, found)
        return found


def presented_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key", "").strip()


def authenticate(request: Request, needed: Role, *, allow_query_key: bool = False) -> Principal:
    presented = presented_key(request)
    if not presented and allow_query_key:
        presented = request.query_params.get("api_key", "").strip()
    return check_key(request.app.state.keys, presented, needed)


def check_key(checker: KeyChecker, presented: str, needed: Role) -> Principal:
    """The principal behind ``presented`` (may be empty) if it holds ``needed``, else 401/403."""
    if not presented:
        if needed is Role.READER and checker.anonymous_reads:
            return ANONYMOUS
        raise NotAuthenticatedError()
    principal = checker.principal(presented)
    if principal is None:
        raise InvalidKeyError()
    if not principal.allows(needed):
        raise ForbiddenError(needed.value, principal.role.value)
    return principal


def require(needed: Role) -> Callable[[Request], Coroutine[None, None, Principal]]:
    """A FastAPI dependency: the caller's principal, or 401/403.

    Async on purpose: a known key is answered from memory, and a sync dependency would cost a
    thread-pool round trip on every request.
    """

    async def dependency(request: Request) -> Principal:
        return authenticate(request, needed)

    return dependency


async def require_reader_or_query_key(request: Request) -> Principal:
    """For OpenRefine, which cannot send headers: ``?api_key=`` is accepted on /reconcile only."""
    return authenticate(request, Role.READER, allow_query_key=True)


Reader = Annotated[Principal, Depends(require(Role.READER))]
Uploader = Annotated[Principal, Depends(require(Role.UPLOADER))]
Reviewer = Annotated[Principal, Depends(require(Role.REVIEWER))]
RefineReader = Annotated[Principal, Depends(require_reader_or_query_key)]
