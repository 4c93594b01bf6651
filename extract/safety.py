"""Guards that run on a container BEFORE any parser sees it.

A DOCX is a ZIP archive; python-docx inflates every part it needs without bounds, so a
crafted archive (a "zip bomb") could exhaust memory long before the parser fails. The
central directory states each entry's sizes, so the checks below cost nothing: the archive
is refused from its directory alone. The declared sizes can lie, which is why
:func:`read_zip_member` also bounds what it actually inflates.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from extract.errors import CorruptFileError, LimitExceededError

MIB = 2**20


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_total_uncompressed: int = 200 * MIB
    max_ratio: float = 100.0
    max_entries: int = 10_000
    # Tiny entries compress badly or absurdly well by nature (an empty XML part can show
    # ratio 0 or 1000); the ratio only means something once an entry is large enough.
    ratio_min_size: int = 1 * MIB


DEFAULT_ZIP_LIMITS = ZipLimits()


def open_checked_zip(data: bytes, source: str, limits: ZipLimits = DEFAULT_ZIP_LIMITS) -> zipfile.ZipFile:
    """Open ``data`` as a ZIP after checking its central directory; raise on a bomb or damage."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise CorruptFileError(
            source, f"không phải tệp ZIP/DOCX hợp lệ: {exc} / not a valid ZIP/DOCX archive"
        ) from exc
    check_zip_entries(archive.infolist(), source, limits)
    return archive


def check_zip_entries(entries: list[zipfile.ZipInfo], source: str, limits: ZipLimits) -> None:
    if len(entries) > limits.max_entries:
        raise LimitExceededError(
            source,
            f"tệp nén có {len(entries)} mục, giới hạn {limits.max_entries}",
            f"the archive has {len(entries)} entries, the limit is {limits.max_entries}",
        )
    total_uncompressed = 0
    total_compressed = 0
    for entry in entries:
        _check_entry_path(entry.filename, source)
        total_uncompressed += entry.file_size
        total_compressed += entry.compress_size
        if entry.file_size >= limits.ratio_min_size:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits.max_ratio:
                raise LimitExceededError(
                    source,
                    f"mục '{entry.filename}' có tỉ lệ nén {ratio:.0f}:1 (nghi là bom nén), "
                    f"giới hạn {limits.max_ratio:.0f}:1",
                    f"entry '{entry.filename}' has a compression ratio of {ratio:.0f}:1 "
                    f"(a likely zip bomb), the limit is {limits.max_ratio:.0f}:1",
                )
    if total_uncompressed > limits.max_total_uncompressed:
        raise LimitExceededError(
            source,
            f"dung lượng giải nén {total_uncompressed // MIB} MiB, "
            f"giới hạn {limits.max_total_uncompressed // MIB} MiB",
            f"uncompressed size is {total_uncompressed // MIB} MiB, "
            f"the limit is {limits.max_total_uncompressed // MIB} MiB",
        )
    if total_uncompressed >= limits.ratio_min_size:
        ratio = total_uncompressed / max(total_compressed, 1)
        if ratio > limits.max_ratio:
            raise LimitExceededError(
                source,
                f"tỉ lệ nén toàn tệp {ratio:.0f}:1 (nghi là bom nén), giới hạn {limits.max_ratio:.0f}:1",
                f"overall compression ratio {ratio:.0f}:1 (a likely zip bomb), "
                f"the limit is {limits.max_ratio:.0f}:1",
            )


def _check_entry_path(name: str, source: str) -> None:
    normalised = name.replace("\\", "/")
    parts = normalised.split("/")
    if normalised.startswith("/") or ".." in parts or (len(normalised) > 1 and normalised[1] == ":"):
        raise CorruptFileError(
            source, f"mục có đường dẫn không an toàn '{name}' / unsafe entry path '{name}'"
        )


def read_zip_member(
    archive: zipfile.ZipFile, name: str, source: str, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> bytes:
    """Inflate one member, never more than the total limit even if its declared size lies."""
    try:
        with archive.open(name) as member:
            data = member.read(limits.max_total_uncompressed + 1)
    except KeyError as exc:
        raise CorruptFileError(source, f"thiếu phần '{name}' / missing part '{name}'") from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise CorruptFileError(source, f"phần '{name}' bị hỏng: {exc} / part '{name}' is damaged") from exc
    if len(data) > limits.max_total_uncompressed:
        raise LimitExceededError(
            source,
            f"phần '{name}' vượt {limits.max_total_uncompressed // MIB} MiB khi giải nén",
            f"part '{name}' inflates beyond {limits.max_total_uncompressed // MIB} MiB",
        )
    return data


def env_int(name: str, default: int) -> int:
    """An integer limit from the environment; a malformed value falls back to the default."""
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default
