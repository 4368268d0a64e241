from rdflib import RDF, Literal, URIRef

from kg.namespaces import HKG, HKGD, iri
from kg.validate import validate_graph


def test_mini_graph_is_valid(mini) -> None:
    report = validate_graph(mini.graph)
    assert report.ok, report.summary()


def test_statement_has_direct_triple_and_assertion(mini) -> None:
    g = mini.graph.rdflib_graph()
    s, p, o = iri("MONDO:0022338"), HKG.has_driver_alteration, iri("hkgt:KIF5B-ALK")
    assert (s, p, o) in g
    assertions = list(g.subjects(RDF.subject, s))
    node = next(a for a in assertions if (a, RDF.object, o) in g)
    assert g.value(node, HKG.numerator) == Literal(27)
    assert g.value(node, HKG.denominator) == Literal(39)


def test_case_drug_is_applied_not_treats(mini) -> None:
    g = mini.graph.rdflib_graph()
    clad, case = iri("CHEBI:567361"), HKGD["mini-case"]
    assert (clad, HKG.applied_to_treat, case) in g
    treats = URIRef("https://w3id.org/biolink/vocab/treats")
    assert not list(g.objects(clad, treats))
    assert (iri("CHEBI:64310"), HKG.discussed_for, case) in g
    assert (iri("CHEBI:64310"), HKG.applied_to_treat, case) not in g


def test_negative_marker_result_is_a_fact(mini) -> None:
    g = mini.graph.rdflib_graph()
    results = {
        str(g.value(mr, HKG.marker)): str(g.value(mr, HKG.polarity))
        for mr in g.objects(HKGD["mini-case"], HKG.has_marker_result)
    }
    assert results[str(iri("UniProtKB:P06126"))].endswith("/negative")
