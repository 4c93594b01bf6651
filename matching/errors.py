"""Errors of the matching layer, in the project's one family (:class:`extract.errors.DanhmucError`)."""

from __future__ import annotations

from extract.errors import DanhmucError


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


class ContradictoryDecisionError(MatchingError):
    """A decision contradicting an earlier one still in force (confirm A–B after reject A–B, or the reverse)."""

    code = "contradictory_decision"

    def __init__(self, kind: str, earlier_id: int, earlier_kind: str, left: str, right: str) -> None:
        names = {"confirm_link": ("xác nhận", "confirm"), "reject_link": ("bác bỏ", "reject")}
        new_vi, new_en = names.get(kind, (kind, kind))
        old_vi, old_en = names.get(earlier_kind, (earlier_kind, earlier_kind))
        super().__init__(
            f"Không thể {new_vi} liên kết {left} – {right}: quyết định #{earlier_id} đã {old_vi} liên kết này. "
            f"Hãy hoàn tác quyết định #{earlier_id} (kind \"undo\", decision_id {earlier_id}) trước.",
            f"Cannot {new_en} the link {left} – {right}: decision #{earlier_id} already chose to {old_en} it. "
            f"Undo decision #{earlier_id} first (kind \"undo\", decision_id {earlier_id}).",
        )


class AlreadyUndoneError(MatchingError):
    code = "already_undone"

    def __init__(self, decision_id: int, undone_by: int) -> None:
        super().__init__(
            f"Quyết định #{decision_id} đã được hoàn tác bởi quyết định #{undone_by}; "
            f"để khôi phục, hoàn tác quyết định #{undone_by}.",
            f"Decision #{decision_id} was already undone by decision #{undone_by}; "
            f"to restore it, undo decision #{undone_by}.",
        )
