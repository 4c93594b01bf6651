"""Upload documents, follow their jobs, and read what was extracted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.auth import Reader, Uploader
from api.errors import BadUploadError, NotFoundError, PayloadTooLargeError
from api.jobs import JobView
from api.paging import Limit, Offset, Page, page_of
from api.state import ServiceState, State
from catalog.records import DocumentSummary
from extract.detect import detect_format
from extract.model import CatalogEntry, Document, SourceFormat, Table, Task
from extract.safety import open_checked_zip
from matching.model import Flag, entry_key

router = APIRouter(prefix="/v1", tags=["documents"])
CHUNK = 1024 * 1024
MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around the file


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


@router.post(
    "/documents",
    status_code=202,
    response_model=JobView,
    summary="Tải lên một tài liệu / upload one document",
    responses={413: {"description": "Tệp quá lớn / too large"}, 415: {"description": "Định dạng không hỗ trợ"}},
)
async def upload_document(
    *,
    request: Request,
    file: Annotated[UploadFile, File(description="Tệp TXT, DOCX, PDF… / the document file")],
    path: Annotated[str, Form(max_length=1000, description="Đường dẫn lưu trữ (cùng đường dẫn = phiên bản mới)")] = "",
    who: Uploader,
    state: State,
) -> JSONResponse:
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise PayloadTooLargeError(limit)
    filename = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    data = await _read_limited(file, limit)
    _check_content(data, filename)
    clean_path = path.strip().lstrip("/")
    if ".." in clean_path.split("/"):
        raise BadUploadError("đường dẫn không được chứa '..'", "the path must not contain '..'")
    job, _new = state.jobs.submit_upload(data, filename, clean_path, who.owner)
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
    "/documents/{document_id}/catalog",
    response_model=list[CatalogEntryView],
    summary="Danh mục dữ liệu của tài liệu / the document's catalog entries",
)
def get_document_catalog(*, document_id: str, _: Reader, state: State) -> list[CatalogEntryView]:
    document = _document(state, document_id)
    assignment = state.store.previous_assignment()
    return [
        CatalogEntryView(key=key, dataset_id=assignment.get(key, ""), entry=entry)
        for entry in document.catalog
        for key in [entry_key(document, entry)]
    ]


@router.get("/documents/{document_id}/flags", response_model=list[Flag], summary="Cảnh báo / flags")
def get_document_flags(*, document_id: str, _: Reader, state: State) -> list[Flag]:
    document = _document(state, document_id)
    return [flag for flag in state.store.flags() if flag.sha256 == document.sha256]


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
        raise NotFoundError(
            "tệp gốc (tài liệu được nạp từ thư mục, không qua API)", "original file (ingested outside the API)",
            document_id,
        )  # fmt: skip
    media = {
        SourceFormat.PDF: "application/pdf",
        SourceFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        SourceFormat.TEXT: "text/plain",
    }.get(document.format, "application/octet-stream")
    safe_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in document.source)
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})
