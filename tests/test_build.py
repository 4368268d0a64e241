from rdflib import RDF, Literal, URIRef

from kg.checks.validate import validate_graph
from kg.core.namespaces import HKG, HKGD, iri


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


def test_one_marker_on_two_specimens_gives_two_results(tmp_path) -> None:
    from pathlib import Path

    from kg.graph.build import build_graph

    mini = Path(__file__).parent / "fixtures" / "mini"
    text = (mini / "cases" / "mini-case.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "biopsies:\n",
        "biopsies:\n  - {id: skin, site: UBERON:0002048,\n"
        '     evidence: {sentence: s2, quote: "The lesion"}}\n',
    ).replace(
        "molecular:\n",
        "  - {marker: CD1a, result: positive, assay: IHC, specimens: [skin],\n"
        '     evidence: {sentence: s2, quote: "negative for CD1a"}}\nmolecular:\n',
    )
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "two.yaml").write_text(text, encoding="utf-8")
    built = build_graph(mini / "curated", tmp_path / "cases")
    g = built.graph.rdflib_graph()
    cd1a = [
        mr
        for mr in g.objects(HKGD["mini-case"], HKG.has_marker_result)
        if g.value(mr, HKG.marker) == iri("UniProtKB:P06126")
    ]
    assert len(cd1a) == 2
    assert {str(g.value(mr, HKG.polarity)).rsplit("/", 1)[1] for mr in cd1a} == {
        "positive",
        "negative",
    }
