"""Guards that run on a container BEFORE any parser sees it.

A DOCX is a ZIP archive; python-docx inflates every part it needs without bounds, so a
crafted archive (a "zip bomb") could exhaust memory long before the parser fails. The
central directory states each entry's sizes, so the checks below cost nothing: the archive
is refused from its directory alone. The declared sizes can lie, which is why
:func:`read_zip_member` also bounds what it actually inflates.
"""

from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extract.blocks import Block, BlockStream, RawTable
from extract.errors import CorruptFileError, LimitExceededError

if TYPE_CHECKING:
    import ctypes

    from extract.settings import ExtractSettings

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
        raise CorruptFileError(source, f"không phải tệp ZIP/DOCX hợp lệ: {exc} / not a valid ZIP/DOCX archive") from exc
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
            f"dung lượng giải nén {total_uncompressed // MIB} MiB, giới hạn {limits.max_total_uncompressed // MIB} MiB",
            f"uncompressed size is {total_uncompressed // MIB} MiB, "
            f"the limit is {limits.max_total_uncompressed // MIB} MiB",
        )
    if total_uncompressed >= limits.ratio_min_size:
        ratio = total_uncompressed / max(total_compressed, 1)
        if ratio > limits.max_ratio:
            raise LimitExceededError(
                source,
                f"tỉ lệ nén toàn tệp {ratio:.0f}:1 (nghi là bom nén), giới hạn {limits.max_ratio:.0f}:1",
                f"overall compression ratio {ratio:.0f}:1 (a likely zip bomb), the limit is {limits.max_ratio:.0f}:1",
            )


def _check_entry_path(name: str, source: str) -> None:
    normalised = name.replace("\\", "/")
    parts = normalised.split("/")
    if normalised.startswith("/") or ".." in parts or (len(normalised) > 1 and normalised[1] == ":"):
        raise CorruptFileError(source, f"mục có đường dẫn không an toàn '{name}' / unsafe entry path '{name}'")


def read_zip_member(archive: zipfile.ZipFile, name: str, source: str, limits: ZipLimits = DEFAULT_ZIP_LIMITS) -> bytes:
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


def env_int(name: str, default: int | None = None) -> int:
    """An integer setting of the extraction layer by its variable name, read through ExtractSettings.

    A malformed or non-positive value raises SettingsError naming the variable. ``default`` is not
    used: the default is the field's own, so that it is written once. A name ExtractSettings does not
    define is a programming error (ValueError): every DANHMUC_* variable is a field of a settings object.
    """
    from extract.settings import ENV_PREFIX, ExtractSettings, extract_settings

    field = name.removeprefix(ENV_PREFIX).lower()
    if not name.startswith(ENV_PREFIX) or field not in ExtractSettings.model_fields:
        raise ValueError(f"{name} is not a field of ExtractSettings; add it there (and to docs/api.md)")
    return int(getattr(extract_settings(), field))


# ---------------------------------------------------------------- memory bounds of one extraction
#
# A small upload can describe a huge amount of work: a 200-byte PDF page 200 inches wide, a PNG header
# declaring 16,500² pixels, a TIFF of 40 full-size frames, a text table of 200,000 rows. Every bound
# below is checked from what the file declares, before the memory is spent, so one extraction stays
# under ~1 GiB for any file under the upload limit. Each can be raised through its environment variable.

DEFAULT_MAX_RENDER_PIXELS = 40_000_000  # A4 at 600 dpi is 35 Mpx; a rendered page is scaled down to fit
MIN_RENDER_DPI = 100  # below this a page cannot be read: refused rather than OCR'd into garbage
DEFAULT_MAX_IMAGE_PIXELS = 64_000_000  # an image's declared width × height (A3 at 600 dpi is 70 Mpx)
DEFAULT_MAX_IMAGE_FRAMES = 2000  # as DANHMUC_MAX_PDF_PAGES: a TIFF frame is a page
# Every table cell becomes several typed records with provenance (~15 KB a row once built and
# normalised), so the document's table rows, all tables together, are bounded: 20,000 is about five
# times the longest real catalog (4,289 rows). Past it the rows are cut with a warning.
DEFAULT_MAX_TABLE_ROWS = 20_000
DEFAULT_MAX_TABLE_CELLS = 400_000
# An XML part of a DOCX: its lxml tree and the blocks read from it cost ~15 bytes per byte of XML
# (150 MiB of XML, compressed well under the zip-bomb ratio, peaked at 2.4 GB). The largest real
# document.xml seen is 5 MiB (a 1,115-row catalog).
DEFAULT_MAX_DOCX_XML_BYTES = 32 * MIB
# A plain-text file: every line becomes blocks, then sentences and tasks (~15 bytes and ~1.5 s of CPU
# per 100,000 characters once built; 16 MiB of prose peaked at 248 MiB and 20 s of CPU). The longest
# real text plan is 41 KB; 4,000,000 characters (~1,600 A4 pages) is a hundred times that. Past it
# the text is cut at a line end with a warning.
DEFAULT_MAX_TEXT_CHARS = 4_000_000
DEFAULT_WORKER_MAX_RSS_MIB = 1024  # an extraction worker past this peak is replaced after its document


def _settings() -> ExtractSettings:
    from extract.settings import extract_settings  # settings imports the defaults above

    return extract_settings()


def max_render_pixels() -> int:
    return _settings().max_render_pixels


def max_image_pixels() -> int:
    return _settings().max_image_pixels


def max_image_frames() -> int:
    return _settings().max_image_frames


def max_table_rows() -> int:
    return _settings().max_table_rows


def max_table_cells() -> int:
    return _settings().max_table_cells


def bound_tables(stream: BlockStream) -> BlockStream:
    """Cut the document's tables past DANHMUC_MAX_TABLE_ROWS rows (or _CELLS cells), all tables together.

    The rows kept are the first ones, in reading order; one warning says where the cut fell.
    """
    max_rows, max_cells = max_table_rows(), max_table_cells()
    rows_seen = cells_seen = 0
    kept: list[Block] = []
    dropped = 0
    cut_page: int | None = None
    for block in stream.blocks:
        if not isinstance(block, RawTable):
            kept.append(block)
            continue
        take = 0
        for row in block.rows:
            if rows_seen + 1 > max_rows or cells_seen + len(row) > max_cells:
                break
            rows_seen += 1
            cells_seen += len(row)
            take += 1
        if take < len(block.rows):
            cut_page = block.page if not dropped else cut_page
            dropped += len(block.rows) - take
        if take == len(block.rows):
            kept.append(block)
        elif take:
            kept.append(replace(block, rows=block.rows[:take]))
    if not dropped:
        return stream
    where_vi = f" từ trang {cut_page}" if cut_page else ""
    where_en = f" from page {cut_page}" if cut_page else ""
    warning = (
        "table_rows_cut",
        f"Bảng quá dài: giữ {rows_seen} dòng đầu, bỏ {dropped} dòng{where_vi} (giới hạn {max_rows} dòng / "
        f"{max_cells} ô, biến môi trường DANHMUC_MAX_TABLE_ROWS) / Tables too long: the first {rows_seen} rows "
        f"are kept, {dropped} rows dropped{where_en} (limit {max_rows} rows / {max_cells} cells, "
        "env DANHMUC_MAX_TABLE_ROWS)",
        cut_page,
    )
    return replace(stream, blocks=kept, warnings=[*stream.warnings, warning])


def max_text_chars() -> int:
    return _settings().max_text_chars


def max_docx_xml_bytes() -> int:
    return _settings().max_docx_xml_bytes


def render_dpi(width_pt: float, height_pt: float, wanted_dpi: int, source: str, number: int) -> int:
    """The DPI to render a page at so its bitmap stays under DANHMUC_MAX_RENDER_PIXELS.

    Returns ``wanted_dpi`` or less; raises LimitExceededError when even MIN_RENDER_DPI would not fit
    (the page is larger than any paper a plan is printed on).
    """
    cap = max_render_pixels()
    area_in2 = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)
    fitting = int((cap / area_in2) ** 0.5)
    if fitting < MIN_RENDER_DPI:
        width_in, height_in = width_pt / 72.0, height_pt / 72.0
        raise LimitExceededError(
            source,
            f"trang {number} khổ {width_in:.0f}×{height_in:.0f} inch, quá lớn để nhận dạng ở "
            f"{MIN_RENDER_DPI} dpi trong {cap:,} điểm ảnh (biến môi trường DANHMUC_MAX_RENDER_PIXELS)",
            f"page {number} is {width_in:.0f}×{height_in:.0f} inches, too large to OCR at {MIN_RENDER_DPI} dpi "
            f"within {cap:,} pixels (env DANHMUC_MAX_RENDER_PIXELS)",
        )
    return min(wanted_dpi, fitting)


def check_image_header(width: int, height: int, frames: int, source: str) -> None:
    """Refuse an image from its declared size and frame count, before any pixel is decoded."""
    cap = max_image_pixels()
    if width * height > cap:
        raise LimitExceededError(
            source,
            f"ảnh {width}×{height} điểm ảnh, giới hạn {cap:,} (biến môi trường DANHMUC_MAX_IMAGE_PIXELS)",
            f"the image is {width}×{height} pixels, the limit is {cap:,} (env DANHMUC_MAX_IMAGE_PIXELS)",
        )
    most = max_image_frames()
    if frames > most:
        raise LimitExceededError(
            source,
            f"ảnh có {frames} trang, giới hạn {most} (biến môi trường DANHMUC_MAX_IMAGE_FRAMES)",
            f"the image has {frames} frames, the limit is {most} (env DANHMUC_MAX_IMAGE_FRAMES)",
        )


def peak_rss_mib() -> float:
    """This process's peak resident size since the last :func:`reset_peak_rss`, in MiB.

    VmHWM belongs to the process's own memory map; ru_maxrss (the fallback) also carries the peak of
    the parent it was forked from, and of everything before the last reset.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_rss() -> None:
    """Start measuring the peak afresh (Linux: "5" into clear_refs resets VmHWM to the current RSS)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def current_rss_bytes() -> int:
    """This process's resident memory now (Linux ``/proc/self/statm``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _page_size()
    except (OSError, ValueError, IndexError):
        return 0


@functools.cache
def _page_size() -> int:
    import os

    return os.sysconf("SC_PAGE_SIZE")


@functools.cache
def _libc() -> ctypes.CDLL | None:
    # Looked up once: ctypes.util.find_library runs `ldconfig -p` in a child process on every call,
    # a fork of the whole worker — once per document it cost more than extracting a text file.
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def release_memory() -> None:
    """Give freed heap back to the system after a large document (glibc keeps it otherwise)."""
    import gc

    gc.collect()
    try:
        _libc().malloc_trim(0)  # type: ignore[union-attr]  # None: AttributeError, as before
    except (OSError, AttributeError):
        pass


class MemoryRelease:
    """``release_memory`` only after the heap grew by ``growth`` bytes since the last release.

    A full collection walks every live object (~50 ms in a warm extraction worker, as much as
    extracting a text file): after each of thousands of small documents it is waste; after the
    large one that grew the process it gives the memory back as before.
    """

    def __init__(self, growth: int = 64 * 2**20) -> None:
        self.growth = growth
        self.baseline = 0

    def start(self) -> None:
        """Measure growth from now (a worker's start), so even its first document's is given back."""
        self.baseline = current_rss_bytes()

    def after_document(self) -> bool:
        rss = current_rss_bytes()
        if not self.baseline or not rss:
            self.baseline = rss
            return False
        if rss - self.baseline < self.growth:
            return False
        release_memory()
        self.baseline = current_rss_bytes()
        return True
