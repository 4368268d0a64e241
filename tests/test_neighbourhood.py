"""The neighbourhood extraction behind ``histiokg view``: checked on the hand-drawn mini fixture
(whose answers can be read off tests/fixtures/mini) and on the seed case of the real graph."""

from __future__ import annotations

import pytest

from kg.answers.neighbourhood import (
    DEFAULT_NODE,
    Neighbourhood,
    UnknownNodeError,
    ViewEdge,
    neighbourhood,
    resolve_node,
)

MINI_CASE = "hkgd:mini-case"


def edge(view: Neighbourhood, s: str, p: str, o: str) -> ViewEdge:
    for e in view.edges:
        if (e.subject, e.predicate, e.object) == (s, p, o):
            return e
    raise AssertionError(f"no edge {s} {p} {o} in {[e.id for e in view.edges]}")


@pytest.fixture(scope="module")
def mini_case(mini) -> Neighbourhood:
    return neighbourhood(mini.graph, MINI_CASE)


def test_a_case_view_holds_its_case_subgraph_and_the_domain_nodes_it_reaches(mini_case) -> None:
    assert mini_case.kind == "case"
    assert mini_case.focus_label == "A one-year-old with lung ALK-positive histiocytosis"
    in_case = {n.id for n in mini_case.nodes if n.in_case}
    assert in_case == {
        MINI_CASE,
        "hkgd:mini-case-biopsy-lung",
        "hkgd:mini-case-line-1",
        "hkgd:mini-case-line-1-response",
        "hkgd:mini-case-mol-hkgt_KIF5B_ALK",
        "hkgd:mini-case-mr-UniProtKB_P06126",
        "hkgd:mini-case-mr-UniProtKB_Q9UM73",
    }
    domain = {n.id for n in mini_case.nodes if not n.in_case}
    assert {
        "MONDO:0022338",
        "hkgt:KIF5B-ALK",
        "CHEBI:567361",
        "CHEBI:64310",
        "UBERON:0002048",
        "UniProtKB:Q9UM73",
        "UniProtKB:P06126",
        "HP:0002789",
        "EFO:0009785",
    } <= domain
    # curated facts about the disorder are not part of a case's view
    assert "MONDO:0002637" not in domain


def test_case_edges_are_the_case_statements(mini_case) -> None:
    edge(mini_case, MINI_CASE, "hkg:has_diagnosis", "MONDO:0022338")
    edge(mini_case, "CHEBI:567361", "hkg:applied_to_treat", MINI_CASE)
    edge(mini_case, "CHEBI:64310", "hkg:discussed_for", MINI_CASE)
    edge(mini_case, "hkgd:mini-case-line-1", "hkg:agent", "CHEBI:567361")
    assert all(e.subject != "MONDO:0022338" for e in mini_case.edges)


def test_literals_are_attributes_not_nodes(mini_case) -> None:
    case = mini_case.node(MINI_CASE)
    values = {a.predicate: a.value for a in case.attributes}
    # engines write xsd:decimal 1 as "1" or "1.0": compare the number
    assert float(values["hkg:age_value"]) == 1 and values["hkg:age_unit"] == "year"
    line = mini_case.node("hkgd:mini-case-line-1")
    cycles = next(a for a in line.attributes if a.predicate == "hkg:cycles")
    assert cycles.value == "6"
    assert cycles.provenance[0].quotes == ("She received cladribine for 6 cycles",)
    assert not {"1", "6", "year"} & {n.id for n in mini_case.nodes}


def test_a_case_edge_carries_its_source_quote_evidence_and_report_sentence(mini_case) -> None:
    driver = edge(mini_case, MINI_CASE, "hkg:has_driver_alteration", "hkgt:KIF5B-ALK")
    assert driver.predicate_label == "has driver alteration"
    (prov,) = driver.provenance
    assert [s.id for s in prov.sources] == ["hkgd:pub-mini-report"]
    assert prov.sources[0].label == "A made-up report for tests"
    assert prov.quotes == ("found KIF5B-ALK",)
    assert prov.evidence.startswith("ECO:")
    assert prov.confidence == "case-report"
    assert [(s.id, s.section, s.text) for s in prov.sentences] == [
        ("hkgd:mini-case-s3", "Case", "Sequencing found KIF5B-ALK.")
    ]


def test_a_disorder_view_is_its_curated_subgraph(mini) -> None:
    view = neighbourhood(mini.graph, "MONDO:0022338")
    assert view.kind == "curated"
    assert {(e.subject, e.predicate, e.object) for e in view.edges} == {
        ("MONDO:0022338", "rdfs:subClassOf", "MONDO:0002637"),
        ("MONDO:0022338", "hkg:expresses_marker", "UniProtKB:Q9UM73"),
        ("MONDO:0022338", "hkg:lacks_marker", "UniProtKB:P06126"),
        ("MONDO:0022338", "hkg:has_driver_alteration", "hkgt:KIF5B-ALK"),
        ("CHEBI:64310", "biolink:studied_to_treat", "MONDO:0022338"),
    }
    studied = edge(view, "CHEBI:64310", "biolink:studied_to_treat", "MONDO:0022338")
    (prov,) = studied.provenance
    assert (prov.sources[0].id, prov.quotes, prov.evidence, prov.confidence) == (
        "DOI:10.1/x",
        ("responses in 11/11",),
        "ECO:0006017",
        "verified-in-source",
    )
    assert prov.sentences == ()
    assert view.node("hkgt:KIF5B-ALK").category == "hkg:GeneFusion"
    assert view.node("CHEBI:64310").category_label == "drug"
    assert not any(n.in_case for n in view.nodes)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MONDO:0022338", "MONDO:0022338"),
        ("http://purl.obolibrary.org/obo/MONDO_0022338", "MONDO:0022338"),
        ("alk+ HISTIOCYTOSIS", "MONDO:0022338"),
        ("ALK-positive histiocytosis", "MONDO:0022338"),
        ("Xalkori", "CHEBI:64310"),
        ("A one-year-old with lung ALK-positive histiocytosis", MINI_CASE),
    ],
)
def test_nodes_are_found_by_curie_iri_label_or_synonym(mini, name: str, expected: str) -> None:
    assert resolve_node(mini.graph, name) == expected


def test_an_unknown_node_names_close_labels(mini) -> None:
    with pytest.raises(UnknownNodeError, match=r"did you mean 'ALK\+ histiocytosis'"):
        resolve_node(mini.graph, "ALK+ histiocytosys")
    with pytest.raises(UnknownNodeError):
        resolve_node(mini.graph, "MONDO:9999999")


def test_the_seed_case_view(built) -> None:
    view = neighbourhood(built.graph)
    assert view.focus == DEFAULT_NODE
    ids = {n.id for n in view.nodes}
    assert {"hkgt:KIF5B-ALK", "CHEBI:567361", "MONDO:0022338", "UBERON:0002048"} <= ids
    assert sum(n.category == "hkg:MarkerResult" for n in view.nodes) == 15
    assert sum(n.category == "hkg:TreatmentLine" for n in view.nodes) == 2
    # every statement of a published case cites the report, with a quote and its sentence
    for e in view.edges:
        assert e.provenance, e.id
        for prov in e.provenance:
            assert prov.sources and prov.quotes and prov.evidence and prov.sentences, e.id
            assert all(q in " ".join(s.text for s in prov.sentences) for q in prov.quotes), e.id


def test_the_disorder_view_of_alk_histiocytosis(built) -> None:
    view = neighbourhood(built.graph, "ALK+ histiocytosis")
    assert view.focus == "MONDO:0022338"
    edge(view, "MONDO:0022338", "hkg:has_driver_alteration", "hkgt:KIF5B-ALK")
    edge(view, "CHEBI:64310", "biolink:studied_to_treat", "MONDO:0022338")
    edge(view, "MONDO:0022338", "hkg:involves_site", "UBERON:0002107")
    # several sources for one statement are kept apart, one provenance record per assertion
    kif5b = edge(view, "MONDO:0022338", "hkg:has_driver_alteration", "hkgt:KIF5B-ALK")
    assert len(kif5b.provenance) >= 2
    assert not any(e.subject.startswith("hkgd:") for e in view.edges)
