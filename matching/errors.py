"""Errors of the matching layer; messages in Vietnamese, then English."""

from __future__ import annotations


class MatchingError(Exception):
    """Base of matching errors."""


class ThresholdsMissingError(MatchingError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"Không đọc được ngưỡng đã hiệu chỉnh ở {path}; chạy python -m matching calibrate / "
            f"cannot read the calibrated thresholds at {path}; run python -m matching calibrate"
        )
        self.path = path


class GoldFormatError(MatchingError):
    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"Tệp gold {path} sai định dạng: {detail} / malformed gold file {path}: {detail}")
        self.path = path
