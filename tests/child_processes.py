"""The test process's child processes, read from /proc: tests of forked stages check that none is left behind."""

from __future__ import annotations

import os


def child_pids() -> set[int]:
    """This process's children (reaped or not: a zombie is still listed)."""
    me = str(os.getpid())
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if stat.read().split(") ")[1].split()[1] == me:
                        found.add(int(entry))
            except OSError:
                continue
    return found
