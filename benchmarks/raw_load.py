"""Baseline (a): raw pyoxigraph bulk load of N-Triples into a new on-disk store, then a dump.

Usage: ``python raw_load.py GRAPH.nt STORE_DIR DUMP.nt``. This is the least any engine on
Oxigraph can do with the same triples: parse, index on disk, write N-Triples back out.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox


def main(argv: list[str]) -> int:
    """Load ``argv[0]`` into a new store at ``argv[1]`` and dump it to ``argv[2]``."""
    source, folder, dump = argv
    store = ox.Store(folder)
    store.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    print(len(store))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
