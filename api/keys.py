"""API keys: ``dm_<id>_<secret>``; only a salted SHA-256 of the secret is stored.

The secret is 32 random bytes, so a fast salted hash is as strong as a slow one here (slow
hashes protect guessable passwords) and keeps key checks cheap on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.tables import ApiKeyRow, create_tables


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
    create_tables(engine)
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


def revoke_key(engine: Engine, key_id: str) -> bool:
    with Session(engine) as session, session.begin():
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            return False
        row.revoked = True
        return True
