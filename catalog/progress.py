"""Progress on stderr: a redrawn bar with files/s and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 28
PLAIN_EVERY_SECONDS = 5.0


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO, *, label: str = "Nạp / ingest") -> None:
        self.total = total
        self.stream = stream
        self.label = label
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()
        self._last_plain = 0.0
        self._tty = bool(getattr(stream, "isatty", lambda: False)())

    def advance(self, *, failed: bool = False, name: str = "") -> None:
        self.done += 1
        self.failed += int(failed)
        now = time.monotonic()
        if self._tty:
            self.stream.write("\r" + self.line(now, name)[:160].ljust(100))
            self.stream.flush()
        elif now - self._last_plain >= PLAIN_EVERY_SECONDS or self.done == self.total:
            self._last_plain = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None, name: str = "") -> str:
        elapsed = (now or time.monotonic()) - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        remaining = (self.total - self.done) / rate if rate > 0 else 0.0
        filled = int(BAR_WIDTH * self.done / self.total) if self.total else BAR_WIDTH
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        tail = f" {name}" if name else ""
        return (
            f"{self.label} [{bar}] {self.done}/{self.total} · {rate:.2f} tệp/s (files/s) · "
            f"còn / ETA {_clock(remaining)} · lỗi / failed {self.failed}{tail}"
        )

    def close(self) -> None:
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
