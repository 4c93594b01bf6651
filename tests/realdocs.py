"""Where the real documents of the genre are (../shared/realdocs beside the checkout), for tests that read them.

``$DANHMUC_REALDOCS`` names them when set; otherwise beside the checkout (CI, /work/main), or one level
higher for a worktree under /work/wt/<name>. The one place tests look: a test whose document is missing
is skipped with the path it looked in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_CANDIDATES = [Path(__file__).parents[level].parent / "shared" / "realdocs" for level in (1, 2)]
REALDOCS = (
    Path(os.environ["DANHMUC_REALDOCS"])
    if os.environ.get("DANHMUC_REALDOCS")
    else next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[0])
)


def real(name: str) -> Path:
    path = REALDOCS / name
    if not path.exists():
        pytest.skip(f"real document {name} is not available in {REALDOCS}")
    return path
