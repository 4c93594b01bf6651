"""Small files that used to cost gigabytes (issue #15), written at test time into a folder.

    .venv/bin/python tests/data/hostile/make_hostile.py DIR

Each stands for a way a small upload expands in memory: a PDF page of the largest size PDF allows
(rendered for OCR), a 200,000-row text table, a DOCX holding 150 MB of XML under the zip-bomb ratio,
a 40-frame TIFF, and a 16,500² PNG. They are generated, not committed: the DOCX alone is ~24 MB.
"""

from __future__ import annotations

import random
import string
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The package parts of a minimal DOCX, as the bad-file generator writes them.
from make_bad_files import _CONTENT_TYPES, _RELS  # noqa: E402

# The page is 200 inches square (PDF's largest UserUnit-free size) with one line of vector text;
# without a text layer worth reading, the reader sends it to OCR.
_HUGE_PAGE_PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]>>endobj
trailer<</Root 1 0 R>>
%%EOF
"""

_WORDS = "xây dựng cơ sở dữ liệu hộ nghèo sở y tế quý năm kế hoạch triển khai đơn vị chủ trì phối hợp".split()


def huge_page_pdf(path: Path) -> Path:
    path.write_bytes(_HUGE_PAGE_PDF)
    return path


def long_text_table(path: Path, rows: int = 200_000) -> Path:
    """A plan whose catalog is one tab-separated table of ``rows`` rows (~13.6 MB at 200,000)."""
    rng = random.Random(15)
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH A",
        "Số: 1/KH-UBND",
        "KẾ HOẠCH",
        "Danh mục cơ sở dữ liệu",
        "STT\tTên cơ sở dữ liệu\tĐơn vị chủ trì\tThời gian",
    ]
    for number in range(1, rows + 1):
        name = " ".join(rng.choice(_WORDS) for _ in range(4))
        lines.append(f"{number}\tCơ sở dữ liệu {name}\tSở Y tế\tQuý III/2026")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def big_xml_docx(path: Path, xml_mib: int = 150) -> Path:
    """A DOCX whose document.xml inflates to ``xml_mib`` MiB at a ratio (~6:1) under the bomb limit."""
    rng = random.Random(15)
    # Words from a small vocabulary keep the ratio near 7:1: a repeated paragraph would be refused
    # as a bomb, random letters would make the file three times larger.
    syllables = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 6))) for _ in range(40)]
    paragraphs = [f"<w:p><w:r><w:t>{' '.join(rng.choices(syllables, k=6))}</w:t></w:r></w:p>" for _ in range(20000)]
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    )
    target = xml_mib * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            written = len(head)
            while written < target:
                chunk = "".join(rng.choices(paragraphs, k=20000)).encode()
                member.write(chunk)
                written += len(chunk)
            member.write(b"</w:body></w:document>")
    return path


def many_frame_tiff(path: Path, frames: int = 40, size: tuple[int, int] = (4960, 7016)) -> Path:
    """A bilevel A4-at-600-dpi page repeated ``frames`` times; G4 compression keeps it under 1 MB."""
    from PIL import Image, ImageDraw

    page = Image.new("1", size, 1)
    draw = ImageDraw.Draw(page)
    draw.text((400, 400), "KE HOACH", fill=0)
    pages = [page.copy() for _ in range(frames)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(600, 600), format="TIFF")
    return path


def huge_png(path: Path, side: int = 16_500) -> Path:
    """A white square of ``side``² pixels in a bilevel PNG: a few hundred kilobytes on disk."""
    from PIL import Image

    Image.new("1", (side, side), 1).save(path, format="PNG", optimize=True)
    return path


MAKERS = {
    "huge_page.pdf": huge_page_pdf,
    "long_table.txt": long_text_table,
    "big_xml.docx": big_xml_docx,
    "frames.tiff": many_frame_tiff,
    "huge.png": huge_png,
}


def make_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder / name) for name, make in MAKERS.items()}


if __name__ == "__main__":
    for name, made in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")).items():
        print(f"{name}\t{made.stat().st_size}")  # noqa: T201
