"""The graph store: Oxigraph (pyoxigraph), on disk under build/ or in memory, behind one interface.

This is the only module that imports the store backend. Everything else sees a
:class:`KnowledgeGraph`: standard SPARQL 1.1 SELECT (parameters bound by
:func:`kg.sources.query_files.bind`), triples as strings, labels, deterministic serialisations,
and an rdflib copy for the few consumers that need rdflib objects (the OWL reasoner's translation).
Cells come back as plain strings: a CURIE where a prefix is known, the lexical form of a literal,
'' for unbound.

A persistent store is written once by :func:`write_store` into a temporary sibling folder and
swapped in with a rename, so a failed build leaves the previous store intact; readers open it
read-only.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.core.errors import KGError, Problem, QueryError
from kg.core.files import swap_in
from kg.core.namespaces import PREFIXES, contract
from kg.graph.ntriples import graph_ntriples
from kg.sources.query_files import bind, concat_columns, refuse_service, sorted_concat

Cell = str
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DOMAIN_LABELS = f"""SELECT ?s ?l WHERE {{ ?s <{RDFS_LABEL}> ?l .
  FILTER(isIRI(?s) && isLiteral(?l) && !STRSTARTS(STR(?s), "{PREFIXES["hkgd"]}")) }}"""
#: The folder inside a store directory that holds the Oxigraph database.
DATABASE = "oxigraph"
MANIFEST = "manifest.json"
#: Beside the database: its triples as sorted N-Triples (gzip), written once by the build, so
#: exports do not decode every term from the database again.
SNAPSHOT = "graph.nt.gz"
#: Beside it: the labels of the domain terms (not of the cases), CURIE -> label, as JSON.
DOMAIN_LABELS = "domain-labels.json"
_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class StoreError(KGError):
    """The persistent store is missing, unreadable or from another version."""


@dataclass(frozen=True)
class ResultTable:
    """Rows of a SELECT query, each cell a string (a CURIE for known IRIs, '' for unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def as_dicts(self) -> list[dict[str, Cell]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def cell(value: object) -> Cell:
    """Render one result term as a string cell."""
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        return contract(value.value)
    if isinstance(value, ox.Literal):
        text = value.value
        if text.startswith("http"):
            # GROUP_CONCAT of IRIs yields text; show known IRIs as CURIEs there too
            return "; ".join(contract(part) for part in text.split("; "))
        return text
    if isinstance(value, ox.BlankNode):
        return f"_:{value.value}"
    return str(value)


def _load(store: ox.Store, data: bytes, canonical: bool) -> None:
    """Load N-Triples; ``canonical`` relabels its blank nodes by RDFC-1.0 first.

    Loading renames blank nodes at random, so the TBox (the only source with blank nodes: OWL
    restrictions and lists) is given canonical labels (``c14n0`` ...), the same for the same
    axioms in every build: exports are byte-for-byte reproducible.
    """
    if not data:
        return
    if canonical:
        dataset = ox.Dataset(
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        )
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        store.extend(dataset)
    else:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)


# ---------------------------------------------------------------- the graph


class KnowledgeGraph:
    """A built graph in an Oxigraph store (read-only when opened from disk)."""

    def __init__(self, store: ox.Store, snapshot: Path | None = None) -> None:
        self._store = store
        self._snapshot = snapshot
        self._rdflib: Graph | None = None
        self._labels: dict[str, str] | None = None
        self._domain_labels: dict[str, str] | None = None

    @classmethod
    def in_memory(cls, tbox: bytes = b"", data: Iterable[bytes] = ()) -> KnowledgeGraph:
        """A new in-memory graph from N-Triples: the TBox (blank nodes canonical) and data."""
        store = ox.Store()
        _load(store, tbox, canonical=True)
        for chunk in data:
            _load(store, chunk, canonical=False)
        return cls(store)

    @classmethod
    def from_rdflib(cls, g: Graph) -> KnowledgeGraph:
        """An in-memory graph holding the triples of an rdflib graph (fixtures, inferences)."""
        return cls.in_memory(graph_ntriples(g))

    @classmethod
    def open(cls, path: Path) -> KnowledgeGraph:
        """Open a persistent store written by :func:`write_store`, read-only."""
        database = path / DATABASE
        if not database.is_dir():
            raise StoreError(f"no built store at {path}; run 'histiokg build'")
        try:
            snapshot = path / SNAPSHOT
            graph = cls(ox.Store.read_only(str(database)), snapshot if snapshot.is_file() else None)
            if (path / DOMAIN_LABELS).is_file():
                graph._domain_labels = json.loads((path / DOMAIN_LABELS).read_text("utf-8"))
            return graph
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def __len__(self) -> int:
        return len(self._store)

    def extended(self, turtle: Path) -> KnowledgeGraph:
        """An in-memory copy of this graph with the triples of a Turtle file added."""
        copy = KnowledgeGraph.in_memory(self.dump_ntriples())
        try:
            copy._store.load(path=str(turtle), format=ox.RdfFormat.TURTLE)
        except (SyntaxError, ValueError) as exc:
            raise QueryError([Problem(str(turtle), None, f"not valid Turtle: {exc}")]) from exc
        return copy

    # ------------------------------------------------------------ queries

    def _query(self, sparql: str) -> Any:
        refuse_service(sparql)
        try:
            return self._store.query(sparql, prefixes=None)
        except SyntaxError as exc:
            at = re.search(r"\bat (\d+):\d+", str(exc))  # "error at 3:2: expected ..."
            line = int(at.group(1)) if at else None
            raise QueryError(
                [Problem("query", line, f"SPARQL syntax error: {exc}", "fix the query text")]
            ) from exc
        except OSError as exc:  # evaluation errors surface as OSError in pyoxigraph
            raise QueryError([Problem("query", None, f"query failed: {exc}")]) from exc

    def select(self, sparql: str, bindings: Mapping[str, str] | None = None) -> ResultTable:
        """Run a SELECT query; ``bindings`` map variable names (no '?') to CURIEs, IRIs or text.

        GROUP_CONCAT columns come back with their parts sorted, so answers are deterministic.
        """
        text = bind(sparql, bindings) if bindings else sparql
        result = self._query(text)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError([Problem("query", None, "not a SELECT query", "use SELECT here")])
        columns = tuple(v.value for v in result.variables)
        concat = concat_columns(text)
        seps = [concat.get(c, "") for c in columns]
        rows = []
        for solution in result:
            row = tuple(cell(solution[i]) for i in range(len(columns)))
            rows.append(tuple(sorted_concat(c, s) for c, s in zip(row, seps, strict=True)))
        return ResultTable(columns, tuple(rows))

    def run(self, sparql: str, fmt: str) -> bytes:
        """Run any query and serialise its result.

        SELECT and ASK as SPARQL results (json, xml, csv, tsv); CONSTRUCT and DESCRIBE as RDF
        (ttl, nt). A format that does not fit the query form raises QueryError.
        """
        result = self._query(sparql)
        if isinstance(result, ox.QueryTriples):
            if fmt not in ("ttl", "nt"):
                raise QueryError(
                    [Problem("query", None, f"a graph result cannot be {fmt}", "use ttl or nt")]
                )
            triples = sorted(result, key=str)
            out = ox.serialize(triples, format=_FORMATS[fmt], prefixes=_prefixes(fmt)) or b""
            return _sorted_prefix_lines(out) if fmt == "ttl" else out
        if fmt not in _RESULT_FORMATS:
            raise QueryError(
                [Problem("query", None, f"a table cannot be {fmt}", "use json, xml, csv or tsv")]
            )
        data = result.serialize(format=_RESULT_FORMATS[fmt])
        return data if isinstance(data, bytes) else b""

    # ------------------------------------------------------------ triples and labels

    def triples(self, predicate: str | None = None) -> Iterator[tuple[str, str, str, bool]]:
        """Yield (subject, predicate, object, object_is_iri) as full IRI strings / literal text.

        ``predicate`` (a full IRI) keeps only that predicate's triples, read from its index.
        """
        p = ox.NamedNode(predicate) if predicate is not None else None
        for q in self._store.quads_for_pattern(None, p, None, ox.DefaultGraph()):
            if isinstance(q.subject, ox.NamedNode):
                o = q.object
                if not isinstance(o, ox.Triple):
                    yield q.subject.value, q.predicate.value, o.value, isinstance(o, ox.NamedNode)

    def labels(self) -> dict[str, str]:
        """Map IRI -> rdfs:label for every labelled node (the smallest label if several)."""
        if self._labels is None:
            out: dict[str, str] = {}
            label = ox.NamedNode(RDFS_LABEL)
            for q in self._store.quads_for_pattern(None, label, None, ox.DefaultGraph()):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                    key, text = q.subject.value, q.object.value
                    if key not in out or text < out[key]:
                        out[key] = text
            self._labels = out
        return dict(self._labels)

    def curie_labels(self, domain_only: bool = False) -> dict[str, str]:
        """Map CURIE (or IRI where no prefix fits) -> rdfs:label.

        ``domain_only`` leaves out the nodes of the cases (``hkgd:``), whose labels grow with
        the registry: what the answers about disorders, markers and drugs need.
        """
        if not domain_only:
            return {contract(k): v for k, v in self.labels().items()}
        if self._domain_labels is None:
            rows = self._store.query(_DOMAIN_LABELS)
            out: dict[str, str] = {}
            for row in rows:  # type: ignore[union-attr]
                key, text = contract(row[0].value), row[1].value
                if key not in out or text < out[key]:
                    out[key] = text
            self._domain_labels = out
        return dict(self._domain_labels)

    # ------------------------------------------------------------ serialisations

    def dump_ntriples(self) -> bytes:
        """Every triple as N-Triples (UTF-8), lines sorted: the interchange other engines load.

        Lines are sorted as UTF-8 bytes, which is code-point order. A built store's snapshot
        holds exactly these bytes, so it is read instead of decoding the database again.
        """
        if self._snapshot is None:
            return _sorted_dump(self._store)
        try:
            return gzip.decompress(self._snapshot.read_bytes())
        except (OSError, EOFError, zlib.error) as exc:
            raise StoreError(f"cannot read {self._snapshot}: {exc}; run 'histiokg build'") from exc

    def _sorted_triples(self) -> Iterator[Any]:
        """Every triple (a default-graph quad) in N-Triples line order, parsed by the store."""
        return iter(ox.parse(self.dump_ntriples(), format=ox.RdfFormat.N_TRIPLES))

    def serialise(self, fmt: str) -> bytes:
        """Turtle, N-Triples or JSON-LD of every triple, in sorted order: equal graphs, equal bytes.

        Blank-node labels are the store's, which the build makes canonical (RDFC-1.0).
        """
        if fmt == "nt":
            return self.dump_ntriples()
        if fmt not in _FORMATS:
            raise ValueError(f"unknown RDF format {fmt!r}")
        triples = self._sorted_triples()
        out = ox.serialize(triples, format=_FORMATS[fmt], prefixes=_prefixes(fmt)) or b""
        return _sorted_prefix_lines(out) if fmt == "ttl" else out

    def rdflib_graph(self) -> Graph:
        """An rdflib copy of the graph (built once), for consumers that need rdflib objects."""
        if self._rdflib is None:
            g = Graph()
            for prefix, base in PREFIXES.items():
                g.bind(prefix, base, override=True, replace=True)
            nt = self.dump_ntriples().decode("utf-8")
            # keep the store's (canonical) blank-node labels, not a random one per parse
            keep = SimpleNamespace(get=lambda label, default=None: label)
            g.parse(data=nt, format="nt", bnode_context=keep)
            self._rdflib = g
        return self._rdflib


def _sorted_dump(store: ox.Store) -> bytes:
    """The store's triples as N-Triples, lines sorted as bytes (each triple once: a store's own)."""
    raw = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    # split at LF only: a literal may hold NEL or U+2028, which str.splitlines() breaks at
    lines = raw.split(b"\n")
    del raw
    lines.sort()
    lines = [line for line in lines if line.strip()]
    return b"\n".join(lines) + b"\n" if lines else b""


def _prefixes(fmt: str) -> dict[str, str] | None:
    return dict(sorted(PREFIXES.items())) if fmt in ("ttl", "jsonld") else None


def _sorted_prefix_lines(turtle: bytes) -> bytes:
    """Turtle with its @prefix lines in sorted order (the serialiser's order is its own)."""
    lines = turtle.split(b"\n")
    head = [line for line in lines if line.startswith(b"@prefix ")]
    return b"\n".join(sorted(head) + lines[len(head) :])


# ---------------------------------------------------------------- the persistent store


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of the store at ``path`` (what it was built from), or None if absent."""
    try:
        doc = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def write_store(
    path: Path, tbox: bytes, data: Iterable[bytes], manifest: Mapping[str, Any]
) -> KnowledgeGraph:
    """Write a new persistent store at ``path`` and return it opened read-only.

    The store is loaded into a temporary sibling folder and swapped in by renames; on any error
    (or a signal) the temporary folder is removed and a previous store at ``path`` is untouched.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as exc:
        raise StoreError(f"cannot write the store at {path}: {exc.strerror or exc}") from exc
    try:
        store = ox.Store(str(staging / DATABASE))
        _load(store, tbox, canonical=True)
        for chunk in data:
            _load(store, chunk, canonical=False)
        store.flush()
        count = len(store)
        labels = KnowledgeGraph(store).curie_labels(domain_only=True)
        (staging / DOMAIN_LABELS).write_text(json.dumps(labels, sort_keys=True), "utf-8")
        snapshot = gzip.compress(_sorted_dump(store), 1, mtime=0)
        del store
        with (staging / SNAPSHOT).open("wb") as out:
            out.write(snapshot)
        doc = json.dumps({**manifest, "triples": count}, indent=1, sort_keys=True) + "\n"
        (staging / MANIFEST).write_text(doc, encoding="utf-8")
        swap_in(staging, path)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write the store at {path}: {exc.strerror or exc}") from exc
        raise
    return KnowledgeGraph.open(path)
