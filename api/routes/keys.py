"""Key management for administrators: list, create, revoke (``Role.ADMIN``).

A key's secret is shown once, in the answer that creates it; listings show the public id only.
Revocation is immediate for every server process that shares the data directory (see ``api.auth``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import Admin
from api.errors import NotFoundError
from api.keys import Role, create_key, key_id_of, list_keys, revoke_key
from api.state import State

router = APIRouter(prefix="/v1", tags=["keys"])


class KeyView(BaseModel):
    id: str
    owner: str
    role: Role
    created_at: datetime
    revoked: bool


class NewKeyRequest(BaseModel):
    role: Role
    owner: str = Field(min_length=1, max_length=200)


class NewKey(KeyView):
    key: str = Field(description="Khóa đầy đủ, chỉ hiện một lần / the full key, shown once")


@router.get("/keys", summary="Danh sách khóa API / list API keys", response_model=list[KeyView])
def keys_list(_: Admin, state: State) -> list[KeyView]:
    return [KeyView(**asdict(info)) for info in list_keys(state.store.engine)]


@router.post(
    "/keys",
    status_code=201,
    summary="Tạo khóa API / create an API key",
    response_model=NewKey,
    responses={422: {"description": "Vai trò hoặc chủ khóa không hợp lệ / invalid role or owner"}},
)
def keys_create(request: NewKeyRequest, _: Admin, state: State) -> NewKey:
    key = create_key(state.store.engine, request.owner.strip(), request.role)
    info = next(i for i in list_keys(state.store.engine) if i.id == key_id_of(key))
    return NewKey(**asdict(info), key=key)


@router.delete(
    "/keys/{key_id}",
    status_code=204,
    summary="Thu hồi khóa API / revoke an API key",
    response_class=Response,
    responses={404: {"description": "Không có khóa này / no such key"}},
)
def keys_revoke(
    _: Admin, state: State, key_id: str = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
) -> Response:
    if not revoke_key(state.store.engine, key_id, stamp=state.settings.keys_stamp):
        raise NotFoundError("khóa API", "API key", key_id)
    return Response(status_code=204)

