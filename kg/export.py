"""Write a built graph to standard RDF formats, deterministically and atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from rdflib import Graph

from kg import __version__
from kg.interchange import graphml_bytes, kgx_tables
from kg.namespaces import PREFIXES
from kg.queries import run_query
from kg.store import KnowledgeGraph

RDF_FORMATS = ("ttl", "nt", "jsonld")
#: Formats written to one file; kgx and phenopacket write a directory.
FORMATS = (*RDF_FORMATS, "graphml")
DIRECTORY_FORMATS = ("kgx", "phenopacket")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bound(graph: KnowledgeGraph) -> Graph:
    g = graph.rdflib_graph()
    for prefix, base in PREFIXES.items():
        g.bind(prefix, base, override=True, replace=True)
    return g


def turtle_bytes(graph: KnowledgeGraph) -> bytes:
    """Turtle with every prefix bound, UTF-8, LF line ends, the same bytes for the same graph."""
    text = _bound(graph).serialize(format="turtle", encoding="utf-8")
    return text.replace(b"\r\n", b"\n")


def ntriples_bytes(graph: KnowledgeGraph) -> bytes:
    """N-Triples, lines sorted, so equal graphs give equal bytes."""
    data = graph.rdflib_graph().serialize(format="nt", encoding="utf-8")
    lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
    return ("\n".join(lines) + "\n").encode("utf-8")


def jsonld_context() -> dict[str, str]:
    """The JSON-LD @context: the project's prefix map."""
    return dict(sorted(PREFIXES.items()))


def jsonld_bytes(graph: KnowledgeGraph) -> bytes:
    """JSON-LD compacted with the project context, nodes sorted by @id."""
    raw = graph.rdflib_graph().serialize(
        format="json-ld", context=jsonld_context(), auto_compact=True
    )
    doc = json.loads(raw)
    nodes = doc.get("@graph", [])
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    doc["@graph"] = nodes
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def serialise(graph: KnowledgeGraph, fmt: str) -> bytes:
    """Serialise to one of FORMATS."""
    if fmt == "ttl":
        return turtle_bytes(graph)
    if fmt == "nt":
        return ntriples_bytes(graph)
    if fmt == "jsonld":
        return jsonld_bytes(graph)
    if fmt == "graphml":
        return graphml_bytes(graph)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_graph(graph: KnowledgeGraph, path: Path, fmt: str) -> int:
    """Write the graph to ``path`` atomically; return the number of bytes written."""
    data = serialise(graph, fmt)
    write_atomic(path, data)
    return len(data)


def write_turtle(graph: KnowledgeGraph, path: Path) -> int:
    """Write Turtle atomically."""
    return write_graph(graph, path, "ttl")


def gap_report_bytes(graph: KnowledgeGraph) -> bytes:
    """The terminology-gap report: every project term (no standard ID) and why, as TSV."""
    table = run_query("terminology-gaps", graph)
    lines = ["\t".join(table.columns)]
    lines += [
        "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) for row in table.rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def context_bytes() -> bytes:
    """The JSON-LD context file: every prefix of the graph."""
    return (json.dumps({"@context": jsonld_context()}, indent=1, sort_keys=True) + "\n").encode()


def write_kgx(graph: KnowledgeGraph, out_dir: Path) -> list[Path]:
    """Write KGX nodes.tsv and edges.tsv into ``out_dir``."""
    nodes, edges = kgx_tables(graph)
    written = []
    for name, data in (("nodes.tsv", nodes), ("edges.tsv", edges)):
        write_atomic(out_dir / name, data)
        written.append(out_dir / name)
    return written


def release_files(graph: KnowledgeGraph) -> dict[str, bytes]:
    """Every release artefact by relative path, one Phenopacket per case included."""
    nodes, edges = kgx_tables(graph)
    files = {
        "histiokg.ttl": turtle_bytes(graph),
        "histiokg.nt": ntriples_bytes(graph),
        "histiokg.jsonld": jsonld_bytes(graph),
        "histiokg.context.jsonld": context_bytes(),
        "histiokg.graphml": graphml_bytes(graph),
        "kgx/nodes.tsv": nodes,
        "kgx/edges.tsv": edges,
        "terminology-gaps.tsv": gap_report_bytes(graph),
    }
    # imported here: kg.phenopackets uses write_atomic from this module
    from kg.phenopackets import graph_to_phenopackets

    for case_id, text in graph_to_phenopackets(graph).items():
        files[f"phenopackets/{case_id}.json"] = text.encode("utf-8")
    return files


def manifest_bytes(files: dict[str, bytes], counts: dict[str, int]) -> bytes:
    """A manifest: version, counts and the SHA-256 and size of every file."""
    doc = {
        "name": "histiokg",
        "version": __version__,
        "counts": dict(sorted(counts.items())),
        "files": {
            path: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for path, data in sorted(files.items())
        },
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def write_release(graph: KnowledgeGraph, out_dir: Path, counts: dict[str, int]) -> list[Path]:
    """Write the release bundle into ``out_dir`` as a whole: built beside it, then renamed."""
    files = release_files(graph)
    files["manifest.json"] = manifest_bytes(files, counts)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    try:
        for rel_path, data in files.items():
            target = staging / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.replace(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / p for p in sorted(files)]
