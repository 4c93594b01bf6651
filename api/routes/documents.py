"""Upload documents, follow their jobs, and read what was extracted."""

from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Reader, Uploader
from api.errors import BadUploadError, NotFoundError, PayloadTooLargeError
from api.guard import MULTIPART_SLACK
from api.jobs import JobView
from api.paging import Limit, Offset, Page, page_of
from api.state import ServiceState, State
from catalog.blobs import read_if_unchanged
from catalog.models import DocumentRow, FileVersionRow
from catalog.records import DocumentSummary
from extract.detect import detect_format
from extract.mht import looks_like_mht
from extract.model import CatalogEntry, Document, ExtractionWarning, SourceFormat, Table, Task
from extract.pdf.native import PDFIUM_LOCK
from extract.safety import open_checked_zip
from extract.textforms import fold
from matching.model import Flag, entry_key

router = APIRouter(prefix="/v1", tags=["documents"])
CHUNK = 1024 * 1024
SYNC_PDF_PAGES_CHECKED = 3  # a PDF counts as typed when its first pages all have text
SYNC_PDF_MIN_CHARS = 20
SYNC_POLL_SECONDS = 0.05


class CatalogEntryView(BaseModel):
    key: str
    dataset_id: str
    entry: CatalogEntry


def _document(state: ServiceState, document_id: str) -> Document:
    found = state.store.get(document_id) if len(document_id) == 64 else None
    if found is None:
        raise NotFoundError("tài liệu", "document", document_id)
    return found


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(limit)
        parts.append(chunk)
    return b"".join(parts)


def _check_content(data: bytes, filename: str) -> SourceFormat:
    """Type from the bytes (415 when unknown); containers are checked for bombs before queueing."""
    fmt = detect_format(data, filename)
    if fmt is SourceFormat.DOCX:
        open_checked_zip(data, filename).close()
    return fmt


def _typed(data: bytes, fmt: SourceFormat) -> bool:
    """Text, HTML, DOCX, or a PDF whose first pages carry a text layer: read in seconds, no OCR, no LibreOffice."""
    if fmt in (SourceFormat.TEXT, SourceFormat.HTML, SourceFormat.DOCX):
        return True
    if fmt is not SourceFormat.PDF:
        return False
    with PDFIUM_LOCK:  # request threads: PDFium is not thread-safe
        return _text_layer(data)


def _text_layer(data: bytes) -> bool:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception:  # noqa: BLE001 - unreadable here: the job reports why, asynchronously
        return False
    try:
        for index in range(min(len(pdf), SYNC_PDF_PAGES_CHECKED)):
            page = pdf[index]
            text = page.get_textpage()
            try:
                if len(text.get_text_range().strip()) < SYNC_PDF_MIN_CHARS:
                    return False
            finally:
                text.close()
                page.close()
        return len(pdf) > 0
    finally:
        pdf.close()


def _stored_json(state: ServiceState, document_id: str) -> bytes | None:
    """The document's JSON as the worker process stored it (``Document.model_dump_json``), not parsed here:
    validating a large document costs this process seconds of its interpreter for bytes it sends unchanged."""
    with Session(state.store.engine) as session:
        found: str | None = session.scalar(select(DocumentRow.document_json).where(DocumentRow.sha256 == document_id))
    return found.encode() if found is not None else None  # encoded here, off the event loop (26 MB: 0.1 s)


async def _finished_within(state: ServiceState, job_id: str, seconds: float) -> JobView | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = await asyncio.to_thread(state.jobs.get, job_id)
        if job is not None and job.status in ("succeeded", "failed"):
            return job
        await asyncio.sleep(SYNC_POLL_SECONDS)
    return None


@router.post(
    "/documents",
    status_code=202,
    response_model=JobView,
    summary="Tải lên một tài liệu / upload one document",
    description=(
        "Tệp nhỏ có lớp chữ (TXT, DOCX, PDF có lớp văn bản, đến `DANHMUC_SYNC_UPLOAD_BYTES`, mặc định 2 MiB) "
        "được xử lý ngay: nếu xong trong `DANHMUC_SYNC_UPLOAD_SECONDS` (mặc định 10 giây) thì trả 201 kèm tài "
        "liệu (Location: /v1/documents/{id}, X-Job-Id). Còn lại (ảnh quét cần OCR, DOC, tệp lớn, hết thời gian) "
        "trả 202 kèm công việc để theo dõi ở /v1/jobs/{id}.\n\n"
        "Small typed files (text, DOCX, text-layer PDF up to the size threshold) are processed at once and "
        "answered 201 with the document when done within the time budget; anything else is answered 202 "
        "with a job to poll."
    ),
    responses={
        201: {"model": Document, "description": "Đã xử lý xong / processed: the document"},
        202: {"model": JobView, "description": "Đã xếp hàng / queued: the job (Location: /v1/jobs/{id})"},
        413: {"description": "Tệp quá lớn / too large"},
        415: {"description": "Định dạng không hỗ trợ"},
    },
)
async def upload_document(
    *,
    request: Request,
    file: Annotated[UploadFile, File(description="Tệp TXT, DOCX, PDF… / the document file")],
    path: Annotated[str, Form(max_length=1000, description="Đường dẫn lưu trữ (cùng đường dẫn = phiên bản mới)")] = "",
    who: Uploader,
    state: State,
) -> Response:
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise PayloadTooLargeError(limit)
    filename = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    data = await _read_limited(file, limit)
    fmt = _check_content(data, filename)
    clean_path = path.strip().lstrip("/")
    if ".." in clean_path.split("/"):
        raise BadUploadError("đường dẫn không được chứa '..'", "the path must not contain '..'")
    job, _new = await asyncio.to_thread(state.jobs.submit_upload, data, filename, clean_path, who.owner)
    settings = state.settings
    # PDFium runs off the event loop: a slow text-layer check under the lock must not stall other requests
    if state.jobs.runs_jobs and len(data) <= settings.sync_upload_bytes and await asyncio.to_thread(_typed, data, fmt):
        done = await _finished_within(state, job.id, settings.sync_upload_seconds)
        if done is not None and done.status == "succeeded":
            stored = await asyncio.to_thread(_stored_json, state, done.document_id)
            if stored is not None:
                return Response(
                    stored, status_code=201, media_type="application/json",
                    headers={"Location": f"/v1/documents/{done.document_id}", "X-Job-Id": done.id},
                )  # fmt: skip
        job = done or job
    return JSONResponse(job.model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@router.get("/jobs/{job_id}", response_model=JobView, summary="Trạng thái công việc / job status")
def get_job(*, job_id: str, _: Reader, state: State) -> JobView:
    found = state.jobs.get(job_id)
    if found is None:
        raise NotFoundError("công việc", "job", job_id)
    return found


@router.get("/jobs", response_model=list[JobView], summary="Các công việc gần đây / recent jobs")
def list_jobs(*, limit: Limit = 50, offset: Offset = 0, _: Reader,
              state: State) -> list[JobView]:  # fmt: skip
    return state.jobs.list(limit=limit, offset=offset)


def _year(summary: DocumentSummary, state: ServiceState) -> str:
    if summary.issued[:4].isdigit():
        return summary.issued[:4]
    document = state.store.get(summary.sha256)  # the year may be known without a full date
    return str(document.metadata.year) if document and document.metadata.year else ""


@router.get("/documents", response_model=Page[DocumentSummary], summary="Danh sách tài liệu / documents")
def list_documents(
    *,
    kind: Annotated[str, Query(max_length=200, description="Loại văn bản, ví dụ KẾ HOẠCH")] = "",
    issuer: Annotated[str, Query(max_length=200, description="Cơ quan ban hành (một phần tên)")] = "",
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Năm ban hành")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    _: Reader,
    state: State,
) -> Page[DocumentSummary]:
    from api.catalog_view import fold

    found = state.store.list_documents()
    if kind.strip():
        found = [d for d in found if fold(kind.strip()) in fold(d.kind)]
    if issuer.strip():
        found = [d for d in found if fold(issuer.strip()) in fold(d.issuer)]
    if year is not None:
        found = [d for d in found if _year(d, state) == str(year)]
    return page_of(found, limit, offset)


@router.get("/documents/{document_id}", response_model=Document, summary="Mô hình tài liệu đầy đủ")
def get_document(*, document_id: str, _: Reader, state: State) -> Document:
    return _document(state, document_id)


@router.get("/documents/{document_id}/tables", response_model=list[Table], summary="Các bảng / tables")
def get_tables(*, document_id: str, _: Reader, state: State) -> list[Table]:
    return list(_document(state, document_id).tables)


@router.get("/documents/{document_id}/tasks", response_model=list[Task], summary="Nhiệm vụ / tasks")
def get_tasks(*, document_id: str, _: Reader, state: State) -> list[Task]:
    return list(_document(state, document_id).tasks)


@router.get(
    "/documents/{document_id}/warnings",
    response_model=list[ExtractionWarning],
    summary="Cảnh báo khi trích xuất / extraction warnings",
    description=(
        "Những chỗ bộ trích xuất không chắc chắn (bảng không dựng được, ô nhận dạng kém, mã không khớp cột, "
        "bộ đọc .doc đã dùng…), mỗi cảnh báo có mã, nội dung song ngữ và vị trí (tệp, trang, bảng, hàng). "
        "Cũng có trong trường `warnings` của /v1/documents/{id}.\n\n"
        "Where the extractor was unsure, each warning with its code, bilingual message and provenance; "
        "the same list as the document's `warnings` field."
    ),
)
def get_document_warnings(*, document_id: str, _: Reader, state: State) -> list[ExtractionWarning]:
    return list(_document(state, document_id).warnings)


@router.get(
    "/documents/{document_id}/catalog",
    response_model=list[CatalogEntryView],
    summary="Danh mục dữ liệu của tài liệu / the document's catalog entries",
)
def get_document_catalog(*, document_id: str, _: Reader, state: State) -> list[CatalogEntryView]:
    document = _document(state, document_id)
    assignment = state.store.assignment_of([entry_key(document, entry) for entry in document.catalog])
    return [
        CatalogEntryView(key=key, dataset_id=assignment.get(key, ""), entry=entry)
        for entry in document.catalog
        for key in [entry_key(document, entry)]
    ]


@router.get("/documents/{document_id}/flags", response_model=list[Flag], summary="Cảnh báo / flags")
def get_document_flags(*, document_id: str, _: Reader, state: State) -> list[Flag]:
    document = _document(state, document_id)
    return state.store.flags(document=document.sha256)


def _from_archive(state: ServiceState, sha256: str) -> bytes | None:
    """For a document ingested before originals were kept: its recorded path, if the bytes there are unchanged."""
    with Session(state.store.engine) as session:
        paths = session.scalars(
            select(FileVersionRow.path).where(FileVersionRow.sha256 == sha256)
            .order_by(FileVersionRow.is_current.desc(), FileVersionRow.id.desc()).limit(20)
        ).all()  # fmt: skip
    for recorded in paths:
        candidate = Path(recorded)
        if candidate.is_absolute() and (data := read_if_unchanged(candidate, sha256)) is not None:
            state.blobs.put(sha256, data)  # kept from now on, whatever happens to the archive
            return data
    return None


@router.get(
    "/documents/{document_id}/file",
    summary="Tệp gốc / the original bytes",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_document_file(*, document_id: str, _: Reader, state: State) -> Response:
    document = _document(state, document_id)
    data = state.blobs.get(document.sha256)
    if data is None:
        data = _from_archive(state, document.sha256)
    if data is None:
        raise NotFoundError(
            "tệp gốc (không còn trong kho tệp lẫn đường dẫn đã ghi)", "original file (neither kept nor at its path)",
            document_id,
        )  # fmt: skip
    media = {
        SourceFormat.PDF: "application/pdf",
        SourceFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        SourceFormat.TEXT: "text/plain",
        SourceFormat.HTML: "text/html",
    }.get(document.format, "application/octet-stream")
    if document.format is SourceFormat.HTML and looks_like_mht(data):
        media = "multipart/related"  # a one-file web page (.mht) is a MIME archive, not a page
    return Response(data, media_type=media, headers={"Content-Disposition": content_disposition(document.source)})


_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()-]+")


def content_disposition(source: str) -> str:
    """``attachment`` with the file's own name: RFC 6266/5987 ``filename*`` in UTF-8 (NFC, as a
    macOS upload may arrive decomposed) and a diacritic-free ASCII ``filename`` for old clients:
    "Kế hoạch số 12.pdf" → ``filename="Ke hoach so 12.pdf"; filename*=UTF-8''K%E1%BA%BF%20…``."""
    name = unicodedata.normalize("NFC", source.replace("\\", "/").rsplit("/", 1)[-1]).strip() or "document"
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # no CR/LF or other controls
    fallback = _NOT_PLAIN.sub("_", fold(name, keep_case=True)).strip() or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
