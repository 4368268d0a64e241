"""OWL reasoning over a built graph with owlready2 and HermiT; the only module that sees owlready2.

Each call to :func:`reason` translates the built graph (TBox and ABox), the defined classes of
``ontology/defined-classes.ttl`` and the UBERON slice ``ontology/imports/uberon-slice.ttl`` (each
added only if the build has not merged it already) into N-Triples (owlready2 cannot parse
Turtle), loads them into a fresh owlready2 ``World``, runs HermiT (Java) and returns plain Python
and rdflib objects: the inferred class memberships of every case, as CURIEs, and the inferred
triples as an rdflib ``Graph`` kept apart from the asserted one.

Use (this is what ``histiokg reason`` needs)::

    result = reason(build_graph().graph)        # Inferences; InconsistentOntologyError if any
    result.memberships["hkgd:seed-alk-h-infant"]  # frozenset of class CURIEs
    write_inferred(result, paths.BUILD_DIR / "inferred.ttl")

The translation changes two things, which OWL DL and the defined classes need, and leaves a third
as it is:

* **Sites.** A case's ``hkg:has_site_involved`` value is a UBERON *class* used as a value
  (punning), and under OWL 2 punning the individual ``UBERON:0000955`` has nothing to do with the
  class brain, so "has_site_involved some (part_of some CNS)" could never hold. Each case-site pair
  therefore gets its own fresh individual (``<BASE>reasoning/<case>/site/UBERON_0000955``) typed
  with the UBERON class, and the case points at it. One individual per case and site (not one per
  site shared by all cases) keeps two patients' lesions apart, as they are. These individuals are
  translation artefacts: nothing inferred about them is returned.
* **Provenance.** ``rdf:subject``/``rdf:predicate``/``rdf:object`` of the assertion nodes and
  ``hkg:Assertion rdfs:subClassOf rdf:Statement`` use reserved RDF vocabulary, which OWL DL forbids;
  they are left out (they carry no logic). Everything else of the graph goes in.
* **Other punned IRIs** (UBERON or MONDO IRIs typed as individuals elsewhere) keep both readings;
  owlready2 mixes the two up when it reads HermiT's answer, so no type is returned for them.

Literals whose datatype is outside OWL 2's (``xsd:date``, ...) are ignored by HermiT rather than
rejected.

Past about a hundred cases HermiT's time and memory grow with the whole graph
(``benchmarks/reasoning/results.md``); :mod:`kg.answers.rules` classifies cases with SPARQL rules on
the store instead and gives the same memberships (the tests compare the two case by case), but
only this module checks consistency.

HermiT's inconsistency carries no explanation;
:class:`~kg.core.errors.InconsistentOntologyError` names the individuals that clash in the
asserted triples (a functional property with two values known to
differ, or types declared disjoint), e.g. a marker result both positive and negative.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import owlready2
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.core import paths
from kg.core.errors import InconsistentOntologyError, KGError
from kg.core.namespaces import BASE, HKG, HKGD, PREFIXES, contract
from kg.graph.store import KnowledgeGraph

DEFINED_CLASSES = paths.DEFINED_CLASSES
#: Fresh site individuals live here; nothing in this namespace leaves this module.
REASONING = Namespace(BASE + "reasoning/")
_INPUT_IRI = BASE + "reasoning/input"
_INFERRED_IRI = "http://inferrences/"  # owlready2's ontology for HermiT's answers
_RESERVED = (RDF.subject, RDF.predicate, RDF.object)
_META = {
    OWL.Class,
    OWL.Restriction,
    OWL.Ontology,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.FunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.NamedIndividual,
    OWL.AllDifferent,
    RDF.Property,
    RDFS.Class,
    RDFS.Datatype,
    RDF.List,
}


@dataclass(frozen=True)
class Inferences:
    """What HermiT inferred, as plain objects.

    Attributes:
        memberships: case CURIE -> the named classes it is inferred to belong to (CURIEs), not
            counting the types asserted for it or owl:Thing.
        inferred: the inferred triples (new types of individuals, new subclass and equivalence
            axioms between named classes), none of them in the asserted graph.
        unsatisfiable: named classes equivalent to owl:Nothing (a modelling error if any).
        seconds: wall time of the HermiT run, Java start-up included.
    """

    memberships: Mapping[str, frozenset[str]]
    inferred: Graph
    unsatisfiable: frozenset[str]
    seconds: float


def site_individual(case: URIRef, site: URIRef) -> URIRef:
    """The fresh individual standing for ``site`` in ``case`` during reasoning.

    >>> str(site_individual(HKGD["c1"], URIRef("http://purl.obolibrary.org/obo/UBERON_0000955")))
    'https://w3id.org/histiokg/reasoning/c1/site/UBERON_0000955'
    """
    local = str(case)[len(str(HKGD)) :] if str(case).startswith(str(HKGD)) else contract(case)
    return REASONING[f"{local}/site/{str(site).rsplit('/', 1)[-1]}"]


def translate(
    graph: KnowledgeGraph,
    defined: Path = DEFINED_CLASSES,
    uberon: Path = paths.UBERON_SLICE,
) -> Graph:
    """The reasoner's input: the built graph plus defined classes and UBERON, made OWL DL.

    ``defined`` and ``uberon`` are added unless the graph already holds an ontology of the same
    IRI (``kg.sources.ontology.load_ontology`` merges both into the TBox), so no axiom is loaded
    twice.
    """
    g = Graph()
    for s, p, o in graph.rdflib_graph():
        if p in _RESERVED or o == RDF.Statement:
            continue
        if p == HKG.has_site_involved and isinstance(s, URIRef) and isinstance(o, URIRef):
            node = site_individual(s, o)
            g.add((s, p, node))
            g.add((node, RDF.type, o))
            g.add((node, RDF.type, OWL.NamedIndividual))
            continue
        g.add((s, p, o))
    for path in (defined, uberon):
        extra = Graph().parse(path, format="turtle")
        headers = set(extra.subjects(RDF.type, OWL.Ontology))
        if not any((h, RDF.type, OWL.Ontology) in g for h in headers):
            g += extra
    return g


def _classes(g: Graph) -> set[Node]:
    """IRIs that the input uses as classes (so an individual of the same IRI is punned)."""
    out: set[Node] = set(g.subjects(RDF.type, OWL.Class)) | set(g.objects(None, RDF.type))
    for p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for s, o in g.subject_objects(p):
            out.update((s, o))
    return {n for n in out if isinstance(n, URIRef)}


def _individuals(g: Graph, classes: set[Node]) -> list[URIRef]:
    found = {
        s
        for s, o in g.subject_objects(RDF.type)
        if isinstance(s, URIRef) and o not in _META and s not in classes
    }
    return sorted(n for n in found if isinstance(n, URIRef) and not n.startswith(str(REASONING)))


def _label(g: Graph, node: Node) -> str:
    text = contract(str(node)) if isinstance(node, URIRef) else str(node)
    label = g.value(node, RDFS.label)
    return f'{text} "{label}"' if label is not None else text


def _describe(g: Graph, node: Node) -> str:
    """An individual, its types, the marker it reports and what points at it, for messages."""
    parts = [", ".join(sorted(contract(str(t)) for t in g.objects(node, RDF.type)))]
    marker = g.value(node, HKG.marker)
    if marker is not None:
        parts.append(f"marker {_label(g, marker)}")
    parts += [
        f"of {contract(str(s))}" for s in sorted(g.subjects(None, node), key=str) if s != node
    ][:3]
    return f"{_label(g, node)} ({'; '.join(p for p in parts if p)})"


def _known_different(g: Graph, a: Node, b: Node) -> bool:
    if isinstance(a, Literal) and isinstance(b, Literal):
        return a.eq(b) is not True
    if (a, OWL.differentFrom, b) in g or (b, OWL.differentFrom, a) in g:
        return True
    for group in g.subjects(RDF.type, OWL.AllDifferent):
        head = g.value(group, OWL.distinctMembers)
        members = set(g.items(head)) if head is not None else set()
        if a in members and b in members:
            return True
    return False


def find_clashes(g: Graph) -> list[str]:
    """Asserted contradictions a reasoner would find: one line per offending individual.

    Checks functional properties with two values known to differ (distinct literals, or IRIs
    declared ``owl:differentFrom``/``owl:AllDifferent``) and individuals typed with classes
    declared ``owl:disjointWith``.
    """
    lines: list[str] = []
    for prop in sorted(g.subjects(RDF.type, OWL.FunctionalProperty), key=str):
        for s in sorted(set(g.subjects(prop, None)), key=str):
            values = sorted(g.objects(s, prop), key=str)
            if any(_known_different(g, a, b) for a in values for b in values if a != b):
                shown = ", ".join(_label(g, v) for v in values)
                lines.append(
                    f"{_describe(g, s)} has {len(values)} values of functional property "
                    f"{contract(str(prop))} that differ: {shown}"
                )
    for a, b in sorted(g.subject_objects(OWL.disjointWith), key=str):
        for s in sorted(set(g.subjects(RDF.type, a)) & set(g.subjects(RDF.type, b)), key=str):
            lines.append(
                f"{_describe(g, s)} is typed with disjoint classes "
                f"{contract(str(a))} and {contract(str(b))}"
            )
    return lines


def _inconsistent(g: Graph) -> InconsistentOntologyError:
    clashes = find_clashes(g)
    head = "HermiT found the ontology plus data inconsistent"
    if not clashes:
        return InconsistentOntologyError(
            f"{head}; no functional-property or disjointness clash in the asserted triples, so "
            "the contradiction comes through the defined classes or UBERON axioms"
        )
    return InconsistentOntologyError(f"{head}. Offending individuals:\n  " + "\n  ".join(clashes))


def _named(entity: Any) -> str | None:
    iri = getattr(entity, "iri", None)
    if not isinstance(iri, str) or iri.startswith(str(OWL)):
        return None
    return iri


def _dump(ontology: Any) -> Graph:
    buffer = io.BytesIO()
    ontology.save(file=buffer, format="ntriples")
    out = Graph()
    out.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    return out


def _run_hermit(world: Any, g: Graph) -> float:
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KGError("HermiT needs Java, which is not installed (fix: scripts/ensure-java.sh)")
    start = time.perf_counter()
    try:
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise _inconsistent(g) from exc
    return time.perf_counter() - start


def _new_types(world: Any, g: Graph, individuals: Iterable[URIRef]) -> dict[URIRef, set[URIRef]]:
    out: dict[URIRef, set[URIRef]] = {}
    for node in individuals:
        entity = world[str(node)]
        if entity is None or not isinstance(entity, owlready2.Thing):
            continue
        asserted = set(g.objects(node, RDF.type))
        types = {URIRef(i) for c in entity.INDIRECT_is_a if (i := _named(c)) is not None}
        new = types - asserted
        if new:
            out[node] = new
    return out


def reason(
    graph: KnowledgeGraph,
    defined: Path = DEFINED_CLASSES,
    uberon: Path = paths.UBERON_SLICE,
) -> Inferences:
    """Classify the built graph with HermiT and return what it inferred.

    Raises:
        InconsistentOntologyError: the data contradict the ontology; the message names the
            individuals that clash (raised from owlready2's error).
        KGError: Java is missing.
    """
    g = translate(graph, defined, uberon)
    data = g.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    try:
        world.get_ontology(_INPUT_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
        seconds = _run_hermit(world, g)
        classes = _classes(g)
        types = _new_types(world, g, _individuals(g, classes))
        answer = _dump(world.get_ontology(_INFERRED_IRI))
        unsatisfiable = frozenset(
            contract(i) for c in world.inconsistent_classes() if (i := _named(c)) is not None
        )
    finally:
        world.close()
    inferred = Graph()
    for prefix, base in PREFIXES.items():
        inferred.bind(prefix, base, override=True, replace=True)
    for node, new in types.items():
        for cls in new:
            inferred.add((node, RDF.type, cls))
    for p in (RDFS.subClassOf, OWL.equivalentClass):
        for s, o in answer.subject_objects(p):
            if isinstance(s, BNode) or isinstance(o, BNode) or (s, p, o) in g:
                continue
            if s in classes and not str(o).startswith(str(OWL)):
                inferred.add((s, p, o))
    inferred -= graph.rdflib_graph()
    cases = sorted(graph.rdflib_graph().subjects(RDF.type, HKG.Case), key=str)
    memberships = {
        contract(str(c)): frozenset(contract(str(t)) for t in types.get(c, set()))
        for c in cases
        if isinstance(c, URIRef)
    }
    return Inferences(memberships, inferred, unsatisfiable, seconds)
