"""Leave-one-out evaluation of the differential diagnosis on the graph's own published cases.

Each case is ranked from its own findings with the profiles rebuilt *without* the statements that
cite its publication (where a case report contributed counts to a profile, those counts would
otherwise grade the case on its own data). The report gives top-1 and top-3 accuracy and every
failure with its rank.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.answers.diagnose import rank_disorders
from kg.answers.findings import findings_from_case
from kg.answers.profiles import load_profiles
from kg.answers.separation import assess
from kg.graph.store import KnowledgeGraph
from kg.sources.case_model import Case
from kg.sources.terms import TermIndex


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome: where its coded diagnosis ranked, and what ranked first."""

    case: str
    diagnosis: str
    rank: int | None
    top: str
    probability: float
    left_out: int
    sufficient: bool


@dataclass(frozen=True)
class Evaluation:
    """Every case's result and the accuracies."""

    results: tuple[CaseResult, ...]

    def accuracy(self, k: int) -> float:
        """Share of cases whose coded diagnosis ranked within the first ``k``."""
        hits = sum(1 for r in self.results if r.rank is not None and r.rank <= k)
        return hits / len(self.results) if self.results else 0.0


def publication_sources(case: Case) -> set[str]:
    """The source cells (CURIE forms) under which statements cite the case's publication."""
    pub = case.publication
    out = {f"hkgd:pub-{pub.get('key', '')}", str(pub.get("key", ""))}
    if pub.get("pmid"):
        out.add(f"PMID:{pub['pmid']}")
    if pub.get("doi"):
        out.add(f"DOI:{pub['doi']}")
    return {s for s in out if s and s != "hkgd:pub-"}


def evaluate(graph: KnowledgeGraph, cases: list[Case], index: TermIndex) -> Evaluation:
    """Rank every case with its own publication left out of the profiles."""
    baseline = load_profiles(graph)
    full = sum(len(rows) for rows in baseline.rows.values())
    results = []
    for case in sorted(cases, key=lambda c: c.id):
        sources = publication_sources(case)
        profiles = load_profiles(graph, sources)
        left_out = full - sum(len(rows) for rows in profiles.rows.values())
        findings, age = findings_from_case(case, index)
        ranked = rank_disorders(graph, findings, age, profiles)
        rank = next((r.rank for r in ranked if r.disease == case.diagnosis), None)
        first = ranked[0] if ranked else None
        results.append(
            CaseResult(
                case=case.id,
                diagnosis=index.label(case.diagnosis),
                rank=rank,
                top=first.label if first else "",
                probability=first.probability if first else 0.0,
                left_out=left_out,
                sufficient=assess(ranked, findings, profiles).sufficient,
            )
        )
    return Evaluation(tuple(results))
