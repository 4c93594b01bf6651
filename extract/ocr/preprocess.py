"""Page images in, clean upright greyscale and binary images out.

Order matters: coloured stamps and signatures are removed while colour is still known, the
page is brought down to at most :data:`MAX_DPI` (memory and time stay bounded whatever the
scanner did), speckles are removed before the skew estimate so they cannot vote, and the
binary image used for ruling-line detection is made last, from the straightened page.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageSequence

from extract.errors import CorruptFileError, LimitExceededError
from extract.safety import check_image_header, max_image_pixels, render_dpi

MAX_DPI = 300
DEFAULT_IMAGE_DPI = 200
MAX_SKEW_DEG = 5.0


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as decoded from the file: RGB or greyscale pixels and their resolution."""

    number: int  # 1-based
    pixels: np.ndarray  # HxW (grey) or HxWx3 (RGB), uint8
    dpi: int
    wanted_dpi: int = 0  # set when the page was rendered below its native DPI to stay under the pixel cap
    # A PDF's form widgets (an e-signature box) in grey on white, laid over the page once stamps are
    # removed from the scan; None when the page has none.
    printed: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Seal:
    """A seal or stamp taken off the page before OCR: its colour, size and where it sits down the page,
    so a reader can be told where text under it may be missing."""

    colour: str  # "red" | "blue"
    width_mm: int
    height_mm: int
    top_share: float  # of the page's height, 0 at the top
    bottom_share: float


@dataclass(frozen=True, slots=True)
class PreparedPage:
    number: int
    gray: np.ndarray  # upright, despeckled greyscale, what tesseract reads
    ink: np.ndarray  # binary, ink = 255, what the layout and the table grid are found on
    dpi: int
    skew_deg: float
    seals: tuple[Seal, ...] = ()


# ---------------------------------------------------------------- decoding


def pdf_page_count(data: bytes, source: str) -> int:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise CorruptFileError(source, f"PDF: {error}") from error
    try:
        return len(document)
    finally:
        document.close()


def check_page_sizes(data: bytes, source: str, numbers: list[int]) -> None:
    """Refuse the document before any page is rendered when one of ``numbers`` is too large to OCR."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise CorruptFileError(source, f"PDF: {error}") from error
    try:
        for number in numbers:
            width_pt, height_pt = document.get_page_size(number - 1)
            render_dpi(width_pt, height_pt, MAX_DPI, source, number)
    finally:
        document.close()


def render_pdf_page(data: bytes, source: str, number: int) -> PageImage:
    """Render one PDF page at the resolution of its scanned image, capped at MAX_DPI."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise CorruptFileError(source, f"PDF: {error}") from error
    try:
        # Form widgets are printed with the page: an e-signature's "Người ký / Thời gian ký" box is
        # a signature field's appearance, not page content, and pdfium draws it only with forms on.
        _init_forms(document)
        page = document[number - 1]
        try:
            width_pt, height_pt = page.get_size()
            native = _native_dpi(page, width_pt)
            # Checked from the page size before pdfium allocates: a 200-inch page at 300 dpi is 14 GB.
            dpi = render_dpi(width_pt, height_pt, native, source, number)
            pixels = _render(page, dpi, forms=False)
            printed = None
            if getattr(document, "formenv", None) is not None:
                printed = _form_layer(pixels, _render(page, dpi, forms=True))
            return PageImage(
                number=number,
                pixels=_maybe_grey(pixels),
                dpi=dpi,
                wanted_dpi=native if dpi < native else 0,
                printed=printed,
            )
        finally:
            page.close()
    finally:
        document.close()


def _render(page: object, dpi: int, forms: bool) -> np.ndarray:
    bitmap = page.render(scale=dpi / 72.0, grayscale=False, may_draw_forms=forms)  # type: ignore[attr-defined]
    pixels = np.asarray(bitmap.to_pil().convert("RGB"))
    del bitmap
    return pixels


def _form_layer(scan: np.ndarray, with_forms: np.ndarray) -> np.ndarray | None:
    """What the form widgets add to the page, in grey on white; None when they add nothing.

    The widgets are machine text (often blue, the e-signature's colour), not ink on paper, so they
    are kept apart from the scan: stamp removal, which takes blue ink for a signature, never sees them."""
    differs = np.abs(scan.astype(np.int16) - with_forms.astype(np.int16)).max(axis=2) > 24
    if not differs.any():
        return None
    # Grown by a pixel so the anti-aliased rim of each glyph comes along.
    differs = cv2.dilate(differs.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    layer = np.full(scan.shape[:2], 255, np.uint8)
    gray = cv2.cvtColor(np.ascontiguousarray(with_forms), cv2.COLOR_RGB2GRAY)
    layer[differs] = gray[differs]
    return layer


def _init_forms(document: object) -> None:
    import pypdfium2 as pdfium

    try:
        document.init_forms()  # type: ignore[attr-defined]
    except (pdfium.PdfiumError, RuntimeError):
        pass  # a broken form layer: the page is rendered without it, as before


def _native_dpi(page: object, width_pt: float) -> int:
    """The pixel density of the largest image on the page, so rendering neither blurs nor bloats it."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    best = 0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):  # type: ignore[attr-defined]
        if not isinstance(obj, pdfium.PdfImage):
            continue
        try:
            pixel_width, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        if right - left > width_pt * 0.5:
            best = max(best, round(pixel_width * 72.0 / (right - left)))
    if best <= 0:
        return MAX_DPI
    return max(150, min(MAX_DPI, best))


def _maybe_grey(pixels: np.ndarray) -> np.ndarray:
    """Keep colour only when the page has some: stamps are removed using it."""
    if pixels.ndim == 3:
        sample = pixels[::8, ::8].astype(np.int16)
        spread = np.abs(sample[..., 0] - sample[..., 1]) + np.abs(sample[..., 1] - sample[..., 2])
        if np.count_nonzero(spread > 40) < 50:
            return np.ascontiguousarray(pixels[..., 0]) if pixels.shape[2] else pixels
    return pixels


def open_image(data: bytes, source: str) -> Image.Image:
    """The image with its header read and checked (size of every frame, frame count); no pixel decoded.

    PIL's ``Image.open`` is lazy, so a 16,500² PNG or a TIFF of forty full pages costs nothing
    until ``load``: the bounds are checked here, from what the file declares.
    """
    cap = max_image_pixels()
    # PIL itself refuses only past twice this (it merely warns in between); ours is checked below.
    Image.MAX_IMAGE_PIXELS = cap
    try:
        with warnings.catch_warnings():
            # Between one and two times the cap PIL only warns; check_image_header below refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise _too_large(source, error) from error
    except Exception as error:  # noqa: BLE001 - PIL reports damage with whatever its decoder hits
        raise CorruptFileError(source, f"ảnh / image: {_describe(error)}") from error
    try:
        frames = int(getattr(image, "n_frames", 1) or 1)  # walks a TIFF's frame headers, decodes nothing
    except Exception:  # noqa: BLE001 - a damaged later frame is found (and warned about) when decoded
        frames = 1
    finally:
        image.seek(0)
    check_image_header(image.width, image.height, frames, source)
    return image


def decodable_frames(data: bytes, source: str) -> Iterator[int]:
    """The 1-based numbers of the frames of a PNG/JPEG/TIFF that decode, each decoded then let go.

    Raises CorruptFileError when the first frame does not decode, and after the last good frame of a
    TIFF damaged further on (the caller keeps the frames before it and warns).
    """
    image = open_image(data, source)
    # PIL reports damage with whatever exception its decoder hits (KeyError, TypeError, struct
    # errors, ...), so every failure while decoding counts as a corrupt file, never a crash.
    try:
        image.load()
    except Image.DecompressionBombError as error:
        raise _too_large(source, error) from error
    except Exception as error:  # noqa: BLE001 - see above
        raise CorruptFileError(source, f"ảnh / image: {_describe(error)}") from error
    number = 0
    try:
        for frame in ImageSequence.Iterator(image):
            number += 1
            check_image_header(frame.width, frame.height, number, source)  # every frame declares its own size
            frame.load()
            yield number
    except (CorruptFileError, LimitExceededError):
        raise
    except Exception as error:  # noqa: BLE001 - see above
        if number <= 1:
            raise CorruptFileError(source, f"ảnh / image: {_describe(error)}") from error
        # A TIFF damaged after its first pages: what was read is kept; the caller warns.
        raise CorruptFileError(source, f"trang {number} / page {number}: {_describe(error)}") from error


def image_frame(data: bytes, source: str, number: int) -> PageImage:
    """Decode frame ``number`` (1-based) alone: an OCR worker holds one page, never the whole TIFF."""
    image = open_image(data, source)
    try:
        image.seek(number - 1)
        check_image_header(image.width, image.height, number, source)
        image.load()
    except LimitExceededError:
        raise
    except Exception as error:  # noqa: BLE001 - see image_pages
        raise CorruptFileError(source, f"trang {number} / page {number}: {_describe(error)}") from error
    return _frame(image, number)


def _too_large(source: str, error: Exception) -> LimitExceededError:
    """PIL's own refusal (past twice its limit) told with our limit, not PIL's doubled one."""
    cap = max_image_pixels()
    declared = re.search(r"Image size \((\d+) pixels\)", str(error))
    size = f"{int(declared.group(1)):,} " if declared else ""
    return LimitExceededError(
        source,
        f"ảnh {size}điểm ảnh, giới hạn {cap:,} (biến môi trường DANHMUC_MAX_IMAGE_PIXELS)",
        f"the image has {size}pixels, the limit is {cap:,} (env DANHMUC_MAX_IMAGE_PIXELS)",
    )


def _describe(error: Exception) -> str:
    text = str(error)
    # PIL names the in-memory stream ("<_io.BytesIO object at 0x...>"): noise for a person.
    text = re.sub(r"<_io\.BytesIO object at 0x[0-9a-f]+>", "", text).strip(" :")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _frame(frame: Image.Image, number: int) -> PageImage:
    dpi_info = frame.info.get("dpi")
    dpi = 0
    if isinstance(dpi_info, tuple) and dpi_info and dpi_info[0]:
        dpi = round(float(dpi_info[0]))
    if dpi < 72 or dpi > 1200:
        # No trustworthy density: assume an A4 page across the width.
        dpi = max(100, round(frame.width / 8.27)) if frame.width > 800 else DEFAULT_IMAGE_DPI
    if frame.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", frame.size, (255, 255, 255))
        rgba = frame.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        frame = background
    elif frame.mode in ("1", "I;16", "I", "F"):
        frame = frame.convert("L")
    pixels = np.asarray(frame.convert("RGB") if frame.mode not in ("L", "RGB") else frame)
    if pixels.dtype != np.uint8:
        pixels = pixels.astype(np.uint8)
    return PageImage(number=number, pixels=_maybe_grey(pixels), dpi=dpi)


# ---------------------------------------------------------------- cleaning


def prepare(page: PageImage) -> PreparedPage:
    pixels, dpi, printed = page.pixels, page.dpi, page.printed
    if dpi > MAX_DPI:
        factor = MAX_DPI / dpi
        pixels = cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        if printed is not None:
            printed = cv2.resize(printed, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        dpi = MAX_DPI
    seals: tuple[Seal, ...] = ()
    if pixels.ndim == 3:
        gray, red, blue = _suppress(pixels)
        seals = seal_marks(red, blue, dpi)
    else:
        gray = pixels
    if printed is not None and printed.shape == gray.shape:
        gray = np.minimum(gray, printed)
    gray = despeckle(gray)
    angle = estimate_skew(gray)
    if abs(angle) >= 0.05:
        gray = rotate(gray, angle)
    return PreparedPage(number=page.number, gray=gray, ink=binarise(gray), dpi=dpi, skew_deg=angle, seals=seals)


def suppress_stamps(rgb: np.ndarray) -> np.ndarray:
    """Red and blue ink (seals, signatures) to paper white; black text survives unchanged."""
    return _suppress(rgb)[0]


# A seal is far larger than anything else a page prints in colour: the genre's round seals are 30-42 mm
# across and an arrival stamp ("ĐẾN") some 40 x 20 mm, while the e-signature system's emblem is 8 mm
# and a coloured signature a thin stroke. Its shorter side at least this long says "a seal or stamp".
SEAL_MIN_MM = 15


def seal_marks(red: np.ndarray, blue: np.ndarray, dpi: int) -> tuple[Seal, ...]:
    """Seal-sized patches of the removed colour ink; a seal's ring, star and lettering are joined first
    (they are apart by a stroke's width or two)."""
    reach = max(3, dpi // 25)  # 1 mm
    smallest = SEAL_MIN_MM * dpi / 25.4
    found: list[Seal] = []
    for colour, mask in (("red", red), ("blue", blue)):
        if not mask.any():
            continue
        joined = cv2.dilate(
            cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((reach, reach), np.uint8)),
            np.ones((reach, reach), np.uint8),
        )
        count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        boxes = [tuple(int(value) for value in stats[index, :4]) for index in range(1, count)]
        boxes = [box for box in boxes if min(box[2], box[3]) >= smallest]
        page_height = mask.shape[0]
        for left, top, width, height in boxes:
            if any(_inside((left, top, width, height), other) for other in boxes):
                continue  # a seal's inner ring, apart from its outer one by more than the joining reach
            found.append(
                Seal(
                    colour,
                    round(width * 25.4 / dpi),
                    round(height * 25.4 / dpi),
                    top / page_height,
                    (top + height) / page_height,
                )
            )
    return tuple(found)


def _inside(box: tuple[int, ...], other: tuple[int, ...]) -> bool:
    left, top, width, height = box
    o_left, o_top, o_width, o_height = other
    return (
        box != other
        and o_left <= left
        and o_top <= top
        and left + width <= o_left + o_width
        and (top + height <= o_top + o_height)
    )


def _suppress(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page in grey with stamp ink whitened, and the red and blue ink that was removed."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    reddish = (hue <= 12) | (hue >= 160)
    bluish = (hue >= 95) & (hue <= 135)
    stamp = (saturation > 70) & (value > 60) & (reddish | bluish)
    red, blue = stamp & reddish, stamp & bluish  # the ink itself, before its halo joins it
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if np.count_nonzero(stamp) < 0.1 * stamp.size:  # seals and signatures, not a colour photo
        # JPEG keeps colour at half resolution, so a seal's stroke edges come out grey, not red:
        # light pixels right next to coloured ink are its halo (black text cores are far darker).
        near = cv2.dilate(stamp.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        stamp |= near & (gray > 140)
    gray[stamp] = 255
    return gray, red, blue


def despeckle(gray: np.ndarray) -> np.ndarray:
    """Remove scanner dust: specks far smaller than the smallest diacritic, kept apart from ink."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return gray
    areas = stats[:, cv2.CC_STAT_AREA]
    small = np.flatnonzero((areas <= 6) & (np.arange(count) > 0))
    if small.size == 0:
        return gray
    # A small component next to other ink is a diacritic or a dot of "i"; keep it.
    cleaned = gray.copy()
    paper = int(np.percentile(gray, 90))
    big_ink = ink.copy()
    for index in small:
        x, y, w, h = stats[index, :4]
        big_ink[y : y + h, x : x + w] = 0
    neighbours = cv2.dilate(big_ink, np.ones((9, 9), np.uint8))
    for index in small:
        x, y, w, h = stats[index, :4]
        if not neighbours[y : y + h, x : x + w].any():
            cleaned[max(0, y - 1) : y + h + 1, max(0, x - 1) : x + w + 1] = paper
    return cleaned


def estimate_skew(gray: np.ndarray) -> float:
    """Skew in degrees (counter-clockwise positive) from the sharpness of the row profile.

    Text lines and ruling lines both give a spiky horizontal projection when the page is
    straight; the angle that maximises the profile's energy is the skew. Searched coarse to
    fine on a reduced image so it costs a few tens of milliseconds.
    """
    scale = min(1.0, 800.0 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if np.count_nonzero(ink) < 0.002 * ink.size:
        return 0.0

    def score(angle: float) -> float:
        rotated = rotate(ink, angle, border=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(profile) ** 2))

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 0.01, 0.5), key=score)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=score)
    best = max(np.arange(best - 0.1, best + 0.101, 0.02), key=score)
    return round(float(best), 2)


def rotate(image: np.ndarray, angle: float, border: int | None = None) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    fill = int(np.percentile(image, 90)) if border is None else border
    return cv2.warpAffine(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def rotate_quarter(gray: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    turns = (degrees_clockwise // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, k=turns)) if turns else gray


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive (Sauvola-like) so uneven scanner lighting does not eat faint strokes."""
    block = max(15, (min(gray.shape) // 40) | 1)
    adaptive = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    _, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Adaptive alone lights up paper texture in empty areas; Otsu alone loses faint text.
    return cv2.bitwise_and(adaptive, cv2.dilate(otsu, np.ones((3, 3), np.uint8)))


def is_blank(ink: np.ndarray) -> bool:
    return bool(np.count_nonzero(ink) < 0.0015 * ink.size)


def ink_share(ink: np.ndarray) -> float:
    """Share of the page that is ink: a printed page is under ~15 %, a photo or noise far more."""
    return float(np.count_nonzero(ink)) / max(1, ink.size)
