"""Sharing levels → the codes of the gold format.

Codes: open (dữ liệu mở, có thể mở, công khai), default (chia sẻ mặc định, NĐ 47/2020; also
"dùng chung", "chia sẻ rộng rãi / toàn tỉnh"), on_request (theo yêu cầu đặc thù, có điều kiện),
by_regulation (chia sẻ / theo quy định, theo QĐ), role_based (theo phân quyền), internal (nội bộ),
restricted (mật, hạn chế, không chia sẻ), "" (not stated).

When a cell names several levels the first one named wins ("Nội bộ/ theo quy định" → internal;
"Dữ liệu mở, được chia sẻ theo hình thức mặc định." → open). A row of a list declared open data
with no sharing column is open (``open_list=True``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.text import fold, normalize_text

SHARING_CODES = ("open", "default", "on_request", "by_regulation", "role_based", "internal", "restricted", "")

# Matched on the folded text, except "mật" which folds onto "mặt" and is matched with its marks.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"du lieu mo\b|co the mo\b|\bmo hoan toan|\bcong khai|\bopen\b|\bmo cho\b|\bde xuat mo\b", "open"),
    (r"mac dinh", "default"),
    # NĐ 47/2020: sharing "theo yêu cầu đặc thù" is case by case, under conditions agreed
    # between the agencies; "có điều kiện" is that form, not a regulation in force.
    (r"yeu cau dac thu|theo yeu cau|khi co yeu cau|dac thu|co dieu kien", "on_request"),
    (r"phan quyen|theo vai tro|duoc cap quyen|theo tham quyen", "role_based"),
    (r"noi bo", "internal"),
    (r"han che|khong chia se|khong cong khai|bao mat", "restricted"),
    (r"theo quy dinh|theo qd\b|theo quy che|theo luat", "by_regulation"),
    # NĐ 47/2020: shared ("dùng chung") databases are shared by default, and so is data shared with
    # every agency ("rộng rãi", "toàn tỉnh", "cho tất cả"): the decree's "chia sẻ mặc định".
    (r"dung chung|chia se rong rai|chia se (?:cho )?toan (?:tinh|thanh pho|nganh|quoc)|cho tat ca", "default"),
)
_COMPILED = tuple((re.compile(pattern), code) for pattern, code in _PATTERNS)
_BARE_OPEN_RE = re.compile(r"^(?:được\s+)?mở(?:\s+hoàn toàn)?$")
_SECRET_RE = re.compile(r"(?<![^\W\d_])(?:tối\s+)?mật(?![^\W\d_])", re.IGNORECASE)


@lru_cache(maxsize=100_000)
def _parse(raw: str, open_list: bool) -> str:
    normalized = normalize_text(raw)
    text = fold(normalized)
    hits: list[tuple[int, int, str]] = []
    for priority, (pattern, code) in enumerate(_COMPILED):
        match = pattern.search(text)
        if match:
            hits.append((match.start(), priority, code))
    secret = _SECRET_RE.search(normalized.lower())
    if secret:
        hits.append((secret.start(), 0, "restricted"))
    if hits:
        return min(hits)[2]
    if _BARE_OPEN_RE.match(normalized.lower().strip(" .;,")):
        return "open"
    if re.match(r"^(?:du lieu\s+)?(?:duoc\s+)?(?:co\s+)?chia se\b", text):
        return "by_regulation"
    return "open" if open_list else ""


def parse_sharing(raw: str, *, open_list: bool = False) -> str:
    """The sharing code of a cell (first level named wins); never raises."""
    if not isinstance(raw, str):
        raw = ""
    try:
        return _parse(raw, bool(open_list))
    except Exception:  # noqa: BLE001 - lenient by contract
        return "open" if open_list else ""
