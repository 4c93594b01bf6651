"""The workbook's package written from rows deflated by the processes that wrote them (catalog.reports.xlsx_zip)."""

from __future__ import annotations

import os
import random
import zipfile
import zlib
from pathlib import Path
from tempfile import TemporaryFile

import pytest
from openpyxl import Workbook, load_workbook

from catalog.reports import xlsx_zip
from catalog.reports.xlsx import _Sheet, save_sheets
from catalog.reports.xlsx_zip import DeflatedRows, crc32_combine

COLUMNS = (("Văn bản", 30), ("Số", 10))


@pytest.mark.parametrize("sizes", [(0, 0), (1, 0), (0, 7), (13, 100_000), (1 << 20, 3), (5, 1 << 21)])
def test_crc32_combine_is_zlibs(sizes: tuple[int, int]) -> None:
    rng = random.Random(sum(sizes))
    first, second = rng.randbytes(sizes[0]), rng.randbytes(sizes[1])
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def test_deflated_parts_concatenate_into_one_stream() -> None:
    pieces = [b"<a>" * 1000, b"", os.urandom(5000), "Sở Y tế\n".encode() * 300]
    stream, crc, size = b"", 0, 0
    for piece in pieces:
        with TemporaryFile() as out:
            part = DeflatedRows(out)
            part.write(piece)
            part_crc, part_size = part.finish()
            out.seek(0)
            stream += out.read()
        crc, size = crc32_combine(crc, part_crc, part_size), size + part_size
    last = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    stream += last.compress(b"</end>") + last.flush()
    whole = b"".join(pieces) + b"</end>"
    assert zlib.decompress(stream, -15) == whole
    assert crc32_combine(crc, zlib.crc32(b"</end>"), 6) == zlib.crc32(whole) and size + 6 == len(whole)


def _book(path: Path, first: int, rest: int) -> None:
    """A sheet whose first rows go to the earlier part (as the forked child writes them), then the rest."""
    book = Workbook(write_only=True)
    sheet, other = _Sheet(book, "Bảng", COLUMNS), _Sheet(book, "Trống", COLUMNS)
    sheet.prepare_earlier()
    with sheet.earlier():
        for n in range(first):
            sheet.append([f"dòng {n}", n])
    for n in range(first, first + rest):
        sheet.append([f"dòng {n}", n])
    save_sheets(book, [sheet, other], path)


def test_a_sheet_written_in_parts_reads_back_whole(tmp_path: Path) -> None:
    _book(tmp_path / "parts.xlsx", 40, 60)
    with zipfile.ZipFile(tmp_path / "parts.xlsx") as archive:
        assert archive.testzip() is None  # every entry's CRC-32 and size
    book = load_workbook(tmp_path / "parts.xlsx")
    rows = list(book["Bảng"].iter_rows(values_only=True))
    assert rows[0] == ("Văn bản", "Số") and rows[1:] == [(f"dòng {n}", n) for n in range(100)]
    assert book["Bảng"].auto_filter.ref == "A1:B101" and list(book["Trống"].iter_rows(values_only=True)) == [
        ("Văn bản", "Số")
    ]


def test_zip64_when_a_size_passes_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 4 GiB (a part, an offset, the directory) the entries take ZIP64 fields: forced here by a
    lower limit, read back by zipfile and openpyxl."""
    monkeypatch.setattr(xlsx_zip, "LIMIT", 100)
    _book(tmp_path / "big.xlsx", 5, 5)
    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        assert archive.testzip() is None
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 100
    rows = list(load_workbook(tmp_path / "big.xlsx")["Bảng"].iter_rows(values_only=True))
    assert rows[1:] == [(f"dòng {n}", n) for n in range(10)]
