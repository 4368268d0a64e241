"""Treatment options for a case or a driver alteration, following the pathway, by evidence.

The route runs driver -> gene -> pathway -> drug: drugs that target the altered gene itself
("direct"), and drugs that target the most downstream drugged gene the altered gene activates
(``hkg:activates``, curated with sources): BRAF V600E -> BRAF and MEK inhibitors; KRAS, NRAS,
ARAF, MAP2K1 -> MEK inhibitors; ALK, RET, NTRK, CSF1R fusions -> their kinase inhibitors. Each
option carries the evidence level for the disorder, the approvals by agency, date and population,
and cited CNS penetration. An empty answer always says why (:func:`why_none`).
"""

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
    #: how the drug reaches the driver: "direct" or "downstream of <gene>"
    route: str = "direct"
    #: results a source reports for a class of the drug, pooled over its drugs (not the drug's own)
    class_evidence: tuple[str, ...] = ()
    class_evidence_sources: tuple[str, ...] = ()

    @property
    def strength(self) -> int:
        """Position in LEVELS of the strongest evidence (0 = approved for this disorder)."""
        if self.approved_for_disorder:
            return 0
        levels = [LEVELS.index(x) for x in self.evidence_level.split("; ") if x in LEVELS] or [
            len(LEVELS) - 1
        ]
        return min(levels)


def _options_for_target(
    graph: KnowledgeGraph, target: str, disorder: str, route: str, labels: dict[str, str]
) -> list[DrugOption]:
    out = []
    table = run_query("drug-options", graph, alteration=target, disorder=disorder)
    for (
        drug,
        tgt,
        classes,
        approvals,
        level,
        level_sources,
        cns,
        cns_sources,
        class_evidence,
        class_sources,
    ) in table.rows:
        apps = _split(approvals, " | ")
        out.append(
            DrugOption(
                drug=drug,
                label=labels.get(drug, drug),
                target=tgt,
                target_label=labels.get(tgt, tgt),
                classes=_split(classes),
                approvals=apps,
                approved_for_disorder=any(a.endswith("[this disorder]") for a in apps),
                evidence_level="; ".join(_split(level)),
                evidence_sources=_split(level_sources),
                cns=_split(cns),
                cns_sources=_split(cns_sources),
                route=route,
                class_evidence=_split(class_evidence),
                class_evidence_sources=_split(class_sources),
            )
        )
    return out


def drug_options(graph: KnowledgeGraph, alteration: str, disorder: str) -> list[DrugOption]:
    """Drugs acting on ``alteration`` (fusion, variant or gene) or downstream of it, best first."""
    labels = graph.curie_labels(domain_only=True)
    found: dict[tuple[str, str], DrugOption] = {}
    for gene, target, route in run_query("pathway-targets", graph, alteration=alteration).rows:
        how = "direct" if route == "direct" else f"downstream of {labels.get(gene, gene)}"
        for option in _options_for_target(graph, target, disorder, how, labels):
            found.setdefault((option.drug, option.target), option)
    out = list(found.values())
    out.sort(key=lambda o: (o.strength, o.route != "direct", o.label, o.target_label))
    return out


def why_none(graph: KnowledgeGraph, alteration: str) -> str:
    """Why no option was found for an alteration: what the graph knows of its genes."""
    labels = graph.curie_labels(domain_only=True)
    genes = run_query("alteration-genes", graph).rows
    mine = sorted({g for a, g in genes if a == alteration} or {alteration})
    names = ", ".join(labels.get(g, g) for g in mine)
    return (
        f"no drug in the graph targets {names} or a gene downstream of it: no hkg:has_target "
        "row names these genes, and no hkg:activates row leads from them to a drugged gene "
        "(add the cited rows to kg/data/curated/statements/ if a source gives them)"
    )


def case_options(graph: KnowledgeGraph, case: str) -> list[DrugOption]:
    """Options for every driver alteration of a case, judged against its coded diagnosis."""
    seen: dict[tuple[str, str], DrugOption] = {}
    for alteration, disorder in run_query("case-drivers", graph, case=case).rows:
        for option in drug_options(graph, alteration, disorder):
            seen.setdefault((option.drug, option.target), option)
    return sorted(
        seen.values(), key=lambda o: (o.strength, o.route != "direct", o.label, o.target_label)
    )


def case_drivers(graph: KnowledgeGraph, case: str) -> list[str]:
    """The driver alterations of a case (empty if it has none or is not a case)."""
    return sorted({row[0] for row in run_query("case-drivers", graph, case=case).rows})
