"""A networkx projection of the graph and traversals that explain themselves edge by edge.

Only chosen object properties between IRIs are projected (literals never become nodes; rdf:type and
provenance nodes are left out), with the predicate as the edge key.
"""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from kg.core.namespaces import contract, expand
from kg.graph.store import KnowledgeGraph

#: Predicates projected into networkx, besides every hkg:requires_provenance predicate.
STRUCTURAL = (
    "hkg:five_prime_partner",
    "hkg:three_prime_partner",
    "biolink:gene_fusion_with",
    "hkg:encoded_by",
    "hkg:variant_of_gene",
    "hkg:in_scheme",
    "rdfs:subClassOf",
)

_PROVENANCE_PREDICATES = """
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
SELECT ?p WHERE { ?p hkg:requires_provenance true }
"""

_CATEGORIES = """
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
SELECT ?node ?category WHERE {
  ?node a ?category .
  FILTER(STRSTARTS(STR(?category), STR(hkg:)))
}
"""

_EDGE_SOURCES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
SELECT ?s ?p ?o ?src WHERE {
  ?a a hkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; hkg:source ?src .
}
"""


@dataclass(frozen=True)
class Edge:
    """One projected edge, with labels and the sources of its assertion."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    predicate_label: str
    object_label: str
    sources: tuple[str, ...]

    def sentence(self) -> str:
        """The edge as a readable sentence."""
        cite = f"  [{'; '.join(self.sources)}]" if self.sources else ""
        return f"{self.subject_label} --{self.predicate_label}--> {self.object_label}{cite}"


class NodeNotFoundError(LookupError):
    """A node name that matches no node of the projection."""


def projected_predicates(graph: KnowledgeGraph) -> set[str]:
    """Full IRIs of the predicates the projection keeps."""
    preds = {row[0] for row in graph.select(_PROVENANCE_PREDICATES).rows}
    return {expand(p) if ":" in p and not p.startswith("http") else p for p in preds} | {
        expand(p) for p in STRUCTURAL
    }


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """Project the graph: IRI nodes, one edge per kept triple, keyed by predicate CURIE."""
    keep = projected_predicates(graph)
    labels = graph.labels()
    categories = {row[0]: row[1] for row in graph.select(_CATEGORIES).rows}
    g = nx.MultiDiGraph()
    for s, p, o, o_is_iri in graph.triples():
        if not o_is_iri or p not in keep:
            continue
        sc, pc, oc = contract(s), contract(p), contract(o)
        for node, full in ((sc, s), (oc, o)):
            if node not in g:
                g.add_node(node, label=labels.get(full, node), category=categories.get(node, ""))
        g.add_edge(sc, oc, key=pc, label=labels.get(p, pc))
    return g


def edge_sources(graph: KnowledgeGraph) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(s, p, o) CURIEs -> the sources of its assertions."""
    out: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s, p, o, src in graph.select(_EDGE_SOURCES).rows:
        out[(s, p, o)].add(src)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def resolve_node(g: nx.MultiDiGraph, name: str) -> str:
    """Find a node by CURIE, full IRI or (case-insensitive) label."""
    if name in g:
        return name
    if name.startswith("http"):
        curie = contract(name)
        if curie in g:
            return curie
    wanted = name.strip().lower()
    by_label: dict[str, str] = {}
    for node, data in g.nodes(data=True):
        by_label.setdefault(str(data.get("label", node)).lower(), node)
    if wanted in by_label:
        return by_label[wanted]
    close = difflib.get_close_matches(wanted, list(by_label), n=4, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NodeNotFoundError(f"no node named {name!r}{hint}")


def explain_path(
    g: nx.MultiDiGraph,
    path: list[str],
    sources: dict[tuple[str, str, str], tuple[str, ...]],
    exclude: frozenset[str] = frozenset(),
) -> list[Edge]:
    """Turn a node path into edges in their true direction (one per predicate linking the pair)."""
    edges: list[Edge] = []
    for a, b in itertools.pairwise(path):
        for s, o in ((a, b), (b, a)):
            for key, data in (g.get_edge_data(s, o) or {}).items():
                if key in exclude:
                    continue
                edges.append(
                    Edge(
                        s,
                        key,
                        o,
                        g.nodes[s].get("label", s),
                        data.get("label", key),
                        g.nodes[o].get("label", o),
                        sources.get((s, key, o), ()),
                    )
                )
    return edges


def shortest_paths(
    graph: KnowledgeGraph,
    source: str,
    target: str,
    exclude_predicates: tuple[str, ...] = (),
    limit: int = 10,
    only_predicates: tuple[str, ...] = (),
) -> list[list[Edge]]:
    """All shortest paths between two nodes (edges followed in either direction), explained.

    ``exclude_predicates`` drops edges; ``only_predicates``, when given, keeps only those.
    """
    g = to_networkx(graph)
    a, b = resolve_node(g, source), resolve_node(g, target)
    exclude = frozenset(exclude_predicates) | (
        frozenset(k for _, _, k in g.edges(keys=True)) - frozenset(only_predicates)
        if only_predicates
        else frozenset()
    )
    view = nx.Graph()
    view.add_nodes_from(g.nodes)
    for s, o, key in g.edges(keys=True):
        if key not in exclude:
            view.add_edge(s, o)
    try:
        node_paths = list(nx.all_shortest_paths(view, a, b))
    except nx.NetworkXNoPath:
        return []
    sources = edge_sources(graph)
    node_paths.sort()
    return [explain_path(g, p, sources, exclude) for p in node_paths[:limit]]


def neighbours(
    graph: KnowledgeGraph,
    node: str,
    radius: int = 1,
    predicates: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> list[Edge]:
    """Edges of the ego graph around ``node`` (either direction), optionally only some predicates.

    ``categories`` (e.g. ``hkg:Drug``) keeps only neighbours of those node types (the centre stays).
    """
    g = to_networkx(graph)
    centre = resolve_node(g, node)
    view = nx.MultiGraph()
    view.add_nodes_from(g.nodes(data=True))
    for s, o, key in g.edges(keys=True):
        if predicates and key not in predicates:
            continue
        view.add_edge(s, o, key=key)
    ego = nx.ego_graph(view, centre, radius=radius)
    keep = {
        n
        for n in ego.nodes
        if n == centre or not categories or g.nodes[n].get("category") in categories
    }
    sources = edge_sources(graph)
    out = []
    for s, o, key, data in g.edges(keys=True, data=True):
        if s in keep and o in keep and (not predicates or key in predicates) and ego.has_edge(s, o):
            out.append(
                Edge(
                    s,
                    key,
                    o,
                    g.nodes[s]["label"],
                    data.get("label", key),
                    g.nodes[o]["label"],
                    sources.get((s, key, o), ()),
                )
            )
    return sorted(out, key=lambda e: (e.subject_label, e.predicate, e.object_label))


def _hierarchy(graph: KnowledgeGraph, name: str) -> tuple[nx.DiGraph, str]:
    """The rdfs:subClassOf edges, and the node ``name`` resolves to.

    Only the predicate's index is read, so the cost does not grow with the cases; the labels of
    every node are read only when ``name`` is not a CURIE or IRI of the hierarchy (a label, or a
    node outside it), so it is found, or its close matches named, as in the full projection.
    """
    h = nx.DiGraph()
    for s, _, o, o_is_iri in graph.triples(expand("rdfs:subClassOf")):
        if o_is_iri:
            h.add_edge(contract(s), contract(o))
    curie = contract(name) if name.startswith("http") else name
    if curie in h:
        return h, curie
    for iri, label in graph.labels().items():
        h.add_node(contract(iri), label=label)
    return h, resolve_node(h, name)


def ancestors(graph: KnowledgeGraph, disease: str) -> list[str]:
    """Every superclass of a disease in the curated hierarchy (transitive), sorted."""
    h, node = _hierarchy(graph, disease)
    return sorted(nx.descendants(h, node))


def descendants(graph: KnowledgeGraph, disease: str) -> list[str]:
    """Every subclass of a disease in the curated hierarchy (transitive), sorted."""
    h, node = _hierarchy(graph, disease)
    return sorted(nx.ancestors(h, node))


@dataclass(frozen=True)
class Hub:
    """A highly connected node."""

    node: str
    label: str
    category: str
    degree: int


def hubs(graph: KnowledgeGraph, top: int = 15, category: str = "") -> list[Hub]:
    """The most connected nodes of the projection (degree over distinct neighbours)."""
    g = to_networkx(graph)
    simple = nx.Graph(g)
    out = [
        Hub(n, g.nodes[n]["label"], g.nodes[n].get("category", ""), simple.degree(n))
        for n in simple.nodes
        if not category or g.nodes[n].get("category") == category
    ]
    out.sort(key=lambda h: (-h.degree, h.label))
    return out[:top]
