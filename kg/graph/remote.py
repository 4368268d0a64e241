"""Remote stores: the project's queries on any SPARQL 1.1 endpoint, and pushing a build to one.

:class:`RemoteGraph` speaks the SPARQL 1.1 Protocol with the standard library only (urllib) and
hands back the same :class:`~kg.graph.store.ResultTable` as the embedded store: IRIs contracted
to CURIEs, the lexical form of literals (numbers in their XSD canonical form, as Oxigraph writes
them), '' for unbound, GROUP_CONCAT parts sorted. Queries go as GET, or as an HTML-form POST when
the URL would be long; never as a direct ``application/sparql-query`` POST, which Virtuoso answers
slowly or not at all.

:func:`push_ntriples` writes N-Triples through the SPARQL 1.1 Graph Store Protocol in chunks: the
first chunk replaces the graph (PUT), the others are added to it (POST). Blank-node labels are
scoped to one request, so every triple with a blank node travels in the first chunk.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kg.core.errors import Problem, QueryError
from kg.core.namespaces import contract
from kg.graph.store import ResultTable, StoreError
from kg.sources.query_files import bind, concat_columns, sorted_concat

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
#: Longest GET URL sent; a longer query goes as a form POST (servers cap request lines).
MAX_GET_URL = 4000
#: Default size of one Graph Store Protocol request body.
CHUNK_BYTES = 4 * 1024 * 1024
_ACCEPT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
}


class EndpointError(StoreError):
    """A remote store cannot be reached, refuses a request, or answers with something unreadable."""


def canonical_number(value: str, datatype: str) -> str:
    """The XSD canonical lexical form of an integer or decimal (as Oxigraph writes it).

    >>> canonical_number("081", XSD + "integer"), canonical_number("2.50", XSD + "decimal")
    ('81', '2.5')
    >>> canonical_number("81.0", XSD + "decimal"), canonical_number("x", XSD + "integer")
    ('81', 'x')
    """
    try:
        if datatype in _INTEGERS:
            return str(int(value.strip()))
        if datatype == XSD + "decimal":
            number = Decimal(value.strip())
            if number == number.to_integral_value():
                return str(int(number))
            return format(number.normalize(), "f")
    except (ValueError, InvalidOperation):
        return value
    return value


def term_cell(term: Mapping[str, str] | None) -> str:
    """One SPARQL JSON result term as a cell, by the rule of :func:`kg.graph.store.cell`.

    >>> term_cell({"type": "uri", "value": "http://purl.obolibrary.org/obo/MONDO_0022338"})
    'MONDO:0022338'
    >>> term_cell(None), term_cell({"type": "bnode", "value": "b0"})
    ('', '_:b0')
    """
    if term is None:
        return ""
    kind, value = term.get("type", ""), term.get("value", "")
    if kind == "uri":
        return contract(value)
    if kind == "bnode":
        return f"_:{value}"
    if value.startswith("http"):
        # GROUP_CONCAT of IRIs yields text; show known IRIs as CURIEs there too
        return "; ".join(contract(part) for part in value.split("; "))
    return canonical_number(value, term.get("datatype", ""))


def table_from_json(doc: Mapping[str, Any], sparql: str) -> ResultTable:
    """A SPARQL 1.1 JSON results document as a ResultTable (GROUP_CONCAT parts sorted)."""
    if "results" not in doc or "head" not in doc:
        raise QueryError([Problem("query", None, "not a SELECT query", "use SELECT here")])
    columns = tuple(str(v) for v in doc["head"].get("vars", []))
    seps = [concat_columns(sparql).get(c, "") for c in columns]
    rows = []
    for binding in doc["results"].get("bindings", []):
        row = (term_cell(binding.get(c)) for c in columns)
        rows.append(tuple(sorted_concat(c, s) for c, s in zip(row, seps, strict=True)))
    return ResultTable(columns, tuple(rows))


@dataclass(frozen=True)
class Credentials:
    """A user name and password for an endpoint that asks for HTTP authentication."""

    user: str
    password: str


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, credentials.user, credentials.password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def _send(
    request: urllib.request.Request, timeout: float, credentials: Credentials | None = None
) -> bytes:
    """Send one request; HTTP errors become QueryError (4xx) or EndpointError, with the reason."""
    try:
        with _opener(request.full_url, credentials).open(request, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()[:500]
        reason = f"{request.full_url.split('?', 1)[0]} answered {exc.code} {exc.reason}: {body}"
        if exc.code == 400:
            raise QueryError([Problem("endpoint", None, reason, "fix the query")]) from exc
        raise EndpointError(reason) from exc
    except (urllib.error.URLError, OSError) as exc:
        cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise EndpointError(f"cannot reach {request.full_url.split('?', 1)[0]}: {cause}") from exc


class RemoteGraph:
    """A SPARQL 1.1 Protocol endpoint, queried like the embedded store.

    ``default_graph`` is sent as ``default-graph-uri`` with every query: name the graph the build
    was loaded into (on Virtuoso the unnamed default graph is the union of every graph, its
    system graphs included).
    """

    def __init__(self, url: str, default_graph: str | None = None, timeout: float = 120.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"not an http(s) endpoint URL: {url!r}")
        self.url = url
        self.default_graph = default_graph
        self.timeout = timeout

    def _request(self, sparql: str, accept: str) -> urllib.request.Request:
        fields = [("query", sparql)]
        if self.default_graph:
            fields.append(("default-graph-uri", self.default_graph))
        encoded = urllib.parse.urlencode(fields)
        headers = {"Accept": accept, "User-Agent": "histiokg"}
        joiner = "&" if "?" in self.url else "?"
        if len(self.url) + len(encoded) + 1 <= MAX_GET_URL:
            return urllib.request.Request(f"{self.url}{joiner}{encoded}", headers=headers)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return urllib.request.Request(self.url, data=encoded.encode(), headers=headers)

    def select(self, sparql: str, bindings: Mapping[str, str] | None = None) -> ResultTable:
        """Run a SELECT query; ``bindings`` as in :meth:`kg.graph.store.KnowledgeGraph.select`."""
        text = bind(sparql, bindings) if bindings else sparql
        data = _send(self._request(text, _ACCEPT["json"]), self.timeout)
        try:
            doc = json.loads(data)
        except ValueError as exc:
            raise EndpointError(f"{self.url} did not answer SPARQL JSON results: {exc}") from exc
        if not isinstance(doc, dict):
            raise EndpointError(f"{self.url} did not answer SPARQL JSON results")
        return table_from_json(doc, text)

    def run(self, sparql: str, fmt: str) -> bytes:
        """Run any query; the endpoint's answer in ``fmt`` (json, xml, csv, tsv, ttl or nt)."""
        if fmt not in _ACCEPT:
            raise QueryError([Problem("query", None, f"unknown result format {fmt!r}")])
        return _send(self._request(sparql, _ACCEPT[fmt]), self.timeout)


# ---------------------------------------------------------------- Graph Store Protocol


def _has_blank_node(line: str) -> bool:
    """Whether an N-Triples line has a blank node as subject or object (not inside a literal)."""
    if line.startswith("_:"):
        return True
    parts = line.split(" ", 2)
    return len(parts) == 3 and parts[2].startswith("_:")


def ntriples_chunks(data: bytes, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    r"""Split N-Triples into chunks of about ``chunk_bytes``, every blank-node triple in the first.

    >>> nt = b'<a:s> <a:p> _:b .\n<a:s> <a:p> "x" .\n_:b <a:p> <a:o> .\n'
    >>> [c.count(b"\n") for c in ntriples_chunks(nt, 10)]
    [2, 1]
    """
    first: list[str] = []
    rest: list[str] = []
    for line in data.decode("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            (first if _has_blank_node(line) else rest).append(line + "\n")
    chunk, size = first, sum(len(x.encode()) for x in first)
    for line in rest:
        if chunk and size + len(line) > chunk_bytes:
            yield "".join(chunk).encode("utf-8")
            chunk, size = [], 0
        chunk.append(line)
        size += len(line.encode())
    if chunk or not (first or rest):
        yield "".join(chunk).encode("utf-8")


def graph_store_url(url: str, graph: str | None) -> str:
    """The Graph Store Protocol address of a named graph (``?graph=``) or the default graph.

    >>> graph_store_url("http://127.0.0.1:7878/store", None)
    'http://127.0.0.1:7878/store?default'
    >>> graph_store_url("http://h/crud", "https://w3id.org/histiokg/graph")
    'http://h/crud?graph=https%3A%2F%2Fw3id.org%2Fhistiokg%2Fgraph'
    """
    joiner = "&" if "?" in url else "?"
    if graph is None:
        return f"{url}{joiner}default"
    return f"{url}{joiner}{urllib.parse.urlencode({'graph': graph})}"


def push_ntriples(
    url: str,
    data: bytes,
    graph: str | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    credentials: Credentials | None = None,
    timeout: float = 600.0,
) -> int:
    """Replace a graph at a Graph Store Protocol endpoint with ``data``; return requests sent."""
    if not url.startswith(("http://", "https://")):
        raise EndpointError(f"not an http(s) Graph Store URL: {url!r}")
    target = graph_store_url(url, graph)
    sent = 0
    for chunk in ntriples_chunks(data, chunk_bytes):
        request = urllib.request.Request(
            target,
            data=chunk,
            method="PUT" if sent == 0 else "POST",
            headers={"Content-Type": "application/n-triples", "User-Agent": "histiokg"},
        )
        if credentials is not None:
            _authorise(request, credentials, timeout)
        _send(request, timeout, credentials)
        sent += 1
    return sent


def _authorise(request: urllib.request.Request, credentials: Credentials, timeout: float) -> None:
    """Answer the server's HTTP Digest challenge before a large body is sent.

    A server that asks for authentication answers 401 as soon as it has read the headers and may
    close the connection while a big body is still being sent (a broken pipe). So a body-less
    request fetches the challenge first, and the real request carries its Authorization header.
    """
    probe = urllib.request.Request(
        request.full_url, method="HEAD", headers={"User-Agent": "histiokg"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(probe, timeout=timeout).close()
        return  # no authentication asked for
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "")
    except (urllib.error.URLError, OSError):
        return  # the real request reports the problem
    if not challenge.lower().startswith("digest "):
        return
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, credentials.user, credentials.password)
    handler = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
    authorization = handler.get_authorization(request, fields)
    if authorization:
        request.add_unredirected_header("Authorization", f"Digest {authorization}")
