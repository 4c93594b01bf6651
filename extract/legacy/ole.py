"""The streams of an OLE2 compound file (.doc, .xls, .ppt), read from its directory.

Searching the whole file for a stream's name is not enough: Word stores its text in UTF-16LE, so
a .doc mentioning "Facebook" holds the bytes of the name "Book" (an Excel 5 workbook's stream), and
a .doc cut short before its directory then looks like a spreadsheet. Here the header's FAT and the
directory chain are followed; a sector the file should hold but does not is :class:`TruncatedOleError`.
Only the structure and the first bytes of a stream are read (:func:`stream_head`: a .doc's FIB says
whether it is encrypted), so the work is bounded by the file's sector count.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

HEADER_SIZE = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_HEADER_DIFAT_ENTRIES = 109
_ENTRY_SIZE = 128
_MINI_SECTOR = 64
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    kind: int
    start: int
    size: int


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
    return {entry.name for entry in _Compound(data).entries if entry.kind in (_STORAGE, _STREAM)}


def stream_head(data: bytes, name: str, length: int) -> bytes | None:
    """The first ``length`` bytes (fewer if the stream is shorter) of the stream ``name``; None if there is none.

    A stream under the header's cutoff lives in the mini stream (64-byte sectors inside the root entry's chain).
    """
    compound = _Compound(data)
    entry = next((e for e in compound.entries if e.kind == _STREAM and e.name == name), None)
    if entry is None:
        return None
    wanted = min(length, entry.size)
    cutoff = struct.unpack_from("<I", data, 0x38)[0]
    if entry.size >= cutoff:
        return compound.chain_bytes(entry.start, wanted)
    root = next((e for e in compound.entries if e.kind == _ROOT), None)
    if root is None:
        raise MalformedOleError("no root entry for the mini stream")
    minifat_start, minifat_count = struct.unpack_from("<II", data, 0x3C)
    minifat_bytes = compound.chain_bytes(minifat_start, minifat_count * compound.size)
    minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
    mini = compound.chain_bytes(root.start, root.size)
    out, current = b"", entry.start
    while len(out) < wanted:
        if current >= len(minifat) or (current + 1) * _MINI_SECTOR > len(mini):
            raise MalformedOleError(f"mini chain at sector {current}")
        out += mini[current * _MINI_SECTOR : (current + 1) * _MINI_SECTOR]
        current = minifat[current]
    return out[:wanted]


class _Compound:
    """The header, FAT and directory entries of an OLE2 file; sectors read on demand."""

    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER_SIZE:
            raise TruncatedOleError(len(data), HEADER_SIZE)
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise MalformedOleError(f"sector size 2^{shift}")
        self.data = data
        self.size = size = 1 << shift
        fat_count, directory_start = struct.unpack_from("<II", data, 0x2C)
        fat_ids = _fat_sector_ids(data, size, self.sector)
        if len(fat_ids) < fat_count:
            raise MalformedOleError(f"{len(fat_ids)} of {fat_count} FAT sectors listed")
        fat = [e for index in fat_ids[:fat_count] for e in struct.unpack(f"<{size // 4}I", self.sector(index))]
        used = [index for index, e in enumerate(fat) if e != _FREE]
        if used:  # the file must hold every sector its FAT allocates
            self.sector(used[-1])
        self.fat = fat
        self.entries = _directory_entries(fat, directory_start, size, self.sector)

    def sector(self, index: int) -> bytes:
        start = (index + 1) * self.size  # the header fills sector -1, whatever the sector size
        if index >= _DIFAT_SECTOR or start + self.size > len(self.data):
            raise TruncatedOleError(len(self.data), start + self.size)
        return self.data[start : start + self.size]

    def chain_bytes(self, start: int, length: int) -> bytes:
        """The first ``length`` bytes of the FAT chain that starts at ``start``."""
        parts: list[bytes] = []
        current, read, visited = start, 0, set()
        while read < length:
            if current in visited or current >= len(self.fat):
                raise MalformedOleError(f"stream chain at sector {current}")
            visited.add(current)
            parts.append(self.sector(current))
            read += self.size
            current = self.fat[current]
        return b"".join(parts)[:length]


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


def _directory_entries(
    fat: list[int], directory_start: int, size: int, sector: Callable[[int], bytes]
) -> list[_Entry]:
    """The root, storages and streams in the directory chain that starts at ``directory_start``."""
    entries: list[_Entry] = []
    current, visited = directory_start, set()
    while current != _END_OF_CHAIN:
        if current in visited or current >= len(fat):
            raise MalformedOleError(f"directory chain at sector {current}")
        visited.add(current)
        block = sector(current)
        for offset in range(0, size, _ENTRY_SIZE):
            name_length, kind = struct.unpack_from("<HB", block, offset + 0x40)
            if kind in (_STORAGE, _STREAM, _ROOT) and 2 <= name_length <= 64:
                name = block[offset : offset + name_length - 2].decode("utf-16-le", "replace")
                start, stream_size = struct.unpack_from("<II", block, offset + 0x74)
                entries.append(_Entry(name, kind, start, stream_size))
        current = fat[current]
    return entries
