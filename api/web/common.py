"""What every workspace page shares: who is signed in, the CSRF check, and rendering with the page CSP."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

from api.keys import Role
from api.state import ServiceState
from api.web import session as sessions

PREFIX = "/ui"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# Pages load only their own assets: no inline script or style, no third party; forms post to us only.
WEB_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
ROLE_LABELS = {"reader": "Người xem", "uploader": "Người tải lên", "reviewer": "Người rà soát",
               "admin": "Quản trị viên"}  # fmt: skip

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)  # fmt: skip
# Raw text is kept as read (a DOCX may spell "tử" with combining marks): composed for display, since
# office fonts draw combining marks apart from their letter.
_env.filters["nfc"] = lambda text: unicodedata.normalize("NFC", str(text))


class SignInNeeded(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class BadForm(Exception):
    """A form the workspace refuses (stale CSRF token, too much at once): answered with a page, not JSON."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    def __init__(self, needed: Role, has: Role) -> None:
        self.needed, self.has = needed, has


def service(request: Request) -> ServiceState:
    found: ServiceState = request.app.state.service
    return found


def secret(request: Request) -> bytes:
    cached: bytes | None = getattr(request.app.state, "web_secret", None)
    if cached is None:
        cached = sessions.load_secret(service(request).settings.data_dir)
        request.app.state.web_secret = cached
    return cached


def current(request: Request) -> sessions.WebSession | None:
    value = request.cookies.get(sessions.COOKIE, "")
    return sessions.read(secret(request), service(request).store.engine, value) if value else None


def need(request: Request, role: Role) -> sessions.WebSession:
    """The signed-in session holding ``role``; otherwise the sign-in page, or a 403 page."""
    found = current(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target)
    if not found.principal.allows(role):
        raise NotAllowed(role, found.principal.role)
    return found


class UploadTooLarge(Exception):
    """A file of the form past the per-file limit, or the whole body past its limit: reading stopped there."""

    def __init__(self, filename: str, limit: int) -> None:
        super().__init__(filename)
        self.filename, self.limit = filename, limit


class _BoundedParser(MultiPartParser):
    """Starlette's parser, stopping as soon as one file passes ``file_limit`` bytes: a chunked body
    declares no length, and without this the whole file would be spooled to disk before its size is known.
    (``_current_part`` is Starlette's own attribute; tests/test_api_guard.py fails if it changes.)"""

    def __init__(self, *args: Any, file_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file_limit, self._file_bytes = file_limit, 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._file_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if (upload := self._current_part.file) is not None:
            self._file_bytes += end - start
            if self._file_bytes > self._file_limit:
                raise UploadTooLarge(upload.filename or "", self._file_limit)
        super().on_part_data(data, start, end)


async def _counted(stream: AsyncGenerator[bytes, None], limit: int) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise UploadTooLarge("", limit)
        yield chunk


async def bounded_form(request: Request, *, file_limit: int, body_limit: int, **limits: int) -> FormData:
    """The form, read with each file held to ``file_limit`` bytes and the body to ``body_limit``, whether
    or not the client declared a length; raises UploadTooLarge the moment either is passed."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return await request.form(**limits)
    stream = _counted(request.stream(), body_limit)
    try:
        form = await _BoundedParser(request.headers, stream, file_limit=file_limit, **limits).parse()
    except MultiPartException as error:
        raise BadForm(f"Biểu mẫu gửi lên không đúng định dạng ({error.message}).") from None
    finally:
        await stream.aclose()
    return form


async def need_post(
    request: Request, role: Role, *, file_limit: int | None = None, body_limit: int | None = None, **limits: int
) -> tuple[sessions.WebSession, FormData]:
    """For a form POST: the session, checked before the body is read, then the form with a valid CSRF token.
    With ``file_limit``, files and the body are held to their limits as they arrive (``bounded_form``)."""
    found = need(request, role)
    if file_limit is not None:
        form = await bounded_form(request, file_limit=file_limit, body_limit=body_limit or 20 * file_limit, **limits)
    else:
        form = await request.form(**limits)
    presented = str(form.get("csrf", "") or request.headers.get("x-csrf-token", ""))
    if not sessions.csrf_ok(secret(request), found, presented):
        raise BadForm("Biểu mẫu đã cũ hoặc không hợp lệ; hãy tải lại trang rồi làm lại.")
    return found, form


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    who = current(request) if "who" not in context else context.pop("who")
    page = _env.get_template(template).render(
        who=who, role_label=ROLE_LABELS.get(who.principal.role.value, "") if who else "",
        csrf=sessions.csrf_token(secret(request), who) if who else "", path=request.url.path,
        can=lambda role: bool(who and who.principal.allows(Role(role))), **context,
    )  # fmt: skip
    return HTMLResponse(page, status_code=status, headers=page_headers())


def page_headers() -> dict[str, str]:
    return {"Content-Security-Policy": WEB_CSP, "Cache-Control": "no-store"}


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=page_headers())


def login_url(next_url: str) -> str:
    return f"{PREFIX}/login?next={quote(next_url, safe='')}"


def safe_next(value: str) -> str:
    """Only a path of this workspace: a sign-in link must not send the officer elsewhere."""
    return value if value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value else PREFIX
