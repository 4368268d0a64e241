"""Rank histiocytic disorders by how well their curated profiles fit a patient's findings.

The method (docs/methods.md, whose table is generated from :func:`method_table`) is a naive-Bayes
log-likelihood-ratio score. For every disorder D with a curated marker profile and every finding
f, theta = P(f | D) comes from D's pooled profile row (:mod:`kg.answers.profiles`): the smoothed
published frequency where there are counts, fixed qualitative values where there are none. Each
finding adds ln(theta / theta0), theta0 the reference of its kind; scores become relative
probabilities by a softmax. Like a pathologist, the score

* reads age continuously: an age inside one of D's onset classes fits; outside, the fit falls
  with the distance (in log-age) to the nearest class, so a 10-day-old is near "infantile onset"
  and an infant is nearer "childhood" than "adult";
* matches sites on the UBERON part-of hierarchy on both sides (brain matches nervous system,
  skin of back matches skin);
* never counts a documented feature against its own disorder, however rare (a fusion partner seen
  in 1 of 39 patients is weak support, not a contradiction);
* weighs an uncounted driver as qualitative evidence, below a measured frequency;
* says "insufficient data" when the findings do not separate the candidates, and names the tests
  that would (:func:`assess`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.answers.findings import Finding
from kg.answers.profiles import (
    CLIP,
    DEFAULT_THETA,
    ESSENTIAL,
    LISTED_FEATURE,
    ONSET_RANGES,
    QUALITATIVE_N,
    Profiles,
    Row,
    load_profiles,
)
from kg.graph.store import KnowledgeGraph

UNLISTED_MARKER = DEFAULT_THETA["hkg:lacks_marker"]
OTHERS_ESSENTIAL = 0.01
#: An alteration D's profile lists without a count: qualitative evidence, weighed as such.
QUALITATIVE_ALTERATION = 0.2
GENE_LEVEL_ALTERATION = 0.15
UNLISTED_ALTERATION = 0.02
AGE_IN_RANGE, AGE_OUT_OF_RANGE = 0.8, 0.1
#: The fit of an age outside all of D's onset classes halves every this-fold of age distance.
AGE_HALVING_FOLD = 3.0
REFERENCE = {"marker": 0.5, "alteration": 0.1, "site": 0.2, "finding": 0.2, "age": 0.5}
#: Below either, the top candidate is not separated from the next: "insufficient data".
SEPARATED_PROBABILITY, SEPARATED_RATIO = 0.6, 3.0
_DAY = 1 / 365.25


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
            "(k + 1) / (n + 2), Laplace-smoothed; series of one cohort (same population) or one "
            "source count once (the largest), distinct series are added",
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
            "smoothed frequency where counted; without a count it is qualitative evidence: "
            f"{QUALITATIVE_ALTERATION:.2f} (exact) or {GENE_LEVEL_ALTERATION:.2f} (gene-level)",
        ),
        ("alteration not in D's profile", f"{UNLISTED_ALTERATION:.2f}"),
        (
            "site (matched up and down the UBERON part-of hierarchy) or finding listed for D",
            f"smoothed frequency, {LISTED_FEATURE:.2f} without counts",
        ),
        (
            "a positive finding D's profile documents, however rare",
            "never below θ₀ of its kind (weak support, not a contradiction)",
        ),
        ("site or finding not listed", "no contribution (curated lists are incomplete)"),
        (
            f"age within one of D's HPO onset classes ({onsets}; adult and later open-ended)",
            f"{AGE_IN_RANGE:.2f}; outside, {AGE_OUT_OF_RANGE:.2f} + "
            f"({AGE_IN_RANGE:.2f} − {AGE_OUT_OF_RANGE:.2f}) × 2^(−d), d = log_"
            f"{AGE_HALVING_FOLD:g} of the age's distance (fold) to the nearest class; an age "
            "range is scored by its nearest point",
        ),
        (
            "reference θ₀ of each kind (contribution ln(θ / θ₀))",
            "; ".join(f"{kind} {value:.2f}" for kind, value in REFERENCE.items()),
        ),
        ("θ clipped to", f"[{CLIP[0]:.2f}, {CLIP[1]:.2f}]"),
        (
            "insufficient data",
            f"top candidate's probability < {SEPARATED_PROBABILITY:.2f}, or < "
            f"{SEPARATED_RATIO:g}× the next, or no marker or molecular finding",
        ),
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


def _llr(theta: float, kind: str) -> float:
    theta = min(max(theta, CLIP[0]), CLIP[1])
    return math.log(theta / REFERENCE[kind])


def _documented(theta: float, kind: str) -> float:
    """A positive finding the profile documents never counts against its disorder."""
    return max(theta, REFERENCE[kind])


def _defined_elsewhere(
    prof: Profiles, disease: str, keys: Iterable[tuple[str, str]], row: Row | None
) -> tuple[str, Row] | None:
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
    if f.positive and row is not None and row.predicate != "hkg:lacks_marker" and other is None:
        p = _documented(p, "marker")
    return Contribution(f.label, expectation, p, _llr(p, "marker"), sources)


def _alteration_row(prof: Profiles, disease: str, term: str) -> tuple[Row | None, str]:
    profile = prof.rows[disease]
    row = profile.get(("alteration", term))
    if row is not None:
        return row, "exact"
    wanted = prof.genes.get(term, set()) | {term}
    for (kind, target), candidate in sorted(profile.items()):
        if kind == "alteration" and (target in wanted or prof.genes.get(target, set()) & wanted):
            return candidate, "gene-level"
    return None, ""


def _score_alteration(prof: Profiles, disease: str, f: Finding, label: str) -> Contribution:
    row, level = _alteration_row(prof, disease, f.term)
    wanted = prof.genes.get(f.term, set()) | {f.term}
    keys = [("alteration", w) for w in sorted(wanted)]
    other = _defined_elsewhere(prof, disease, keys, row) if f.positive else None
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
            theta = QUALITATIVE_ALTERATION if level == "exact" else GENE_LEVEL_ALTERATION
        expectation = f"{row.describe()}, {level} match"
        sources = tuple(sorted(row.sources))
        if f.positive:
            theta = _documented(theta, "alteration")
    p = theta if f.positive else 1 - theta
    return Contribution(label, expectation, p, _llr(p, "alteration"), sources)


def _score_feature(prof: Profiles, disease: str, f: Finding, label: str) -> Contribution | None:
    profile = prof.rows[disease]
    if f.kind == "site":
        matches = [
            (row, target)
            for target in sorted(prof.related_sites(f.term))
            if (row := profile.get(("site", target))) is not None
        ]
        if not matches:
            return None

        def fit(match: tuple[Row, str]) -> float:
            row, target = match
            if target in prof.ancestors.get(f.term, set()) | {f.term}:
                return row.theta()
            # the case names a wider structure than the profile's site: consistent, but weaker
            return REFERENCE["site"] + (row.theta() - REFERENCE["site"]) / 2

        row, target = max(matches, key=fit)
        how = "" if target == f.term else f" (as {prof.label(target)})"
        if f.positive:
            return Contribution(
                label,
                row.describe() + how,
                _documented(fit((row, target)), "site"),
                _llr(_documented(fit((row, target)), "site"), "site"),
                tuple(sorted(row.sources)),
            )
    else:
        found = profile.get((f.kind, f.term))
        if found is None:
            return None
        row, how = found, ""
    theta = _documented(row.theta(), f.kind) if f.positive else 1 - row.theta()
    return Contribution(
        label, row.describe() + how, theta, _llr(theta, f.kind), tuple(sorted(row.sources))
    )


def _age_fit(low: float, high: float, bands: Sequence[tuple[float, float]]) -> float:
    """The fit (0..1) of an age interval to the nearest onset band, falling with log distance."""
    best = 0.0
    for lo, hi in bands:
        if low < hi and high >= lo:
            return 1.0
        a, b = (high, lo) if high < lo else (hi, low)
        fold = (b + _DAY) / (a + _DAY)
        best = max(best, 2 ** (-math.log(fold, AGE_HALVING_FOLD)))
    return best


def _score_age(prof: Profiles, disease: str, age: tuple[float, float]) -> Contribution | None:
    profile = prof.rows[disease]
    onsets = [t for (kind, t) in profile if kind == "onset" and t in ONSET_RANGES]
    if not onsets:
        return None
    fit = _age_fit(*age, [ONSET_RANGES[t] for t in onsets])
    theta = AGE_OUT_OF_RANGE + (AGE_IN_RANGE - AGE_OUT_OF_RANGE) * fit
    names = ", ".join(
        f"{prof.label(t)} ({profile[('onset', t)].describe()})" for t in sorted(onsets)
    )
    sources = tuple(sorted({s for t in onsets for s in profile[("onset", t)].sources}))
    shown = f"{age[0]:g} y" if age[0] == age[1] else f"{age[0]:g}-{age[1]:g} y"
    return Contribution(f"age {shown}", f"onset: {names}", theta, _llr(theta, "age"), sources)


def _age_interval(age: float | tuple[float, float] | None) -> tuple[float, float] | None:
    if age is None:
        return None
    if isinstance(age, tuple):
        return age
    return (age, age)


def rank_disorders(
    graph: KnowledgeGraph,
    findings: Sequence[Finding],
    age_years: float | tuple[float, float] | None = None,
    profiles: Profiles | None = None,
) -> list[Ranked]:
    """Rank every disorder with a curated marker profile; best first, each with its evidence.

    ``age_years`` is an exact age, an interval (at least, at most) or None (not reported).
    """
    prof = profiles or load_profiles(graph)
    age = _age_interval(age_years)
    results: list[Ranked] = []
    for disease, profile in prof.rows.items():
        if not any(kind == "marker" for kind, _ in profile):
            continue
        r = Ranked(disease, prof.label(disease), 0.0)
        for f in findings:
            label = f.label or prof.label(f.term)
            c: Contribution | None
            if f.kind == "marker":
                c = _score_marker(prof, disease, f)
            elif f.kind == "alteration":
                c = _score_alteration(prof, disease, f, label)
            else:
                c = _score_feature(prof, disease, f, label)
            if c is None:
                r.neutral.append(f"{label}: not in profile")
                continue
            r.score += c.llr
            (r.supports if c.llr >= 0 else r.contradicts).append(c)
        if age is not None and (c := _score_age(prof, disease, age)) is not None:
            r.score += c.llr
            (r.supports if c.llr >= 0 else r.contradicts).append(c)
        tested = {f.term for f in findings if f.kind == "marker"}
        for (kind, target), row in sorted(profile.items()):
            variable = row.predicate == "hkg:variably_expresses_marker"
            if kind == "marker" and target not in tested and not variable:
                sources = tuple(sorted(row.sources))
                r.missing.append(
                    Contribution(prof.label(target), row.describe(), row.theta(), 0.0, sources)
                )
        results.append(r)
    results.sort(key=lambda x: (-x.score, x.label))
    top = max((x.score for x in results), default=0.0)
    total = sum(math.exp(x.score - top) for x in results) or 1.0
    for i, x in enumerate(results, start=1):
        x.rank = i
        x.probability = math.exp(x.score - top) / total
    return results
