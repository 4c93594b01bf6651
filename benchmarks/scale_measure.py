"""Run one benchmark step as a process tree and measure it: wall time and every process's peak RSS.

Each step (an ingest, a reconciliation, a report, the API reads) runs as a child process in its own
session; a thread samples the whole tree with psutil every ``SAMPLE_SECONDS`` and keeps, for every
process seen, its largest resident set, and the largest sum over the tree. When the tree's sum
passes ``limit_bytes`` (the machine is shared) or the step passes ``timeout`` seconds, the whole
session is killed and the step is recorded as aborted ("> 8 GiB", "> 900 s").
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.25
GIB = 1024**3


@dataclass
class ProcessPeak:
    pid: int
    name: str
    rss: int = 0
    cpu: float = 0.0  # user + system seconds, as last sampled (cumulative)


@dataclass
class Measured:
    command: list[str]
    seconds: float = 0.0
    returncode: int | None = None
    aborted: str = ""  # "memory" or "timeout" when the step was killed
    tree_peak: int = 0
    child_cpu: float = 0.0  # CPU of the step's own process and the children it waited for, from the kernel
    processes: dict[int, ProcessPeak] = field(default_factory=dict)
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return not self.aborted and self.returncode == 0

    @property
    def cpu_seconds(self) -> float:
        """CPU used by the whole tree: the root's own and waited-for children (exact), or the samples."""
        sampled = sum(p.cpu for p in self.processes.values())
        return max(sampled, self.child_cpu)

    @property
    def process_peak(self) -> int:
        return max((p.rss for p in self.processes.values()), default=0)

    def peaks(self) -> list[dict[str, object]]:
        ordered = sorted(self.processes.values(), key=lambda p: -p.rss)
        return [{"pid": p.pid, "process": p.name, "peak_rss_mib": round(p.rss / 2**20, 1)} for p in ordered]

    def as_dict(self) -> dict[str, object]:
        return {
            "command": " ".join(self.command),
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "returncode": self.returncode,
            "aborted": self.aborted,
            "tree_peak_gib": round(self.tree_peak / GIB, 3),
            "process_peak_gib": round(self.process_peak / GIB, 3),
            "processes": self.peaks(),
        }


def _label(process: psutil.Process) -> str:
    try:
        parts = process.cmdline()
    except (psutil.Error, OSError):
        return "?"
    if not parts:
        return process.name()
    if any("multiprocessing" in p for p in parts):
        return f"{Path(parts[0]).name} (pool worker)"
    interesting = [p for p in parts[1:] if not p.startswith(("-", "sqlite:", "/"))][:2]
    return " ".join([Path(parts[0]).name, *interesting]).replace("\n", " ")[:60]


class TreeSampler(threading.Thread):
    def __init__(self, root: int, measured: Measured, limit_bytes: int, on_limit: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.measured = measured
        self.limit_bytes = limit_bytes
        self.on_limit = on_limit
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.root)
        except psutil.Error:
            return
        while not self.stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for process in tree:
                try:
                    rss = process.memory_info().rss
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                total += rss
                peak = self.measured.processes.get(process.pid)
                if peak is None:
                    peak = self.measured.processes[process.pid] = ProcessPeak(process.pid, _label(process))
                peak.rss = max(peak.rss, rss)
                peak.cpu = max(peak.cpu, times.user + times.system)
            self.measured.tree_peak = max(self.measured.tree_peak, total)
            if total > self.limit_bytes:
                self.measured.aborted = "memory"
                self.on_limit()
                break
            self.stop.wait(SAMPLE_SECONDS)


def run_step(
    command: list[str],
    *,
    limit_bytes: int = 8 * GIB,
    timeout: float = 900.0,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run ``command`` (a new session) to completion or abort; never raises for the step's own failure."""
    measured = Measured(command=command)
    log = subprocess.PIPE
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, **(env or {})}, cwd=cwd,
    )  # fmt: skip

    def kill() -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    sampler = TreeSampler(process.pid, measured, limit_bytes, kill)
    sampler.start()
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        measured.aborted = measured.aborted or "timeout"
        kill()
        process.wait()
    measured.seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    kill()  # anything the step left behind in its session (a server, a pool worker)
    reader.join(timeout=10)
    measured.returncode = process.returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Every descendant the step waited for (pool workers, tesseract, soffice) is counted here; a
    # process orphaned by a kill is not, so the sampled figure is kept when it is larger.
    measured.child_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    measured.output_tail = b"".join(chunks).decode("utf-8", "replace")[-3000:]
    return measured


def describe_seconds(step: Measured | None, timeout: float, limit_bytes: int) -> str:
    if step is None:
        return "–"
    if step.aborted == "memory":
        return f"> {limit_bytes / GIB:.0f} GiB (killed at {step.seconds:.0f} s)"
    if step.aborted == "timeout":
        return f"> {timeout:.0f} s"
    if step.returncode != 0:
        return f"failed ({step.returncode})"
    return f"{step.seconds:.1f} s (CPU {step.cpu_seconds:.1f} s)"


def describe_rss(step: Measured | None) -> str:
    if step is None:
        return "–"
    return f"{step.process_peak / GIB:.2f} GiB (tree {step.tree_peak / GIB:.2f})"
