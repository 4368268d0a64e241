"""The graph store, behind one small interface so the backend can change without touching readers.

Everything outside this module sees a :class:`KnowledgeGraph`: run SELECT queries with bound
parameters, iterate triples, count them, serialise. rdflib objects are used inside; callers get
plain strings (CURIEs where a prefix is known).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import ResultRow

from kg.core.namespaces import PREFIXES, contract, iri

Cell = str


@dataclass(frozen=True)
class ResultTable:
    """Rows of a SELECT query, each cell a string (a CURIE for known IRIs, '' for unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def as_dicts(self) -> list[dict[str, Cell]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def cell(value: object) -> Cell:
    """Render one RDF term as a string cell."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        return contract(str(value))
    if isinstance(value, Literal):
        text = str(value)
        if text.startswith("http"):
            # GROUP_CONCAT of IRIs yields text; show known IRIs as CURIEs there too
            return "; ".join(contract(part) for part in text.split("; "))
        return text
    if isinstance(value, BNode):
        return f"_:{value}"
    return str(value)


def to_term(value: str) -> URIRef | Literal:
    """Turn a parameter value into an RDF term: a CURIE or IRI becomes an IRI, else a literal."""
    if value.startswith(("http://", "https://")):
        return URIRef(value)
    prefix = value.split(":", 1)[0] if ":" in value else ""
    if prefix in PREFIXES:
        return iri(value)
    return Literal(value)


class KnowledgeGraph:
    """A built graph. Construct with a filled rdflib Graph (the only backend for now)."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        for prefix, base in PREFIXES.items():
            graph.bind(prefix, base, override=True, replace=True)

    def __len__(self) -> int:
        return len(self._graph)

    def select(self, sparql: str, bindings: Mapping[str, str] | None = None) -> ResultTable:
        """Run a SELECT query; ``bindings`` map variable names (no '?') to CURIEs, IRIs or text."""
        init = {k: to_term(v) for k, v in (bindings or {}).items()}
        result = self._graph.query(sparql, initBindings=init)
        columns = tuple(str(v) for v in (result.vars or []))
        rows = []
        for row in result:
            assert isinstance(row, ResultRow)
            rows.append(tuple(cell(row[c]) for c in columns))
        return ResultTable(columns, tuple(rows))

    def triples(self) -> Iterator[tuple[str, str, str, bool]]:
        """Yield (subject, predicate, object, object_is_iri) as full IRI strings / literal text."""
        for s, p, o in self._graph:
            if isinstance(s, URIRef) and isinstance(p, URIRef):
                yield str(s), str(p), str(o), isinstance(o, URIRef)

    def labels(self) -> dict[str, str]:
        """Map IRI -> rdfs:label for every labelled node."""
        from rdflib import RDFS

        out: dict[str, str] = {}
        for s, o in self._graph.subject_objects(RDFS.label):
            out.setdefault(str(s), str(o))
        return out

    def curie_labels(self) -> dict[str, str]:
        """Map CURIE (or IRI where no prefix fits) -> rdfs:label."""
        return {contract(k): v for k, v in self.labels().items()}

    def dump_ntriples(self) -> bytes:
        """Every triple as N-Triples (UTF-8), lines sorted: the interchange other engines load."""
        data = self._graph.serialize(format="nt", encoding="utf-8")
        lines = sorted({line for line in data.decode("utf-8").splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8")

    def rdflib_graph(self) -> Graph:
        """The rdflib graph, for consumers that need an rdflib object (SHACL, serialisers)."""
        return self._graph
