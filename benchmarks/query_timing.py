"""Benchmark (b): each competency query through histiokg's own path and on raw pyoxigraph.

Usage (run with the project on ``PYTHONPATH``)::

    python query_timing.py STORE_DIR --runs 7 [--profile-out DIR --only cq12 ...]

The three paths, timed in turn in each round (so drift in machine load hits them alike), after
one warm-up run each:

- ``select``: ``KnowledgeGraph.open(store).select(text, bindings)``, what ``histiokg query``
  runs (parameters bound, cells turned into CURIEs, GROUP_CONCAT parts sorted);
- ``run_query``: ``kg.graph.queries.run_query(name, graph)``, what diagnose/options call
  (it also finds and reads the query file);
- ``raw``: the file's text as written (defaults in its VALUES clauses) on
  ``pyoxigraph.Store.read_only`` over the same files, every row read as terms.

Prints one JSON object a line, a query at a time (so a run cut short keeps what it measured):
``{"name": ..., "select": [s...], "run_query": [...], "raw": [...], "rows": n, "rows_raw": n}``.
A query whose warm-up is slow gets fewer rounds (at least one), so that no query takes much more
than ``BUDGET`` seconds. With ``--profile-out`` it instead writes ``NAME.pstats`` (cProfile of the
``select`` path over the runs) for each ``--only`` query.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.graph.queries import run_query
from kg.graph.store import KnowledgeGraph
from kg.sources.query_files import bindings_for, load_queries

#: Seconds one query's timed rounds may take, roughly (large levels get fewer rounds).
BUDGET = 15.0


def _timed(fn: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = fn()
    return time.perf_counter() - start, rows


def main(argv: list[str]) -> int:
    """Time (or profile) every competency query on the store named in ``argv``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--profile-out", type=Path)
    args = parser.parse_args(argv)

    graph = KnowledgeGraph.open(args.store)
    raw = ox.Store.read_only(str(args.store / "oxigraph"))
    queries = {n: q for n, q in load_queries().items() if q.kind == "cq"}
    if args.only:
        queries = {n: q for n, q in queries.items() if n in args.only or n[:4] in args.only}
    for name, q in queries.items():
        bindings = bindings_for(q, {})
        text = q.text

        def via_select(text: str = text, bindings: dict[str, str] = bindings) -> int:
            return len(graph.select(text, bindings).rows)

        def via_run_query(name: str = name) -> int:
            return len(run_query(name, graph).rows)

        def via_raw(text: str = text) -> int:
            return len([tuple(s) for s in raw.query(text)])

        if args.profile_out is not None:
            args.profile_out.mkdir(parents=True, exist_ok=True)
            via_select()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                via_select()
            profiler.disable()
            profiler.dump_stats(str(args.profile_out / f"{name}.pstats"))
            continue
        paths = {"select": via_select, "run_query": via_run_query, "raw": via_raw}
        warm = {key: _timed(fn) for key, fn in paths.items()}
        rows = {key: n for key, (_, n) in warm.items()}
        per_round = sum(t for t, _ in warm.values())
        runs = max(1, min(args.runs, int(BUDGET / per_round) if per_round > 0 else args.runs))
        times: dict[str, list[float]] = {key: [] for key in paths}
        order = list(paths)
        for round_ in range(runs):
            for key in order[round_ % 3 :] + order[: round_ % 3]:
                times[key].append(_timed(paths[key])[0])
        doc = {"name": name, **times, "rows": rows["select"], "rows_raw": rows["raw"]}
        print(json.dumps(doc), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
