"""The rule path: SPARQL rules classify cases by the defined classes, without a reasoner.

Nothing here needs Java. That the rules and HermiT agree case by case is in test_reasoning.py
(marked ``reasoner``); here the rules are checked against answers obvious by inspection, against
the OWL definitions they were derived from, and their guards are shown to be able to fail.
"""

from __future__ import annotations

import re
import shutil
from itertools import combinations
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.answers.rules import (
    HERMIT_MAX_CASES,
    RulesCoverageError,
    check_coverage,
    choose_engine,
    classify,
    load_rules,
)
from kg.cli.main import main
from kg.core import paths
from kg.core.namespaces import HKG, OBO, contract
from kg.graph.build import Built, build_graph
from kg.graph.store import KnowledgeGraph
from kg.sources.ontology import load_ontology

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REASONING_FIXTURE = FIXTURES / "reasoning"

CNS = "hkg:CaseWithCNSInvolvement"
MULTI = "hkg:MultisystemCase"
ALK = "hkg:ALKDrivenCase"
ACTIONABLE = "hkg:CaseWithActionableDriver"
HEAD = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix hkg: <https://w3id.org/histiokg/ontology/> .
@prefix hkgt: <https://w3id.org/histiokg/term/> .
@prefix hkgd: <https://w3id.org/histiokg/data/> .
@prefix HGNC: <http://identifiers.org/hgnc/> .
"""


def extended(graph: KnowledgeGraph, turtle: str, tmp_path: Path) -> KnowledgeGraph:
    path = tmp_path / "extra.ttl"
    path.write_text(HEAD + turtle, encoding="utf-8")
    return graph.extended(path)


@pytest.fixture(scope="module")
def sites_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The mini tables plus three anatomy terms; the mini case plus a CNS and a skin-lung case."""
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(MINI / "curated", root / "curated")
    for tsv in (REASONING_FIXTURE / "curated" / "terms").glob("*.tsv"):
        shutil.copy(tsv, root / "curated" / "terms" / tsv.name)
    (root / "cases").mkdir()
    for case in [*(MINI / "cases").glob("*.yaml"), *(REASONING_FIXTURE / "cases").glob("*.yaml")]:
        shutil.copy(case, root / "cases" / case.name)
    return build_graph(root / "curated", root / "cases")


# ---------------------------------------------------------------- answers obvious by inspection


def test_mini_case_is_alk_driven_and_actionable_only(mini: Built) -> None:
    # KIF5B-ALK has 3' partner ALK, which crizotinib targets; the only site is the lung
    result = classify(mini.graph)
    assert result.memberships == {"hkgd:mini-case": frozenset({ALK, ACTIONABLE})}
    assert not result.unsatisfiable
    types = {(contract(str(s)), contract(str(o))) for s, o in result.inferred.subject_objects()}
    assert types == {("hkgd:mini-case", ALK), ("hkgd:mini-case", ACTIONABLE)}


def test_sites_are_classified_by_organ_system(sites_built: Built) -> None:
    memberships = classify(sites_built.graph).memberships
    # brain and spinal cord: CNS involvement, but one organ system only
    assert memberships["hkgd:cns-case"] == frozenset({CNS})
    # skin and lung: two systems, no CNS
    assert memberships["hkgd:skin-lung-case"] == frozenset({MULTI})
    assert memberships["hkgd:mini-case"] == frozenset({ALK, ACTIONABLE})


def test_asserted_types_are_not_reported_again(mini: Built, tmp_path: Path) -> None:
    graph = extended(mini.graph, "hkgd:mini-case a hkg:ALKDrivenCase .", tmp_path)
    assert classify(graph).memberships["hkgd:mini-case"] == frozenset({ACTIONABLE})


def test_a_case_without_sites_or_drivers_has_no_classes(mini: Built, tmp_path: Path) -> None:
    graph = extended(mini.graph, "hkgd:bare-case a hkg:Case .", tmp_path)
    assert classify(graph).memberships["hkgd:bare-case"] == frozenset()


# ---------------------------------------------------------------- the rules read the ontology


def test_a_new_part_of_edge_reaches_the_cns(mini: Built, tmp_path: Path) -> None:
    # a made-up site class that UBERON does not have, part of the brain (UBERON:0000955)
    turtle = """
    hkgt:made-up-site a owl:Class ;
        rdfs:subClassOf [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ;
                          owl:someValuesFrom obo:UBERON_0000955 ] .
    hkgd:mini-case hkg:has_site_involved hkgt:made-up-site .
    """
    memberships = classify(extended(mini.graph, turtle, tmp_path)).memberships
    # brain (nervous system) and lung (respiratory): CNS involvement and multisystem
    assert memberships["hkgd:mini-case"] == frozenset({ALK, ACTIONABLE, CNS, MULTI})


def test_sub_properties_and_domains_count(mini: Built, tmp_path: Path) -> None:
    # a driver through a sub-property of has_driver_alteration, a fusion known only by the
    # domain of its partner property, a targeted gene known only by the range of has_target
    turtle = """
    hkg:has_confirmed_driver rdfs:subPropertyOf hkg:has_driver_alteration .
    hkgd:other-case a hkg:Case ; hkg:has_confirmed_driver hkgt:made-up-fusion .
    hkgt:made-up-fusion hkg:five_prime_partner HGNC:427 .
    hkgd:third-case a hkg:Case ; hkg:has_driver_alteration hkgt:made-up-variant .
    hkgt:made-up-variant hkg:variant_of_gene HGNC:0 .
    hkgt:made-up-drug hkg:has_target HGNC:0 .
    """
    memberships = classify(extended(mini.graph, turtle, tmp_path)).memberships
    assert memberships["hkgd:other-case"] == frozenset({ALK, ACTIONABLE})
    assert memberships["hkgd:third-case"] == frozenset({ACTIONABLE})


def test_named_superclasses_are_reported(mini: Built, tmp_path: Path) -> None:
    turtle = """
    hkg:ALKDrivenCase rdfs:subClassOf hkgt:MadeUpCaseGroup .
    hkg:Case rdfs:subClassOf hkgt:MadeUpRecord .
    """
    memberships = classify(extended(mini.graph, turtle, tmp_path)).memberships
    expected = {ALK, ACTIONABLE, "hkgt:MadeUpCaseGroup", "hkgt:MadeUpRecord"}
    assert memberships["hkgd:mini-case"] == frozenset(expected)


# ---------------------------------------------------------------- the guards can fail

UNSUPPORTED = {
    "inverse property": "hkgt:targeted-by owl:inverseOf hkg:has_target .",
    "class axiom with a class expression": """
        hkgt:MadeUpCase owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( hkg:Case
            [ a owl:Restriction ; owl:onProperty hkg:has_site_involved ;
              owl:someValuesFrom obo:UBERON_0002048 ] ) ] .""",
    "equivalence between named classes": "hkgt:MadeUpGene owl:equivalentClass hkg:Gene .",
    "part_of restriction in a place": """
        hkgt:MadeUpSite rdfs:subClassOf [ a owl:Class ; owl:intersectionOf ( obo:UBERON_0002048
            [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ;
              owl:someValuesFrom obo:UBERON_0000955 ] ) ] .""",
    "property the rules read": "hkg:has_target a owl:SymmetricProperty .",
    "symmetric property whose domain and range differ": (
        "hkg:has_marker_result a owl:SymmetricProperty ."
    ),
    "reflexive property with a domain or range": "hkg:has_biopsy a owl:ReflexiveProperty .",
    "typed with a class expression": """
        hkgd:mini-case a [ a owl:Restriction ; owl:onProperty hkg:has_site_involved ;
                           owl:someValuesFrom hkg:CentralNervousSystemSite ] .""",
    "owl:sameAs another individual": "hkgd:mini-case owl:sameAs hkgd:another-case .",
    "two values of a functional property": "hkgt:KIF5B-ALK hkg:three_prime_partner HGNC:0 .",
}


@pytest.mark.parametrize("reason", sorted(UNSUPPORTED))
def test_guards_refuse_what_the_rules_do_not_translate(
    reason: str, mini: Built, tmp_path: Path
) -> None:
    graph = extended(mini.graph, UNSUPPORTED[reason], tmp_path)
    assert [line for line in check_coverage(graph) if reason in line]
    with pytest.raises(RulesCoverageError, match="--engine hermit"):
        classify(graph)


def test_part_of_must_be_reflexive(mini: Built) -> None:
    g = Graph()
    g += mini.graph.rdflib_graph()
    g.remove((OBO.BFO_0000050, RDF.type, OWL.ReflexiveProperty))
    lines = check_coverage(KnowledgeGraph.from_rdflib(g))
    assert lines == ["guard01-unsupported-axioms: BFO:0000050 part_of is not declared reflexive"]


def test_guards_pass_on_the_shipped_graph(built: Built) -> None:
    assert check_coverage(built.graph) == []


def test_publications_may_be_the_same_as_each_other(mini: Built, tmp_path: Path) -> None:
    # owl:sameAs of a PMID and its DOI (as the curated publications state) is read by no rule
    graph = extended(mini.graph, "hkgd:pub-mini-report owl:sameAs hkgd:pub-alias .", tmp_path)
    assert check_coverage(graph) == []


# ---------------------------------------------------------------- derived from these definitions


def render(g: Graph, node: Node) -> str:
    """A class expression in Manchester-like text: CURIEs, and, or, some."""
    if isinstance(node, URIRef):
        return contract(str(node))
    for keyword, joiner in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        head = g.value(node, keyword)
        if head is not None:
            return "(" + joiner.join(render(g, m) for m in Collection(g, head)) + ")"
    prop, filler = g.value(node, OWL.onProperty), g.value(node, OWL.someValuesFrom)
    if prop is not None and filler is not None:
        return f"({render(g, prop)} some {render(g, filler)})"
    return f"<unrendered {node}>"


def definitions(g: Graph, cls: URIRef) -> set[str]:
    """Every class-expression axiom of ``cls``: '== X' (equivalence), '<= X' (a sufficient one)."""
    out = {f"== {render(g, e)}" for e in g.objects(cls, OWL.equivalentClass)}
    out |= {f"<= {render(g, e)}" for e in g.subjects(RDFS.subClassOf, cls) if isinstance(e, BNode)}
    out |= {f">= {render(g, e)}" for e in g.objects(cls, RDFS.subClassOf) if isinstance(e, BNode)}
    return out


#: The axioms rule01-rule04 were derived from. A change to any of them (or a new axiom for one
#: of these classes) fails here: re-derive the rule, then update this copy.
DERIVED_FROM = {
    CNS: {"== (hkg:Case and (hkg:has_site_involved some hkg:CentralNervousSystemSite))"},
    ALK: {"== (hkg:Case and (hkg:has_driver_alteration some hkg:ALKFusion))"},
    ACTIONABLE: {"== (hkg:Case and (hkg:has_driver_alteration some hkg:ActionableAlteration))"},
    "hkg:ALKFusion": {
        "<= (hkg:GeneFusion and (hkg:three_prime_partner some hkg:ALKGene))",
        "<= (hkg:GeneFusion and (hkg:five_prime_partner some hkg:ALKGene))",
    },
    "hkg:ActionableAlteration": {
        "<= (hkg:DriverAlteration and hkg:TargetedGene)",
        "<= (hkg:DriverAlteration and (hkg:alteration_in_gene some hkg:TargetedGene))",
    },
}


@pytest.fixture(scope="module")
def tbox() -> Graph:
    return load_ontology()


@pytest.mark.parametrize("curie", sorted(DERIVED_FROM))
def test_rules_were_derived_from_these_definitions(curie: str, tbox: Graph) -> None:
    cls = URIRef(HKG[curie.split(":", 1)[1]])
    assert definitions(tbox, cls) == DERIVED_FROM[curie]


def _values(rule: str) -> set[str]:
    text = (paths.QUERIES_DIR / "rules" / f"{rule}.rq").read_text(encoding="utf-8")
    block = re.search(r"VALUES \?siteClass \{([^}]*)\}", text)
    assert block is not None
    return set(block.group(1).split())


def _members(g: Graph, node: Node, keyword: URIRef) -> list[Node]:
    head = g.value(node, keyword)
    assert head is not None, f"{node} has no {keyword}"
    return list(Collection(g, head))


def _fillers(g: Graph, restriction: Node) -> list[str]:
    """The classes of ``has_site_involved some X`` where X is a class or a union of classes."""
    assert g.value(restriction, OWL.onProperty) == HKG.has_site_involved
    filler = g.value(restriction, OWL.someValuesFrom)
    if isinstance(filler, URIRef):
        return [contract(str(filler))]
    return [contract(str(m)) for m in _members(g, filler, OWL.unionOf)]


def test_multisystem_rule_counts_the_systems_of_the_definition(tbox: Graph) -> None:
    # MultisystemCase == Case and (union of pairs): collect the pairs of systems it lists
    (definition,) = tbox.objects(HKG.MultisystemCase, OWL.equivalentClass)
    case, union = _members(tbox, definition, OWL.intersectionOf)
    assert case == HKG.Case
    pairs: set[frozenset[str]] = set()
    for disjunct in _members(tbox, union, OWL.unionOf):
        first, second = _members(tbox, disjunct, OWL.intersectionOf)
        (system,) = _fillers(tbox, first)
        pairs |= {frozenset({system, other}) for other in _fillers(tbox, second)}
    systems = _values("rule02-multisystem-case")
    assert len(systems) == 9
    # every pair of distinct systems, and only those: "at least two systems" is the same class
    assert pairs == {frozenset(p) for p in combinations(sorted(systems), 2)}


def test_cns_rule_uses_the_site_class_of_the_definition() -> None:
    assert _values("rule01-case-with-cns-involvement") == {"hkg:CentralNervousSystemSite"}


def test_guard_allows_exactly_the_classes_the_rules_were_derived_from() -> None:
    text = (paths.QUERIES_DIR / "rules" / "guard01-unsupported-axioms.rq").read_text("utf-8")
    allowed = re.search(r"\?subject NOT IN \(([^)]*)\)", text)
    assert allowed is not None
    assert {c.strip() for c in allowed.group(1).split(",")} == {
        *DERIVED_FROM,
        MULTI,
    }


def test_every_rule_is_a_construct_and_every_guard_a_select() -> None:
    rules = load_rules()
    assert [r.name for r in rules.rules] == [
        "rule01-case-with-cns-involvement",
        "rule02-multisystem-case",
        "rule03-alk-driven-case",
        "rule04-case-with-actionable-driver",
        "rule05-case-named-types",
    ]
    assert all("SELECT DISTINCT ?subject ?reason" in g.text for g in rules.guards)


# ---------------------------------------------------------------- engine choice and the command


def test_auto_uses_hermit_for_small_graphs_and_consistency_checks() -> None:
    assert choose_engine("auto", HERMIT_MAX_CASES) == "hermit"
    assert choose_engine("auto", HERMIT_MAX_CASES + 1) == "rules"
    assert choose_engine("auto", HERMIT_MAX_CASES + 1, consistency=True) == "hermit"
    assert choose_engine("hermit", 10_000) == "hermit"
    with pytest.raises(ValueError, match="unknown engine"):
        choose_engine("pellet", 1)


def test_reason_help_names_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reason", "--help"]) == 0
    assert f"hermit up to {HERMIT_MAX_CASES} cases" in " ".join(capsys.readouterr().out.split())


def test_reason_with_rules_keeps_the_output_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--engine", "rules", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    line = next(ln for ln in captured.out.splitlines() if ln.startswith("hkgd:seed-alk-h-infant\t"))
    assert set(line.split("\t")[1].split(", ")) == {CNS, MULTI, ALK, ACTIONABLE}
    assert "consistency not checked" in captured.err
    assert "hkg:ALKDrivenCase" in out.read_text(encoding="utf-8")


def test_reason_with_rules_refuses_an_untranslated_axiom_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "inverse.ttl"
    extra.write_text(HEAD + UNSUPPORTED["inverse property"], encoding="utf-8")
    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--engine", "rules", "--extra", str(extra), "--out", str(out)]) == 2
    assert "--engine hermit" in capsys.readouterr().err
    assert not out.exists()
