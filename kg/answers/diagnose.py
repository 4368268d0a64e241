"""Rank histiocytic disorders by how well their curated profiles fit a patient's findings.

The method (docs/methods.md) is a naive-Bayes log-likelihood-ratio score. For every disorder D with
a curated profile and every observed finding f, the model gives theta = P(f | D):

* a marker tested positive or negative: theta is the Laplace-smoothed published frequency of
  positivity, (k + 1) / (n + 2), when the profile row has counts k/n; the row's percent when only a
  percent is given. A qualitative row counts as a small concordant series of 3 cases, smoothed the
  same way: typically positive 0.8, variable 0.5, typically negative 0.2. A marker absent from D's
  profile is treated like a qualitative negative (0.2). A negative result uses 1 - theta.
* a driver alteration: the smoothed frequency of that alteration in D, or of any alteration of the
  same gene (gene-level match); 0.5 (exact) or 0.3 (gene-level) without counts; an alteration D's
  profile does not list 0.02.
* a site or a clinical/histological finding: the smoothed frequency, or 0.5 when listed without
  counts; a site or finding D's profile does not list carries no information (skipped), because
  curated site and feature lists are incomplete.
* age: within one of D's curated onset ranges (HPO onset definitions) 0.8, outside all of them 0.1.
* essential diagnostic criteria (``hkg:has_diagnostic_criterion`` rows with ``criterion=essential``,
  e.g. ALK expression for ALK-positive histiocytosis): the defined disorder gets theta 0.99 for the
  finding, and every other disorder without counted data on it 0.01, because the published
  definition assigns a case showing the finding to the defined disorder.

Each finding contributes log(theta / theta0), with theta0 the reference probability of its kind
(0.5 for markers and age, 0.2 for sites and findings, 0.1 for alterations), and D's score is the
sum. Scores become relative probabilities by a softmax with a uniform prior over the candidate
disorders. Every contribution is reported with the curated statement and sources behind it, so
each rank is explained: what supports it, what contradicts it, and which profile markers were not
tested.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.answers.findings import Finding
from kg.graph.queries import alteration_genes, run_query
from kg.graph.store import KnowledgeGraph

#: A qualitative row counts as this many concordant cases (then Laplace-smoothed like counts).
QUALITATIVE_N = 3
DEFAULT_THETA = {
    "hkg:expresses_marker": (QUALITATIVE_N + 1) / (QUALITATIVE_N + 2),
    "hkg:variably_expresses_marker": 0.5,
    "hkg:lacks_marker": 1 / (QUALITATIVE_N + 2),
}
UNLISTED_MARKER = DEFAULT_THETA["hkg:lacks_marker"]
ESSENTIAL, OTHERS_ESSENTIAL = 0.99, 0.01
RECURRENT_ALTERATION = 0.5
GENE_LEVEL_ALTERATION = 0.3
UNLISTED_ALTERATION = 0.02
LISTED_FEATURE = 0.5
AGE_IN_RANGE, AGE_OUT_OF_RANGE = 0.8, 0.1
REFERENCE = {"marker": 0.5, "alteration": 0.1, "site": 0.2, "finding": 0.2, "age": 0.5}
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


def method_table() -> list[tuple[str, str]]:
    """The scoring rules with the constants this module uses, as (finding, theta) rows.

    docs/methods.md shows exactly these rows (``histiokg maintain methods-doc`` writes them; a test
    checks the document), so the published method cannot drift from the code.

    >>> dict(method_table())["negative result"]
    '1 − θ'
    """
    th = DEFAULT_THETA

    def age(years: float) -> str:
        return f"{years * 365.25:.0f} d" if 0 < years < 1 else f"{years:g} y"

    onsets = ", ".join(
        f"{age(lo)}–{age(hi)}" for lo, hi in sorted(set(ONSET_RANGES.values())) if hi < 200
    )
    return [
        (
            "marker, D's profile has counts k/n (k = cases positive)",
            "(k + 1) / (n + 2), Laplace-smoothed; the rows of D on one marker are pooled",
        ),
        ("marker, profile gives only a percent", "percent / 100"),
        (
            f"marker, qualitative row (counted as {QUALITATIVE_N} concordant cases, smoothed)",
            f"typically positive {th['hkg:expresses_marker']:.2f}; "
            f"variable {th['hkg:variably_expresses_marker']:.2f}; "
            f"typically negative {th['hkg:lacks_marker']:.2f}",
        ),
        ("marker not in D's profile", f"{UNLISTED_MARKER:.2f} (as a qualitative negative)"),
        ("negative result", "1 − θ"),
        (
            "essential criterion of D's published definition, finding present",
            f"{ESSENTIAL:.2f} for D; {OTHERS_ESSENTIAL:.2f} for every other disorder without "
            "counts on that finding",
        ),
        (
            "driver alteration listed for D (or any alteration of the same gene)",
            f"smoothed frequency; {RECURRENT_ALTERATION:.2f} (exact) or "
            f"{GENE_LEVEL_ALTERATION:.2f} (gene-level) without counts",
        ),
        ("alteration not in D's profile", f"{UNLISTED_ALTERATION:.2f}"),
        (
            "site or clinical/histological finding listed for D",
            f"smoothed frequency, {LISTED_FEATURE:.2f} without counts",
        ),
        ("site or finding not listed", "no contribution (curated lists are incomplete)"),
        (
            f"age within one of D's HPO onset classes ({onsets}; adult and later open-ended)",
            f"{AGE_IN_RANGE:.2f}; outside all of them {AGE_OUT_OF_RANGE:.2f}",
        ),
        (
            "reference θ₀ of each kind (contribution ln(θ / θ₀))",
            "; ".join(f"{kind} {value:.2f}" for kind, value in REFERENCE.items()),
        ),
        ("θ clipped to", f"[{CLIP[0]:.2f}, {CLIP[1]:.2f}]"),
    ]


@dataclass(frozen=True)
class Contribution:
    """How one finding moved one disorder's score, and why."""

    finding: str
    expectation: str
    theta: float
    llr: float
    sources: tuple[str, ...] = ()


@dataclass
class Ranked:
    """One disorder's rank, score, relative probability and the evidence behind them."""

    disease: str
    label: str
    score: float
    probability: float = 0.0
    rank: int = 0
    supports: list[Contribution] = field(default_factory=list)
    contradicts: list[Contribution] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    missing: list[Contribution] = field(default_factory=list)


@dataclass
class _Row:
    predicate: str
    k: int = 0
    n: int = 0
    percent: float | None = None
    essential: bool = False
    sources: set[str] = field(default_factory=set)

    @property
    def counted(self) -> bool:
        return bool(self.n) or self.percent is not None

    def theta(self) -> float:
        if self.n:
            return (self.k + 1) / (self.n + 2)
        if self.percent is not None:
            return min(max(self.percent / 100, CLIP[0]), CLIP[1])
        if self.essential:
            return ESSENTIAL
        return DEFAULT_THETA.get(self.predicate, LISTED_FEATURE)

    def describe(self) -> str:
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
            return (
                f"{words} ({self.k}/{self.n} positive)"
                if "marker" in self.predicate
                else (f"{words} ({self.k}/{self.n})")
            )
        if self.percent is not None:
            return f"{words} ({self.percent:g}%)"
        return words


@dataclass
class Profiles:
    """Curated profiles of every disorder, read from a built graph."""

    rows: dict[str, dict[tuple[str, str], _Row]]
    genes: dict[str, set[str]]
    labels: dict[str, str]
    #: (kind, target) -> the disorder whose published definition requires that finding
    essential: dict[tuple[str, str], str] = field(default_factory=dict)

    def label(self, curie: str) -> str:
        """Label of a node, or the CURIE."""
        return self.labels.get(curie, curie)


def load_profiles(graph: KnowledgeGraph) -> Profiles:
    """Read every disorder's curated profile (markers, alterations, sites, features, onsets)."""
    rows: dict[str, dict[tuple[str, str], _Row]] = defaultdict(dict)
    counted: set[str] = set()
    essential: dict[tuple[str, str], str] = {}
    for disease, kind, predicate, target, num, den, pct, criterion, source, assertion in run_query(
        "profiles", graph
    ).rows:
        row = rows[disease].setdefault((kind, target), _Row(predicate))
        if criterion == "essential":
            row.essential = True
            essential[(kind, target)] = disease
            if row.predicate == "hkg:has_diagnostic_criterion" and predicate != row.predicate:
                row.predicate = predicate
        elif row.predicate == "hkg:has_diagnostic_criterion":
            row.predicate = predicate
        if row.predicate != predicate and num and not row.n:
            # two statements on one marker (e.g. typically and variably positive): counts win
            row.predicate = predicate
        if num and den:
            if assertion not in counted:  # one assertion with several sources is counted once
                counted.add(assertion)
                row.k += int(num)
                row.n += int(den)
        elif pct and row.percent is None:
            row.percent = float(pct)
        row.sources.add(source)
    genes = alteration_genes(graph)
    labels = graph.curie_labels()
    return Profiles(dict(rows), genes, labels, essential)


def _llr(theta: float, kind: str) -> float:
    theta = min(max(theta, CLIP[0]), CLIP[1])
    return math.log(theta / REFERENCE[kind])


def _defined_elsewhere(
    prof: Profiles, disease: str, keys: Iterable[tuple[str, str]], row: _Row | None
) -> tuple[str, _Row] | None:
    """The other disorder whose essential criterion this finding meets, unless D has counts."""
    if row is not None and row.counted:
        return None
    for key in keys:
        owner = prof.essential.get(key)
        if owner is not None and owner != disease:
            return owner, prof.rows[owner][key]
    return None


def _score_marker(prof: Profiles, disease: str, f: Finding) -> Contribution:
    row = prof.rows[disease].get(("marker", f.term))
    other = _defined_elsewhere(prof, disease, [("marker", f.term)], row) if f.positive else None
    if other is not None:
        owner, owner_row = other
        theta = OTHERS_ESSENTIAL
        expectation = f"defines {prof.label(owner)} (essential criterion there)"
        sources = tuple(sorted(owner_row.sources))
    else:
        theta = row.theta() if row else UNLISTED_MARKER
        expectation = row.describe() if row else "not in profile (assumed usually negative)"
        sources = tuple(sorted(row.sources)) if row else ()
    p = theta if f.positive else 1 - theta
    return Contribution(f.label, expectation, p, _llr(p, "marker"), sources)


def _score_alteration(prof: Profiles, disease: str, f: Finding, label: str) -> Contribution:
    profile = prof.rows[disease]
    row = profile.get(("alteration", f.term))
    level = "exact"
    wanted = prof.genes.get(f.term, set()) | {f.term}
    if row is None:
        for (kind, target), candidate in profile.items():
            if kind == "alteration" and (
                target in wanted or prof.genes.get(target, set()) & wanted
            ):
                row, level = candidate, "gene-level"
                break
    other = (
        _defined_elsewhere(prof, disease, [("alteration", w) for w in sorted(wanted)], row)
        if f.positive
        else None
    )
    sources: tuple[str, ...] = ()
    if other is not None:
        owner, owner_row = other
        theta = OTHERS_ESSENTIAL
        expectation = f"defines {prof.label(owner)} (essential criterion there)"
        sources = tuple(sorted(owner_row.sources))
    elif row is None:
        theta, expectation = UNLISTED_ALTERATION, "not in profile"
    else:
        if row.counted or row.essential:
            theta = row.theta()
        else:
            theta = RECURRENT_ALTERATION if level == "exact" else GENE_LEVEL_ALTERATION
        expectation = f"{row.describe()}, {level} match"
        sources = tuple(sorted(row.sources))
    p = theta if f.positive else 1 - theta
    return Contribution(label, expectation, p, _llr(p, "alteration"), sources)


def rank_disorders(
    graph: KnowledgeGraph,
    findings: Sequence[Finding],
    age_years: float | None = None,
    profiles: Profiles | None = None,
) -> list[Ranked]:
    """Rank every disorder with a curated marker profile; best first, each with its evidence."""
    prof = profiles or load_profiles(graph)
    results: list[Ranked] = []
    for disease, profile in prof.rows.items():
        if not any(kind == "marker" for kind, _ in profile):
            continue
        r = Ranked(disease, prof.label(disease), 0.0)
        for f in findings:
            label = f.label or prof.label(f.term)
            if f.kind == "marker":
                c = _score_marker(prof, disease, f)
            elif f.kind == "alteration":
                c = _score_alteration(prof, disease, f, label)
            else:
                row = profile.get((f.kind, f.term))
                if row is None:
                    r.neutral.append(f"{label}: not in profile")
                    continue
                theta = row.theta()
                c = Contribution(
                    label, row.describe(), theta, _llr(theta, f.kind), tuple(sorted(row.sources))
                )
            r.score += c.llr
            (r.supports if c.llr >= 0 else r.contradicts).append(c)
        if age_years is not None:
            onsets = [t for (kind, t) in profile if kind == "onset" and t in ONSET_RANGES]
            if onsets:
                fits = any(lo <= age_years < hi for lo, hi in (ONSET_RANGES[t] for t in onsets))
                theta = AGE_IN_RANGE if fits else AGE_OUT_OF_RANGE
                names = ", ".join(sorted(prof.label(t) for t in onsets))
                sources = tuple(sorted({s for t in onsets for s in profile[("onset", t)].sources}))
                c = Contribution(
                    f"age {age_years:g} y", f"onset: {names}", theta, _llr(theta, "age"), sources
                )
                r.score += c.llr
                (r.supports if c.llr >= 0 else r.contradicts).append(c)
        tested = {f.term for f in findings if f.kind == "marker"}
        for (kind, target), row in sorted(profile.items()):
            if (
                kind == "marker"
                and target not in tested
                and row.predicate != "hkg:variably_expresses_marker"
            ):
                r.missing.append(
                    Contribution(
                        prof.label(target),
                        row.describe(),
                        row.theta(),
                        0.0,
                        tuple(sorted(row.sources)),
                    )
                )
        results.append(r)
    results.sort(key=lambda x: (-x.score, x.label))
    top = max((x.score for x in results), default=0.0)
    total = sum(math.exp(x.score - top) for x in results) or 1.0
    for i, x in enumerate(results, start=1):
        x.rank = i
        x.probability = math.exp(x.score - top) / total
    return results
