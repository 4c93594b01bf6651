"""Signing in once with an API key: a signed session cookie, and the CSRF token of each session.

The cookie carries the key's public id, a random session nonce and the time it was issued, signed
with HMAC-SHA256 under a secret kept in the data directory (shared by every server process that
shares the directory; created on first use, readable by the service user only). It never carries
the key's secret. Every request looks the key up again, so a revoked key or a changed role takes
effect on the next page, as it does for the API. The CSRF token is an HMAC of the session nonce:
forms carry it in a hidden field, scripts in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.keys import Principal, Role
from catalog.models import ApiKeyRow

COOKIE = "danhmuc_session"
MAX_AGE_SECONDS = 8 * 3600  # one working day: a data officer signs in once in the morning
SECRET_FILE = "web-session.key"


@dataclass(frozen=True, slots=True)
class WebSession:
    principal: Principal
    nonce: str
    issued: int


def load_secret(data_dir: Path) -> bytes:
    """The signing secret of this data directory, created at first use with owner-only permissions."""
    path = data_dir / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    temporary = data_dir / f".{SECRET_FILE}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret.hex())
    try:
        os.link(temporary, path)  # the first process to create it wins; the others read its secret
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def issue(secret: bytes, key_id: str) -> str:
    """The cookie value for a freshly signed-in key."""
    body = json.dumps({"k": key_id, "n": secrets.token_urlsafe(16), "t": int(time.time())}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_sign(secret, payload.encode())}"


def read(secret: bytes, engine: Engine, value: str) -> WebSession | None:
    """The session behind a cookie value, or None if it is forged, expired or its key was revoked."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload.encode())):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        key_id, nonce, issued = str(body["k"]), str(body["n"]), int(body["t"])
    except (ValueError, KeyError, TypeError):
        return None
    if not 0 <= time.time() - issued < MAX_AGE_SECONDS:
        return None
    with Session(engine) as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.id == key_id))
        if row is None or row.revoked:
            return None
        principal = Principal(key_id=row.id, owner=row.owner, role=Role(row.role))
    return WebSession(principal=principal, nonce=nonce, issued=issued)


def csrf_token(secret: bytes, session: WebSession) -> str:
    return _sign(secret, f"csrf:{session.nonce}".encode())


def csrf_ok(secret: bytes, session: WebSession, presented: str) -> bool:
    return bool(presented) and hmac.compare_digest(presented, csrf_token(secret, session))
