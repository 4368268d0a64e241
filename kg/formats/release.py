"""The release bundle: every format, the terminology-gap report and a manifest with checksums."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kg import __version__
from kg.core.files import write_tree
from kg.formats.interchange import graphml_bytes, kgx_tables
from kg.formats.phenopackets import graph_to_phenopackets
from kg.formats.rdf import jsonld_bytes, jsonld_context, ntriples_bytes, turtle_bytes
from kg.graph.queries import run_query
from kg.graph.store import KnowledgeGraph


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


def type_counts_bytes(graph: KnowledgeGraph) -> bytes:
    """How many nodes of each rdf:type the graph holds, as TSV (type, label, nodes)."""
    table = run_query("type-counts", graph)
    lines = ["\t".join(table.columns)] + ["\t".join(row) for row in table.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


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
        "counts-by-type.tsv": type_counts_bytes(graph),
    }
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
    """Write the release bundle as the folder ``out_dir``, as a whole (:func:`write_tree`)."""
    files = release_files(graph)
    files["manifest.json"] = manifest_bytes(files, counts)
    return write_tree(out_dir, files, "histiokg release")
