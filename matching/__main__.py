"""Command line of the matching package.

    python -m matching calibrate [GOLD_DIR [DOCS_DIR]]   refit matching/thresholds.json on the linking gold
    python -m matching crossval                          leave-one-document-out figures on the linking gold
    python -m matching learn [N]                         F1 before/after N simulated reviewer decisions
"""

from __future__ import annotations

import sys

from matching.calibrate import main as calibrate_main


def main(argv: list[str]) -> int:
    if argv and argv[0] == "crossval":
        from matching.crossval import main as crossval_main

        return crossval_main(argv[1:])
    if argv and argv[0] == "learn":
        from matching.learning import main as learn_main

        return learn_main(argv[1:])
    if not argv or argv[0] != "calibrate":
        sys.stderr.write(__doc__ or "")
        return 2
    return calibrate_main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
