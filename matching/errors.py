"""Errors of the matching layer, in the project's one family (:class:`danhmuc.errors.DanhmucError`)."""

from __future__ import annotations

from danhmuc.errors import DanhmucError


class MatchingError(DanhmucError):
    """Base of matching errors."""

    code = "matching_error"


class ThresholdsMissingError(MatchingError):
    code = "thresholds_missing"

    def __init__(self, path: str) -> None:
        super().__init__(
            f"Không đọc được ngưỡng đã hiệu chỉnh ở {path}; chạy python -m matching calibrate",
            f"cannot read the calibrated thresholds at {path}; run python -m matching calibrate",
            path=path,
        )


class GoldFormatError(MatchingError):
    code = "gold_format"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"Tệp gold sai định dạng: {detail}; sửa tệp theo docs/gold-conventions.md",
            f"malformed gold file: {detail}; fix it following docs/gold-conventions.md",
            path=path,
        )
