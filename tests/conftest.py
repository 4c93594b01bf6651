"""Test-wide settings.

Under CI (CI=true) Hypothesis runs derandomized: a red CI must be reproducible by re-running it,
and exploration with fresh random examples happens on every developer's local run instead.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
