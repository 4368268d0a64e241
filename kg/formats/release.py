"""The release bundle: every format, the terminology-gap report and a manifest with checksums."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg import __version__
from kg.core import paths
from kg.core.files import MARKER, write_tree
from kg.formats.interchange import graphml_bytes, kgx_tables
from kg.formats.phenopackets import graph_to_phenopackets
from kg.formats.rdf import jsonld_bytes, jsonld_context, ntriples_bytes, turtle_bytes
from kg.graph.queries import run_query
from kg.graph.store import KnowledgeGraph


def gap_report_bytes(graph: KnowledgeGraph) -> bytes:
    """The terminology-gap report: every project term (no standard ID) and why, as TSV."""
    return query_tsv_bytes(graph, "terminology-gaps")


def context_bytes() -> bytes:
    """The JSON-LD context file: every prefix of the graph."""
    return (json.dumps({"@context": jsonld_context()}, indent=1, sort_keys=True) + "\n").encode()


def query_tsv_bytes(graph: KnowledgeGraph, name: str) -> bytes:
    """A named query's answer as TSV: header, then rows (tabs and newlines in cells as spaces)."""
    table = run_query(name, graph)
    lines = ["\t".join(table.columns)]
    lines += [
        "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) for row in table.rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def type_counts_bytes(graph: KnowledgeGraph) -> bytes:
    """How many nodes of each rdf:type the graph holds, as TSV (type, label, nodes)."""
    return query_tsv_bytes(graph, "type-counts")


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
        # what the knowledge base covers (docs/coverage.md is the same two answers)
        "coverage-inventory.tsv": query_tsv_bytes(graph, "cq63-coverage-inventory"),
        "coverage-by-disorder.tsv": query_tsv_bytes(graph, "cq64-coverage-by-disorder"),
    }
    for case_id, text in graph_to_phenopackets(graph).items():
        files[f"phenopackets/{case_id}.json"] = text.encode("utf-8")
    return files


#: The licences of the release (the same as pyproject.toml's and LICENSE's).
LICENCE = {"code": "MIT", "data": "CC-BY-4.0"}


def build_date(environ: dict[str, str] | None = None) -> str:
    """The build date (UTC, ISO 8601): SOURCE_DATE_EPOCH when set (reproducible builds), else now.

    >>> build_date({"SOURCE_DATE_EPOCH": "0"})
    '1970-01-01T00:00:00Z'
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def source_commit() -> str:
    """The git commit the release is built from, or 'unknown' (installed, or no git)."""
    if not paths.IN_CHECKOUT:
        return "unknown"
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else "unknown"


def release_metadata() -> dict[str, Any]:
    """What the manifest says of the release itself: version, build date, commit and licence.

    The date lives here only, never in the data files, so equal sources give equal data bytes.
    """
    return {
        "version": __version__,
        "built": build_date(),
        "commit": source_commit(),
        "licence": dict(LICENCE),
    }


def manifest_bytes(
    files: dict[str, bytes], counts: dict[str, int], metadata: dict[str, Any] | None = None
) -> bytes:
    """A manifest: version, build date, commit, licence, counts, every file's SHA-256 and size."""
    doc = {
        "name": "histiokg",
        **(release_metadata() if metadata is None else metadata),
        "counts": dict(sorted(counts.items())),
        "files": {
            path: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for path, data in sorted(files.items())
        },
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def write_release(graph: KnowledgeGraph, out_dir: Path, counts: dict[str, int]) -> list[Path]:
    """Write the release bundle as the folder ``out_dir``, as a whole (:func:`write_tree`).

    Every file is world-readable (0644, folders 0755) whatever the umask: a release is published.
    """
    files = release_files(graph)
    files["manifest.json"] = manifest_bytes(files, counts)
    written = write_tree(out_dir, files, "histiokg release")
    for folder in {out_dir, *(p.parent for p in written)}:
        folder.chmod(0o755)
    for path in [*written, out_dir / MARKER]:
        path.chmod(0o644)
    return written
