"""OWL reasoning with HermiT: defined classes on the fixtures and the real graph.

Every test runs HermiT (Java) or checks a file it reads, so all carry the ``reasoner`` marker.
Here too the rule path (kg.answers.rules) is shown to give HermiT's class memberships, case by
case, on every graph HermiT classifies: the fixtures, the shipped graph, a synthetic cohort.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from kg.answers.reasoning import REASONING, Inferences, find_clashes, reason, translate
from kg.answers.rules import classify
from kg.core import paths
from kg.core.errors import InconsistentOntologyError
from kg.core.namespaces import HKG, HKGD, OBO, iri
from kg.formats.rdf import write_inferred
from kg.graph.build import Built, build_graph
from kg.sources.curation import load_curation
from kg.sources.synthetic import generate_cohort
from kg.sources.uberon import SLICE_IRI, SLICE_PATH, data_seeds

pytestmark = pytest.mark.reasoner

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REASONING_FIXTURE = FIXTURES / "reasoning"

CNS = "hkg:CaseWithCNSInvolvement"
MULTI = "hkg:MultisystemCase"
ALK = "hkg:ALKDrivenCase"
ACTIONABLE = "hkg:CaseWithActionableDriver"


def _mini_plus_reasoning_cases(root: Path) -> Built:
    """The mini curated tables plus three anatomy terms, the mini case plus two site cases."""
    shutil.copytree(MINI / "curated", root / "curated")
    for tsv in (REASONING_FIXTURE / "curated" / "terms").glob("*.tsv"):
        shutil.copy(tsv, root / "curated" / "terms" / tsv.name)
    (root / "cases").mkdir()
    for case in [*(MINI / "cases").glob("*.yaml"), *(REASONING_FIXTURE / "cases").glob("*.yaml")]:
        shutil.copy(case, root / "cases" / case.name)
    return build_graph(root / "curated", root / "cases")


@pytest.fixture(scope="module")
def mini_inferences(mini: Built) -> Inferences:
    return reason(mini.graph)


@pytest.fixture(scope="module")
def sites_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _mini_plus_reasoning_cases(tmp_path_factory.mktemp("reasoning"))


@pytest.fixture(scope="module")
def sites_inferences(sites_built: Built) -> Inferences:
    return reason(sites_built.graph)


def test_mini_case_is_alk_driven_and_actionable_only(mini_inferences: Inferences) -> None:
    # KIF5B-ALK has 3' partner ALK, which crizotinib targets; the only site is the lung
    assert mini_inferences.memberships == {"hkgd:mini-case": frozenset({ALK, ACTIONABLE})}
    assert not mini_inferences.unsatisfiable


def test_alk_fusion_is_an_actionable_alteration(mini_inferences: Inferences) -> None:
    g = mini_inferences.inferred
    assert (iri("hkgt:KIF5B-ALK"), RDF.type, HKG.ActionableAlteration) in g
    assert (iri("HGNC:427"), RDF.type, HKG.TargetedGene) in g
    # KIF5B is a partner too, but no drug targets it
    assert (iri("HGNC:6324"), RDF.type, HKG.TargetedGene) not in g


def test_brain_and_spinal_cord_case_has_cns_involvement(sites_inferences: Inferences) -> None:
    # two sites, both in the nervous system: CNS involvement, but one organ system only
    assert sites_inferences.memberships["hkgd:cns-case"] == frozenset({CNS})


def test_skin_and_lung_case_is_multisystem_without_cns(sites_inferences: Inferences) -> None:
    assert sites_inferences.memberships["hkgd:skin-lung-case"] == frozenset({MULTI})
    assert sites_inferences.memberships["hkgd:mini-case"] == frozenset({ALK, ACTIONABLE})


def test_each_case_site_becomes_its_own_typed_individual(sites_built: Built) -> None:
    g = translate(sites_built.graph)
    brain, lung = iri("UBERON:0000955"), iri("UBERON:0002048")
    sites = {
        case: {g.value(node, RDF.type) for node in g.objects(HKGD[case], HKG.has_site_involved)}
        for case in ("cns-case", "skin-lung-case", "mini-case")
    }
    assert sites["cns-case"] == {brain, iri("UBERON:0002240")}
    assert sites["skin-lung-case"] == {iri("UBERON:0002097"), lung}
    lung_nodes = {
        node
        for case in ("skin-lung-case", "mini-case")
        for node in g.objects(HKGD[case], HKG.has_site_involved)
        if (node, RDF.type, lung) in g
    }
    assert len(lung_nodes) == 2, "two patients' lungs are two individuals"
    assert all(str(node).startswith(str(REASONING)) for node in lung_nodes)
    assert not list(g.subjects(RDF.subject, None)), "provenance reification is left out"


def test_inferred_triples_are_disjoint_from_asserted(
    sites_built: Built, sites_inferences: Inferences
) -> None:
    result = sites_inferences
    asserted = sites_built.graph.rdflib_graph()
    assert len(result.inferred) > 0
    assert not [t for t in result.inferred if t in asserted]
    assert (HKGD["cns-case"], RDF.type, HKG.CaseWithCNSInvolvement) in result.inferred
    mentioned = {str(term) for triple in result.inferred for term in triple}
    assert not [t for t in mentioned if t.startswith(str(REASONING))]


def test_inconsistent_marker_result_is_named() -> None:
    built = build_graph(MINI / "curated", MINI / "cases")
    built.graph.rdflib_graph().parse(REASONING_FIXTURE / "inconsistent.ttl", format="turtle")
    with pytest.raises(InconsistentOntologyError) as caught:
        reason(built.graph)
    message = str(caught.value)
    assert "hkgd:mini-case-mr-UniProtKB_Q9UM73" in message  # the marker result
    assert "marker UniProtKB:Q9UM73" in message  # the marker (ALK)
    assert "hkg:polarity" in message
    assert "hkgt:negative" in message and "hkgt:positive" in message
    assert type(caught.value.__cause__).__name__ == "OwlReadyInconsistentOntologyError"


def test_consistent_mini_graph_has_no_clashes(mini: Built) -> None:
    assert find_clashes(translate(mini.graph)) == []


def test_write_inferred_is_deterministic_turtle(
    mini_inferences: Inferences, tmp_path: Path
) -> None:
    first, second = tmp_path / "a" / "inferred.ttl", tmp_path / "b" / "inferred.ttl"
    size = write_inferred(mini_inferences, first)
    write_inferred(mini_inferences, second)
    assert size == first.stat().st_size > 0
    assert first.read_bytes() == second.read_bytes()
    shuffled = Graph()
    for triple in sorted(mini_inferences.inferred, reverse=True):
        shuffled.add(triple)
    third = tmp_path / "c" / "inferred.ttl"
    write_inferred(Inferences(mini_inferences.memberships, shuffled, frozenset(), 0.0), third)
    assert third.read_bytes() == first.read_bytes()
    assert b"ns1:" not in first.read_bytes()
    assert isomorphic(Graph().parse(first, format="turtle"), mini_inferences.inferred)


def test_uberon_slice_header_records_source_and_version() -> None:
    g = Graph().parse(SLICE_PATH, format="turtle")
    ontology = URIRef(SLICE_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in g
    assert g.value(ontology, OWL.versionInfo) == Literal("v2026-04-01")
    assert "cellxgene-ontology-guide==1.11.1" in str(g.value(ontology, DCTERMS.source))
    assert (OBO.BFO_0000050, RDF.type, OWL.TransitiveProperty) in g


def test_uberon_slice_covers_every_uberon_id_of_the_data_and_fixtures() -> None:
    g = Graph().parse(SLICE_PATH, format="turtle")
    used = data_seeds(paths.PACKAGE / "data") | data_seeds(FIXTURES)
    missing = sorted(c for c in used if g.value(iri(c), RDFS.label) is None)
    assert not missing, f"regenerate the slice (see kg/uberon_slice.py): {missing}"


def test_uberon_slice_is_closed_under_its_edges() -> None:
    g = Graph().parse(SLICE_PATH, format="turtle")
    classes = set(g.subjects(RDF.type, OWL.Class))
    fillers = set(g.objects(None, OWL.someValuesFrom))
    assert fillers <= classes
    assert (iri("UBERON:0001872"), RDFS.label, Literal("parietal lobe")) in g


@pytest.fixture(scope="module")
def built_inferences(built: Built) -> Inferences:
    return reason(built.graph)


def test_seed_case_is_cns_multisystem_alk_driven_and_actionable(
    built_inferences: Inferences,
) -> None:
    result = built_inferences
    assert {CNS, MULTI, ALK, ACTIONABLE} <= result.memberships["hkgd:seed-alk-h-infant"]
    assert not result.unsatisfiable


# ---------------------------------------------------------------- the rule path agrees

#: A seeded synthetic cohort in which each defined class holds for some cases and not others.
COHORT_CASES, COHORT_SEED = 10, 8


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Built:
    cases = tmp_path_factory.mktemp("cohort") / "cases"
    cases.mkdir()
    for name, text in generate_cohort(COHORT_CASES, COHORT_SEED, load_curation()).items():
        (cases / name).write_text(text, encoding="utf-8")
    return build_graph(paths.CURATED, cases)


def assert_same_memberships(hermit: Inferences, rules: Inferences) -> None:
    differ = {
        case: (sorted(hermit.memberships.get(case, ())), sorted(rules.memberships.get(case, ())))
        for case in set(hermit.memberships) | set(rules.memberships)
        if hermit.memberships.get(case) != rules.memberships.get(case)
    }
    assert not differ, f"case: (HermiT, rules) where they differ: {differ}"


def test_rules_agree_with_hermit_on_the_fixtures(
    mini: Built,
    mini_inferences: Inferences,
    sites_built: Built,
    sites_inferences: Inferences,
) -> None:
    assert_same_memberships(mini_inferences, classify(mini.graph))
    assert_same_memberships(sites_inferences, classify(sites_built.graph))


def test_rules_agree_with_hermit_on_the_shipped_graph(
    built: Built, built_inferences: Inferences
) -> None:
    assert len(built_inferences.memberships) == len(built.cases)
    assert_same_memberships(built_inferences, classify(built.graph))


def test_rules_agree_with_hermit_on_a_synthetic_cohort(cohort: Built) -> None:
    hermit = reason(cohort.graph)
    assert len(hermit.memberships) == COHORT_CASES
    # every defined class holds for some cases and not for all, so agreement says something
    for cls in (CNS, MULTI, ALK, ACTIONABLE):
        holders = [c for c, classes in hermit.memberships.items() if cls in classes]
        assert 0 < len(holders) < COHORT_CASES, f"{cls}: {len(holders)} of {COHORT_CASES}"
    assert_same_memberships(hermit, classify(cohort.graph))
