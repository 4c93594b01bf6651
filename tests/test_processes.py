"""Helper processes die with their parent (issue #15 "orphans"): kill -9 of the parent leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PARENT = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from extract.processes import die_with_parent

def pid_then_sleep(_: int) -> int:
    import os
    return os.getpid()

def hold(_: int) -> None:
    time.sleep(120)

if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1])
    pool = ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=die_with_parent)
    pids = {pool.submit(pid_then_sleep, i).result() for i in range(4)}
    for i in range(2):
        pool.submit(hold, i)
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return status not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_workers_die_when_their_parent_is_killed(tmp_path: Path, method: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), method], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert parent.stdout is not None
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert children and all(_alive(pid) for pid in children)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children), "orphaned workers survived their parent"


def test_die_with_parent_reports_whether_it_took() -> None:
    code = "from extract.processes import die_with_parent; print(die_with_parent())"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == str(sys.platform.startswith("linux"))


EXTERNAL_PARENT = """
import sys
from extract.legacy.soffice import run_bounded
# A wrapper that starts a worker and waits for it, as ``soffice`` (oosplash, then soffice.bin) does.
run_bounded(["sh", "-c", "sleep 300 & echo $! > " + sys.argv[1] + "; wait"], timeout_s=300)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_external_command_and_its_children_die_with_their_parent(tmp_path: Path) -> None:
    """soffice and antiword run through ``run_bounded``: kill -9 of the Python process that started
    them must not leave the command, nor what the command started, running."""
    script, pid_file = tmp_path / "parent.py", tmp_path / "grandchild.pid"
    script.write_text(EXTERNAL_PARENT, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(pid_file)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(pid_file.read_text())
    assert _alive(grandchild)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(grandchild), "the external command's child survived its parent"


def test_guarded_command_keeps_output_and_exit_code() -> None:
    from extract.legacy.soffice import run_bounded

    done = run_bounded(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout_s=30)
    assert (done.returncode, done.stdout, done.stderr) == (3, b"out\n", b"err\n")
    killed = run_bounded(["sh", "-c", "kill -9 $$"], timeout_s=30)
    assert killed.returncode != 0
