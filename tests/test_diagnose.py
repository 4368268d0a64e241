"""Differential diagnosis: the required rankings on the real curated profiles, and the method."""

import itertools

import pytest

from kg.answers.diagnose import rank_disorders
from kg.answers.findings import (
    Finding,
    FindingParseError,
    findings_from_case,
    parse_age,
    parse_findings,
)
from kg.answers.profiles import load_profiles
from kg.core.paths import CASES_DIR
from kg.sources.cases import load_case
from kg.sources.terms import UnknownTermError

ALKH, LCH, RDD, JXG = "MONDO:0022338", "MONDO:0018310", "MONDO:0006412", "MONDO:0015534"


@pytest.fixture(scope="module")
def profiles(built):
    return load_profiles(built.graph)


def top(built, profiles, tokens, **kw):
    age = kw.pop("age", None)
    findings = parse_findings(tokens, built.index, **kw)
    ranked = rank_disorders(built.graph, findings, parse_age(age) if age else None, profiles)
    return ranked


def test_seed_profile_ranks_alk_positive_histiocytosis_first(built, profiles) -> None:
    case = load_case(CASES_DIR / "seed-alk-h-infant.yaml", built.index)
    findings, age = findings_from_case(case, built.index)
    ranked = rank_disorders(built.graph, findings, age, profiles)
    assert ranked[0].disease == ALKH
    assert ranked[0].probability > 0.5


def test_clinician_tokens_rank_alk_h_first(built, profiles) -> None:
    ranked = top(built, profiles, ["ALK+", "CD1a-", "langerin-", "S100-", "CD68+"])
    assert ranked[0].disease == ALKH


def test_cd1a_langerin_s100_positive_ranks_lch_first(built, profiles) -> None:
    assert top(built, profiles, ["CD1a+", "langerin+", "S100+"])[0].disease == LCH


def test_s100_oct2_emperipolesis_ranks_rdd_first(built, profiles) -> None:
    ranked = top(built, profiles, ["S100+", "OCT2+"], features=["emperipolesis"])
    assert ranked[0].disease == RDD


def test_infant_skin_fxiiia_profile_ranks_jxg_first(built, profiles) -> None:
    ranked = top(
        built, profiles, ["CD1a-", "FXIIIa+", "CD68+", "S100-", "ALK-"], age="6m", sites=["skin"]
    )
    assert ranked[0].disease == JXG


def test_explanations_cite_sources_and_list_untested_markers(built, profiles) -> None:
    ranked = top(built, profiles, ["ALK+", "CD1a-"])
    alkh = next(r for r in ranked if r.disease == ALKH)
    assert any(c.finding == "ALK+" and c.sources for c in alkh.supports)
    assert alkh.missing and all(c.sources for c in alkh.missing)
    jxg = next(r for r in ranked if r.disease == JXG)
    assert any("defines ALK+ histiocytosis" in c.expectation for c in jxg.contradicts)


def test_probabilities_sum_to_one_and_ranks_are_ordered(built, profiles) -> None:
    ranked = top(built, profiles, ["CD68+", "CD163+"])
    assert abs(sum(r.probability for r in ranked) - 1) < 1e-9
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(ranked))


def test_negative_result_flips_the_likelihood(built, profiles) -> None:
    pos = rank_disorders(
        built.graph, [Finding("marker", "UniProtKB:P06126", True, "CD1a+")], None, profiles
    )
    neg = rank_disorders(
        built.graph, [Finding("marker", "UniProtKB:P06126", False, "CD1a-")], None, profiles
    )
    assert pos[0].disease == LCH
    assert neg[0].disease != LCH


def test_unknown_marker_lists_close_matches(built) -> None:
    with pytest.raises(UnknownTermError) as info:
        parse_findings(["CD1z+"], built.index)
    assert "CD1a" in str(info.value)


def test_token_without_sign_is_rejected(built) -> None:
    with pytest.raises((FindingParseError, UnknownTermError)):
        parse_findings(["CD1a"], built.index)


@pytest.mark.parametrize(
    ("text", "years"), [("2m", 2 / 12), ("6w", 42 / 365.25), ("10d", 10 / 365.25), ("45y", 45.0)]
)
def test_parse_age(text: str, years: float) -> None:
    assert abs(parse_age(text) - years) < 1e-9


def test_parse_age_rejects_garbage() -> None:
    with pytest.raises(FindingParseError):
        parse_age("two months")
