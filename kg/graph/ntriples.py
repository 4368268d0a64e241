"""N-Triples written from rdflib terms: what the graph builders hand to the store in one bulk load.

No store backend here: :class:`TripleSink` takes ``add((s, p, o))`` as an rdflib Graph does and
keeps only the N-Triples text, without the memory an rdflib Graph needs per triple.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
#: IRIs repeat (every case names the same predicates and terms): each is written once.
_IRI_CACHE: dict[str, str] = {}


def _nt_term(node: Node) -> str:
    if isinstance(node, URIRef):
        text = _IRI_CACHE.get(node)
        if text is None:
            text = _IRI_CACHE[node] = f"<{node}>"
            if len(_IRI_CACHE) > 500_000:
                _IRI_CACHE.clear()
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        text = '"' + str(node).translate(_ESCAPES) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and str(node.datatype) != XSD_STRING:
            return f"{text}^^<{node.datatype}>"
        return text
    raise TypeError(f"cannot write {node!r} as N-Triples")


class TripleSink:
    """Collects triples (rdflib terms) as N-Triples lines, for one bulk load into the store.

    The graph builders call ``add((s, p, o))`` exactly as on an rdflib Graph, without the memory
    an rdflib Graph needs per triple.
    """

    #: Lines kept as text before they are encoded into one chunk of bytes.
    CHUNK_LINES = 100_000

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._chunks: list[bytes] = []
        self._count = 0
        self.has_blank_nodes = False

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        """Add one triple."""
        s, p, o = triple
        if isinstance(s, BNode) or isinstance(o, BNode):
            self.has_blank_nodes = True
        self._lines.append(f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n")
        self._count += 1
        # a blank node must not be split across two loads (each load names its own)
        if len(self._lines) >= self.CHUNK_LINES and not self.has_blank_nodes:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._chunks.append("".join(self._lines).encode("utf-8"))
            self._lines = []

    def __len__(self) -> int:
        return self._count

    def chunks(self) -> list[bytes]:
        """The collected triples as N-Triples, in chunks of whole lines (one bulk load each)."""
        self._flush()
        if self.has_blank_nodes and len(self._chunks) > 1:
            self._chunks = [b"".join(self._chunks)]
        return list(self._chunks)

    def data(self) -> bytes:
        """The collected triples as N-Triples bytes."""
        return b"".join(self.chunks())


def graph_ntriples(g: Graph) -> bytes:
    """An rdflib graph as N-Triples bytes, blank-node labels kept."""
    sink = TripleSink()
    for triple in g:
        sink.add(triple)
    return sink.data()
