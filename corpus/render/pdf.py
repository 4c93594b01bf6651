"""DOCX -> PDF with LibreOffice headless, one private profile per call so runs can overlap."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from extract.legacy.soffice import SofficeError, convert_with_soffice

SOFFICE_TIMEOUT_S = 300


class ConversionError(RuntimeError):
    pass


def convert_to_pdf(docx_path: Path, target: Path) -> None:
    try:
        data = convert_with_soffice(docx_path, "pdf", timeout_s=SOFFICE_TIMEOUT_S)
    except SofficeError as error:
        raise ConversionError(f"LibreOffice không chuyển được {docx_path.name} / conversion failed: {error}") from None
    families = font_families(data)
    if len(families) > 1:
        # Liberation Serif 1.x lacks ơ, ư, ộ ...: LibreOffice then draws those glyphs in DejaVu and
        # text extractors see the letters of a word out of order. Debian's fonts-liberation2 fixes it.
        raise ConversionError(
            f"{docx_path.name}: phông dự phòng {sorted(families)}; cài fonts-liberation2 / "
            f"font fallback {sorted(families)}: install fonts-liberation2"
        )
    target.write_bytes(normalise_pdf(data, docx_path.stem))


_BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z]+)")
_CREATION_DATE = re.compile(rb"/CreationDate\(D:\d{14}")
_HEX_ID = re.compile(rb"(/ID \[ <|>\s<|/DocChecksum /)([0-9A-F]{32})")


def font_families(data: bytes) -> set[str]:
    """Font families named in a PDF ("LiberationSerif-Bold" -> "LiberationSerif")."""
    return {match.group(1).decode("ascii") for match in _BASE_FONT.finditer(data)}


def normalise_pdf(data: bytes, name: str) -> bytes:
    """Replace LibreOffice's wall-clock date and random IDs, byte for byte, so re-runs are identical.

    Every substitution keeps the length, so the xref offsets stay valid.
    """
    fixed_id = hashlib.md5(name.encode("utf-8")).hexdigest().upper().encode("ascii")
    data = _CREATION_DATE.sub(b"/CreationDate(D:20240101000000", data)
    return _HEX_ID.sub(lambda match: match.group(1) + fixed_id, data)
