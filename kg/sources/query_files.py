"""Load the project's SPARQL files (with their ``#+`` headers) and run them on a built graph.

Each file in queries/cq and queries/qc stays valid SPARQL: its metadata are comment lines,

    #+ title: Driver alteration of a case
    #+ question: Which driver alteration was found in the case, and which genes form it?
    #+ params: ?case (IRI of a case; default hkgd:seed-alk-h-infant)
    #+ returns: ?alteration ?five_prime ?three_prime, one row per alteration

"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.core import paths
from kg.core.errors import Problem, QueryError
from kg.core.namespaces import expand, is_known_curie
from kg.core.paths import rel

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"\?(\w+)\s*\(([^)]*)\)")
_DEFAULT = re.compile(r"default\s+(\S+)")


@dataclass(frozen=True)
class Param:
    """A query parameter: its variable name, description and default value ('' if required)."""

    name: str
    description: str
    default: str


@dataclass(frozen=True)
class QueryFile:
    """One SPARQL file with its header."""

    name: str
    kind: str
    path: Path
    text: str
    title: str
    question: str
    returns: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    tags: tuple[str, ...] = ()


def parse_query_file(path: Path) -> QueryFile:
    """Read a .rq file and its ``#+`` header; raise QueryError if the header is incomplete."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            meta[m.group(1)] = m.group(2).strip()
    missing = [k for k in ("title", "question", "returns") if not meta.get(k)]
    if missing:
        raise QueryError(
            [
                Problem(
                    rel(path), 1, f"header lacks {', '.join(missing)}", "add '#+ key: value' lines"
                )
            ]
        )
    params = []
    for name, desc in _PARAM.findall(meta.get("params", "")):
        d = _DEFAULT.search(desc)
        default = d.group(1).rstrip(";,") if d else ""
        params.append(Param(name, desc.strip(), default))
    return QueryFile(
        name=path.stem,
        kind=path.parent.name,
        path=path,
        text=text,
        title=meta["title"],
        question=meta["question"],
        returns=meta["returns"],
        params=tuple(params),
        tags=tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip()),
    )


@functools.lru_cache(maxsize=1024)
def _parsed(path: Path, size: int, mtime_ns: int) -> QueryFile:
    return parse_query_file(path)


def load_queries(root: Path = paths.QUERIES_DIR) -> dict[str, QueryFile]:
    """Every query file under ``root`` (cq/ and qc/), by stem.

    A file is parsed again only when its size or modification time changed: ``diagnose`` and
    ``options`` look up several queries per call.
    """
    out: dict[str, QueryFile] = {}
    for path in sorted(root.glob("*/*.rq")):
        st = path.stat()
        q = _parsed(path, st.st_size, st.st_mtime_ns)
        out[q.name] = q
    return out


def find_query(name: str, root: Path = paths.QUERIES_DIR) -> QueryFile:
    """Find a query by stem or unique stem prefix (``cq01``); unknown names list close matches."""
    queries = load_queries(root)
    if name in queries:
        return queries[name]
    hits = [
        q for stem, q in queries.items() if stem.startswith(name + "-") or stem.startswith(name)
    ]
    if len(hits) == 1:
        return hits[0]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    fix = f"did you mean {', '.join(close)}?" if close else "run 'histiokg queries' for the list"
    reason = f"ambiguous query name {name!r}" if hits else f"unknown query {name!r}"
    raise QueryError([Problem("queries/", None, reason, fix)])


def bindings_for(query: QueryFile, given: Mapping[str, str]) -> dict[str, str]:
    """Merge given parameter values with defaults; reject unknown names and missing values."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        allowed = ", ".join(known) or "none"
        raise QueryError(
            [
                Problem(
                    rel(query.path),
                    None,
                    f"unknown parameter {', '.join(unknown)}",
                    f"allowed: {allowed}",
                )
            ]
        )
    values = {name: p.default for name, p in known.items() if p.default}
    values.update(given)
    missing = [name for name in known if not values.get(name)]
    if missing:
        raise QueryError(
            [
                Problem(
                    rel(query.path),
                    None,
                    f"missing parameter {', '.join(missing)}",
                    "pass --param k=v",
                )
            ]
        )
    return values


# ---------------------------------------------------------------- binding parameters

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def sparql_term(value: str) -> str:
    r"""Render a parameter value as one SPARQL term: a CURIE or IRI as ``<IRI>``, else a literal.

    The value is parsed, never pasted: an IRI with a character SPARQL forbids in IRIs is refused,
    and text becomes a quoted, escaped string literal, so no value can change the query.

    >>> sparql_term("MONDO:0022338")
    '<http://purl.obolibrary.org/obo/MONDO_0022338>'
    >>> sparql_term('FDA" } ?x ?y ?z { ')
    '"FDA\\" } ?x ?y ?z { "'
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        if _IRI_FORBIDDEN.search(text):
            raise ValueError(f"{value!r} is not a valid IRI (spaces, quotes or <>{{}}|^`\\)")
        return f"<{text}>"
    if ":" in text and is_known_curie(text):
        iri_ = expand(text)
        if _IRI_FORBIDDEN.search(iri_):
            raise ValueError(f"{value!r} does not expand to a valid IRI")
        return f"<{iri_}>"
    if any(ord(ch) < 0x20 and ch not in "\n\r\t" for ch in value):
        raise ValueError(f"{value!r} holds control characters")
    return '"' + "".join(_LITERAL_ESCAPES.get(ch, ch) for ch in value) + '"'


def _values_block(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^{}]*\}", re.IGNORECASE)


def bind(text: str, bindings: Mapping[str, str], where: str = "query") -> str:
    """Bind parameters by rewriting each ``VALUES ?name { default }`` clause to the given term.

    Every SPARQL 1.1 engine evaluates the result the same way (the variable is bound where the
    query's author put the VALUES clause, in every sub-query that has one). A parameter without
    such a clause is an error, since there is no standard place to bind it.

    >>> bind("SELECT * WHERE { VALUES ?case { <x:a> } ?case ?p ?o }", {"case": "hkgd:b"})
    'SELECT * WHERE { VALUES ?case { <https://w3id.org/histiokg/data/b> } ?case ?p ?o }'
    """
    out = text
    for name, value in bindings.items():
        pattern = _values_block(name)
        if not pattern.search(out):
            raise QueryError(
                [
                    Problem(
                        where,
                        None,
                        f"parameter ?{name} has no 'VALUES ?{name} {{ ... }}' clause to bind",
                        f"add 'VALUES ?{name} {{ <default> }}' where ?{name} is in scope",
                    )
                ]
            )
        try:
            term = sparql_term(value)
        except ValueError as exc:
            raise QueryError(
                [Problem(where, None, f"parameter {name}: {exc}", "give a CURIE, IRI or text")]
            ) from exc
        replacement = f"VALUES ?{name} {{ {term} }}"
        out = pattern.sub(lambda _m: replacement, out)  # noqa: B023 (used at once)
    return out


# ---------------------------------------------------------------- no network at run time

#: What cannot hold a keyword: strings, IRIs and comments (matched left to right, so a '#' in a
#: string or an IRI is not a comment).
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.IGNORECASE)


def uses_service(text: str) -> bool:
    """Whether SPARQL text has a SERVICE clause (in strings, IRIs and comments it does not count).

    >>> uses_service("SELECT * { service <http://x.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service { ?service <a:SERVICE> "SERVICE" } # SERVICE')
    False
    """
    return bool(_SERVICE.search(_NOT_CODE.sub(" ", text)))


def refuse_service(text: str, where: str = "query") -> None:
    """Raise QueryError if the query would call another endpoint (SERVICE): no network at run time.

    >>> refuse_service("SELECT * { ?s ?p ?o }")
    """
    if uses_service(text):
        raise QueryError(
            [
                Problem(
                    where,
                    None,
                    "SERVICE (a federated call to another endpoint) is refused: histiokg answers "
                    "from the built graph only, with no network access at run time",
                    "remove the SERVICE clause; load the other data into the graph instead",
                )
            ]
        )


_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\(.*?;\s*separator\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*\)"
    r"\s*AS\s+\?(\w+)",
    re.IGNORECASE | re.DOTALL,
)


def concat_columns(text: str) -> dict[str, str]:
    """The columns a query fills with GROUP_CONCAT, and their separators.

    >>> concat_columns('SELECT (GROUP_CONCAT(DISTINCT STR(?s); separator="; ") AS ?sources) {}')
    {'sources': '; '}
    """
    return {
        m.group(2): m.group(1)[1:-1].encode().decode("unicode_escape")
        for m in _CONCAT.finditer(text)
    }


def sorted_concat(cell: str, separator: str) -> str:
    """A GROUP_CONCAT cell with its parts in sorted order (engines may concatenate in any order).

    >>> sorted_concat("b; a; c", "; ")
    'a; b; c'
    """
    return separator.join(sorted(cell.split(separator))) if separator and cell else cell
