"""Errors of the catalog store and batch ingest; each message says what to do next."""

from __future__ import annotations

from extract.errors import DanhmucError


def mask_url(url: str) -> str:
    """The database URL without its password, safe to print."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by the caller anyway
        return url


class CatalogError(DanhmucError):
    code = "catalog_error"


class DatabaseUnreachableError(CatalogError):
    code = "database_unreachable"

    def __init__(self, url: str, detail: str) -> None:
        shown = mask_url(url)
        super().__init__(
            f"Không kết nối được cơ sở dữ liệu {shown} ({detail}). Kiểm tra máy chủ đang chạy, hoặc đặt "
            "biến môi trường DATABASE_URL, ví dụ DATABASE_URL=postgresql+psycopg2://user@host:5432/db; "
            "bỏ trống để dùng tệp SQLite ./danhmuc.db.",
            f"Cannot connect to the database {shown} ({detail}). Check that the server is running, or set "
            "DATABASE_URL, e.g. DATABASE_URL=postgresql+psycopg2://user@host:5432/db; leave it unset to use "
            "the SQLite file ./danhmuc.db.",
        )


class DatabaseUrlError(CatalogError):
    code = "database_url_invalid"

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(
            f"DATABASE_URL không hợp lệ: {url!r} ({detail}). Dạng đúng: sqlite:///duong/dan.db hoặc "
            "postgresql+psycopg2://user@host:5432/db.",
            f"Invalid DATABASE_URL {url!r} ({detail}). Expected sqlite:///path/to.db or "
            "postgresql+psycopg2://user@host:5432/db.",
        )


class MigrationError(CatalogError):
    code = "migration_failed"

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(
            f"Không nâng cấp được lược đồ cơ sở dữ liệu {mask_url(url)} ({detail}). Dữ liệu cũ không bị "
            "thay đổi; hãy sao lưu tệp/CSDL rồi chạy lại, hoặc báo cho quản trị viên.",
            f"Could not upgrade the database schema at {mask_url(url)} ({detail}). Existing data was not "
            "changed; back it up and retry, or contact the administrator.",
        )


class UnknownReferenceError(CatalogError):
    code = "unknown_reference"

    def __init__(self, what_vi: str, what_en: str, value: str) -> None:
        super().__init__(
            f"Không tìm thấy {what_vi} {value!r} trong kho. Xem mã trong báo cáo (danhmuc report).",
            f"No {what_en} {value!r} in the store. Look the id up in the report (danhmuc report) and retry.",
        )


class InvalidDecisionError(CatalogError):
    code = "invalid_decision"

    def __init__(self, detail_vi: str, detail_en: str) -> None:
        super().__init__(f"Quyết định không hợp lệ: {detail_vi}.", f"Invalid decision: {detail_en}.")


class ArchiveNotFoundError(CatalogError):
    code = "archive_not_found"

    def __init__(self, path: str) -> None:
        super().__init__(
            "Không tìm thấy thư mục cần nạp. Kiểm tra lại đường dẫn.",
            "The folder to ingest does not exist. Check the path.",
            path=path,
        )


class ReconcileFailedError(CatalogError):
    code = "reconcile_failed"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Không hợp nhất được danh mục: {detail}. Dữ liệu đã nạp vẫn được giữ nguyên.",
            f"Could not reconcile the catalog: {detail}. Ingested data is kept as it was.",
        )
