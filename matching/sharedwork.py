"""A list of independent items worked through by this process and a forked child from its two ends.

`matching/forked.py` hands a child one whole stage and takes its result at the end. Cutting a list in two that
way left one side waiting for the other (the title texts at 100,000 rows, a fixed 9/20 cut: this process waited
~0.25 s on a quiet machine, more or less as the load changed), then unpickling the child's half with one core idle
(~0.2 s). Here each side claims its next part in memory both share (this process from the start, the child from
the end), so both stop where they meet whatever each one's speed; and the child sends each part's results as soon
as they are made, which this process takes in between its own parts: when they meet, about one part is left to
take, not half the list.

Where they meet a part may be done on both sides (each reads the other's claim before writing its own):
`take` must leave what `here` did as it was. Whatever goes wrong in the child (an exception, a kill), the items
whose results did not come are done here.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import pickle
import struct
from collections.abc import Callable, Sequence
from typing import TypeVar

from matching import forked

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")

PART = 256  # items a side claims at a time: at most ~2 parts done twice where the sides meet
# The child writes its parts into a pipe this process reads between its own parts: a buffer this large lets
# the child run on while this process is in the middle of a part (~80 KB a part of title texts).
_PIPE_SIZE = 1 << 20
# In the shared memory, the first item this process has not claimed (written by it), then the first item the child
# claimed (written by the child): each side writes its own field only.
_CLAIMS = struct.Struct("qq")
_INT = struct.Struct("q")  # one claim; a part's length in the pipe


def share(
    items: Sequence[I],
    here: Callable[[Sequence[I]], object],
    there: Callable[[Sequence[I]], list[R]],
    take: Callable[[Sequence[I], list[R]], None],
    *,
    first: Callable[[], None] | None = None,
    part: int | None = None,
) -> None:
    """`here(items[a:b])` in this process for its parts, and for the child's parts `there(items[a:b])` in a
    forked child, its results given to `take(items[a:b], results)` here. `first()`: this process's own work
    before its first part (the child starts on the items meanwhile). `part`: items claimed at a time (`PART`)."""
    part = PART if part is None else part
    if not hasattr(os, "fork") or len(items) <= part:
        if first is not None:
            first()
        here(items)
        return
    shared = mmap.mmap(-1, _CLAIMS.size)  # anonymous and MAP_SHARED: both processes read and write the claims
    _CLAIMS.pack_into(shared, 0, 0, len(items))

    def child(write: int) -> bool:
        with contextlib.suppress(OSError, AttributeError):  # Linux only; the default 64 KB only makes the child wait
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        _from_the_end(items, there, shared, write, part)
        return True

    pid, read = forked.fork_child(child)
    os.set_blocking(read, False)
    taken = _Taken(items, take, read)
    try:
        if first is not None:
            first()
        done = 0
        while True:
            claimed = _CLAIMS.unpack_from(shared, 0)[1]
            if done >= claimed:
                break
            end = min(done + part, claimed)
            _INT.pack_into(shared, 0, end)
            here(items[done:end])
            done = end
            taken.drain()
        os.set_blocking(read, True)
        taken.drain(to_the_end=True)
    finally:
        os.close(read)
        os.waitpid(pid, 0)
        shared.close()
    if taken.low > done:  # the child failed (status != 0) before sending every part it claimed: done here
        here(items[done : taken.low])


def _from_the_end(items: Sequence[I], there: Callable[[Sequence[I]], list[R]], shared: mmap.mmap, write: int,
                  part: int) -> None:  # fmt: skip
    """In the child: parts claimed from the end until this side meets the other's claims, each sent when done."""
    with os.fdopen(write, "wb") as pipe:
        end = len(items)
        while True:
            claimed = _CLAIMS.unpack_from(shared, 0)[0]
            if end <= claimed:
                return
            start = max(end - part, claimed)
            _INT.pack_into(shared, _INT.size, start)
            payload = pickle.dumps((start, end, there(items[start:end])), protocol=pickle.HIGHEST_PROTOCOL)
            pipe.write(_INT.pack(len(payload)))
            pipe.write(payload)
            pipe.flush()
            end = start


class _Taken:
    """The child's parts read from the pipe as they come, each given to `take`; `low`: the first item of the
    parts taken so far (they come from the end down, each starting where the previous one ended)."""

    def __init__(self, items: Sequence[I], take: Callable[[Sequence[I], list[R]], None], read: int) -> None:
        self.items, self.take, self.read = items, take, read
        self.buffer = bytearray()
        self.low = len(items)

    def drain(self, *, to_the_end: bool = False) -> None:
        """Take every whole part that has come (`to_the_end`: until the child closes the pipe)."""
        while True:
            try:
                chunk = os.read(self.read, _PIPE_SIZE)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.buffer += chunk
            self._take_whole_parts()
            if not to_the_end and len(chunk) < _PIPE_SIZE:
                break

    def _take_whole_parts(self) -> None:
        buffer, offset = self.buffer, 0
        while len(buffer) - offset >= _INT.size:
            (size,) = _INT.unpack_from(buffer, offset)
            if len(buffer) - offset - _INT.size < size:
                break
            start = offset + _INT.size
            first, end, results = pickle.loads(bytes(buffer[start : start + size]))
            if end == self.low:  # parts come in order; anything else is not the child's protocol
                self.take(self.items[first:end], results)
                self.low = first
            offset = start + size
        del buffer[:offset]
