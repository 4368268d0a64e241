"""Name the synthetic case files that the project's own case checks refuse.

Usage (the project on ``PYTHONPATH``, HISTIOKG_DATA_DIR set): ``python check_cases.py``. Reads
the curated tables and every case exactly as the build does, and prints the file name of each
refused case, one a line (nothing when every case passes). The benchmark leaves those files out
of the level and says how many: a generator writing cases its own checks refuse is a bug to
report, not a reason for a level to be unmeasurable.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.core import paths
from kg.core.errors import SourceError
from kg.sources.cases import load_cases
from kg.sources.curation import load_curation
from kg.sources.terms import TermIndex


def main() -> int:
    """Print the refused synthetic case files; exit 0 either way."""
    try:
        load_cases(paths.CASES_DIR, TermIndex(load_curation(paths.CURATED).terms))
    except SourceError as exc:
        refused = {Path(str(p.path)).name for p in exc.problems}
        for name in sorted(n for n in refused if n.startswith("synthetic-")):
            print(name)
        if not any(n.startswith("synthetic-") for n in refused):
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
