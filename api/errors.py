"""HTTP errors of the service and the one place every failure becomes a JSON answer.

Every answer has the same shape ``{"error": {"code", "message", "message_en"}}``: ``code`` is a
stable English token for programs, ``message`` is Vietnamese for the data officer. Any
DanhmucError raised by a lower layer is mapped here by its class; nothing ever leaks a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.errors import (
    DatabaseUnreachableError,
    DatabaseUrlError,
    InvalidDecisionError,
    MigrationError,
    UnknownReferenceError,
)
from extract.errors import (
    CorruptFileError,
    DanhmucError,
    EmptyFileError,
    EncryptedFileError,
    LimitExceededError,
    UnsupportedFormatError,
)
from matching.errors import AlreadyUndoneError, ContradictoryDecisionError
from nlp.errors import OptionalDependencyError, RegistryError

log = logging.getLogger("danhmuc.api")


class ApiError(DanhmucError):
    code = "api_error"
    status = 400
    headers: dict[str, str] | None = None


class NotAuthenticatedError(ApiError):
    code = "not_authenticated"
    status = 401

    def __init__(self) -> None:
        super().__init__(
            "Cần khóa API: gửi tiêu đề 'Authorization: Bearer <khóa>' hoặc 'X-API-Key'. "
            "Quản trị viên tạo khóa bằng lệnh 'danhmuc keys create'.",
            "An API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key'. "
            "An administrator creates keys with 'danhmuc keys create'.",
        )


class InvalidKeyError(ApiError):
    code = "invalid_api_key"
    status = 401

    def __init__(self) -> None:
        super().__init__("Khóa API không đúng hoặc đã bị thu hồi.", "The API key is wrong or has been revoked.")


class RateLimitedError(ApiError):
    code = "rate_limited"
    status = 429

    def __init__(self, wait_seconds: float) -> None:
        seconds = max(1, round(wait_seconds + 0.5))
        super().__init__(
            f"Quá nhiều yêu cầu với khóa này; hãy thử lại sau {seconds} giây.",
            f"Too many requests with this key; retry in {seconds} s.",
        )
        self.headers = {"Retry-After": str(seconds)}


class ForbiddenError(ApiError):
    code = "forbidden"
    status = 403

    def __init__(self, needed: str, has: str) -> None:
        super().__init__(
            f"Khóa API có vai trò '{has}', thao tác này cần vai trò '{needed}' trở lên.",
            f"The API key has role '{has}'; this needs role '{needed}' or higher.",
        )


class NotFoundError(ApiError):
    code = "not_found"
    status = 404

    def __init__(self, what_vi: str, what_en: str, value: str) -> None:
        super().__init__(f"Không tìm thấy {what_vi} '{value}'.", f"No {what_en} '{value}'.")


class PayloadTooLargeError(ApiError):
    code = "payload_too_large"
    status = 413

    def __init__(self, limit: int) -> None:
        mib = limit / 2**20
        super().__init__(
            f"Tệp tải lên quá lớn: giới hạn {mib:g} MiB. Hãy tách tệp hoặc nhờ quản trị viên tăng giới hạn.",
            f"The upload is too large: the limit is {mib:g} MiB. Split the file or ask an administrator.",
        )


class BadUploadError(ApiError):
    code = "bad_upload"
    status = 400

    def __init__(self, detail_vi: str, detail_en: str) -> None:
        super().__init__(f"Yêu cầu tải lên không hợp lệ: {detail_vi}.", f"Invalid upload: {detail_en}.")


class InvalidParameterError(ApiError):
    code = "invalid_parameter"
    status = 422

    def __init__(self, detail_vi: str, detail_en: str) -> None:
        super().__init__(f"Tham số không hợp lệ: {detail_vi}.", f"Invalid parameter: {detail_en}.")


# Lower layers' errors by class; the most specific class listed first wins (checked by isinstance).
_STATUS_BY_CLASS: list[tuple[type[DanhmucError], int]] = [
    (ApiError, 400),  # replaced by the instance's own status below
    (EmptyFileError, 415),
    (UnsupportedFormatError, 415),
    (EncryptedFileError, 422),
    (CorruptFileError, 422),
    (LimitExceededError, 413),
    (UnknownReferenceError, 404),
    (InvalidDecisionError, 422),
    (ContradictoryDecisionError, 409),  # the earlier decision is in force: undo it first
    (AlreadyUndoneError, 409),
    (DatabaseUnreachableError, 503),
    (DatabaseUrlError, 503),
    (MigrationError, 503),
    (RegistryError, 503),  # DANHMUC_UNITS_EXTRA names a broken file: the operator must fix it
    (OptionalDependencyError, 501),
]


def status_for(error: DanhmucError) -> int:
    if isinstance(error, ApiError):
        return error.status
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 400


def error_body(code: str, message_vi: str, message_en: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message_vi, "message_en": message_en}}


def error_response(error: DanhmucError) -> JSONResponse:
    headers = error.headers if isinstance(error, ApiError) else None
    return JSONResponse(
        error_body(error.code, error.message_vi, error.message_en), status_code=status_for(error), headers=headers
    )


_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "Không có địa chỉ này. Xem danh sách tại /docs.", "No such path. See /docs."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ ở địa chỉ này.", "Method not allowed here."),
    406: ("not_acceptable", "Không trả được định dạng được yêu cầu.", "Cannot produce the requested type."),
    413: ("payload_too_large", "Nội dung gửi lên quá lớn.", "The request body is too large."),
    415: ("unsupported_media_type", "Kiểu nội dung không được hỗ trợ.", "Unsupported media type."),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DanhmucError)
    async def _danhmuc(_request: Request, error: DanhmucError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', ()))}: {item.get('msg', '')}" for item in error.errors()
        )[:1000]
        body = error_body(
            "invalid_request",
            f"Yêu cầu không hợp lệ ({problems}). Xem mô tả tại /docs.",
            f"Invalid request ({problems}). See /docs.",
        )
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, vi, en = _HTTP_MESSAGES.get(
            error.status_code, ("http_error", "Yêu cầu không thực hiện được.", str(error.detail))
        )
        return JSONResponse(error_body(code, vi, en), status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # Logged with its traceback for the operator; the client only learns that it failed.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = error_body(
            "internal_error",
            "Lỗi nội bộ của máy chủ; thao tác chưa được thực hiện. Hãy thử lại hoặc báo quản trị viên.",
            "Internal server error; nothing was changed. Retry or contact the administrator.",
        )
        return JSONResponse(body, status_code=500)


# ---------------------------------------------------------------- the error answers in the OpenAPI document

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_en"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "message_en": {"type": "string"}},
        }
    },
}  # fmt: skip
_ERROR_DESCRIPTIONS = {
    "400": "Yêu cầu sai / malformed request",
    "401": "Thiếu khóa API hoặc khóa sai / no API key, or a wrong one",
    "403": "Khóa không đủ quyền / the key's role is not enough",
    "404": "Không tìm thấy / not found",
    "409": "Mâu thuẫn với quyết định đã có / contradicts a decision in force",
    "413": "Quá lớn / too large",
    "415": "Định dạng tệp không được hỗ trợ / unsupported file format",
    "422": "Tham số hoặc nội dung không hợp lệ / invalid parameter or content",
    "429": "Quá nhiều yêu cầu; xem Retry-After / too many requests; see Retry-After",
    "503": "Cơ sở dữ liệu không trả lời / the database does not answer",
}
_OPEN_PATHS = frozenset({"/health"})


def _statuses_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, from what it takes (see the handlers above)."""
    if path in _OPEN_PATHS:
        return []
    statuses = ["401", "403", "429", "503"]  # keys and roles (api.auth), rate buckets, the store
    if operation.get("parameters") or "requestBody" in operation:
        statuses += ["404", "422"]  # an unknown id or page; a malformed value
    if "requestBody" in operation:
        statuses += ["400", "413"]  # a malformed body; a body past its limit (api.guard)
    if path == "/v1/documents" and method == "post":
        statuses += ["415"]
    if path == "/v1/reviews" and method == "post":
        statuses += ["409"]
    return statuses


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every error status an operation can answer, documented with the one error shape (in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorAnswer"] = _ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/ErrorAnswer"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses_for(path, method, operation):
                answer: dict[str, Any] = {
                    "description": _ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": reference}},
                }
                if status == "429":
                    answer["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
                responses[status] = answer  # FastAPI's own 422 describes a body this service never sends
    return schema


def install_error_documentation(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
