"""The stream names of an OLE2 compound file (.doc, .xls, .ppt), read from its directory.

Searching the whole file for a stream's name is not enough: Word stores its text in UTF-16LE, so
a .doc mentioning "Facebook" holds the bytes of the name "Book" (an Excel 5 workbook's stream), and
a .doc cut short before its directory then looks like a spreadsheet. Here the header's FAT and the
directory chain are followed; a sector the file should hold but does not is :class:`TruncatedOleError`.
Only the structure is read (no stream contents), so the work is bounded by the file's sector count.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

HEADER_SIZE = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_HEADER_DIFAT_ENTRIES = 109
_ENTRY_SIZE = 128
_STORAGE, _STREAM = 1, 2


class TruncatedOleError(Exception):
    """The file ends before a sector its own header or FAT says it holds."""

    def __init__(self, size: int, needed: int) -> None:
        super().__init__(f"{size} < {needed}")
        self.size = size
        self.needed = needed


class MalformedOleError(Exception):
    """The header or a chain cannot be followed (bad sector size, a loop, an id past the FAT)."""


def stream_names(data: bytes) -> set[str]:
    """The names of the storages and streams in the directory of the OLE2 file ``data``."""
    if len(data) < HEADER_SIZE:
        raise TruncatedOleError(len(data), HEADER_SIZE)
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise MalformedOleError(f"sector size 2^{shift}")
    size = 1 << shift

    def sector(index: int) -> bytes:
        start = (index + 1) * size  # the header fills sector -1, whatever the sector size
        if index >= _DIFAT_SECTOR or start + size > len(data):
            raise TruncatedOleError(len(data), start + size)
        return data[start : start + size]

    fat_count, directory_start = struct.unpack_from("<II", data, 0x2C)
    fat_ids = _fat_sector_ids(data, size, sector)
    if len(fat_ids) < fat_count:
        raise MalformedOleError(f"{len(fat_ids)} of {fat_count} FAT sectors listed")
    fat = [entry for index in fat_ids[:fat_count] for entry in struct.unpack(f"<{size // 4}I", sector(index))]
    used = [index for index, entry in enumerate(fat) if entry != _FREE]
    if used:  # the file must hold every sector its FAT allocates
        sector(used[-1])
    return _directory_names(fat, directory_start, size, sector)


def _fat_sector_ids(data: bytes, size: int, sector: Callable[[int], bytes]) -> list[int]:
    """The sectors holding the FAT: those the header lists, then those the DIFAT chain lists."""
    difat_start, difat_count = struct.unpack_from("<II", data, 0x44)
    fat_ids = [i for i in struct.unpack_from(f"<{_HEADER_DIFAT_ENTRIES}I", data, 0x4C) if i < _DIFAT_SECTOR]
    next_difat, seen = difat_start, 0
    while next_difat < _DIFAT_SECTOR and seen < difat_count:
        if seen > len(data) // size:  # more DIFAT sectors than the file has sectors: a loop
            raise MalformedOleError(f"DIFAT chain at sector {next_difat}")
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_ids += [i for i in entries[:-1] if i < _DIFAT_SECTOR]
        next_difat, seen = entries[-1], seen + 1
    return fat_ids


def _directory_names(fat: list[int], directory_start: int, size: int, sector: Callable[[int], bytes]) -> set[str]:
    """The names of the storages and streams in the directory chain that starts at ``directory_start``."""
    names: set[str] = set()
    current, visited = directory_start, set()
    while current != _END_OF_CHAIN:
        if current in visited or current >= len(fat):
            raise MalformedOleError(f"directory chain at sector {current}")
        visited.add(current)
        block = sector(current)
        for offset in range(0, size, _ENTRY_SIZE):
            name_length, kind = struct.unpack_from("<HB", block, offset + 0x40)
            if kind in (_STORAGE, _STREAM) and 2 <= name_length <= 64:
                names.add(block[offset : offset + name_length - 2].decode("utf-16-le", "replace"))
        current = fat[current]
    return names
