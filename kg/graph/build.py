"""Compose the TBox, the curated rows and the cases into one graph: the only place sources merge."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph

from kg.core import paths
from kg.core.errors import CurationError, Problem
from kg.graph.case_triples import case_to_triples
from kg.graph.store import KnowledgeGraph
from kg.graph.triples import curation_to_triples, publication_to_triples
from kg.sources.cases import Case, load_cases
from kg.sources.curation import load_curation
from kg.sources.records import Curation
from kg.sources.terms import TermIndex


@dataclass
class Built:
    """A built graph and the checked records it was made from."""

    graph: KnowledgeGraph
    curation: Curation
    cases: list[Case]
    index: TermIndex


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
    g.parse(path, format="turtle")
    for extra in sorted(path.parent.glob("*.ttl")) + sorted(path.parent.glob("imports/*.ttl")):
        if extra != path and extra.name != paths.SHAPES.name:
            g.parse(extra, format="turtle")
    return stable_bnodes(g)


def build_graph(
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
) -> Built:
    """Read every source, check it, and compose one graph.

    Raises CurationError or CaseError (listing every problem) when an input is bad; nothing is
    written anywhere, so a bad input cannot corrupt a previous build.
    """
    g = load_ontology(ontology)
    curation = load_curation(curated)
    index = TermIndex(curation.terms)
    cases = load_cases(cases_dir, index)
    cited = curation_to_triples(curation, g)
    case_keys = {case.publication["key"] for case in cases}
    for case in cases:
        cited |= case_to_triples(case, g, index)
    unknown = sorted(
        s for s in cited if not s.startswith(("PMID:", "DOI:", "http")) and s not in case_keys
    )
    if unknown:
        raise CurationError(
            [
                Problem(
                    str(curated),
                    None,
                    f"source {key!r} is neither PMID/DOI/URL nor a case publication key",
                    "cite PMID:n, DOI:10..., a URL, or the key of a case file's publication",
                )
                for key in unknown
            ]
        )
    for source in sorted(cited - case_keys):
        publication_to_triples(g, source, curation.publications.get(source))
    return Built(KnowledgeGraph(g), curation, cases, index)
