"""Baseline (c): start Python, import pyoxigraph, open the store read-only, run query texts.

Usage: ``python raw_query.py STORE_DIR QUERY_FILE...``; every result row is read, so the
engine does the whole work. The command it stands beside pays this plus its own Python.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox


def main(argv: list[str]) -> int:
    """Run each query file of ``argv[1:]`` on the store at ``argv[0]``; print the row counts."""
    store = ox.Store.read_only(str(Path(argv[0]) / "oxigraph"))
    for name in argv[1:]:
        result = store.query(Path(name).read_text(encoding="utf-8"))
        rows = [tuple(solution) for solution in result]
        print(f"{Path(name).name}\t{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
