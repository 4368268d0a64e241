"""Measure SHACL engines on the project's own shapes and data, side by side in one run.

Candidates, all given the same ``ontology/shapes.ttl`` and the same N-Triples:

- ``pyshacl``: pySHACL on an rdflib graph parsed from the N-Triples (the engine before this work);
- ``rudof``, ``rudof-sparql``: pyrudof (Rust), its native engine and its SPARQL engine;
- ``sparql-oxigraph``: the shapes compiled to SPARQL by ``kg.checks.validate``, run on pyoxigraph;
- ``kg-validate``: the same queries through the project's own store (``KnowledgeGraph.select``),
  i.e. exactly what ``histiokg validate`` runs.

First every candidate runs on every fixture in ``tests/fixtures/shapes`` (loaded with the TBox)
and on each data level; all must give the same verdict and the same set of (focus node, path,
shape). Then each is timed on the shipped graph and on synthetic cohorts (the shipped cases'
subgraphs copied with renamed case IRIs) of 100 and 1,000 cases. Times are CPU seconds (all
threads) and wall seconds, medians of the repeats, and ratios against pySHACL from the same run.

Usage: ``.venv/bin/python benchmarks/shacl/compare.py [--levels 13,100,1000] [--out FILE]``
(pyrudof is optional: without it the rudof rows are skipped).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, Graph
from rdflib.namespace import SH
from rdflib.term import BNode, Node

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.checks.validate import check_shapes, compile_shapes  # noqa: E402
from kg.core import paths  # noqa: E402
from kg.core.namespaces import expand  # noqa: E402
from kg.graph.build import build_graph  # noqa: E402
from kg.graph.store import KnowledgeGraph  # noqa: E402
from kg.sources.ontology import load_ontology  # noqa: E402
from kg.sources.query_files import load_queries  # noqa: E402

try:
    import pyrudof
except ImportError:  # optional candidate
    pyrudof = None

FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
HKGD = "https://w3id.org/histiokg/data/"
Key = tuple[str, str, str]
#: (verdict: no Violation, {(focus, path, shape)}), and (load seconds, validate seconds) CPU/wall
Outcome = tuple[bool, frozenset[Key]]
Candidate = Callable[[bytes], tuple[Outcome, dict[str, float]]]


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    cpu, wall = _clock()
    return cpu - start[0], wall - start[1]


def _node(value: str) -> str:
    return "_:blank" if value.startswith("_:") else value


def _outcome(rows: list[tuple[str, str, str, str]]) -> Outcome:
    """Rows of (focus, path, shape, severity) as a verdict and a key set."""
    verdict = not any(sev.endswith("Violation") for *_, sev in rows)
    return verdict, frozenset((_node(f), p, s) for f, p, s, _ in rows)


# ---------------------------------------------------------------- candidates


def run_pyshacl(data: bytes) -> tuple[Outcome, dict[str, float]]:
    """pySHACL, no inference, on an rdflib graph parsed from the N-Triples."""
    shapes = Graph().parse(paths.SHAPES, format="turtle")
    start = _clock()
    g = Graph().parse(data=data.decode("utf-8"), format="nt")
    load = _since(start)
    start = _clock()
    _, results, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=False)
    check = _since(start)
    rows = []
    for res in results.subjects(RDF.type, SH.ValidationResult):
        path: Node | None = results.value(res, SH.resultPath)
        printed = "" if path is None else str(path)
        if isinstance(path, BNode):
            printed = "^" + str(results.value(path, SH.inversePath))
        focus = results.value(res, SH.focusNode)
        rows.append(
            (
                "_:" if isinstance(focus, BNode) else str(focus),
                printed,
                str(results.value(res, SH.sourceShape)),
                str(results.value(res, SH.resultSeverity)),
            )
        )
    return _outcome(rows), _times(load, check)


def _rudof(mode_name: str) -> Candidate:
    def run(data: bytes) -> tuple[Outcome, dict[str, float]]:
        assert pyrudof is not None
        shapes = paths.SHAPES.read_text(encoding="utf-8")
        start = _clock()
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(data.decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(shapes, format=pyrudof.ShaclFormat.Turtle)
        load = _since(start)
        start = _clock()
        report = rudof.validate_shacl(getattr(pyrudof.ShaclValidationMode, mode_name))
        check = _since(start)
        rows = []
        for entry in report:
            path = entry.path or ""
            if path.startswith("^("):
                path = "^" + path[2:-1]
            rows.append((entry.focus_node, path, entry.source_shape or "", entry.severity))
        return _outcome(rows), _times(load, check)

    return run


def run_sparql_oxigraph(data: bytes) -> tuple[Outcome, dict[str, float]]:
    """The compiled queries on a pyoxigraph store bulk-loaded from the N-Triples."""
    checks = compile_shapes()
    start = _clock()
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    load = _since(start)
    start = _clock()
    rows = []
    for c in checks:
        for solution in store.query(c.query):
            this = solution["this"]
            focus = "_:" if isinstance(this, ox.BlankNode) else this.value
            rows.append((focus, c.path, c.shape, c.severity))
    check = _since(start)
    return _outcome(rows), _times(load, check)


def run_kg_validate(data: bytes) -> tuple[Outcome, dict[str, float]]:
    """``kg.checks.validate.check_shapes`` on the project's store, as ``histiokg validate`` runs."""
    start = _clock()
    if hasattr(KnowledgeGraph, "in_memory"):
        graph = KnowledgeGraph.in_memory(data)
    else:  # the rdflib-backed store before the engine switch
        graph = KnowledgeGraph(Graph().parse(data=data.decode("utf-8"), format="nt"))
    load = _since(start)
    start = _clock()
    results = check_shapes(graph)
    check = _since(start)
    rows = []
    for r in results:
        rows.append((_expanded(r.focus), r.path, r.shape, r.severity))
    return _outcome(rows), _times(load, check)


def _expanded(cell: str) -> str:
    try:
        return cell if cell.startswith(("_:", "http")) else expand(cell)
    except ValueError:  # not a CURIE of the prefix map: the IRI itself
        return cell


def _times(load: tuple[float, float], check: tuple[float, float]) -> dict[str, float]:
    return {
        "load_cpu": load[0],
        "load_wall": load[1],
        "check_cpu": check[0],
        "check_wall": check[1],
    }


def candidates() -> dict[str, Candidate]:
    """Every candidate that can run here, pySHACL first."""
    out: dict[str, Candidate] = {"pyshacl": run_pyshacl}
    if pyrudof is not None:
        out["rudof"] = _rudof("Native")
        out["rudof-sparql"] = _rudof("Sparql")
    out["sparql-oxigraph"] = run_sparql_oxigraph
    out["kg-validate"] = run_kg_validate
    return out


# ---------------------------------------------------------------- data


def scale(data: bytes, cases: int) -> bytes:
    """The graph with its case subgraphs copied (case IRIs renamed) up to ``cases`` cases."""
    lines = data.decode("utf-8").splitlines()
    case_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/histiokg/ontology/Case>"
    ids = sorted(
        (line.split(" ", 1)[0][1 + len(HKGD) : -1] for line in lines if case_type in line),
        key=len,
        reverse=True,
    )
    owned = re.compile(rf"<{re.escape(HKGD)}({'|'.join(map(re.escape, ids))})(?=[->])")
    by_case: dict[str, list[str]] = {i: [] for i in ids}
    for line in lines:
        m = owned.search(line)
        if m:
            by_case[m.group(1)].append(line)
    out = list(lines)
    order = sorted(ids)
    for j in range(max(0, cases - len(ids))):
        case, copy = order[j % len(order)], j // len(order) + 1
        old = re.compile(rf"<{re.escape(HKGD)}{re.escape(case)}(?=[->])")
        out += [old.sub(f"<{HKGD}{case}-x{copy}", line) for line in by_case[case]]
    return ("\n".join(out) + "\n").encode("utf-8")


def fixture_data(tbox: bytes, name: str) -> bytes:
    """TBox plus one bad fixture, as N-Triples."""
    g = Graph().parse(FIXTURES / name, format="turtle")
    return tbox + g.serialize(format="nt", encoding="utf-8")


def qc_seconds(data: bytes) -> tuple[float, float, int]:
    """CPU and wall seconds to run every queries/qc query on pyoxigraph, and the rows returned."""
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    start = _clock()
    rows = 0
    for query in load_queries(paths.QUERIES_DIR).values():
        if query.kind == "qc":
            rows += sum(1 for _ in store.query(query.text))
    cpu, wall = _since(start)
    return cpu, wall, rows


# ---------------------------------------------------------------- report


def versions() -> str:
    """Machine facts and package versions."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:  # noqa: PTH123
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pkgs = ["pyshacl", "rdflib", "pyoxigraph", "pyrudof"]
    found = []
    for p in pkgs:
        try:
            found.append(f"{p} {metadata.version(p)}")
        except metadata.PackageNotFoundError:
            found.append(f"{p} (not installed)")
    return (
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
        f"- machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"{mem:.0f} GiB; Python {platform.python_version()}\n"
        f"- packages: {', '.join(found)}\n"
    )


def main() -> None:
    """Check agreement, then time every candidate at every level; write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="13,100,1000", help="case counts (13 = shipped)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per small level")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"))
    parser.add_argument("--skip", default="", help="candidates not to time above 100 cases")
    parser.add_argument("--qc-max-cases", type=int, default=100, help="largest level to run QC on")
    args = parser.parse_args()
    engines = candidates()
    tbox = load_ontology().serialize(format="nt", encoding="utf-8")
    shipped = build_graph().graph.dump_ntriples()

    agree: list[str] = []
    for fixture in sorted(p.name for p in FIXTURES.glob("*.bad.ttl")):
        data = fixture_data(tbox, fixture)
        outcomes = {name: run(data)[0] for name, run in engines.items()}
        agree.append(_agreement(fixture.removesuffix(".bad.ttl"), outcomes))
        print(agree[-1], file=sys.stderr)

    rows: list[str] = []
    for level in (int(x) for x in args.levels.split(",")):
        data = shipped if level <= 13 else scale(shipped, level)
        triples = data.count(b"\n")
        repeats = args.repeats if level <= 100 else 1
        outcomes, times = {}, {}
        for name, run in engines.items():
            if level > 100 and name in args.skip.split(","):
                continue
            runs = []
            for _ in range(repeats):
                gc.collect()
                outcome, t = run(data)
                runs.append(t)
            outcomes[name] = outcome
            times[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(f"{level} cases {name}: {times[name]}", file=sys.stderr)
        agree.append(_agreement(f"data, {level} cases", outcomes))
        qc = qc_seconds(data) if level <= args.qc_max_cases else None
        rows += _rows(level, triples, times, qc)
        _write(args.out, agree, rows)  # after every level, so a long run leaves its results


def _agreement(label: str, outcomes: dict[str, Outcome]) -> str:
    ref_verdict, ref_keys = outcomes.get("pyshacl") or next(iter(outcomes.values()))
    cells = []
    for verdict, keys in outcomes.values():
        same = verdict == ref_verdict and keys == ref_keys
        cells.append("same" if same else f"DIFFERS ({len(keys ^ ref_keys)} keys)")
    verdict = "conforms" if ref_verdict else "fails"
    return f"| {label} | {verdict}, {len(ref_keys)} | " + " | ".join(cells) + " |"


def _rows(
    level: int,
    triples: int,
    times: dict[str, dict[str, float]],
    qc: tuple[float, float, int] | None,
) -> list[str]:
    base = times.get("pyshacl")
    out = []
    for name, t in times.items():
        total = t["load_cpu"] + t["check_cpu"]
        ratio = ""
        if base:
            ratio = f"{total / (base['load_cpu'] + base['check_cpu']):.3f}"
            ratio += f" / {t['check_cpu'] / base['check_cpu']:.3f}"
        out.append(
            f"| {level} | {triples:,} | {name} | {t['load_cpu']:.2f} | {t['check_cpu']:.2f} | "
            f"{t['load_wall'] + t['check_wall']:.2f} | {ratio} |"
        )
    qc_cells = f"{qc[0]:.2f} | {qc[1]:.2f}" if qc else "not run | (--qc-max-cases)"
    out.append(f"| {level} | {triples:,} | QC queries (pyoxigraph) | | {qc_cells} | |")
    return out


def _write(out: Path, agree: list[str], rows: list[str]) -> None:
    names = list(candidates())
    text = [
        "# SHACL engines on histiokg's shapes and data",
        "",
        "Written by `benchmarks/shacl/compare.py`; every figure comes from one run.",
        "",
        versions(),
        "## Agreement",
        "",
        "Verdict and number of distinct (focus node, path, shape) results by pySHACL; each other "
        "candidate either gives the same verdict and the same set, or the size of the difference.",
        "",
        "| input | pySHACL | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
        *agree,
        "",
        "## Time",
        "",
        "CPU seconds to load the N-Triples into the engine and to validate; wall seconds for both; "
        "ratio to pySHACL of CPU (load + validate) / (validate only). QC: every `queries/qc` query "
        "on pyoxigraph, CPU and wall.",
        "",
        "| cases | triples | candidate | load CPU s | validate CPU s | wall s | ratio to pySHACL |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    out.write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
