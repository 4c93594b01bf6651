"""Who is calling: an API key from ``Authorization: Bearer`` or ``X-API-Key``, checked per request.

Verified keys are remembered for a short while so a busy reader does not cost a query per
request. Revocation takes effect at once: revoking touches a stamp file in the data directory that
every server process checks (one ``stat`` per request); processes on other hosts, which do not share
that directory, forget a key within ``CACHE_SECONDS``. Unknown keys are remembered as unknown for the
same time, so guessing keys does not reach the database on every request, and every key (and every
client presenting bad keys) has a token bucket: past it the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ForbiddenError, InvalidKeyError, NotAuthenticatedError, RateLimitedError
from api.keys import ANONYMOUS, Principal, Role, verify_key

CACHE_SECONDS = 5.0
_CACHE_LIMIT = 10_000
BAD_KEY_RATE = 5.0  # bad keys per second and client before 429: enough for a typo, not for guessing


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by name: ``rate`` per second, up to ``burst`` at once; rate 0 turns it off."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate * 2)
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, name: str) -> float:
        """0 when the request may go on, else the seconds to wait before the next one would."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None:
                if len(self._buckets) > _CACHE_LIMIT:
                    self._buckets.clear()
                bucket = self._buckets[name] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


class KeyChecker:
    def __init__(
        self,
        engine: object,
        *,
        anonymous_reads: bool,
        stamp: Path | None = None,
        rate_per_key: float = 0.0,
    ) -> None:
        self._engine = engine
        self.anonymous_reads = anonymous_reads
        self.stamp = stamp
        self._stamp_seen: float | None = None
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()
        self.per_key = RateLimiter(rate_per_key)
        self.bad_keys = RateLimiter(BAD_KEY_RATE if rate_per_key > 0 else 0.0, burst=20.0)

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _stamp_changed(self) -> bool:
        if self.stamp is None:
            return False
        try:
            seen = os.stat(self.stamp).st_mtime_ns
        except FileNotFoundError:
            seen = 0
        changed = self._stamp_seen is not None and seen != self._stamp_seen
        self._stamp_seen = seen
        return changed

    def principal(self, presented: str) -> Principal | None:
        now = time.monotonic()
        if self._stamp_changed():
            self.forget()
        with self._lock:
            hit = self._cache.get(presented)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        found = verify_key(self._engine, presented)  # type: ignore[arg-type]
        with self._lock:
            if len(self._cache) > _CACHE_LIMIT:
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
    client = request.client.host if request.client else ""
    return check_key(request.app.state.keys, presented, needed, client=client)


def check_key(
    checker: KeyChecker, presented: str, needed: Role, *, client: str = "", charge: bool = True
) -> Principal:
    """The principal behind ``presented`` (may be empty) if it holds ``needed``, else 401/403/429."""
    if not presented:
        if needed is Role.READER and checker.anonymous_reads:
            return ANONYMOUS
        raise NotAuthenticatedError()
    principal = checker.principal(presented)
    if principal is None:
        if wait := checker.bad_keys.take(client):
            raise RateLimitedError(wait)
        raise InvalidKeyError()
    if charge and (wait := checker.per_key.take(principal.key_id)):
        raise RateLimitedError(wait)
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
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
RefineReader = Annotated[Principal, Depends(require_reader_or_query_key)]
