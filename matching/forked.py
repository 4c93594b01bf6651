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
from typing import Generic, TypeVar

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
