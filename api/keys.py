"""API keys: ``dm_<id>_<secret>``; only a salted SHA-256 of the secret is stored.

The secret is 32 random bytes, so a fast salted hash is as strong as a slow one here (slow
hashes protect guessable passwords) and keeps key checks cheap on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from catalog.models import ApiKeyRow


class Role(StrEnum):
    READER = "reader"
    UPLOADER = "uploader"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    owner: str
    role: Role

    def allows(self, needed: Role) -> bool:
        return self.role.rank >= needed.rank


ANONYMOUS = Principal(key_id="", owner="anonymous", role=Role.READER)


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def create_key(engine: Engine, owner: str, role: Role) -> str:
    """Store a new key and return it in full; it is shown once and never again."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    with Session(engine) as session, session.begin():
        session.add(
            ApiKeyRow(id=key_id, owner=owner, role=role.value, salt=salt, secret_hash=_digest(salt, secret),
                      created_at=datetime.now(UTC), revoked=False)
        )  # fmt: skip
    return f"dm_{key_id}_{secret}"


def verify_key(engine: Engine, presented: str) -> Principal | None:
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "dm":
        return None
    _, key_id, secret = parts
    with Session(engine) as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.id == key_id))
        if row is None or row.revoked:
            return None
        if not hmac.compare_digest(row.secret_hash, _digest(row.salt, secret)):
            return None
        return Principal(key_id=row.id, owner=row.owner, role=Role(row.role))


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What an administrator may see of a key: never its secret or hash."""

    id: str
    owner: str
    role: Role
    created_at: datetime
    revoked: bool


def list_keys(engine: Engine) -> list[KeyInfo]:
    with Session(engine) as session:
        rows = session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)).all()
        return [KeyInfo(r.id, r.owner, Role(r.role), r.created_at, r.revoked) for r in rows]


def key_id_of(presented: str) -> str:
    """The public id of a key as presented (``dm_<id>_<secret>``), or of an id given alone."""
    parts = presented.strip().split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "dm" else presented.strip()


def revoke_key(engine: Engine, key_id: str, *, stamp: Path | None = None) -> bool:
    """Mark the key revoked; False when there is no such key. ``stamp`` is touched so that every server
    process sharing the data directory drops its remembered keys on its next request."""
    with Session(engine) as session, session.begin():
        row = session.get(ApiKeyRow, key_id_of(key_id))
        if row is None:
            return False
        row.revoked = True
    if stamp is not None:
        touch_stamp(stamp)
    return True


def touch_stamp(stamp: Path) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(str(time.time_ns()), encoding="ascii")
