"""Warnings on the document's identity: a missing number, date or issuer, an uncertain signer, and
stamped values (e-signature form fields) that filled no field. Split from :mod:`extract.structure.metadata`,
which reads the identity; these say where that reading is incomplete or unsure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from extract.blocks import Stamp
from extract.model import ExtractionWarning, Metadata, Provenance
from extract.structure.kinds import KINDS_NOT_ON_A_KIND_LINE
from extract.structure.metadata import STAMP_RAW_PREFIX
from extract.structure.signer import SIGNING_BLOCK, lacks_family_name


def metadata_warnings(metadata: Metadata, stamps: Sequence[Stamp], *, source: str) -> list[ExtractionWarning]:
    """Say when the document's identity is incomplete, and which stamped values found no place."""
    out: list[ExtractionWarning] = []
    if metadata.kind != "PHỤ LỤC":  # an annex is numbered and dated by the document it belongs to
        out += _identity_warnings(metadata, source)
    kind_line = metadata.sources.get("kind")
    if metadata.kind and kind_line is not None and kind_line.raw and not _prints_its_kind(metadata.kind, kind_line.raw):
        out.append(
            ExtractionWarning(
                code="metadata_kind_uncertain",
                message=f"Loại văn bản «{metadata.kind}» lấy từ dòng đọc gần đúng «{kind_line.raw[:40]}» (OCR) — "
                f"cần kiểm tra / the kind '{metadata.kind}' was taken from a near reading, '{kind_line.raw[:40]}': "
                "check it",
                provenance=kind_line,
            )
        )
    if metadata.signer and lacks_family_name(metadata.signer):
        out.append(
            ExtractionWarning(
                code="signer_uncertain",
                message=f"Người ký đọc được «{metadata.signer}» không mở đầu bằng họ: có thể thiếu chữ (bị con dấu "
                f"hoặc nét ký che) — cần kiểm tra / the signer read, '{metadata.signer}', does not start with a "
                "family name: part of it may be lost under a seal or the signature",
                provenance=metadata.sources.get("signer") or Provenance(file=source),
            )
        )
    block = metadata.sources.get(SIGNING_BLOCK)
    if not metadata.signer and block is not None:
        out.append(
            ExtractionWarning(
                code="signer_missing",
                message=f"Có khối chữ ký «{block.raw[:40]}» nhưng không đọc được tên người ký (bị con dấu che, viết "
                f"tay hoặc bản dự thảo) — cần kiểm tra / a signing block ('{block.raw[:40]}') but no signer's name "
                "under it (covered by a seal, handwritten, or a draft): check it",
                provenance=block,
            )
        )
    return out + _unplaced_stamps(metadata, stamps, source)


def _identity_warnings(metadata: Metadata, source: str) -> list[ExtractionWarning]:
    """A document (not an annex) without its số hiệu or full date."""
    out: list[ExtractionWarning] = []
    if not metadata.number:
        blank = f" (mẫu / template '{metadata.number_template}')" if metadata.number_template else ""
        read = metadata.sources.get("number")
        if read is not None and read.raw and not read.raw.startswith(STAMP_RAW_PREFIX):
            blank += f", dòng đọc được / line read '{read.raw[:80]}'"
        out.append(
            ExtractionWarning(
                code="metadata_number_missing",
                message=f"Không tìm thấy số hiệu của văn bản{blank} / the document's number was not found",
                provenance=metadata.sources.get("number") or Provenance(file=source),
            )
        )
    if not metadata.date:
        raw = f" ('{metadata.date_raw}')" if metadata.date_raw else ""
        out.append(
            ExtractionWarning(
                code="metadata_date_missing",
                message=f"Không tìm thấy ngày ban hành đầy đủ{raw} / the document's full date was not found",
                provenance=metadata.sources.get("date") or Provenance(file=source),
            )
        )
    if not metadata.issuer:
        # A header the issuer rules do not read ("BAN CHỈ ĐẠO … / TỔ GIÚP VIỆC") leaves the field blank:
        # say so, as for the number and the date, rather than let a blank pass for a reading.
        out.append(
            ExtractionWarning(
                code="metadata_issuer_missing",
                message="Không xác định được cơ quan ban hành / the issuing body was not found",
                provenance=Provenance(file=source),
            )
        )
    return out


def _unplaced_stamps(metadata: Metadata, stamps: Sequence[Stamp], source: str) -> list[ExtractionWarning]:
    """Stamped values with a digit that no field took (the signing certificate's caption aside)."""
    used = {provenance.raw for provenance in metadata.sources.values()}
    if metadata.parent is not None:
        used.add(metadata.parent.provenance.raw)
    out: list[ExtractionWarning] = []
    for stamp in stamps:
        if f"{STAMP_RAW_PREFIX}{stamp.line}" in used or not re.search(r"\d", stamp.text) or _signing_caption(stamp):
            continue
        out.append(
            ExtractionWarning(
                code="form_value_unplaced",
                message=(
                    f"Giá trị do chữ ký số ghi trên trang {stamp.page} không gắn được vào trường nào: '{stamp.text}'"
                    f" / a value stamped on page {stamp.page} could not be placed: '{stamp.text}'"
                ),
                provenance=Provenance(file=source, page=stamp.page, raw=f"{STAMP_RAW_PREFIX}{stamp.line}"),
            )
        )
    return out


# The signing certificate's caption (time, e-mail, "Ký bởi"): part of the signature, not a field value.
_SIGNING_CAPTION = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?|@|^[+-]\d{2}:?\d{2}$|Thời\s+gian\s+ký|Ký\s+bởi|Người\s+ký|Ngày\s+ký", re.I
)


def _signing_caption(stamp: Stamp) -> bool:
    return bool(_SIGNING_CAPTION.search(stamp.text)) and stamp.line == stamp.text


def _prints_its_kind(kind: str, raw: str) -> bool:
    """Whether the line the kind was read from prints it (a letter's "V/v" line and an annex's heading say it too)."""
    if kind in KINDS_NOT_ON_A_KIND_LINE:
        return True
    return unicodedata.normalize("NFC", kind) in unicodedata.normalize("NFC", raw).upper()
