"""Check a built graph: SHACL shapes, then every QC query must return zero rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Graph

from kg.core import paths
from kg.graph.store import KnowledgeGraph, ResultTable
from kg.sources.query_files import load_queries


@dataclass
class ValidationReport:
    """What failed: SHACL results text, and the rows of every QC query that returned any."""

    shacl_conforms: bool
    shacl_text: str
    qc_failures: dict[str, ResultTable] = field(default_factory=dict)
    qc_run: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True if the graph meets every shape and no QC query returned a row."""
        return self.shacl_conforms and not self.qc_failures

    @property
    def failures(self) -> int:
        """Number of failing checks (SHACL counts as one)."""
        return (0 if self.shacl_conforms else 1) + len(self.qc_failures)

    def summary(self) -> str:
        """A readable report."""
        lines = [
            f"SHACL: {'conforms' if self.shacl_conforms else 'FAILS'}",
            f"QC queries run: {len(self.qc_run)}; failing: {len(self.qc_failures)}",
        ]
        if not self.shacl_conforms:
            lines.append(self.shacl_text.strip())
        for name, table in self.qc_failures.items():
            lines.append(f"{name}: {len(table.rows)} violating row(s)")
            for row in table.rows[:20]:
                lines.append("  " + "\t".join(row))
        return "\n".join(lines)


def check_shapes(graph: KnowledgeGraph, shapes: Path = paths.SHAPES) -> tuple[bool, str]:
    """Validate the graph against the SHACL shapes (no inference)."""
    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, _, text = pyshacl.validate(
        graph.rdflib_graph(),
        shacl_graph=shapes_graph,
        inference="none",
        advanced=False,
        allow_warnings=False,
    )
    return bool(conforms), str(text)


def run_qc(
    graph: KnowledgeGraph, root: Path = paths.QUERIES_DIR
) -> tuple[list[str], dict[str, ResultTable]]:
    """Run every qc query; return the names run and the non-empty results."""
    names: list[str] = []
    failures: dict[str, ResultTable] = {}
    for name, query in load_queries(root).items():
        if query.kind != "qc":
            continue
        names.append(name)
        table = graph.select(query.text)
        if table.rows:
            failures[name] = table
    return names, failures


def validate_graph(graph: KnowledgeGraph, root: Path = paths.QUERIES_DIR) -> ValidationReport:
    """Run SHACL and the QC queries on a built graph."""
    conforms, text = check_shapes(graph)
    names, failures = run_qc(graph, root)
    return ValidationReport(conforms, text, failures, tuple(names))
