"""Write a built graph to standard RDF formats, deterministically and atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core.files import write_atomic
from kg.core.namespaces import PREFIXES
from kg.graph.store import KnowledgeGraph

if TYPE_CHECKING:
    from kg.answers.reasoning import Inferences

RDF_FORMATS = ("ttl", "nt", "jsonld")
#: Formats written to one file; kgx and phenopacket write a directory.
FORMATS = (*RDF_FORMATS, "graphml")
DIRECTORY_FORMATS = ("kgx", "phenopacket")


def turtle_bytes(graph: KnowledgeGraph) -> bytes:
    """Turtle with every prefix bound, UTF-8, LF line ends, the same bytes for the same graph."""
    return graph.serialise("ttl")


def ntriples_bytes(graph: KnowledgeGraph) -> bytes:
    """N-Triples, lines sorted, so equal graphs give equal bytes."""
    return graph.serialise("nt")


def jsonld_context() -> dict[str, str]:
    """The JSON-LD @context: the project's prefix map."""
    return dict(sorted(PREFIXES.items()))


def jsonld_bytes(graph: KnowledgeGraph) -> bytes:
    """JSON-LD with the project context: IRIs as CURIEs, nodes sorted by @id, values sorted.

    Made from the store's expanded JSON-LD (every triple kept, canonical blank-node labels) and
    compacted by the prefix map alone, so equal graphs give equal bytes.
    """
    nodes = [_compact_node(node) for node in json.loads(graph.serialise("jsonld") or b"[]")]
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    doc = {"@context": jsonld_context(), "@graph": nodes}
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


#: JSON-LD 1.1 expands ``p:x`` only for prefixes whose IRI ends in a gen-delim, so OBO IRIs are
#: written ``obo:MONDO_0022338``, not ``MONDO:0022338``.
_JSONLD_PREFIXES = sorted(
    ((base, prefix) for prefix, base in PREFIXES.items() if base[-1] in ":/?#[]@"),
    key=lambda item: -len(item[0]),
)


def _compact_iri(value: str) -> str:
    """An IRI as a compact IRI a JSON-LD 1.1 processor expands back; blank nodes unchanged."""
    for base, prefix in _JSONLD_PREFIXES:
        if (
            value.startswith(base)
            and len(value) > len(base)
            and not value[len(base) :].startswith("//")
        ):
            return f"{prefix}:{value[len(base) :]}"
    return value


def _compact_node(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@id":
            out[key] = _compact_iri(value)
            continue
        values = [
            {k: _compact_iri(v) if k in ("@id", "@type") else v for k, v in item.items()}
            for item in value
        ]
        out[_compact_iri(key)] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True))
    return out


def serialise(graph: KnowledgeGraph, fmt: str) -> bytes:
    """Serialise to one of FORMATS."""
    if fmt == "ttl":
        return turtle_bytes(graph)
    if fmt == "nt":
        return ntriples_bytes(graph)
    if fmt == "jsonld":
        return jsonld_bytes(graph)
    if fmt == "graphml":
        from kg.formats.interchange import graphml_bytes

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


def write_inferred(result: Inferences, path: Path) -> int:
    """Write the reasoner's inferred triples as Turtle to ``path`` atomically; return the size."""
    return write_graph(KnowledgeGraph.from_rdflib(result.inferred), path, "ttl")
