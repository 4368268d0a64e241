"""Exports for tools outside RDF: GraphML (networkx, Gephi, Cytoscape) and KGX TSV (Biolink).

Both are written from the same networkx projection that the traversals use (IRI nodes, predicate
as the edge key; literals and provenance nodes are not projected), sorted so equal graphs give
equal bytes. KGX edges carry the publications of each edge's assertion and its confidence.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from kg.answers.traverse import to_networkx
from kg.core.files import write_tree
from kg.graph.store import KnowledgeGraph

_BIOLINK_MAP = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?biolink WHERE {
  { ?term skos:exactMatch ?biolink } UNION { ?term skos:closeMatch ?biolink }
  UNION { ?term rdfs:subPropertyOf ?biolink }
  FILTER(STRSTARTS(STR(?biolink), "https://w3id.org/biolink/vocab/"))
}
ORDER BY ?term ?biolink
"""

_EDGE_PROVENANCE = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
SELECT ?s ?p ?o ?source ?confidence WHERE {
  ?a a hkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     hkg:source ?source ; hkg:confidence ?confidence .
}
"""

NODE_COLUMNS = ("id", "category", "name", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "publications",
    "confidence",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
)
#: Biolink term used when a node's class or an edge's predicate has no Biolink mapping.
DEFAULT_CATEGORY = "biolink:NamedThing"
DEFAULT_PREDICATE = "biolink:related_to"
KNOWLEDGE_SOURCE = "infores:histiokg"


def sorted_projection(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx projection rebuilt in sorted node and edge order (deterministic output)."""
    g = to_networkx(graph)
    out = nx.MultiDiGraph()
    for node in sorted(g.nodes):
        out.add_node(node, label=g.nodes[node]["label"], category=g.nodes[node].get("category", ""))
    for s, o, key, data in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        out.add_edge(s, o, key=key, predicate=key, label=data.get("label", key))
    return out


def graphml_bytes(graph: KnowledgeGraph) -> bytes:
    """GraphML of the projection: node attributes label and category; edge attribute predicate."""
    buffer = io.BytesIO()
    nx.write_graphml(sorted_projection(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _biolink_map(graph: KnowledgeGraph) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for term, biolink in graph.select(_BIOLINK_MAP).rows:
        mapping.setdefault(term, biolink)
    return mapping


def kgx_tables(graph: KnowledgeGraph) -> tuple[bytes, bytes]:
    """KGX TSV nodes and edges with Biolink categories and predicates."""
    g = sorted_projection(graph)
    biolink = _biolink_map(graph)
    sources: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    confidences: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s, p, o, source, confidence in graph.select(_EDGE_PROVENANCE).rows:
        sources[(s, p, o)].add(source)
        confidences[(s, p, o)].add(confidence)

    def table(columns: tuple[str, ...], rows: Sequence[Sequence[str]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")

    nodes = [
        (
            node,
            biolink.get(data.get("category", ""), DEFAULT_CATEGORY),
            data["label"],
            KNOWLEDGE_SOURCE,
        )
        for node, data in g.nodes(data=True)
    ]
    edges = []
    for number, (s, o, key) in enumerate(g.edges(keys=True), start=1):
        predicate = key if key.startswith("biolink:") else biolink.get(key, DEFAULT_PREDICATE)
        cited = sorted(sources.get((s, key, o), set()))
        edges.append(
            (
                f"e{number:06d}",
                s,
                predicate,
                o,
                key,
                "|".join(cited),
                "|".join(sorted(confidences.get((s, key, o), set()))),
                "knowledge_assertion" if cited else "not_provided",
                "manual_agent",
                KNOWLEDGE_SOURCE,
            )
        )
    return table(NODE_COLUMNS, nodes), table(EDGE_COLUMNS, edges)


def write_kgx(graph: KnowledgeGraph, out_dir: Path) -> list[Path]:
    """Write KGX nodes.tsv and edges.tsv as the folder ``out_dir``, together (never one alone)."""
    nodes, edges = kgx_tables(graph)
    return write_tree(out_dir, {"nodes.tsv": nodes, "edges.tsv": edges}, "histiokg export kgx")
