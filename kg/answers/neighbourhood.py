"""The neighbourhood of one node, with the provenance of every edge, for pictures of the graph.

A case's neighbourhood is its whole case subgraph (patient, biopsies, imaging, marker results,
molecular findings, diagnosis, treatment lines, responses: every assertion about the case) with the
domain nodes those statements reach. Any other node (a disorder, a drug, a gene) gets its curated
subgraph: every curated assertion that has it as subject or object. Literal-valued statements
(age, schedule, intensity) become attributes of their subject node rather than nodes.

Everything is read with standard SPARQL 1.1 through :meth:`KnowledgeGraph.select`; the parameter
is bound through the queries' ``VALUES ?focus`` clause.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from kg.core.namespaces import contract, is_known_curie
from kg.graph.store import KnowledgeGraph

#: The node shown when none is named: the seed case.
DEFAULT_NODE = "hkgd:seed-alk-h-infant"
CASE_CLASS = "hkg:Case"
DISEASE_CLASS = "hkg:Disease"
#: When a node has several hkg: classes, the first of these names its category.
CATEGORY_ORDER = (
    "hkg:Case",
    "hkg:Biopsy",
    "hkg:ImagingStudy",
    "hkg:MarkerResult",
    "hkg:MolecularFinding",
    "hkg:ReportedDiagnosis",
    "hkg:TreatmentLine",
    "hkg:Response",
    "hkg:Disease",
    "hkg:GeneFusion",
    "hkg:SequenceVariant",
    "hkg:Marker",
    "hkg:Gene",
    "hkg:Drug",
    "hkg:DrugClass",
    "hkg:Phenotype",
    "hkg:AnatomicalSite",
    "hkg:Cell",
    "hkg:Assay",
    "hkg:ClassificationGroup",
    "hkg:ClassificationScheme",
    "hkg:ResponseCategory",
    "hkg:Polarity",
    "hkg:Sex",
    "hkg:Publication",
)
OTHER = "other"

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
"""
#: How each kind of view selects its assertion nodes ?a; ``#SELECTION`` in a query body stands
#: for one of them (constant query text). The focus node is bound by rewriting ``VALUES ?focus``;
#: UNDEF there (no default) also lets an engine that pre-binds variables bind it.
_CASE_SELECTION = """VALUES ?focus { UNDEF }
  ?a hkg:about_case ?focus ; a hkg:Assertion ."""
_CURATED_SELECTION = """VALUES ?focus { UNDEF }
  { ?a rdf:subject ?focus } UNION { ?a rdf:object ?focus }
  ?a a hkg:Assertion .
  MINUS { ?a hkg:about_case ?anycase }"""
_EXISTS = """SELECT DISTINCT ?focus ?type WHERE {
  VALUES ?focus { UNDEF }
  ?focus ?p ?o .
  OPTIONAL { ?focus a ?type }
} ORDER BY ?type"""
_ALT_LABELS = "SELECT ?node ?label WHERE { ?node skos:altLabel ?label } ORDER BY ?node ?label"
_ASSERTIONS = """SELECT ?focus ?a ?s ?p ?o ?o_is_iri WHERE {
  #SELECTION
  ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  BIND(isIRI(?o) AS ?o_is_iri)
} ORDER BY ?s ?p ?o ?a"""
_PROVENANCE = """SELECT ?focus ?a ?key ?value WHERE {
  #SELECTION
  { ?a hkg:source ?value . BIND("source" AS ?key) }
  UNION { ?a hkg:quote ?value . BIND("quote" AS ?key) }
  UNION { ?a hkg:evidence ?value . BIND("evidence" AS ?key) }
  UNION { ?a hkg:confidence ?value . BIND("confidence" AS ?key) }
  UNION { ?a hkg:sentence ?value . BIND("sentence" AS ?key) }
} ORDER BY ?a ?key ?value"""
_SENTENCES = """SELECT DISTINCT ?focus ?sentence ?section ?text WHERE {
  #SELECTION
  ?a hkg:sentence ?sentence .
  ?sentence hkg:text ?text .
  OPTIONAL { ?sentence hkg:section ?section }
} ORDER BY ?sentence"""
#: The hkg: classes of every node an assertion of the selection names.
_TYPES = """SELECT DISTINCT ?focus ?node ?type WHERE {
  #SELECTION
  { ?a rdf:subject ?node } UNION { ?a rdf:object ?node }
  ?node a ?type .
  FILTER(STRSTARTS(STR(?type), STR(hkg:)))
} ORDER BY ?node ?type"""


def _query(body: str, selection: str = "") -> str:
    return _PREFIXES + body.replace("#SELECTION", selection) + "\n"


@dataclass(frozen=True)
class Source:
    """A cited source: its CURIE (or IRI) and its label where the graph has one."""

    id: str
    label: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of a case report that supports a case statement."""

    id: str
    section: str
    text: str


@dataclass(frozen=True)
class Provenance:
    """The provenance of one assertion node: why the graph says a statement."""

    assertion: str
    sources: tuple[Source, ...]
    quotes: tuple[str, ...]
    evidence: str
    evidence_label: str
    confidence: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Attribute:
    """A literal-valued statement about a node (an age, a schedule), with its provenance."""

    predicate: str
    predicate_label: str
    value: str
    provenance: tuple[Provenance, ...]


@dataclass(frozen=True)
class ViewNode:
    """A node of the view: CURIE, label, category (an hkg: class, or 'other')."""

    id: str
    label: str
    category: str
    category_label: str
    in_case: bool
    attributes: tuple[Attribute, ...] = ()


@dataclass(frozen=True)
class ViewEdge:
    """A statement between two nodes of the view, with every assertion that supports it."""

    subject: str
    predicate: str
    predicate_label: str
    object: str
    provenance: tuple[Provenance, ...]

    @property
    def id(self) -> str:
        """A stable identifier: the three CURIEs joined by spaces."""
        return f"{self.subject} {self.predicate} {self.object}"


@dataclass(frozen=True)
class Neighbourhood:
    """The nodes and edges around a focus node, ready to draw."""

    focus: str
    focus_label: str
    kind: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]

    def node(self, node_id: str) -> ViewNode:
        """The node with this CURIE (KeyError if it is not in the view)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


class UnknownNodeError(LookupError):
    """A node name that matches no node of the graph."""


def resolve_node(graph: KnowledgeGraph, name: str) -> str:
    """Find a node by CURIE, full IRI, label or synonym (case-insensitive); return its CURIE.

    Raises:
        UnknownNodeError: nothing matches; the message lists close labels.
    """
    text = name.strip()
    curie = contract(text) if text.startswith(("http://", "https://")) else text
    if ":" in curie and is_known_curie(curie) and _exists(graph, curie):
        return curie
    by_label: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    names = list(graph.curie_labels().items()) + list(graph.select(_query(_ALT_LABELS)).rows)
    for node, label in names:
        by_label[label.casefold()].add(node)
        spelled.setdefault(label.casefold(), label)
    found = by_label.get(text.casefold())
    if found:
        # a case or a disease first, then the smallest CURIE, so the choice is stable
        return sorted(found, key=lambda n: (_rank(graph, n), n))[0]
    close = difflib.get_close_matches(text.casefold(), list(by_label), n=4, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(spelled[c]) for c in close)}?" if close else ""
    raise UnknownNodeError(f"no node named {name!r}{hint}")


def _types(graph: KnowledgeGraph, curie: str) -> list[str]:
    return [row[1] for row in graph.select(_query(_EXISTS), {"focus": curie}).rows]


def _exists(graph: KnowledgeGraph, curie: str) -> bool:
    return bool(_types(graph, curie))


def _rank(graph: KnowledgeGraph, curie: str) -> int:
    types = _types(graph, curie)
    return 0 if CASE_CLASS in types else 1 if DISEASE_CLASS in types else 2


def category_of(types: set[str]) -> str:
    """The category that names a node with these hkg: classes.

    >>> category_of({"hkg:Gene", "hkg:Marker"})
    'hkg:Marker'
    >>> category_of(set())
    'other'
    """
    for cls in CATEGORY_ORDER:
        if cls in types:
            return cls
    return min(types) if types else OTHER


def neighbourhood(graph: KnowledgeGraph, name: str = DEFAULT_NODE) -> Neighbourhood:
    """The neighbourhood of a case (its case subgraph) or of any other node (its curated subgraph).

    Raises:
        UnknownNodeError: ``name`` matches no node.
    """
    focus = resolve_node(graph, name)
    kind = "case" if CASE_CLASS in _types(graph, focus) else "curated"
    selection = _CASE_SELECTION if kind == "case" else _CURATED_SELECTION
    bindings = {"focus": focus}
    labels = graph.curie_labels()
    rows = graph.select(_query(_ASSERTIONS, selection), bindings).rows
    provenance = _provenance(graph, selection, bindings, labels, [row[1] for row in rows])

    edge_groups: dict[tuple[str, str, str], list[Provenance]] = defaultdict(list)
    literal_groups: dict[tuple[str, str, str], list[Provenance]] = defaultdict(list)
    for _, a, s, p, o, o_is_iri in rows:
        groups = edge_groups if o_is_iri == "true" else literal_groups
        groups[(s, p, o)].append(provenance[a])
    attributes: dict[str, list[Attribute]] = defaultdict(list)
    for (s, p, o), provs in literal_groups.items():
        attributes[s].append(Attribute(p, _label(labels, p), o, tuple(provs)))
    edges = tuple(
        ViewEdge(s, p, _label(labels, p), o, tuple(provs))
        for (s, p, o), provs in edge_groups.items()
    )

    types: dict[str, set[str]] = defaultdict(set)
    for _, node, cls in graph.select(_query(_TYPES, selection), bindings).rows:
        types[node].add(cls)
    types[focus].update(t for t in _types(graph, focus) if t.startswith("hkg:"))
    node_ids = {focus} | {e.subject for e in edges} | {e.object for e in edges}
    nodes = tuple(
        _view_node(
            node,
            labels,
            types[node],
            in_case=kind == "case" and (node == focus or node.startswith(focus + "-")),
            attributes=attributes.get(node, []),
        )
        for node in sorted(node_ids)
    )
    return Neighbourhood(focus, _label(labels, focus), kind, nodes, edges)


def _view_node(
    node: str,
    labels: dict[str, str],
    types: set[str],
    in_case: bool,
    attributes: list[Attribute],
) -> ViewNode:
    category = category_of(types)
    return ViewNode(
        id=node,
        label=_label(labels, node),
        category=category,
        category_label=labels.get(category, category),
        in_case=in_case,
        attributes=tuple(sorted(attributes, key=_attribute_key)),
    )


def _provenance(
    graph: KnowledgeGraph,
    selection: str,
    bindings: dict[str, str],
    labels: dict[str, str],
    assertions: list[str],
) -> dict[str, Provenance]:
    """The provenance of every assertion of the selection (an empty one where it has none)."""
    sentences = {
        sid: Sentence(sid, section, text)
        for _, sid, section, text in graph.select(_query(_SENTENCES, selection), bindings).rows
    }
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for _, a, key, value in graph.select(_query(_PROVENANCE, selection), bindings).rows:
        values[a][key].append(value)
    out: dict[str, Provenance] = {}
    for a in assertions:
        by_key = values[a]
        evidence = _first(by_key["evidence"])
        out[a] = Provenance(
            assertion=a,
            sources=tuple(Source(s, labels.get(s, "")) for s in by_key["source"]),
            quotes=tuple(by_key["quote"]),
            evidence=evidence,
            evidence_label=labels.get(evidence, ""),
            confidence=_first(by_key["confidence"]),
            sentences=tuple(sentences[s] for s in by_key["sentence"] if s in sentences),
        )
    return out


def _first(values: list[str]) -> str:
    return values[0] if values else ""


def _label(labels: dict[str, str], curie: str) -> str:
    if curie in labels:
        return labels[curie]
    local = curie.split(":", 1)[-1] if not curie.startswith("http") else curie
    return local.replace("_", " ")


def _attribute_key(attribute: Attribute) -> tuple[str, str]:
    return attribute.predicate_label, attribute.value
