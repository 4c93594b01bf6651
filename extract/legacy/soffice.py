"""One wrapper around ``soffice --headless --convert-to``, shared by the .doc reader and the corpus renderer.

Each call gets a private user profile (``-env:UserInstallation``) so conversions can run in
parallel with each other and with a desktop LibreOffice, and a timeout that kills the whole
process group: ``soffice`` is a wrapper script, and killing only it leaves ``soffice.bin``
running. Failures are a small :class:`SofficeError` that callers translate into their own
error family (the extractors name the uploaded file; the corpus renderer names the seed).
:func:`run_bounded` (timeout, process group killed) is shared with the antiword reader.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extract.processes import guarded_command


class BoundedRunTimeout(Exception):
    """The command ran past its time limit; its whole process group has been killed."""


def run_bounded(command: list[str], *, timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` in its own session; past ``timeout_s`` kill the whole group and raise BoundedRunTimeout.

    A new session, because a wrapper script (``soffice``) leaves its real worker (``soffice.bin``)
    running when only the script is killed. The group also dies with this process (``guarded_command``):
    a killed ``danhmuc ingest`` or API worker leaves no LibreOffice or antiword behind.
    """
    process = subprocess.Popen(
        guarded_command(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise BoundedRunTimeout(command[0]) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


class SofficeError(Exception):
    """LibreOffice is missing, timed out, or produced nothing; ``reason`` is bilingual."""

    def __init__(self, reason: str, *, missing: bool = False, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.timed_out = timed_out


_KEPT_PROFILE: Path | None = None


def keep_profile(folder: Path) -> None:
    """Reuse one user profile for every later conversion of this process (a long-running worker).

    LibreOffice builds a fresh profile on first start, most of its start-up; a worker converting
    one file at a time keeps the one it built instead. Only for a process that converts one file at
    a time: two conversions at once on one profile would hand each other their work.
    """
    global _KEPT_PROFILE
    folder.mkdir(parents=True, exist_ok=True)
    _KEPT_PROFILE = folder


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(
    input_path: Path, convert_to: str, *, timeout_s: float, infilter: str | None = None
) -> bytes:
    """The bytes LibreOffice writes for ``input_path`` converted to ``convert_to`` (e.g. ``"pdf"``,
    ``"docx:MS Word 2007 XML"``); raises :class:`SofficeError` when it cannot."""
    soffice = find_soffice()
    if soffice is None:
        raise SofficeError("LibreOffice (soffice) chưa được cài / LibreOffice (soffice) is not installed", missing=True)
    extension = convert_to.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="danhmuc_soffice_") as workdir:
        work = Path(workdir)
        outdir = work / "out"
        outdir.mkdir()
        command = [
            soffice,
            f"-env:UserInstallation={(_KEPT_PROFILE or work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            convert_to,
            "--outdir",
            str(outdir),
            str(input_path),
        ]
        try:
            result = run_bounded(command, timeout_s=timeout_s)
        except BoundedRunTimeout:
            raise SofficeError(
                f"chuyển đổi quá {timeout_s:g} giây / conversion took longer than {timeout_s:g} s", timed_out=True
            ) from None
        produced = outdir / f"{input_path.stem}.{extension}"
        if result.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
            raise SofficeError(detail[-1] if detail else f"mã thoát / exit code {result.returncode}")
        return produced.read_bytes()
