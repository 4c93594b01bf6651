"""Errors of the extraction layer (one per way an input file can be unusable) and the project's root error."""

from __future__ import annotations


class DanhmucError(Exception):
    """The root of every exception danhmuc raises on purpose.

    Each layer (extract, nlp, matching, catalog, api) derives its own small family from it; it lives
    here, in the lowest layer, so no layer has to import the CLI package to share it. ``code`` is a
    stable English code for machines; ``message_vi`` (first, because the readers are Vietnamese data
    officers) and ``message_en`` say what happened and what to do next.
    """

    code = "danhmuc_error"

    def __init__(self, message_vi: str, message_en: str, *, path: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en
        self.path = path
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message_vi} / {self.message_en}"


class ExtractError(DanhmucError):
    code = "extract_error"


class FileMissingError(ExtractError):
    code = "file_not_found"

    def __init__(self, path: str, why_vi: str = "không tồn tại", why_en: str = "does not exist") -> None:
        super().__init__(
            f"Không mở được tệp ({why_vi}). Hãy kiểm tra đường dẫn.",
            f"The file cannot be opened ({why_en}). Check the path.",
            path=path,
        )


class EmptyFileError(ExtractError):
    code = "empty_file"

    def __init__(self, path: str) -> None:
        super().__init__(
            "Tệp rỗng (0 byte) — hãy kiểm tra lại tệp gốc.",
            "The file is empty (0 bytes); check the original file.",
            path=path,
        )


class UnsupportedFormatError(ExtractError):
    code = "unsupported_format"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"Định dạng không được hỗ trợ ({detail}). "
            "Hỗ trợ: văn bản (UTF-8, TCVN3, VNI), HTML, DOCX, DOC, PDF, ảnh PNG/JPEG/TIFF.",
            f"Unsupported format ({detail}). "
            "Supported: text (UTF-8, TCVN3, VNI), HTML, DOCX, DOC, PDF, PNG/JPEG/TIFF images.",
            path=path,
        )


class CorruptFileError(ExtractError):
    code = "corrupt_file"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"Tệp bị hỏng hoặc không đọc được ({detail}). Hãy xuất lại tệp từ phần mềm gốc.",
            f"The file is corrupt or unreadable ({detail}). Export it again from the original program.",
            path=path,
        )


class EncryptedFileError(ExtractError):
    code = "encrypted_file"

    def __init__(self, path: str, kind: str = "PDF") -> None:
        # ``kind`` names the format as users know it ("PDF", "Word (.doc)"): the same in both languages.
        super().__init__(
            f"Tệp {kind} được đặt mật khẩu (mã hóa), không đọc được nội dung. Hãy gỡ mật khẩu rồi tải lên lại.",
            f"The {kind} file is password-protected (encrypted); its content cannot be read. "
            "Remove the password and upload it again.",
            path=path,
        )


class LimitExceededError(ExtractError):
    code = "limit_exceeded"

    def __init__(self, path: str, what_vi: str, what_en: str) -> None:
        super().__init__(
            f"Vượt giới hạn xử lý: {what_vi}.",
            f"Processing limit exceeded: {what_en}.",
            path=path,
        )
