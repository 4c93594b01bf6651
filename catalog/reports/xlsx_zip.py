"""The workbook's package written with its sheets' rows compressed by the processes that wrote them.

openpyxl zips every part when the workbook is saved: at 10,000 documents ~200 MB of sheet XML,
deflated in the report's parent process after the forked child is done (catalog.reports.files), so
on nobody else's CPU. Here each process deflates the rows it writes as it writes them
(``DeflatedRows``: raw deflate, zip's method 8, ended by a sync flush so that another stream may
follow). At the end openpyxl saves the workbook with its sheets empty of rows (a few kilobytes) and
``save`` writes the final package from it: every part as openpyxl wrote it, a sheet as its XML before
the rows, the rows' compressed parts copied as they are, and its XML after, one deflate stream.
Deflate streams ended by a sync flush concatenate into one stream (RFC 1951: a block may refer back
across such a boundary, but need not), and a zip entry's CRC-32 is combined from its pieces'
(``crc32_combine``, zlib's). The zip format is PKWARE's APPNOTE, with its ZIP64 extensions for a
part or an offset past 4 GiB.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook

LIMIT = 0xFFFFFFFF  # from this a size or offset needs ZIP64
MARKER = 0xFFFFFFFF  # what stands for it then, the value being in the ZIP64 field
MARK = b"</sheetData>"


class DeflatedRows:
    """A sheet's rows (or one process's part of them), deflated as written to ``out``."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # zipfile's level
        self.crc = self.size = 0
        self.done = False

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.out.write(self._deflate.compress(data))

    def finish(self) -> tuple[int, int]:
        """No more rows: the stream ended by a sync flush, on disk. Its CRC-32 and uncompressed size."""
        if not self.done:
            self.out.write(self._deflate.flush(zlib.Z_SYNC_FLUSH))
            self.out.flush()
            self.done = True
        return self.crc, self.size

    def adopt(self, crc: int, size: int) -> None:
        """Finished by another process's copy of this object, into the same file."""
        self.crc, self.size, self.done = crc, size, True


def crc32_combine(crc1: int, crc2: int, size2: int) -> int:
    """The CRC-32 of A + B from A's, B's and B's length (zlib's crc32_combine, which Python's zlib
    does not offer): A's CRC advanced over ``size2`` zero bytes by squaring an operator matrix."""
    if size2 <= 0:
        return crc1

    def times(matrix: list[int], vector: int) -> int:
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    operator = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    for _ in range(3):
        operator = square(operator)  # then two, four, eight: one zero byte
    while True:  # one bit of size2 a turn, the operator squared for the next (1, 2, 4… bytes)
        if size2 & 1:
            crc1 = times(operator, crc1)
        size2 >>= 1
        if not size2:
            return crc1 ^ crc2
        operator = square(operator)


def save(book: Workbook, sheets: Mapping[object, Sequence[DeflatedRows]], out: Path) -> None:
    """``book`` saved to ``out`` with each of ``sheets``' rows (worksheet → its finished parts, in
    order) put before the ``</sheetData>`` openpyxl wrote."""
    with tempfile.TemporaryFile() as package:
        book.save(package)  # openpyxl's package: its sheets without their rows
        rows = {sheet.path[1:]: parts for sheet, parts in sheets.items()}  # type: ignore[attr-defined]
        package.seek(0)
        with zipfile.ZipFile(package) as source, out.open("wb") as target:
            writer = _ZipWriter(target)
            for info in source.infolist():
                data = source.read(info)
                if info.filename in rows:
                    writer.sheet(info, data, rows[info.filename])
                else:
                    writer.part(info, data)
            writer.close()


class _ZipWriter:
    """Entries deflated (method 8), then the central directory (APPNOTE 4.3)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.entries: list[tuple[zipfile.ZipInfo, int, int, int, int]] = []  # info, crc, csize, size, offset

    def part(self, info: zipfile.ZipInfo, data: bytes) -> None:
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        compressed = deflate.compress(data) + deflate.flush()
        self._header(info, zlib.crc32(data), len(compressed), len(data))
        self.target.write(compressed)

    def sheet(self, info: zipfile.ZipInfo, xml: bytes, parts: Sequence[DeflatedRows]) -> None:
        head, mark, tail = xml.partition(MARK)
        if not mark or MARK in tail:
            raise ValueError(f"{info.filename}: expected one {MARK.decode()}")
        first = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        before = first.compress(head) + first.flush(zlib.Z_SYNC_FLUSH)
        last = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        after = last.compress(mark + tail) + last.flush()
        crc, size = zlib.crc32(head), len(head)
        compressed = len(before) + len(after)
        for part in parts:
            if not part.done:
                raise ValueError(f"{info.filename}: a part of its rows was not finished")
            crc, size = crc32_combine(crc, part.crc, part.size), size + part.size
            compressed += part.out.seek(0, 2)
        crc, size = crc32_combine(crc, zlib.crc32(mark + tail), len(mark) + len(tail)), size + len(mark) + len(tail)
        self._header(info, crc, compressed, size)
        self.target.write(before)
        for part in parts:
            part.out.seek(0)
            shutil.copyfileobj(part.out, self.target, 1 << 20)
        self.target.write(after)

    def _header(self, info: zipfile.ZipInfo, crc: int, compressed: int, size: int) -> None:
        offset = self.target.tell()
        self.entries.append((info, crc, compressed, size, offset))
        big = compressed >= LIMIT or size >= LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if big else b""
        name = info.filename.encode("utf-8")
        self.target.write(struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, _flags(info), zipfile.ZIP_DEFLATED, *_dos_time(info),
            crc, MARKER if big else compressed, MARKER if big else size, len(name), len(extra),
        ) + name + extra)  # fmt: skip

    def close(self) -> None:
        start = self.target.tell()
        for info, crc, compressed, size, offset in self.entries:
            wide = [value for value in (size, compressed, offset) if value >= LIMIT]
            extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
            name = info.filename.encode("utf-8")
            self.target.write(struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, (info.create_system << 8) | 45, 45 if wide else 20, _flags(info),
                zipfile.ZIP_DEFLATED, *_dos_time(info), crc, _narrow(compressed), _narrow(size), len(name),
                len(extra), 0, 0, 0, info.external_attr, _narrow(offset),
            ) + name + extra)  # fmt: skip
        end = self.target.tell()
        count, length = len(self.entries), end - start
        if start >= LIMIT or length >= LIMIT or count >= 0xFFFF:
            self.target.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, length, start))
            self.target.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self.target.write(struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), _narrow(length), _narrow(start), 0,
        ))  # fmt: skip


def _narrow(value: int) -> int:
    return MARKER if value >= LIMIT else value


def _flags(info: zipfile.ZipInfo) -> int:
    return 0x800 if not info.filename.isascii() else 0  # bit 11: the name is UTF-8


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    year, month, day, hour, minute, second = info.date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
