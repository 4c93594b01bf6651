"""One clean stage of a large run computed in a forked child while this process does other work.

Not a pool of scoring workers (session 9 removed those: each recomputed what the other had cached,
which doubled the CPU): the child gets one self-contained computation whose inputs and caches it
inherits copy-on-write, and sends back only its result, pickled through a pipe. The parent meanwhile
does work the child's result does not depend on, so the two use the machine's two cores.

Opt-in by the caller: `reconcile(workers > 1)` on many rows (today only benchmarks/bench_matching.py asks
for more than one worker). The catalog store's incremental matching never forks. Whatever goes wrong in
the child (an exception, a kill), `result()` computes the stage again here, so it raises or returns as the
serial code would.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")


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


def start(compute: Callable[[], T]) -> Forked[T]:
    """Run `compute` in a forked child; `.result()` collects it. The child leaves by `os._exit`: no
    atexit handlers, no flushing of buffers it inherited, no collection of its copied heap."""
    if not hasattr(os, "fork"):
        return here(compute)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            payload = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Forked(compute, pid, read)


A = TypeVar("A")


@dataclass(slots=True)
class Staged(Generic[A, T]):
    """A child computing two results one after the other, the first sent as soon as it is ready: the parent
    works on it while the child goes on with the second (no second fork, whose copied pages cost CPU)."""

    first_step: Callable[[], A]
    second_step: Callable[[A], T]
    pid: int  # 0: not forked, or the child is collected
    pipe: BinaryIO | None
    done: list[A]  # the first result, once read

    def first(self) -> A:
        """The first result (waits for it), or computed here when the child failed before sending it."""
        if not self.done:
            data = _message(self.pipe) if self.pid else None
            self.done.append(self.first_step() if data is None else pickle.loads(data))
        return self.done[0]

    def result(self) -> T:
        """The second result (waits for it), or computed here when the child failed before sending it."""
        first = self.first()
        data = _message(self.pipe) if self.pid else None
        if self.pid:
            assert self.pipe is not None
            self.pipe.close()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            data = data if status == 0 else None
        if data is None:
            return self.second_step(first)
        value: T = pickle.loads(data)
        return value


def _message(pipe: BinaryIO | None) -> bytes | None:
    """One length-prefixed message, or None at the end of the pipe (the child failed)."""
    if pipe is None:
        return None
    head = pipe.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    data = pipe.read(size)
    return data if len(data) == size else None


def _send(pipe: BinaryIO, value: object) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(payload).to_bytes(8, "little") + payload)
    pipe.flush()


def start_staged(first: Callable[[], A], second: Callable[[A], T]) -> Staged[A, T]:
    """Run `first` then `second` on its result in one forked child; `.first()` and `.result()` collect
    them in turn. Without fork, both are computed here when asked."""
    if not hasattr(os, "fork"):
        return Staged(first, second, 0, None, [])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                value = first()
                _send(pipe, value)
                _send(pipe, second(value))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Staged(first, second, pid, os.fdopen(read, "rb"), [])
