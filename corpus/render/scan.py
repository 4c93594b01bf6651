"""Text PDF -> image-only "scan" PDF: 200 dpi, stamps, signatures, skew, blur, speckles, JPEG.

A real scanned decision is harder than a clean raster: the office's red round seal sits over
the signer's title (and sometimes over table cells), the signature is a blue scribble, one
page went through the feeder upside down and the scanner saved JPEG. Pages with a seal are
RGB (a red seal can only be told from black text in colour); the others stay greyscale.

Every random choice comes from a generator seeded by the file name, so a re-run gives the
same bytes; the pages carry no text layer, so only OCR can read them.
"""

from __future__ import annotations

import io
import math
import re
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SCAN_DPI = 200
MIN_SKEW_DEG = 0.3
MAX_SKEW_DEG = 1.2
BLUR_RADIUS = 0.6
SPECKLES_PER_MEGAPIXEL = 250
JPEG_QUALITY = 60
PAPER_GREY = 246  # scanners never return pure white paper
_FIXED_DATE = time.gmtime(1_704_067_200)  # 2024-01-01, so re-runs give identical bytes

STAMP_RADIUS_PT = 50.0  # a 35 mm seal, the size of a commune/province People's Committee seal
STAMP_RGB = (212, 28, 40)
SIGNATURE_RGB = (22, 34, 118)
STAMP_FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf")
_FALLBACK_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# Seed-specific hardships (1-based page numbers of the text PDF).
UPSIDE_DOWN_PAGES = {"son_hai_ke_hoach_2026": (2,)}
TABLE_STAMP_PAGES = {"hung_yen_ke_hoach_du_lieu_mo": 9, "ha_tinh_qd_1402_danh_muc_csdl": 6}

_SIGNER_TITLE = re.compile(r"^(?:(?:KT|TM|Q)\.\s*)?(?:PHÓ\s+)?CHỦ\s+TỊCH$")
_ISSUER_FIRST_LINE = re.compile(r"^(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN")


@dataclass
class PageMarks:
    """What happens to one page besides the scanner's noise; positions in PDF points from top-left."""

    stamps: list[tuple[float, float]] = field(default_factory=list)  # seal centres
    signature: tuple[float, float, float, float] | None = None  # box x0, top, x1, bottom
    upside_down: bool = False

    @property
    def coloured(self) -> bool:
        return bool(self.stamps) or self.signature is not None


def render_scan(pdf_path: Path, target: Path) -> int:
    """Write the scan PDF; return its page count."""
    rng = np.random.default_rng(zlib.crc32(pdf_path.stem.encode("utf-8")))
    marks, place = find_marks(pdf_path)
    seal_text = f"ỦY BAN NHÂN DÂN {place} • " if place else "ỦY BAN NHÂN DÂN • "
    pages = []
    for index, image in enumerate(_rasterise(pdf_path)):
        page_marks = marks.get(index + 1, PageMarks())
        pages.append(_degrade(_mark(image, page_marks, seal_text, rng), rng))
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(SCAN_DPI),
        quality=JPEG_QUALITY,
        title=pdf_path.stem,
        producer="danhmuc corpus renderer",
        creator="danhmuc corpus renderer",
        creationDate=_FIXED_DATE,
        modDate=_FIXED_DATE,
    )
    target.write_bytes(buffer.getvalue())
    return len(pages)


def find_marks(pdf_path: Path) -> tuple[dict[int, PageMarks], str]:
    """Where the seal, the signature and the upside-down pages go, read from the text layer.

    Returns the marks by 1-based page number and the issuer's place ("TỈNH BẮC NINH") for the
    seal's ring text.
    """
    marks: dict[int, PageMarks] = {}
    place = ""
    with pdfplumber.open(pdf_path) as pdf:
        lines_by_page = [page.extract_text_lines() for page in pdf.pages]
        place = _issuer_place(pdf.pages[0], lines_by_page[0])
        signature_page = _signature_block(lines_by_page)
        if signature_page is not None:
            number, titles, name = signature_page
            page_marks = marks.setdefault(number, PageMarks())
            top, bottom = titles[0]["top"], titles[-1]["bottom"]
            x0 = min(line["x0"] for line in titles)
            # Offices seal over the left part of the title, the signature sits over the name.
            page_marks.stamps.append((x0 + 14.0, (top + bottom) / 2.0 + 6.0))
            sign_x0 = x0 + 0.45 * STAMP_RADIUS_PT
            page_marks.signature = (sign_x0, titles[-1]["top"], sign_x0 + 120.0, name["bottom"] + 4.0)
        table_page = TABLE_STAMP_PAGES.get(pdf_path.stem)
        if table_page is not None and table_page <= len(pdf.pages):
            tables = pdf.pages[table_page - 1].find_tables()
            if tables:
                x0, top, x1, bottom = tables[0].bbox
                marks.setdefault(table_page, PageMarks()).stamps.append((x1 - 70.0, top + 0.4 * (bottom - top)))
    for number in UPSIDE_DOWN_PAGES.get(pdf_path.stem, ()):
        marks.setdefault(number, PageMarks()).upside_down = True
    return marks, place


def _issuer_place(page: pdfplumber.page.Page, lines: list[dict]) -> str:
    """The line under "ỦY BAN NHÂN DÂN" in the header's left column ("XÃ SƠN HẢI")."""
    first = next((line for line in lines if _ISSUER_FIRST_LINE.match(line["text"])), None)
    if first is None:
        return ""
    below = [
        word["text"]
        for word in page.extract_words()
        if first["bottom"] + 1 < word["top"] < first["bottom"] + 20 and word["x1"] < page.width / 2
    ]
    return " ".join(below).upper()


def _signature_block(lines_by_page: list[list[dict]]) -> tuple[int, list[dict], dict] | None:
    """(page, signer's title lines, signer's name line) of the last signature block of the document."""
    for index in range(len(lines_by_page) - 1, -1, -1):
        lines = lines_by_page[index]
        hits = [i for i, line in enumerate(lines) if _SIGNER_TITLE.match(" ".join(line["text"].split()))]
        if not hits or hits[-1] + 1 >= len(lines):
            continue
        last = hits[-1]
        first = last
        # "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH": the title is the run of lines above the name.
        while first > 0 and (first - 1 in hits or lines[first - 1]["text"].startswith("TM.")):
            first -= 1
        return index + 1, lines[first : last + 1], lines[last + 1]
    return None


def _rasterise(pdf_path: Path) -> list[Image.Image]:
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=SCAN_DPI / 72.0, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            page.close()
        return images
    finally:
        document.close()


# ---------------------------------------------------------------- seal and signature


def _mark(image: Image.Image, marks: PageMarks, seal_text: str, rng: np.random.Generator) -> Image.Image:
    if marks.coloured:
        page = np.asarray(image.convert("RGB"), dtype=np.float32)
        scale = SCAN_DPI / 72.0
        if marks.signature is not None:
            box = tuple(value * scale for value in marks.signature)
            _blend(page, _signature_mask(page.shape[:2], box, rng), SIGNATURE_RGB)  # type: ignore[arg-type]
        for x, y in marks.stamps:
            _blend(page, _seal_mask(page.shape[:2], (x * scale, y * scale), seal_text, rng), STAMP_RGB)
        image = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), mode="RGB")
    if marks.upside_down:
        image = image.rotate(180)
    return image


def _blend(page: np.ndarray, alpha: np.ndarray, rgb: tuple[int, int, int]) -> None:
    """Ink on paper multiplies: black text under the seal stays black, paper turns red."""
    tint = np.asarray(rgb, dtype=np.float32) / 255.0
    page *= 1.0 - alpha[..., None] * (1.0 - tint)


def _seal_mask(shape: tuple[int, int], centre: tuple[float, float], text: str, rng: np.random.Generator) -> np.ndarray:
    radius = STAMP_RADIUS_PT * SCAN_DPI / 72.0
    size = int(2 * radius + 40)
    seal = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(seal)
    mid = size / 2.0
    for ring_radius, width in ((radius, 7), (radius * 0.70, 3)):
        draw.ellipse(
            (mid - ring_radius, mid - ring_radius, mid + ring_radius, mid + ring_radius), outline=255, width=width
        )
    _star(draw, mid, radius * 0.30)
    font = _font(int(radius * 0.19))
    start = float(rng.uniform(0, 360))
    text_radius = radius * 0.85
    for position, char in enumerate(text):
        if char == " ":
            continue
        theta = start + 360.0 * position / len(text)
        glyph = Image.new("L", (int(radius * 0.4), int(radius * 0.4)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-theta, resample=Image.Resampling.BICUBIC)
        x = mid + text_radius * math.sin(math.radians(theta)) - glyph.width / 2
        y = mid - text_radius * math.cos(math.radians(theta)) - glyph.height / 2
        seal.paste(glyph, (round(x), round(y)), glyph)
    alpha = np.asarray(seal.rotate(float(rng.uniform(-8, 8)), resample=Image.Resampling.BICUBIC), np.float32) / 255
    # Uneven ink: a low-frequency pressure field and a few dry spots.
    pressure = Image.fromarray((rng.random((6, 6)) * 255).astype(np.uint8)).resize(
        (size, size), Image.Resampling.BICUBIC
    )
    alpha *= 0.65 + 0.30 * np.asarray(pressure, np.float32) / 255.0
    alpha *= rng.random((size, size)) > 0.06
    return _place(shape, alpha, (centre[0] - mid, centre[1] - mid))


def _star(draw: ImageDraw.ImageDraw, mid: float, radius: float) -> None:
    points = []
    for k in range(10):
        reach = radius if k % 2 == 0 else radius * 0.40
        angle = math.radians(-90 + 36 * k)
        points.append((mid + reach * math.cos(angle), mid + reach * math.sin(angle)))
    draw.polygon(points, fill=255)


def _signature_mask(
    shape: tuple[int, int], box: tuple[float, float, float, float], rng: np.random.Generator
) -> np.ndarray:
    """A smooth scribble of cubic Bézier loops across the box, then a flourish, in uneven pen pressure."""
    x0, top, x1, bottom = box
    width, height = int(x1 - x0) + 20, int(bottom - top) + 20
    canvas = Image.new("L", (width * 2, height * 2), 0)  # drawn at 2x and reduced: smooth strokes
    draw = ImageDraw.Draw(canvas)
    anchors = [(10.0, height * rng.uniform(0.3, 0.7))]
    for step in range(1, 6):
        anchors.append((10.0 + (width - 20) * step / 5.0, height * float(rng.uniform(0.15, 0.85))))
    stroke: list[tuple[float, float]] = []
    for (ax, ay), (bx, by) in zip(anchors, anchors[1:], strict=False):
        c1 = (ax + rng.uniform(-30, 50), ay + rng.uniform(-height, height) * 0.8)
        c2 = (bx + rng.uniform(-50, 30), by + rng.uniform(-height, height) * 0.8)
        stroke.extend(_bezier((ax, ay), c1, c2, (bx, by)))
    flourish_y = height * float(rng.uniform(0.65, 0.85))
    stroke.extend(_bezier(anchors[-1], (width * 0.7, height), (width * 0.3, flourish_y + 10), (15.0, flourish_y)))
    pressure = 3.0 + 2.0 * np.sin(np.linspace(0, 3 * math.pi, len(stroke)) + rng.uniform(0, math.pi))
    for (ax, ay), (bx, by), pen in zip(stroke, stroke[1:], pressure, strict=False):
        draw.line((ax * 2, ay * 2, bx * 2, by * 2), fill=255, width=max(2, int(pen * 2)))
    small = canvas.resize((width, height), Image.Resampling.LANCZOS)
    alpha = np.asarray(small, np.float32) / 255.0 * 0.9
    return _place(shape, alpha, (x0 - 10, top - 10))


def _bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]
) -> list[tuple[float, float]]:
    points = []
    for t in np.linspace(0.0, 1.0, 40):
        u = 1.0 - t
        x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
        points.append((float(x), float(y)))
    return points


def _place(shape: tuple[int, int], patch: np.ndarray, offset: tuple[float, float]) -> np.ndarray:
    """A page-sized alpha with the patch at offset (clipped at the page edges)."""
    full = np.zeros(shape, np.float32)
    left, top = round(offset[0]), round(offset[1])
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(shape[0], top + patch.shape[0]), min(shape[1], left + patch.shape[1])
    if y1 > y0 and x1 > x0:
        full[y0:y1, x0:x1] = patch[y0 - top : y1 - top, x0 - left : x1 - left]
    return full


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (STAMP_FONT, _FALLBACK_FONT):
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


# ---------------------------------------------------------------- scanner


def _degrade(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    angle = float(rng.uniform(MIN_SKEW_DEG, MAX_SKEW_DEG)) * (1 if rng.random() < 0.5 else -1)
    page = np.asarray(image, dtype=np.float32)
    # Paper tone: white becomes light grey, ink stays dark.
    page = PAPER_GREY * (page / 255.0)
    paper = PAPER_GREY if image.mode == "L" else (PAPER_GREY,) * 3
    tilted = Image.fromarray(page.astype(np.uint8), mode=image.mode).rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=paper
    )
    blurred = np.asarray(tilted.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)), dtype=np.int16).copy()
    height, width = blurred.shape[:2]
    count = int(SPECKLES_PER_MEGAPIXEL * height * width / 1_000_000)
    ys = rng.integers(0, height - 1, size=count)
    xs = rng.integers(0, width - 1, size=count)
    shades = rng.integers(40, 160, size=count)
    for dy in (0, 1):
        for dx in (0, 1):
            keep = rng.random(count) < 0.6
            blurred[ys[keep] + dy, xs[keep] + dx] = shades[keep][:, None] if blurred.ndim == 3 else shades[keep]
    return Image.fromarray(np.clip(blurred, 0, 255).astype(np.uint8), mode=image.mode)


def main(argv: list[str] | None = None) -> int:
    """``python -m corpus.render.scan [NAME ...]``: redo the scans from the committed text PDFs (no LibreOffice)."""
    import argparse
    import logging
    import sys

    parser = argparse.ArgumentParser(prog="python -m corpus.render.scan", description=main.__doc__)
    parser.add_argument("names", nargs="*", help="seed names (default: every <name>.pdf that has a scan)")
    parser.add_argument("--docs", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    names = args.names or sorted(path.name.removesuffix("_scan.pdf") for path in args.docs.glob("*_scan.pdf"))
    for name in names:
        pages = render_scan(args.docs / f"{name}.pdf", args.docs / f"{name}_scan.pdf")
        logging.getLogger("corpus.render").info("%s: scan (%d trang / pages)", name, pages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
