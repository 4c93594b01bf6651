"""Where the real documents of the genre are (../shared/realdocs beside the checkout), for tests that read them.

Beside the checkout in CI and in /work/main; a worktree under /work/wt/<name> is one level deeper.
A test whose document is missing is skipped with the path it looked in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_CANDIDATES = [Path(__file__).parents[level].parent / "shared" / "realdocs" for level in (1, 2)]
REALDOCS = next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[0])


def real(name: str) -> Path:
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"real document {name} is not available in {REALDOCS}")
    return path
