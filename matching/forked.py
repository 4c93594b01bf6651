"""One clean stage of a large run computed in a forked child while this process does other work.

Not a pool of scoring workers (session 9 removed those: each recomputed what the other had cached,
which doubled the CPU): the child gets one self-contained computation whose inputs and caches it
inherits copy-on-write, and sends back only its result, pickled through a pipe. The parent meanwhile
does work the child's result does not depend on, so the two use the machine's two cores.

A stage may also start before one of its inputs exists (`start_late`): the child first computes what needs
no late input (e.g. the concept stage's wordings, on a core that is idle while this process scores), then
waits for the input, an array of integers of a size known at the fork, which this process puts in memory shared
with the child (`Late.send`, never blocking, whatever state the child is in) before waking it by one byte.
Or a stage may come back in parts (`start_parts`), each used here while the child computes the next.

Opt-in by the caller: `reconcile(workers > 1)` on many rows (today only benchmarks/bench_matching.py asks
for more than one worker). The catalog store's incremental matching never forks. Whatever goes wrong in
the child (an exception, a kill), `result()` computes the stage again here, so it raises or returns as the
serial code would.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")
P = TypeVar("P")


@dataclass(slots=True)
class Forked(Generic[T]):
    compute: Callable[[], T]
    pid: int  # 0: not forked (no fork on this platform), `result()` computes in this process
    pipe: int

    def result(self) -> T:
        """The child's result (waits for it), or the stage computed here when the child failed."""
        if not self.pid:
            return self.compute()
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            return self.compute()
        value: T = pickle.loads(data)
        return value


def here(compute: Callable[[], T]) -> Forked[T]:
    """Not forked: `.result()` computes the stage in this process, when asked (the serial path)."""
    return Forked(compute, 0, -1)


def fork_child(child: Callable[[int], bool]) -> tuple[int, int]:
    """Fork; the child runs `child(write end of a pipe)` and leaves by `os._exit`, status 0 when it returned True
    (it wrote its result), 1 otherwise or when it raised. Returns the child's pid and the pipe's read end."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            if child(write):
                code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _write_result(write: int, value: object) -> None:
    """In the child: `value` pickled whole first (a failure leaves the pipe empty: the parent computes the stage),
    then written to the pipe, which it closes."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(write, "wb") as pipe:
        pipe.write(payload)


def start(compute: Callable[[], T]) -> Forked[T]:
    """Run `compute` in a forked child; `.result()` collects it. The child leaves by `os._exit`: no
    atexit handlers, no flushing of buffers it inherited, no collection of its copied heap."""
    if not hasattr(os, "fork"):
        return here(compute)

    def child(write: int) -> bool:
        _write_result(write, compute())
        return True

    pid, read = fork_child(child)
    return Forked(compute, pid, read)


def _write_parts(write: int, prepared: P, part: Callable[[P, int], T], count: int) -> None:
    """In the child: each part pickled whole, then written with its length before it and flushed, so that the
    parent can use it while the next is computed (a part cut short by the child's failure is seen as missing)."""
    with os.fdopen(write, "wb") as pipe:
        for k in range(count):
            payload = pickle.dumps(part(prepared, k), protocol=pickle.HIGHEST_PROTOCOL)
            pipe.write(len(payload).to_bytes(8, "little") + payload)
            pipe.flush()


_MISSING = object()


def _read_part(pipe: io.BufferedReader) -> object:
    """The next part written by `_write_parts`, or `_MISSING` when the child ended before writing it whole."""
    header = pipe.read(8)
    if len(header) < 8:
        return _MISSING
    size = int.from_bytes(header, "little")
    payload = pipe.read(size)
    if len(payload) < size:
        return _MISSING
    try:
        return pickle.loads(payload)
    except Exception:  # a part the child wrote but this process cannot read: computed here as for a failed child
        return _MISSING


@dataclass(slots=True)
class Parts(Generic[P, T]):
    """A stage computed in a forked child as `count` parts sent back one by one (`start_parts`): iterating gives
    part 0, 1, … as soon as the child has sent each, so this process works on one while the child computes the
    next. When the child fails, the parts it did not send are computed here (`prepare()` once, then `part`)."""

    prepare: Callable[[], P]
    part: Callable[[P, int], T]
    count: int
    pid: int  # 0: not forked (or iterated already), every part computed here
    pipe: int
    owner: int = 0  # the process that forked the child (as `Late.owner`)

    def __del__(self) -> None:
        # Never iterated (the caller raised first): no child left blocked on a full pipe.
        if self.pid and self.owner == os.getpid():
            _kill(self.pid)
            os.close(self.pipe)
            os.waitpid(self.pid, 0)
            self.pid = 0

    def __iter__(self) -> Iterator[T]:
        received = 0
        pid, self.pid = self.pid, 0  # iterated once
        if pid:
            pipe = os.fdopen(self.pipe, "rb")
            try:
                while received < self.count:
                    value = _read_part(pipe)
                    if value is _MISSING:
                        break
                    received += 1
                    yield value  # type: ignore[misc]
            finally:
                # Stopped early (the caller raised): the child may be computing or writing a part nobody reads.
                if received < self.count:
                    _kill(pid)
                pipe.close()
                os.waitpid(pid, 0)
        if received < self.count:
            prepared = self.prepare()
            for k in range(received, self.count):
                yield self.part(prepared, k)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start_parts(prepare: Callable[[], P], part: Callable[[P, int], T], count: int) -> Parts[P, T]:
    """Fork a child that runs `prepared = prepare()`, then sends `part(prepared, k)` for k in range(count), each as
    soon as it is computed; iterate the result for the parts in order. Every part is its own pickle: a consumer
    whose work on a part is as long as the child's on the next keeps both cores busy."""
    if not hasattr(os, "fork"):
        return Parts(prepare, part, count, 0, -1)

    def child(write: int) -> bool:
        _write_parts(write, prepare(), part, count)
        return True

    pid, read = fork_child(child)
    return Parts(prepare, part, count, pid, read, os.getpid())


# No SIGPIPE when the child is gone before its wake-up byte: the send fails with EPIPE, which `send` ignores (Python
# ignores SIGPIPE itself, but a host embedding it may not).
_NO_SIGNAL = getattr(socket, "MSG_NOSIGNAL", 0)


@dataclass(slots=True)
class Late(Generic[T]):
    """A stage forked before its late input exists (`start_late`): `send` gives it the input and returns the stage
    as `Forked`, `discard` ends the child when the input will never come (the caller computes otherwise)."""

    compute: Callable[[np.ndarray], T]  # the whole stage from the late input, here (no fork, or the child failed)
    pid: int  # 0: not forked
    pipe: int  # the result's read end
    wake: socket.socket | None  # this process's end: one byte when the input is in `shared`, EOF when discarded
    shared: mmap.mmap | None  # `size` int64, shared with the child
    size: int
    owner: int = 0  # the process that forked the child (a forked sibling holding a copy of this never ends it)

    def send(self, values: np.ndarray) -> Forked[T]:
        """The stage with `values` (`size` integers) as its input, being finished in the child. Never blocks: the
        values go to shared memory and the wake-up byte to an empty socket buffer; a child gone already leaves
        `result()` to compute the stage here."""
        values = np.ascontiguousarray(values, dtype=np.int64)
        if values.shape != (self.size,):
            raise ValueError(f"late input of shape {values.shape}, expected ({self.size},)")
        compute = self.compute
        if not self.pid or self.wake is None or self.shared is None:
            return here(lambda: compute(values))
        np.frombuffer(self.shared, dtype=np.int64, count=self.size)[:] = values
        try:
            self.wake.send(b"1", _NO_SIGNAL)
        except OSError:  # EPIPE, ECONNRESET: the child is gone; result() sees no data and computes here
            pass
        self._close()
        pid, self.pid = self.pid, 0  # the Forked now owns the child
        return Forked(lambda: compute(values), pid, self.pipe)

    def discard(self) -> None:
        """End the child without its input (its work is not wanted, e.g. the input changed after decisions)."""
        if not self.pid or self.owner != os.getpid():
            return
        _kill(self.pid)
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
        self._close()
        self.pid = 0

    def __del__(self) -> None:
        # Neither sent nor discarded (the caller raised between the fork and `send`): no child left waiting.
        if self.pid and self.owner == os.getpid():
            self.discard()

    def _close(self) -> None:
        if self.wake is not None:
            self.wake.close()
            self.wake = None
        if self.shared is not None:
            self.shared.close()
            self.shared = None


def late_here(compute: Callable[[np.ndarray], T], size: int) -> Late[T]:
    """Not forked: `send(values).result()` computes the stage in this process (the serial path)."""
    return Late(compute, 0, -1, None, None, size)


def start_late(
    prepare: Callable[[], P], finish: Callable[[P, np.ndarray], T], compute: Callable[[np.ndarray], T], size: int
) -> Late[T]:
    """Fork a child that runs `prepare()` at once, then waits for the late input (`Late.send`: `size` integers)
    and sends back `finish(prepared, values)`. `compute(values)`, which must give what `finish` gives, is the
    stage computed here when the child fails. A child whose input never comes (discarded, or this process gone)
    leaves by `os._exit` without a result."""
    if not hasattr(os, "fork"):
        return late_here(compute, size)
    shared = mmap.mmap(-1, max(1, size) * 8)  # anonymous and MAP_SHARED: written here, read by the child
    mine, theirs = socket.socketpair()

    def child(write: int) -> bool:
        mine.close()
        prepared = prepare()
        if not theirs.recv(1):  # b"": this process closed its end without sending (discarded, or gone)
            return False
        values = np.frombuffer(shared, dtype=np.int64, count=size).copy()
        _write_result(write, finish(prepared, values))
        return True

    pid, read = fork_child(child)
    theirs.close()
    return Late(compute, pid, read, mine, shared, size, os.getpid())
