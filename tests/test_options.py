"""Treatment options for a case's driver, ordered by evidence."""

import pytest

from kg.answers.options import case_options, drug_options


def test_seed_case_gets_alk_inhibitors_not_approved_with_case_series(built) -> None:
    options = case_options(built.graph, "hkgd:seed-alk-h-infant")
    labels = {o.label.lower() for o in options}
    assert {"crizotinib", "alectinib", "lorlatinib", "ceritinib", "brigatinib"} <= labels
    assert all(o.target_label == "ALK" for o in options)
    assert not any(o.approved_for_disorder for o in options)
    crizotinib = next(o for o in options if o.label == "crizotinib")
    assert "case-series" in crizotinib.evidence_level
    assert crizotinib.evidence_sources
    assert any("FDA" in a for a in crizotinib.approvals)


def test_class_level_results_are_shown_beside_each_drug_of_the_class(built) -> None:
    """Kemps 2022 pooled 11/11 over the ALK inhibitors: shown for each, never as its own count."""
    options = {o.label: o for o in case_options(built.graph, "hkgd:seed-alk-h-infant")}
    for name in ("crizotinib", "alectinib", "brigatinib", "lorlatinib"):
        assert "ALK inhibitor: case-series 11/11" in options[name].class_evidence, name
        assert "DOI:10.1182/blood.2021013338" in options[name].class_evidence_sources, name
    # a drug with only class-level results has no evidence level of its own
    assert options["brigatinib"].evidence_level == ""
    assert options["brigatinib"].class_evidence


def test_options_are_ordered_by_evidence(built) -> None:
    options = case_options(built.graph, "hkgd:seed-alk-h-infant")
    strengths = [o.strength for o in options]
    assert strengths == sorted(strengths)
    assert options[0].evidence_level, "drugs with evidence come before drugs with none"


def test_cns_penetration_is_cited(built) -> None:
    options = case_options(built.graph, "hkgd:seed-alk-h-infant")
    lorlatinib = next(o for o in options if o.label == "lorlatinib")
    assert lorlatinib.cns and lorlatinib.cns_sources


def test_approved_for_the_disorder_ranks_first(built) -> None:
    options = drug_options(built.graph, "hkgt:BRAF-V600E", "MONDO:0018153")
    vemurafenib = next(o for o in options if o.label == "vemurafenib")
    assert vemurafenib.approved_for_disorder
    assert options[0].approved_for_disorder


LCH_, HS_ = "MONDO:0018310", "MONDO:0019479"
BRAF_INHIBITORS = {"vemurafenib", "dabrafenib"}
MEK_INHIBITORS = {"cobimetinib", "trametinib"}


def test_braf_v600e_is_reached_by_braf_and_mek_inhibitors(built) -> None:
    found = drug_options(built.graph, "hkgt:BRAF-V600E", LCH_)
    by_drug = {o.label: o.route for o in found}
    assert by_drug.keys() >= BRAF_INHIBITORS and by_drug.keys() >= MEK_INHIBITORS
    assert all(by_drug[d] == "direct" for d in BRAF_INHIBITORS)
    assert all(by_drug[d] == "downstream of BRAF" for d in MEK_INHIBITORS)


@pytest.mark.parametrize("driver", ["HGNC:6407", "HGNC:7989", "HGNC:646", "HGNC:6840"])
def test_ras_araf_and_map2k1_drivers_are_reached_by_mek_inhibitors_only(built, driver) -> None:
    """No RAF inhibitor for a RAS driver: downstream, only the last drugged level counts."""
    labels = {o.label for o in drug_options(built.graph, driver, HS_)}
    assert labels >= MEK_INHIBITORS
    assert not labels & BRAF_INHIBITORS


def test_no_option_says_why(built) -> None:
    from kg.answers.options import why_none

    assert drug_options(built.graph, "HGNC:6324", HS_) == []  # KIF5B: no drug, nothing downstream
    assert "no drug in the graph targets KIF5B" in why_none(built.graph, "HGNC:6324")
