"""The hand-edited TBox (ontology/*.ttl) and its pinned imports, parsed with stable blank nodes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import BNode, Graph

from kg.core import paths
from kg.core.errors import Problem, SourceError
from kg.core.paths import rel


def stable_bnodes(g: Graph) -> Graph:
    """Relabel blank nodes (OWL restrictions) with ids derived from their content and referrer.

    Parsers give blank nodes random ids, which makes Turtle output differ from run to run; content
    ids keep the export byte-for-byte reproducible. The referrer is part of the id, so two equal
    restrictions on different classes stay two nodes, as the OWL mapping to RDF expects.
    """
    signature: dict[BNode, str] = {}

    def sign(node: BNode, seen: frozenset[BNode] = frozenset()) -> str:
        if node in signature:
            return signature[node]
        parts = []
        for p, o in sorted(g.predicate_objects(node)):
            text = sign(o, seen | {node}) if isinstance(o, BNode) and o not in seen else o.n3()
            parts.append(f"{p.n3()} {text}")
        signature[node] = "[" + " ; ".join(parts) + "]"
        return signature[node]

    out = Graph()
    renamed: dict[BNode, BNode] = {}
    for node in {n for t in g for n in t if isinstance(n, BNode)}:
        referrers = sorted(f"{s.n3()} {p.n3()}" for s, p in g.subject_predicates(node))
        key = "|".join(referrers) + sign(node)
        renamed[node] = BNode("b" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20])
    for s, p, o in g:
        out.add(
            (
                renamed.get(s, s) if isinstance(s, BNode) else s,
                p,
                renamed.get(o, o) if isinstance(o, BNode) else o,
            )
        )
    return out


def load_ontology(path: Path = paths.ONTOLOGY) -> Graph:
    """Parse the hand-edited TBox, its defined classes and the pinned imports (not the shapes)."""
    g = Graph()
    problems: list[Problem] = []
    _parse_turtle(g, path, problems)
    for extra in sorted(path.parent.glob("*.ttl")) + sorted(path.parent.glob("imports/*.ttl")):
        if extra != path and extra.name != paths.SHAPES.name:
            _parse_turtle(g, extra, problems)
    if problems:
        raise SourceError(problems)
    return stable_bnodes(g)


def _parse_turtle(g: Graph, path: Path, problems: list[Problem]) -> None:
    """Parse one Turtle file into ``g``; a syntax error becomes a problem with its file and line."""
    try:
        g.parse(
            data=path.read_bytes().decode("utf-8"),
            format="turtle",
            publicID=path.resolve().as_uri(),
        )
    except OSError as exc:
        problems.append(Problem(rel(path), None, f"cannot read ({exc.strerror or exc})", ""))
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel(path), None, f"not UTF-8 ({exc.reason})", "save as UTF-8"))
    except SyntaxError as exc:  # rdflib's BadSyntax; its line is 0-based
        line = getattr(exc, "lines", None)
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        problems.append(
            Problem(
                rel(path),
                line + 1 if isinstance(line, int) else None,
                f"not valid Turtle: {why}",
                "fix the Turtle syntax (a missing '.', ';' or a bare word?)",
            )
        )
