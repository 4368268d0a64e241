"""Similar cases: a documented, explainable similarity over driver, markers, sites and age.

similarity(A, B) = (3 * driver + 2 * markers + 1 * sites + 1 * age) / 7, each part in [0, 1]:

* driver: 1 if the cases share a driver alteration, 0.5 if they share only a gene of one
  (e.g. KIF5B-ALK and EML4-ALK share ALK), else 0; 0 when either case has no driver curated.
* markers: agreement over the markers tested in both cases (same polarity / markers in
  common), scaled by the Jaccard overlap of the tested sets, so two cases agreeing on one
  shared marker out of fifteen score low.
* sites: Jaccard overlap of the involved sites (exact UBERON terms).
* age: exp(-|ln((a + 0.1) / (b + 0.1))|), 1 for equal ages, 0.5 when one is about twice the other.

Every result lists the shared and the differing features, so a clinician sees why two cases match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kg.graph.queries import alteration_genes, run_query
from kg.graph.store import KnowledgeGraph

WEIGHTS = {"driver": 3.0, "markers": 2.0, "sites": 1.0, "age": 1.0}


@dataclass
class CaseFeatures:
    """The comparable features of one case."""

    case: str
    drivers: set[str] = field(default_factory=set)
    driver_genes: set[str] = field(default_factory=set)
    markers: dict[str, str] = field(default_factory=dict)
    sites: set[str] = field(default_factory=set)
    diagnosis: set[str] = field(default_factory=set)
    age: float | None = None


@dataclass(frozen=True)
class Similar:
    """One similar case, its score, its parts and the features that match or differ."""

    case: str
    label: str
    score: float
    parts: dict[str, float]
    shared: tuple[str, ...]
    differing: tuple[str, ...]


def case_features(graph: KnowledgeGraph) -> dict[str, CaseFeatures]:
    """Features of every case in the graph."""
    genes = alteration_genes(graph)
    out: dict[str, CaseFeatures] = {}
    for case, kind, feature, value in run_query("case-features", graph).rows:
        f = out.setdefault(case, CaseFeatures(case))
        if kind == "driver":
            f.drivers.add(feature)
            f.driver_genes |= genes.get(feature, {feature})
        elif kind == "marker":
            f.markers[feature] = value
        elif kind == "site":
            f.sites.add(feature)
        elif kind == "diagnosis":
            f.diagnosis.add(feature)
        elif kind == "age":
            f.age = float(value)
    return out


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def compare(a: CaseFeatures, b: CaseFeatures, labels: dict[str, str]) -> Similar:
    """Score one pair and list what they share and where they differ."""

    def lab(x: str) -> str:
        return labels.get(x, x)

    shared: list[str] = []
    differing: list[str] = []
    if a.drivers & b.drivers:
        driver = 1.0
        shared += [f"driver {lab(d)}" for d in sorted(a.drivers & b.drivers)]
    elif a.driver_genes & b.driver_genes:
        driver = 0.5
        shared += [f"driver gene {lab(g)}" for g in sorted(a.driver_genes & b.driver_genes)]
    else:
        driver = 0.0
    if a.drivers ^ b.drivers:
        differing.append(
            f"drivers {', '.join(map(lab, sorted(a.drivers))) or 'none'} vs "
            f"{', '.join(map(lab, sorted(b.drivers))) or 'none'}"
        )
    common = set(a.markers) & set(b.markers)
    agree = {m for m in common if a.markers[m] == b.markers[m]}
    overlap = _jaccard(set(a.markers), set(b.markers))
    markers = (len(agree) / len(common)) * overlap if common else 0.0
    shared += [f"{lab(m)} {a.markers[m]}" for m in sorted(agree, key=lab)]
    differing += [
        f"{lab(m)} {a.markers[m]} vs {b.markers[m]}" for m in sorted(common - agree, key=lab)
    ]
    sites = _jaccard(a.sites, b.sites)
    shared += [f"site {lab(s)}" for s in sorted(a.sites & b.sites, key=lab)]
    if a.age is not None and b.age is not None:
        age = math.exp(-abs(math.log((a.age + 0.1) / (b.age + 0.1))))
        if age < 0.5:
            differing.append(f"age {a.age:g} y vs {b.age:g} y")
    else:
        age = 0.0
    parts = {"driver": driver, "markers": markers, "sites": sites, "age": age}
    score = sum(WEIGHTS[k] * v for k, v in parts.items()) / sum(WEIGHTS.values())
    return Similar(
        b.case,
        lab(b.case),
        round(score, 4),
        {k: round(v, 4) for k, v in parts.items()},
        tuple(shared),
        tuple(differing),
    )


def similar_cases(graph: KnowledgeGraph, case: str, top: int = 5) -> list[Similar]:
    """The ``top`` cases most similar to ``case``, best first."""
    feats = case_features(graph)
    if case not in feats:
        raise LookupError(f"no case {case!r}; cases: {', '.join(sorted(feats))}")
    labels = graph.curie_labels()
    out = [compare(feats[case], f, labels) for c, f in feats.items() if c != case]
    out.sort(key=lambda s: (-s.score, s.case))
    return out[:top]
