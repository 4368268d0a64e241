"""Contested claims are never support: no shipped query's answer may rest on an author claim.

An ``hkg:AuthorClaim`` carries the same subject, predicate and object as an assertion would, so a
query that forgets to ask for ``hkg:Assertion`` would quietly return a contested claim as
provenance. The check runs every shipped query on the graph and on the graph without its author
claims: a query whose answer changes depends on a claim. Queries that show claims on purpose say
so with a ``#+ contested: shown`` header line and mark each row (cq36, cq37).
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.core.namespaces import expand, is_known_curie
from kg.graph.store import KnowledgeGraph
from kg.sources.query_files import QueryFile, bind, bindings_for

_CLAIMS = "SELECT ?c WHERE { ?c a <https://w3id.org/histiokg/ontology/AuthorClaim> }"


def without_claims(graph: KnowledgeGraph) -> KnowledgeGraph:
    """An in-memory copy of the graph with every author-claim node's triples removed."""
    claims = {
        f"<{expand(row[0]) if is_known_curie(row[0]) else row[0]}>"
        for row in graph.select(_CLAIMS).rows
    }
    lines = [
        line
        for line in graph.dump_ntriples().decode("utf-8").splitlines()
        if line.split(" ", 1)[0] not in claims
    ]
    return KnowledgeGraph.in_memory("\n".join(lines).encode("utf-8") + b"\n")


def shows_claims(query: QueryFile) -> bool:
    """True if the query declares that it shows contested claims (and marks them)."""
    return "#+ contested: shown" in query.text


def claims_as_support(graph: KnowledgeGraph, queries: Iterable[QueryFile]) -> list[str]:
    """Names of the queries whose answer changes when the graph's author claims are removed."""
    queries = [q for q in queries if q.kind in ("cq", "lib") and not shows_claims(q)]
    if not graph.select(_CLAIMS).rows:
        return []
    bare = without_claims(graph)
    failing = []
    for q in queries:
        text = bind(q.text, bindings_for(q, {}), q.name)
        if sorted(graph.select(text).rows) != sorted(bare.select(text).rows):
            failing.append(q.name)
    return failing
