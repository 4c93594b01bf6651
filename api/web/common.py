"""What every workspace page shares: who is signed in, the CSRF check, and rendering with the page CSP."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

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


async def need_post(request: Request, role: Role, **limits: int) -> tuple[sessions.WebSession, FormData]:
    """For a form POST: the session, checked before the body is read, then the form with a valid CSRF token."""
    found = need(request, role)
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
