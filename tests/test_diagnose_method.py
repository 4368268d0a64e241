"""The differential diagnosis reasons like a pathologist: each rule on a hand-built profile."""

from __future__ import annotations

from kg.answers.diagnose import _age_fit, rank_disorders
from kg.answers.findings import Finding
from kg.answers.profiles import ONSET_RANGES, Profiles, Row
from kg.answers.separation import assess

D1, D2 = "hkgt:d1", "hkgt:d2"
MARKER, FUSION, GENE = "hkgt:m", "hkgt:rare-fusion", "hkgt:g"
INFANTILE, ADULT, CHILDHOOD = "HP:0003593", "HP:0003581", "HP:0011463"


def profiles(rows: dict[str, dict[tuple[str, str], Row]], **kw) -> Profiles:
    base = {d: {("marker", MARKER): Row("hkg:expresses_marker")} | r for d, r in rows.items()}
    return Profiles(base, kw.get("genes", {}), {D1: "one", D2: "two"}, {}, kw.get("anc", {}))


def contribution(ranked, disease: str, finding: str):
    r = next(x for x in ranked if x.disease == disease)
    return next(c for c in r.supports + r.contradicts if c.finding.startswith(finding))


def test_age_is_continuous_with_no_gap_in_the_first_weeks() -> None:
    infantile = [ONSET_RANGES[INFANTILE]]
    ten_days = 10 / 365.25
    assert 0.3 < _age_fit(ten_days, ten_days, infantile) < 1.0  # close to infantile onset
    assert _age_fit(0.5, 0.5, infantile) == 1.0
    # an infant is nearer a childhood-and-adult disorder than an adult-only one
    both = [ONSET_RANGES[CHILDHOOD], ONSET_RANGES[ADULT]]
    assert _age_fit(0.5, 0.5, both) > _age_fit(0.5, 0.5, [ONSET_RANGES[ADULT]])
    assert _age_fit(30, 39, [ONSET_RANGES[ADULT]]) == 1.0  # a range overlapping the class


def test_a_rare_documented_feature_is_never_a_contradiction() -> None:
    rare = Row("hkg:has_driver_alteration", series={"cohort": (1, 39)})
    prof = profiles({D1: {("alteration", FUSION): rare}, D2: {}})
    ranked = rank_disorders(None, [Finding("alteration", FUSION, True, "rare")], None, prof)  # type: ignore[arg-type]
    assert contribution(ranked, D1, "rare").llr >= 0
    assert contribution(ranked, D2, "rare").llr < 0  # not in D2's profile at all


def test_an_uncounted_driver_is_weighed_below_a_measured_frequency() -> None:
    qualitative = Row("hkg:has_driver_alteration")
    measured = Row("hkg:has_driver_alteration", series={"s": (15, 39)})  # 38 %
    prof = profiles({D1: {("alteration", GENE): qualitative}, D2: {("alteration", GENE): measured}})
    ranked = rank_disorders(None, [Finding("alteration", GENE, True, "g")], None, prof)  # type: ignore[arg-type]
    assert contribution(ranked, D2, "g").theta > contribution(ranked, D1, "g").theta
    assert "no count" in contribution(ranked, D1, "g").expectation


def test_one_cohort_reported_twice_counts_once() -> None:
    row = Row("hkg:expresses_marker")
    for key, k, n in (("Kiel registry", 20, 30), ("Kiel registry", 25, 40), ("other", 5, 10)):
        if key not in row.series or row.series[key][1] < n:
            row.series[key] = (k, n)
    assert (row.k, row.n) == (30, 50)


def test_sites_match_up_and_down_the_part_of_hierarchy() -> None:
    brain, nervous = "UBERON:0000955", "UBERON:0001016"
    anc = {brain: {nervous}}
    prof = profiles(
        {D1: {("site", nervous): Row("hkg:involves_site")}, D2: {("site", brain): Row("x")}},
        anc=anc,
    )
    ranked = rank_disorders(None, [Finding("site", brain, True, "brain")], None, prof)  # type: ignore[arg-type]
    assert "as" in contribution(ranked, D1, "brain").expectation  # rolled up to nervous system
    ranked = rank_disorders(None, [Finding("site", nervous, True, "NS")], None, prof)  # type: ignore[arg-type]
    assert contribution(ranked, D2, "NS").llr >= 0  # a wider site is consistent, weaker


def test_no_marker_means_insufficient_data_with_separating_tests() -> None:
    prof = profiles(
        {
            D1: {("marker", "hkgt:cd1a"): Row("hkg:expresses_marker")},
            D2: {("marker", "hkgt:cd1a"): Row("hkg:lacks_marker")},
        }
    )
    findings = [Finding("site", "UBERON:0002097", True, "skin")]
    ranked = rank_disorders(None, findings, None, prof)  # type: ignore[arg-type]
    verdict = assess(ranked, findings, prof)
    assert not verdict.sufficient and "no marker" in verdict.reason
    assert verdict.tests[0].term == "hkgt:cd1a"
