import pytest

from kg.answers.similarity import CaseFeatures, compare, similar_cases


def test_similar_cases_to_the_seed_share_the_driver(built) -> None:
    found = similar_cases(built.graph, "hkgd:seed-alk-h-infant", top=3)
    assert len(found) == 3
    assert found[0].parts["driver"] == 1.0
    assert any("KIF5B-ALK" in s for s in found[0].shared)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_gene_level_driver_match_scores_half() -> None:
    a = CaseFeatures(
        "a", {"hkgt:KIF5B-ALK"}, {"HGNC:427", "HGNC:6324"}, {"m": "positive"}, {"s"}, set(), 1.0
    )
    b = CaseFeatures(
        "b", {"hkgt:EML4-ALK"}, {"HGNC:427", "HGNC:1316"}, {"m": "negative"}, {"s"}, set(), 1.0
    )
    result = compare(a, b, {})
    assert result.parts["driver"] == 0.5
    assert result.parts["markers"] == 0.0
    assert result.parts["sites"] == 1.0 and result.parts["age"] == 1.0
    assert any("m positive vs negative" in d for d in result.differing)


def test_unknown_case_is_an_error(built) -> None:
    with pytest.raises(LookupError):
        similar_cases(built.graph, "hkgd:nope")
