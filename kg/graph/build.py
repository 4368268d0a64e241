"""Compose the TBox, the curated rows and the cases into one graph: the only place sources merge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.core import paths
from kg.core.errors import CurationError, Problem
from kg.graph.case_triples import case_to_triples
from kg.graph.store import KnowledgeGraph
from kg.graph.triples import curation_to_triples, publication_to_triples
from kg.sources.case_model import Case
from kg.sources.cases import load_cases
from kg.sources.curation import load_curation
from kg.sources.ontology import load_ontology
from kg.sources.records import Curation
from kg.sources.terms import TermIndex


@dataclass
class Built:
    """A built graph and the checked records it was made from."""

    graph: KnowledgeGraph
    curation: Curation
    cases: list[Case]
    index: TermIndex


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
