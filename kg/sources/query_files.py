"""Load the project's SPARQL files (with their ``#+`` headers) and run them on a built graph.

Each file in queries/cq and queries/qc stays valid SPARQL: its metadata are comment lines,

    #+ title: Driver alteration of a case
    #+ question: Which driver alteration was found in the case, and which genes form it?
    #+ params: ?case (IRI of a case; default hkgd:seed-alk-h-infant)
    #+ returns: ?alteration ?five_prime ?three_prime, one row per alteration

"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.core import paths
from kg.core.errors import Problem, QueryError
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


def load_queries(root: Path = paths.QUERIES_DIR) -> dict[str, QueryFile]:
    """Every query file under ``root`` (cq/ and qc/), by stem."""
    out: dict[str, QueryFile] = {}
    for path in sorted(root.glob("*/*.rq")):
        q = parse_query_file(path)
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
