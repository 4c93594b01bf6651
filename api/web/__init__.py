"""The reviewer workspace: Vietnamese pages served by the API process itself under ``/ui``.

Same process, same store, same roles as the API: a key signs in once and a signed session cookie
carries the officer from page to page (``api.web.session``). Pages are rendered on the server with
Jinja2; a little script (no build step, served from ``static/``) adds upload progress and keyboard
review. Every asset comes from the app: no CDN.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from api.web.common import PREFIX, STATIC, BadForm, NotAllowed, SignInNeeded, login_url, redirect, render


def install_web(app: FastAPI) -> None:
    from api.web import concepts, pages, review

    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")
    app.include_router(pages.router)
    app.include_router(review.router)
    app.include_router(concepts.router)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(_request: Request, error: SignInNeeded) -> Response:
        return redirect(login_url(error.next_url))

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, error: NotAllowed) -> Response:
        from api.web.common import ROLE_LABELS

        message = (f"Việc này cần vai trò {ROLE_LABELS[error.needed.value]}; khóa của bạn có vai trò "
                   f"{ROLE_LABELS[error.has.value]}. Hãy hỏi quản trị viên nếu bạn cần quyền này.")  # fmt: skip
        return render(request, "error.html", status=403, title="Không có quyền", message=message)

    @app.exception_handler(BadForm)
    async def _bad_form(request: Request, error: BadForm) -> Response:
        return render(request, "error.html", status=400, title="Không thực hiện được", message=error.message)
