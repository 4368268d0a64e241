"""Run the project's named SPARQL files on a built graph, with their parameters bound."""

from __future__ import annotations

from pathlib import Path

from kg.core import paths
from kg.graph.store import KnowledgeGraph, ResultTable
from kg.sources.query_files import bindings_for, find_query


def alteration_genes(graph: KnowledgeGraph) -> dict[str, set[str]]:
    """Map each fusion or variant CURIE to the gene(s) it involves."""
    genes: dict[str, set[str]] = {}
    for alteration, gene in run_query("alteration-genes", graph).rows:
        genes.setdefault(alteration, set()).add(gene)
    return genes


def run_query(
    name: str, graph: KnowledgeGraph, root: Path = paths.QUERIES_DIR, **bindings: str
) -> ResultTable:
    """Run a named query with parameters bound (defaults from its header)."""
    query = find_query(name, root)
    return graph.select(query.text, bindings_for(query, bindings))


_CASES = (
    """SELECT ?case WHERE { ?case a <https://w3id.org/histiokg/ontology/Case> } ORDER BY ?case"""
)


def case_ids(graph: KnowledgeGraph) -> set[str]:
    """The ids (local names) of every case in the graph."""
    return {row[0].split(":", 1)[-1] for row in graph.select(_CASES).rows}
