"""Compose the TBox, the curated rows and the cases into one graph: the only place sources merge.

``build_graph`` composes in memory (tests, one-off checks); ``build_store`` writes the persistent
store under build/ with a manifest of every source's SHA-256 (``kg.graph.persistent.build_store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.core import paths
from kg.core.errors import CurationError, Problem
from kg.graph.case_triples import case_to_triples, patients_to_triples
from kg.graph.ntriples import TripleSink, graph_ntriples
from kg.graph.store import KnowledgeGraph
from kg.graph.triples import curation_to_triples, publication_to_triples, term_to_triples
from kg.sources.case_model import Case
from kg.sources.cases import Progress, load_cases
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


@dataclass
class Composed:
    """Every source read and checked, as N-Triples ready for one bulk load."""

    tbox: bytes
    data: list[bytes]
    curation: Curation
    cases: list[Case]
    index: TermIndex
    triples: int = 0
    sources: dict[str, str] = field(default_factory=dict)


def compose(
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
    progress: Progress | None = None,
) -> Composed:
    """Read every source, check it, and turn it into triples.

    Raises CurationError or CaseError (listing every problem) when an input is bad; nothing is
    written anywhere, so a bad input cannot corrupt a previous build.
    """
    tbox = graph_ntriples(load_ontology(ontology))
    curation = load_curation(curated)
    index = TermIndex(curation.terms)
    cases = load_cases(cases_dir, index, progress)
    sink = TripleSink()
    cited = curation_to_triples(curation, sink)
    case_keys = {case.publication["key"] for case in cases}
    for case in cases:
        cited |= case_to_triples(case, sink, index)
    patients_to_triples(cases, sink)
    for term in sorted(index.external.values(), key=lambda t: t.id):
        # a case named a term of a pinned copy that the tables do not hold: give it its node
        term_to_triples(sink, term)
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
        publication_to_triples(sink, source, curation.publications.get(source))
    return Composed(tbox, sink.chunks(), curation, cases, index, len(sink))


def build_graph(
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
) -> Built:
    """Read every source and compose one graph in memory."""
    c = compose(curated, cases_dir, ontology)
    return Built(KnowledgeGraph.in_memory(c.tbox, c.data), c.curation, c.cases, c.index)
