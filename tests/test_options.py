"""Treatment options for a case's driver, ordered by evidence."""

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
