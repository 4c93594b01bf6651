"""Walk an archive folder: every file is a candidate except obvious junk; extensions are only a hint.

Format detection happens in extract, by content. What the walk rejects itself is listed with a
reason (symlinks leading out of the folder, unreadable files, files over the size limit), so
the ingest report accounts for every file it saw.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Files no archive user means to ingest: OS and editor droppings, lock files, partial downloads.
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "icon\r"})
_JUNK_SUFFIXES = frozenset({".tmp", ".temp", ".part", ".crdownload", ".lnk", ".swp", ".bak~"})
_JUNK_DIRS = frozenset({"__macosx", ".git", ".svn", "__pycache__", ".trash", "$recycle.bin"})


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path  # absolute
    relative: str  # posix path inside the archive: the document's name in the store
    size: int


@dataclass(frozen=True, slots=True)
class Rejected:
    path: Path
    relative: str
    code: str
    reason: str  # Vietnamese / English


@dataclass(frozen=True, slots=True)
class WalkResult:
    candidates: list[Candidate]
    rejected: list[Rejected]


def is_junk(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in _JUNK_NAMES
        or lowered.startswith(("~$", ".~lock", "._"))
        or lowered.endswith("~")
        or os.path.splitext(lowered)[1] in _JUNK_SUFFIXES
    )


def walk_archive(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> WalkResult:
    """Every file under ``root`` (recursively, sorted for a stable order), sorted into tried and rejected."""
    root = root.resolve()
    candidates: list[Candidate] = []
    rejected: list[Rejected] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d.lower() not in _JUNK_DIRS and not d.startswith("."))
        here = Path(directory)
        for name in sorted(files):
            path = here / name
            relative = path.relative_to(root).as_posix()
            if is_junk(name):
                continue  # silently: nobody wants a list of Thumbs.db files
            outcome = _check(path, relative, root, max_bytes)
            if isinstance(outcome, Rejected):
                rejected.append(outcome)
            else:
                candidates.append(outcome)
        for name in subdirs:  # symlinked folders are not followed; say so when they lead outside
            path = here / name
            if path.is_symlink() and not _inside(path.resolve(), root):
                rejected.append(_symlink_out(path, path.relative_to(root).as_posix()))
    return WalkResult(candidates=candidates, rejected=rejected)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _symlink_out(path: Path, relative: str) -> Rejected:
    return Rejected(
        path, relative, "symlink_outside",
        "liên kết tượng trưng trỏ ra ngoài thư mục nạp — bỏ qua / symlink leads outside the folder; skipped",
    )  # fmt: skip


def _check(path: Path, relative: str, root: Path, max_bytes: int) -> Candidate | Rejected:
    if path.is_symlink():
        target = path.resolve()
        if not _inside(target, root):
            return _symlink_out(path, relative)
    try:
        stat = path.stat()
    except OSError as error:
        return Rejected(
            path, relative, "unreadable", f"không đọc được tệp / cannot read the file: {error.strerror}"
        )
    if not path.is_file():
        return Rejected(path, relative, "not_a_file", "không phải tệp thông thường / not a regular file")
    if stat.st_size > max_bytes:
        mib = f"{stat.st_size / 2**20:.1f} MiB > {max_bytes / 2**20:.1f} MiB"
        return Rejected(
            path, relative, "too_large",
            f"tệp quá lớn ({mib}); tăng --max-bytes nếu cần / file too large ({mib}); raise --max-bytes",
        )  # fmt: skip
    if not os.access(path, os.R_OK):
        return Rejected(
            path, relative, "unreadable", "không có quyền đọc tệp / no permission to read the file"
        )
    return Candidate(path=path, relative=relative, size=stat.st_size)
