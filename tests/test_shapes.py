"""The SHACL shapes: each can fail (a fixture per node shape), the shipped graph meets them all, and
every class with instances is the target of a shape.

A fixture ``tests/fixtures/shapes/<NodeShape>.bad.ttl`` is loaded with the TBox; its
``# expect:`` header lists every shape (the node shape or its named property shapes) that must
fail on it, and no other shape may.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kg.checks.validate import (
    SHAPES_BASE,
    ShapeResult,
    check_shapes,
    compile_shapes,
    load_shapes,
    validate_graph,
)
from kg.core import paths
from kg.core.errors import SourceError
from kg.core.namespaces import contract
from kg.graph.store import KnowledgeGraph
from kg.sources.ontology import load_ontology

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = load_shapes()
NODE_SHAPES = sorted({str(s)[len(SHAPES_BASE) :] for s in SHAPES.subjects(SH.targetClass, None)})
ALK_LABEL = '<http://identifiers.org/hgnc/427> <http://www.w3.org/2000/01/rdf-schema#label> "ALK" .'


def graph_of(tbox_nt: bytes, *turtle: Path) -> KnowledgeGraph:
    """The TBox plus Turtle files in a store (the Oxigraph store API, or the older rdflib one)."""
    data = [
        Graph().parse(p, format="turtle").serialize(format="nt", encoding="utf-8") for p in turtle
    ]
    if hasattr(KnowledgeGraph, "in_memory"):
        return KnowledgeGraph.in_memory(tbox_nt, data)
    g = Graph().parse(data=b"".join([tbox_nt, *data]).decode("utf-8"), format="nt")
    return KnowledgeGraph(g)  # type: ignore[arg-type]


def expected(fixture: Path) -> set[str]:
    names: set[str] = set()
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            names.update(line.removeprefix("# expect:").split())
    return names


@pytest.fixture(scope="module")
def tbox_nt() -> bytes:
    return load_ontology().serialize(format="nt", encoding="utf-8")


@pytest.fixture(scope="module")
def baseline(tbox_nt: bytes) -> set[ShapeResult]:
    """Results on the TBox alone (its one typed gene, HGNC:427, has its label in the data)."""
    return set(check_shapes(graph_of(tbox_nt)))


def test_every_node_shape_has_a_fixture() -> None:
    have = sorted(p.name.removesuffix(".bad.ttl") for p in FIXTURES.glob("*.bad.ttl"))
    assert have == NODE_SHAPES


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_shape_fails_on_its_fixture(name: str, tbox_nt: bytes, baseline: set[ShapeResult]) -> None:
    results = set(check_shapes(graph_of(tbox_nt, FIXTURES / f"{name}.bad.ttl"))) - baseline
    failed = {r.shape[len(SHAPES_BASE) :] for r in results}
    assert failed == expected(FIXTURES / f"{name}.bad.ttl")
    assert name in failed or any(s.startswith(f"{name}-") for s in failed), f"{name} cannot fail"


def test_every_shape_is_shown_to_fail() -> None:
    shapes = {c.shape[len(SHAPES_BASE) :] for c in compile_shapes()}
    shown = set().union(*(expected(p) for p in FIXTURES.glob("*.bad.ttl")))
    assert shapes - shown == set(), "shapes no fixture makes fail"
    assert shown - shapes == set(), "fixtures name shapes that do not exist"


def test_a_fixture_fails_validation_naming_the_shape(tbox_nt: bytes, tmp_path: Path) -> None:
    label = tmp_path / "alk-label.ttl"
    label.write_text(ALK_LABEL + "\n", encoding="utf-8")
    graph = graph_of(tbox_nt, FIXTURES / "MarkerConflictShape.bad.ttl", label)
    report = validate_graph(graph, root=FIXTURES)
    assert not report.ok
    assert report.failures == 1
    assert "Violation hkgs:MarkerConflictShape: 2 node(s)" in report.summary()
    assert "hkgd:a-cd1a-pos" in report.summary()


def test_an_alk_positive_code_without_alk_evidence_or_a_note_fails(tbox_nt: bytes) -> None:
    report = validate_graph(graph_of(tbox_nt, FIXTURES / "AlkEvidenceShape.bad.ttl"), root=FIXTURES)
    assert not report.ok
    assert [r.focus for r in report.violations] == ["hkgd:alk-negative"]
    assert "Violation hkgs:AlkEvidenceShape: 1 node(s)" in report.summary()


def test_a_warning_is_reported_without_failing(tbox_nt: bytes, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    text = paths.SHAPES.read_text(encoding="utf-8")
    head = "hkgs:AlkEvidenceShape a sh:NodeShape ;\n    sh:targetClass hkg:Case ;\n"
    assert head in text
    shapes.write_text(text.replace(head, head + "    sh:severity sh:Warning ;\n"), encoding="utf-8")
    graph = graph_of(tbox_nt, FIXTURES / "AlkEvidenceShape.bad.ttl")
    report = validate_graph(graph, root=FIXTURES, shapes=shapes)
    assert report.ok, report.summary()
    assert [r.focus for r in report.warnings] == ["hkgd:alk-negative"]
    assert "Warning hkgs:AlkEvidenceShape: 1 node(s)" in report.summary()


def test_an_inverse_path_is_named_in_the_summary(tbox_nt: bytes) -> None:
    report = validate_graph(graph_of(tbox_nt, FIXTURES / "BiopsyShape.bad.ttl"), root=FIXTURES)
    assert "  hkgd:orphan-biopsy ^hkg:has_biopsy: " in report.summary()


def test_the_shipped_graph_meets_every_shape(built) -> None:
    results = check_shapes(built.graph)
    assert [r.line() for r in results if r.severity == "Violation"] == []


def test_every_class_with_instances_is_a_target(built) -> None:
    table = built.graph.select(
        """SELECT DISTINCT ?class ?super WHERE {
            ?x a ?class . ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?super .
            FILTER(STRSTARTS(STR(?class), "https://w3id.org/histiokg/ontology/")) }"""
    )
    supers: dict[str, set[str]] = {}
    for cls, sup in table.rows:
        supers.setdefault(cls, set()).add(sup)
    targets = {contract(str(c)) for c in SHAPES.objects(None, SH.targetClass)}
    assert {"hkg:Response", "hkg:Biopsy", "hkg:Sex", "hkg:Polarity"} <= supers.keys()
    assert sorted(c for c, up in supers.items() if not up & targets) == []


@pytest.mark.parametrize(
    ("shape", "error"),
    [
        ("sh:or ( [ sh:datatype <http://x/D> ] )", "shacl#or is not supported"),
        ("sh:property [ sh:path <http://x/p> ; sh:minCount 1 ]", "name its property shapes"),
        ("sh:minCount 1", "minCount needs a property shape"),
        ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { } }" ]', "no MINUS"),
    ],
)
def test_unsupported_shacl_is_refused(shape: str, error: str, tmp_path: Path) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<https://w3id.org/histiokg/shapes/X> sh:targetClass <http://x/C> ; {shape} .\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=error):
        compile_shapes(bad)
