"""Workspace pages for everyone signed in: sign-in, catalog, documents and their sources, uploads and jobs."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.catalog_view import CatalogQuery
from api.guard import MULTIPART_SLACK
from api.keys import Role, verify_key
from api.routes.documents import _check_content
from api.routes.exports import export_response
from api.state import ServiceState
from api.web import common, sources, views
from api.web import session as sessions
from api.web.common import PREFIX, need, need_post, redirect, render, service
from catalog.exports import FILE_NAMES, ExportFormat
from catalog.exports.view import fold
from extract.errors import DanhmucError
from extract.model import Document
from extract.pdf.native import PDFIUM_LOCK
from nlp.collation import sort_key

router = APIRouter(prefix=PREFIX, include_in_schema=False)

PAGE_SIZE = 50
ZIP_MEMBERS = 200  # files in one ZIP
STAGES = {"queued": "Đang chờ", "starting": "Bắt đầu", "extracting": "Đang trích xuất", "storing": "Đang lưu",
          "reconciling": "Đang hợp nhất danh mục", "done": "Xong", "failed": "Lỗi"}  # fmt: skip
SHARING = {"open": "Dữ liệu mở", "default": "Chia sẻ mặc định", "on_request": "Chia sẻ theo yêu cầu",
           "by_regulation": "Theo quy định", "role_based": "Theo vai trò", "internal": "Nội bộ",
           "restricted": "Hạn chế"}  # fmt: skip
FREQUENCY = {"ANNUAL": "Hằng năm", "ANNUAL_2": "Nửa năm", "QUARTERLY": "Hằng quý", "MONTHLY": "Hằng tháng",
             "WEEKLY": "Hằng tuần", "DAILY": "Hằng ngày", "CONT": "Liên tục", "IRREG": "Không định kỳ",
             "UPDATE_CONT": "Cập nhật liên tục", "OTHER": "Khác", "UNKNOWN": "Không rõ"}  # fmt: skip
_page_counts: dict[str, int] = {}


# ------------------------------------------------------------------ sign-in


@router.get("")
def home(request: Request) -> Response:
    return redirect(f"{PREFIX}/catalog" if common.current(request) else f"{PREFIX}/login")


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:  # noqa: A002
    return render(request, "login.html", who=None, next=common.safe_next(next), error="")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=4)
    presented, target = str(form.get("key", "")).strip(), common.safe_next(str(form.get("next", "")))
    client = request.client.host if request.client else ""
    checker = request.app.state.keys
    principal = await asyncio.to_thread(verify_key, service(request).store.engine, presented) if presented else None
    if principal is None:
        wait = checker.bad_keys.take(client)
        message = (f"Thử lại sau {round(wait + 0.5)} giây." if wait else
                   "Khóa không đúng hoặc đã bị thu hồi. Hãy kiểm tra lại hoặc hỏi quản trị viên.")  # fmt: skip
        return render(request, "login.html", status=401, who=None, next=target, error=message)
    answer = redirect(target)
    answer.set_cookie(sessions.COOKIE, sessions.issue(common.secret(request), principal.key_id),
                      max_age=sessions.MAX_AGE_SECONDS, httponly=True, samesite="strict", path=PREFIX,
                      secure=request.url.scheme == "https")  # fmt: skip
    return answer


@router.post("/logout")
async def logout(request: Request) -> Response:
    await need_post(request, Role.READER)
    answer = redirect(f"{PREFIX}/login")
    answer.delete_cookie(sessions.COOKIE, path=PREFIX)
    return answer


# ------------------------------------------------------------------ catalog


@router.get("/catalog")
def catalog_page(
    request: Request,
    q: Annotated[str, Query(max_length=300)] = "",
    unit: Annotated[str, Query(max_length=300)] = "",
    locality: Annotated[str, Query(max_length=300)] = "",
    sharing: Annotated[str, Query(max_length=40)] = "",
    frequency: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    who = need(request, Role.READER)
    state = service(request)
    snapshot = state.catalog.snapshot()
    # Both sides folded: "ho ngheo", "hộ nghèo" and "Hộ Nghèo" find the same datasets.
    query = CatalogQuery(q=fold(q.strip()), unit=fold(unit.strip()), sharing=sharing, frequency=frequency,
                         locality=locality)  # fmt: skip
    total, found = snapshot.listed(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    localities = sorted(snapshot.localities(), key=sort_key)
    return render(
        request, "catalog.html", who=who, datasets=found, total=total,
        page=page, pages=pages, q=q, unit=unit, locality=locality, sharing=sharing, frequency=frequency,
        localities=localities, sharing_labels=SHARING, frequency_labels=FREQUENCY,
        formats=[(f.value, FILE_NAMES[f]) for f in ExportFormat],
    )  # fmt: skip


@router.get("/export")
def export(request: Request, format: ExportFormat = ExportFormat.CSV) -> Response:  # noqa: A002
    need(request, Role.READER)
    state = service(request)
    last = state.store.last_reconciliation() if format is ExportFormat.DCAT else None
    return export_response(state, format, {"Content-Disposition": f'attachment; filename="{FILE_NAMES[format]}"'},
                           modified=last.created_at if last else None)  # fmt: skip


# ------------------------------------------------------------------ documents


@router.get("/documents")
def documents_page(request: Request) -> Response:
    who = need(request, Role.READER)
    listed = sorted(service(request).store.list_documents(), key=lambda d: sort_key(d.title or d.source))
    return render(request, "documents.html", who=who, documents=listed)


def _document(state: ServiceState, document_id: str) -> Document:
    document = state.store.get(document_id[:64])
    if document is None:
        raise LookupError(document_id)
    return document


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: str) -> Response:
    who = need(request, Role.READER)
    state = service(request)
    try:
        document = _document(state, document_id)
    except LookupError:
        return render(request, "error.html", status=404, who=who, title="Không tìm thấy tài liệu",
                      message="Không có tài liệu này (có thể mã tài liệu sai).")  # fmt: skip
    flags = state.store.flags(document=document.sha256)
    datasets = state.catalog.datasets_of_document(document.sha256)
    return render(request, "document.html", who=who, d=document, flags=flags, datasets=datasets,
                  paged=views.is_paged(document))  # fmt: skip


@router.get("/documents/{document_id}/rows/{table}/{row}")
def row_source(request: Request, document_id: str, table: int, row: int) -> Response:
    """One catalog row beside its source: the page image (PDF, scan) or its table row (DOCX, text)."""
    who = need(request, Role.READER)
    state = service(request)
    try:
        document = _document(state, document_id)
    except LookupError:
        return render(request, "error.html", status=404, who=who, title="Không tìm thấy tài liệu", message="")
    entry = views.entry_of(document, table, row)
    if entry is None:
        return render(request, "error.html", status=404, who=who, title="Không tìm thấy dòng",
                      message=f"Tài liệu không có dòng {row} của bảng {table}.")  # fmt: skip
    highlight = ""
    if views.is_paged(document) and entry.provenance.page:
        try:
            highlight = sources.render_page(state, document, entry.provenance.page, entry).highlight
        except LookupError:
            highlight = "missing"
    source_table, cells = views.table_rows_of(document, entry)
    return render(request, "row.html", who=who, d=document, entry=entry, highlight=highlight,
                  table=source_table, cells=cells, where=views.where(entry.provenance))  # fmt: skip


@router.get("/documents/{document_id}/pages/{page}.png")
def page_image(request: Request, document_id: str, page: int, row: str = "", crop: bool = False) -> Response:
    need(request, Role.READER)
    state = service(request)
    try:
        document = _document(state, document_id)
        table, _, number = row.partition(":")
        entry = views.entry_of(document, int(table), int(number)) if table.isdigit() and number.isdigit() else None
        image = sources.render_page(state, document, page, entry)
    except LookupError:
        return Response(status_code=404)
    return Response(image.cropped() if crop else image.png, media_type="image/png",
                    headers={"X-Highlight": image.highlight, "Cache-Control": "private, max-age=300"})  # fmt: skip


# ------------------------------------------------------------------ upload and jobs


def _unpack(name: str, data: bytes, limit: int) -> list[tuple[str, bytes | str]]:
    """The files of a ZIP (path inside it, bytes) or, per bad member, the reason in Vietnamese."""
    found: list[tuple[str, bytes | str]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [(name, "Tệp ZIP bị hỏng, không mở được.")]
    members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")
               and not m.filename.rsplit("/", 1)[-1].startswith(".")]  # fmt: skip
    if len(members) > ZIP_MEMBERS:
        return [(name, f"Tệp ZIP có {len(members)} tệp, quá giới hạn {ZIP_MEMBERS} tệp một lần.")]
    for member in members:
        inner = f"{name}/{member.filename}"
        if member.file_size > limit:
            found.append((inner, f"Tệp quá lớn ({member.file_size // 2**20} MiB; tối đa {limit // 2**20} MiB)."))
            continue
        try:
            found.append((inner, archive.read(member)))
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
            found.append((inner, "Không giải nén được tệp này (hỏng hoặc có mật khẩu)."))
    return found


def _submit(state: ServiceState, path: str, data: bytes, owner: str) -> dict[str, str]:
    filename = path.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    if ".." in path.split("/"):
        return {"file": path, "error": "Đường dẫn không hợp lệ."}
    try:
        _check_content(data, filename)
        job, _new = state.jobs.submit_upload(data, filename, path.lstrip("/"), owner)
    except DanhmucError as error:
        return {"file": path, "error": error.message_vi}
    return {"file": path, "job": job.id}


@router.post("/upload")
async def upload(request: Request) -> Response:
    """Files, a folder's files or ZIPs; with ``Accept: application/json`` (one file per request, from the
    page script) the answer is JSON, else the jobs page of everything sent."""
    state = service(request)
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    who = need(request, Role.UPLOADER)  # before a byte of the body is read
    if declared.isdigit() and int(declared) > 20 * limit:
        raise common.BadForm(f"Gửi quá nhiều dữ liệu một lần (tối đa {20 * limit // 2**20} MiB).")
    try:
        who, form = await need_post(request, Role.UPLOADER, file_limit=limit, body_limit=20 * limit + MULTIPART_SLACK,
                                    max_files=1000, max_fields=1100)  # fmt: skip
    except common.UploadTooLarge as error:
        return _too_large(request, who, error)
    results: list[dict[str, str]] = []
    paths = [str(p) for p in form.getlist("paths")]
    for index, upload_file in enumerate(form.getlist("files")):
        if isinstance(upload_file, str):
            continue
        path = (paths[index] if index < len(paths) and paths[index] else upload_file.filename) or "upload"
        data = await upload_file.read(limit + 1)
        if len(data) > limit:
            results.append({"file": path, "error": f"Tệp quá lớn (tối đa {limit // 2**20} MiB)."})
            continue
        if path.lower().endswith(".zip"):
            for inner, content in _unpack(path, data, limit):
                results.append({"file": inner, "error": content} if isinstance(content, str)
                               else await asyncio.to_thread(_submit, state, inner, content, who.principal.owner))
            continue
        results.append(await asyncio.to_thread(_submit, state, path, data, who.principal.owner))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(results, headers=common.page_headers())
    if not results:
        return render(request, "upload.html", status=400, who=who, error="Chưa chọn tệp nào.")
    ids = ",".join(r["job"] for r in results if r.get("job"))
    return render(request, "jobs.html", who=who, results=_with_state(state, results), ids=ids)


def _too_large(request: Request, who: sessions.WebSession, error: common.UploadTooLarge) -> Response:
    """413 at the moment a file (or the whole body) passed its limit; the rest is never read, so the
    connection is closed rather than kept."""
    if error.filename:
        message = f"Tệp quá lớn (tối đa {error.limit // 2**20} MiB); phần còn lại không được nhận."
    else:
        message = f"Gửi quá nhiều dữ liệu một lần (tối đa {error.limit // 2**20} MiB)."
    if "application/json" in request.headers.get("accept", ""):
        answer: Response = JSONResponse([{"file": error.filename, "error": message}], status_code=413,
                                        headers=common.page_headers())  # fmt: skip
    else:
        answer = render(request, "upload.html", status=413, who=who, error=f"{error.filename}: {message}".lstrip(": "))
    answer.headers["connection"] = "close"
    return answer


@router.get("/upload")
def upload_page(request: Request) -> Response:
    who = need(request, Role.UPLOADER)
    return render(request, "upload.html", who=who, error="")


def _pages(state: ServiceState, sha256: str, filename: str) -> int:
    """Pages of an uploaded PDF, read once from its bytes (0 when not a PDF or unreadable)."""
    if sha256 in _page_counts:
        return _page_counts[sha256]
    count = 0
    if filename.lower().endswith(".pdf"):
        data = state.blobs.get(sha256)
        if data is not None:
            import pypdfium2

            try:
                with PDFIUM_LOCK:
                    pdf = pypdfium2.PdfDocument(data)
                    count = len(pdf)
                    pdf.close()
            except Exception:  # noqa: BLE001 - a PDF the extractor will refuse: it says why
                count = 0
    _page_counts[sha256] = count
    return count


def _job_state(state: ServiceState, job_id: str) -> dict[str, object] | None:
    job = state.jobs.get(job_id)
    if job is None:
        return None
    done = job.status == "succeeded"
    # The reader's own count once extraction started; before that (queued), or for content stored
    # already (never read again), the PDF's page count read from the upload.
    pages = job.pages_total or _pages(state, job.document_id, job.filename)
    pages_done = pages if done else min(job.pages_done, pages)
    progress = job.progress
    if job.stage == "extracting" and job.pages_total:  # the bar moves with the pages: 0.1 → 0.8
        progress = max(progress, 0.1 + 0.7 * job.pages_done / job.pages_total)
    return {
        "id": job.id, "status": job.status, "stage": STAGES.get(job.stage, job.stage),
        "progress": round(progress, 2), "pages": pages, "pages_done": pages_done,
        "pages_text": f"trang {pages_done}/{pages}" if pages else "",
        "document": f"{PREFIX}/documents/{job.document_id}" if done else "",
        "error": job.error_message.split(" / ", 1)[0] if job.status == "failed" else "",
    }  # fmt: skip


@router.get("/jobs.json")
def jobs_json(request: Request, ids: Annotated[str, Query(max_length=40_000)] = "") -> Response:
    need(request, Role.READER)
    state = service(request)
    found = [_job_state(state, job_id) for job_id in [i for i in ids.split(",") if i][:1000]]
    return JSONResponse([job for job in found if job is not None], headers=common.page_headers())


@router.get("/jobs")
def jobs_page(request: Request, ids: Annotated[str, Query(max_length=40_000)] = "") -> Response:
    """The progress of some jobs; without JavaScript, reloading this page is how progress is followed."""
    who = need(request, Role.READER)
    state = service(request)
    results = [{"file": j.filename, "job": j.id} for i in ids.split(",") if i and (j := state.jobs.get(i))]
    return render(request, "jobs.html", who=who, results=_with_state(state, results), ids=ids)


def _with_state(state: ServiceState, results: list[dict[str, str]]) -> list[dict[str, object]]:
    return [{**result, "state": _job_state(state, result["job"]) if result.get("job") else None} for result in results]
