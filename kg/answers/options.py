"""Treatment options for a case or a driver alteration: drugs acting on it, by evidence."""

from __future__ import annotations

from dataclasses import dataclass

from kg.graph.queries import run_query
from kg.graph.store import KnowledgeGraph

#: Evidence levels from strongest to weakest; '' means nothing curated for this disorder.
LEVELS = ("approved", "guideline", "trial", "case-series", "case-report", "")


def _split(cell: str, sep: str = "; ") -> tuple[str, ...]:
    return tuple(sorted({part for part in cell.split(sep) if part}))


@dataclass(frozen=True)
class DrugOption:
    """A drug that targets a gene of the alteration, with what is known for the disorder."""

    drug: str
    label: str
    target: str
    target_label: str
    classes: tuple[str, ...]
    approvals: tuple[str, ...]
    approved_for_disorder: bool
    evidence_level: str
    evidence_sources: tuple[str, ...]
    cns: tuple[str, ...]
    cns_sources: tuple[str, ...]

    @property
    def strength(self) -> int:
        """Position in LEVELS of the strongest evidence (0 = approved for this disorder)."""
        if self.approved_for_disorder:
            return 0
        levels = [LEVELS.index(x) for x in self.evidence_level.split("; ") if x in LEVELS] or [
            len(LEVELS) - 1
        ]
        return min(levels)


def drug_options(graph: KnowledgeGraph, alteration: str, disorder: str) -> list[DrugOption]:
    """Drugs acting on ``alteration`` (a fusion, variant or gene), best evidence first."""
    labels = graph.curie_labels()
    out = []
    table = run_query("drug-options", graph, alteration=alteration, disorder=disorder)
    for drug, target, classes, approvals, level, level_sources, cns, cns_sources in table.rows:
        apps = _split(approvals, " | ")
        out.append(
            DrugOption(
                drug=drug,
                label=labels.get(drug, drug),
                target=target,
                target_label=labels.get(target, target),
                classes=_split(classes),
                approvals=apps,
                approved_for_disorder=any(a.endswith("[this disorder]") for a in apps),
                evidence_level="; ".join(_split(level)),
                evidence_sources=_split(level_sources),
                cns=_split(cns),
                cns_sources=_split(cns_sources),
            )
        )
    out.sort(key=lambda o: (o.strength, o.label, o.target_label))
    return out


def case_options(graph: KnowledgeGraph, case: str) -> list[DrugOption]:
    """Options for every driver alteration of a case, judged against its coded diagnosis."""
    seen: dict[tuple[str, str], DrugOption] = {}
    for alteration, disorder in run_query("case-drivers", graph, case=case).rows:
        for option in drug_options(graph, alteration, disorder):
            seen.setdefault((option.drug, option.target), option)
    return sorted(seen.values(), key=lambda o: (o.strength, o.label, o.target_label))
