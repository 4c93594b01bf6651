"""Text PDF -> image-only "scan" PDF: 200 dpi grayscale, skew, blur, speckles, JPEG.

Every random choice comes from a generator seeded by the file name, so a re-run gives the
same pixels; the pages carry no text layer, so only OCR can read them.
"""

from __future__ import annotations

import io
import time
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

SCAN_DPI = 200
MIN_SKEW_DEG = 0.3
MAX_SKEW_DEG = 1.2
BLUR_RADIUS = 0.6
SPECKLES_PER_MEGAPIXEL = 250
JPEG_QUALITY = 55
PAPER_GREY = 246  # scanners never return pure white paper
_FIXED_DATE = time.gmtime(1_704_067_200)  # 2024-01-01, so re-runs give identical bytes


def render_scan(pdf_path: Path, target: Path) -> int:
    """Write the scan PDF; return its page count."""
    rng = np.random.default_rng(zlib.crc32(pdf_path.stem.encode("utf-8")))
    pages = [_degrade(image, rng) for image in _rasterise(pdf_path)]
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


def _degrade(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    angle = float(rng.uniform(MIN_SKEW_DEG, MAX_SKEW_DEG)) * (1 if rng.random() < 0.5 else -1)
    page = np.asarray(image, dtype=np.float32)
    # Paper tone: white becomes light grey, ink stays dark.
    page = PAPER_GREY * (page / 255.0)
    tilted = Image.fromarray(page.astype(np.uint8), mode="L").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=PAPER_GREY
    )
    blurred = np.asarray(tilted.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)), dtype=np.int16).copy()
    height, width = blurred.shape
    count = int(SPECKLES_PER_MEGAPIXEL * height * width / 1_000_000)
    ys = rng.integers(0, height - 1, size=count)
    xs = rng.integers(0, width - 1, size=count)
    shades = rng.integers(40, 160, size=count)
    for dy in (0, 1):
        for dx in (0, 1):
            keep = rng.random(count) < 0.6
            blurred[ys[keep] + dy, xs[keep] + dx] = shades[keep]
    return Image.fromarray(np.clip(blurred, 0, 255).astype(np.uint8), mode="L")
