"""Page progress of the file being read: the readers say when a page is done, whoever runs them listens.

A job runner wraps one extraction in :func:`reporting`; the PDF reader and the OCR pool then call
:func:`set_total` and :func:`page_done` as they go. Nothing is reported outside such a block (the
CLI, the tests, a reader run in another thread), so the readers pay one context-variable read.

A page counts as done once its text is in: a typed page when the PDF reader has read it, a page
without a text layer only when OCR has read it. So a scanned PDF shows ``0/N`` through the text
pass and then climbs page by page, and ``done == total`` means the reading is over.

The listener is called at most every ``min_seconds`` (and only after a page was done since its
last call), plus once when the total becomes known or a new pass starts, plus once at the end: a
500-page typed PDF read in two seconds makes a handful of calls, not 500 database commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PageListener = Callable[[int, int], None]  # (pages done, pages in all)

MIN_SECONDS = 0.5


class _Tracker:
    def __init__(self, listener: PageListener, min_seconds: float, clock: Callable[[], float]) -> None:
        self.listener, self.min_seconds, self.clock = listener, min_seconds, clock
        self.done = 0
        self.total = 0
        self._told: tuple[int, int] | None = None
        self._told_at = 0.0

    def set_total(self, total: int) -> None:
        self.total = max(total, 0)
        self.done = min(self.done, self.total)
        # A pass starts (the text pass, then the OCR pass): say where it starts, however recent
        # the last call, so a slow first OCR page does not leave the text pass's count unsaid.
        self._tell(force=True)

    def advance(self, pages: int) -> None:
        self.done = min(self.done + pages, self.total) if self.total else self.done + pages
        self._tell(force=self.total > 0 and self.done >= self.total)

    def rewind(self, done: int) -> None:
        """Back to ``done`` without telling: the pages after it are read again (a broken pool's retry)."""
        self.done = done

    def _tell(self, *, force: bool) -> None:
        state = (self.done, self.total)
        if state == self._told or self.total <= 0:
            return
        now = self.clock()
        if not force and now - self._told_at < self.min_seconds:
            return
        self._told, self._told_at = state, now
        self.listener(*state)


_TRACKER: ContextVar[_Tracker | None] = ContextVar("danhmuc_page_progress", default=None)


@contextmanager
def reporting(
    listener: PageListener, *, min_seconds: float = MIN_SECONDS, clock: Callable[[], float] = time.monotonic
) -> Iterator[None]:
    """Call ``listener(done, total)`` as the file read inside the block makes progress, throttled.

    An exception the listener raises goes through the reader to the caller: a listener that must
    not stop the extraction (a database briefly away) catches its own errors.
    """
    token = _TRACKER.set(_Tracker(listener, min_seconds, clock))
    try:
        yield
    finally:
        _TRACKER.reset(token)


def set_total(total: int) -> None:
    """The file has ``total`` pages (said again at the start of each pass; the count done is kept)."""
    tracker = _TRACKER.get()
    if tracker is not None:
        tracker.set_total(total)


def page_done(pages: int = 1) -> None:
    tracker = _TRACKER.get()
    if tracker is not None:
        tracker.advance(pages)


def pages_done() -> int:
    """The count done so far (0 outside :func:`reporting`), to :func:`rewind` to."""
    tracker = _TRACKER.get()
    return tracker.done if tracker is not None else 0


def rewind(done: int) -> None:
    tracker = _TRACKER.get()
    if tracker is not None:
        tracker.rewind(done)
