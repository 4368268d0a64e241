"""Curated disorder profiles, read once from the store: what each disorder shows, how often, where.

A profile row pools the curated statements of one disorder about one marker, alteration, site,
finding or onset class. Counts are pooled so that one cohort counts once: statements that carry
the same ``population`` (the cohort they report) or the same source are one series, and of one
series only the largest count is kept; distinct series are added. Sources can be left out (the
leave-one-out evaluation leaves out the case being ranked).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.graph.queries import alteration_genes, run_query
from kg.graph.store import KnowledgeGraph

#: A qualitative row counts as this many concordant cases (then Laplace-smoothed like counts).
QUALITATIVE_N = 3
DEFAULT_THETA = {
    "hkg:expresses_marker": (QUALITATIVE_N + 1) / (QUALITATIVE_N + 2),
    "hkg:variably_expresses_marker": 0.5,
    "hkg:lacks_marker": 1 / (QUALITATIVE_N + 2),
}
ESSENTIAL = 0.99
LISTED_FEATURE = 0.5
CLIP = (0.01, 0.99)

#: HPO onset classes and their age ranges in years, from the HPO definitions (upper bound open).
ONSET_RANGES: dict[str, tuple[float, float]] = {
    "HP:0003577": (0.0, 1 / 365.25),  # congenital: present at birth
    "HP:0003623": (0.0, 28 / 365.25),  # neonatal: first 28 days
    "HP:0003593": (28 / 365.25, 1.0),  # infantile: 28 days to 1 year
    "HP:0011463": (1.0, 5.0),  # childhood: 1 to 5 years
    "HP:0003621": (5.0, 16.0),  # juvenile: 5 to 15 years
    "HP:0410280": (28 / 365.25, 16.0),  # pediatric: before 16 years
    "HP:0003581": (16.0, 200.0),  # adult: 16 years or later
    "HP:0011462": (16.0, 40.0),  # young adult: 16 to 40
    "HP:0003596": (40.0, 60.0),  # middle age: 40 to 60
    "HP:0003584": (60.0, 200.0),  # late: after 60
}


@dataclass
class Row:
    """One disorder's pooled evidence on one finding."""

    predicate: str
    #: series key -> (positive, total): one entry per cohort or source
    series: dict[str, tuple[int, int]] = field(default_factory=dict)
    percent: float | None = None
    essential: bool = False
    sources: set[str] = field(default_factory=set)

    @property
    def k(self) -> int:
        """Positive cases, pooled over distinct series."""
        return sum(k for k, _ in self.series.values())

    @property
    def n(self) -> int:
        """Cases examined, pooled over distinct series."""
        return sum(n for _, n in self.series.values())

    @property
    def counted(self) -> bool:
        """True if the row rests on counts or a percent, not on a qualitative statement."""
        return bool(self.n) or self.percent is not None

    def theta(self) -> float:
        """P(finding | disorder) from the row."""
        if self.n:
            return (self.k + 1) / (self.n + 2)
        if self.percent is not None:
            return min(max(self.percent / 100, CLIP[0]), CLIP[1])
        if self.essential:
            return ESSENTIAL
        return DEFAULT_THETA.get(self.predicate, LISTED_FEATURE)

    def describe(self) -> str:
        """The row in words, with its counts."""
        words = {
            "hkg:expresses_marker": "typically positive",
            "hkg:lacks_marker": "typically negative",
            "hkg:variably_expresses_marker": "variable",
        }.get(self.predicate, "listed")
        if self.essential:
            words = "essential criterion" + (
                "" if self.predicate.endswith("criterion") else f", {words}"
            )
        if self.n:
            unit = " positive" if "marker" in self.predicate else ""
            pooled = f", {len(self.series)} series" if len(self.series) > 1 else ""
            return f"{words} ({self.k}/{self.n}{unit}{pooled})"
        if self.percent is not None:
            return f"{words} ({self.percent:g}%)"
        return words if self.essential or "marker" in self.predicate else f"{words} (no count)"


@dataclass
class Profiles:
    """Curated profiles of every disorder, read from a built graph."""

    rows: dict[str, dict[tuple[str, str], Row]]
    genes: dict[str, set[str]]
    labels: dict[str, str]
    #: (kind, target) -> the disorder whose published definition requires that finding
    essential: dict[tuple[str, str], str] = field(default_factory=dict)
    #: site -> every site it is a kind or part of (pinned UBERON slice)
    ancestors: dict[str, set[str]] = field(default_factory=dict)

    def label(self, curie: str) -> str:
        """Label of a node, or the CURIE."""
        return self.labels.get(curie, curie)

    def related_sites(self, site: str) -> set[str]:
        """The site, what it is part of, and what is part of it."""
        up = self.ancestors.get(site, set())
        down = {s for s, anc in self.ancestors.items() if site in anc}
        return {site} | up | down


def load_profiles(graph: KnowledgeGraph, exclude_sources: Iterable[str] = ()) -> Profiles:
    """Read every disorder's curated profile; statements citing ``exclude_sources`` are left out."""
    excluded = set(exclude_sources)
    rows: dict[str, dict[tuple[str, str], Row]] = defaultdict(dict)
    essential: dict[tuple[str, str], str] = {}
    table = run_query("profiles", graph)
    by_assertion: dict[str, set[str]] = defaultdict(set)
    for r in table.as_dicts():
        by_assertion[r["assertion"]].add(r["source"])
    for r in table.as_dicts():
        if by_assertion[r["assertion"]] & excluded:
            continue
        disease, kind, predicate, target = r["disease"], r["kind"], r["predicate"], r["target"]
        row = rows[disease].setdefault((kind, target), Row(predicate))
        if r["criterion"] == "essential":
            row.essential = True
            essential[(kind, target)] = disease
            if row.predicate == "hkg:has_diagnostic_criterion" and predicate != row.predicate:
                row.predicate = predicate
        elif row.predicate == "hkg:has_diagnostic_criterion":
            row.predicate = predicate
        num, den = r["numerator"], r["denominator"]
        if row.predicate != predicate and num and not row.n:
            # two statements on one marker (e.g. typically and variably positive): counts win
            row.predicate = predicate
        if num and den:
            # one cohort reported by several papers (same population) or one paper counts once
            key = r.get("population") or min(by_assertion[r["assertion"]])
            k, n = int(num), int(den)
            if key not in row.series or row.series[key][1] < n:
                row.series[key] = (k, n)
        elif r["percent"] and row.percent is None:
            row.percent = float(r["percent"])
        row.sources.add(r["source"])
    ancestors: dict[str, set[str]] = defaultdict(set)
    for site, ancestor in run_query("site-ancestors", graph).rows:
        ancestors[site].add(ancestor)
    return Profiles(
        dict(rows),
        alteration_genes(graph),
        graph.curie_labels(domain_only=True),
        essential,
        dict(ancestors),
    )
