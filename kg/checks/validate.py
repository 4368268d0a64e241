"""Check a built graph: SHACL shapes, then every QC query must return zero rows.

The shapes run as SPARQL on the store, the engine chosen by measurement (``benchmarks/shacl/``,
docs/architecture.md decision D2): each constraint of ``ontology/shapes.ttl`` is compiled into one
SELECT that returns every violating focus node (``?this``) and value (``?value``) at once, so
validation needs no second copy of the graph. The compiler reads only the SHACL subset the shapes
file declares in its header and refuses anything else, so no shape is ever silently skipped;
``benchmarks/shacl/compare.py`` shows it gives the same results as pySHACL and rudof on every
fixture. A result at severity ``Violation`` fails the graph; a ``Warning`` is reported only.

>>> sorted({c.component for c in compile_shapes()})[:3]
['class', 'datatype', 'in']
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from kg.core import paths
from kg.core.errors import Problem, SourceError
from kg.core.namespaces import contract
from kg.graph.store import KnowledgeGraph, ResultTable
from kg.sources.query_files import load_queries

#: Results listed per shape in a summary; the rest are counted.
SHOWN = 20
SHAPES_BASE = "https://w3id.org/histiokg/shapes/"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
#: Shape predicates that carry no constraint (descriptions, structure handled elsewhere).
_NEUTRAL = {SH.targetClass, SH.property, SH.path, SH.message, SH.severity, SH.deactivated}
_NEUTRAL |= {SH.name, SH.description, SH.order, SH.group}
#: The constraint components compiled (their local names in the SHACL namespace).
_COMPONENTS = {"minCount", "maxCount", "datatype", "nodeKind", "class", "in", "pattern"}
_COMPONENTS |= {"minLength", "maxLength", "minInclusive", "maxInclusive", "lessThanOrEquals"}
_COMPONENTS |= {"sparql"}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
#: Datatypes whose lexical form SPARQL can check: an ill-formed "NaN.0"^^xsd:decimal is a violation.
_WELL_FORMED: dict[Node, str] = {
    XSD.integer: "isNumeric(?value)",
    XSD.decimal: "isNumeric(?value)",
    XSD.double: "isNumeric(?value)",
    XSD.boolean: 'STR(?value) IN ("true", "false", "1", "0")',
}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a SPARQL query returning ``?this`` and ``?value``."""

    shape: str
    component: str
    severity: str
    message: str
    path: str
    query: str


def term(node: Node) -> str:
    """A node in SPARQL syntax.

    >>> term(URIRef("http://x/a")), term(Literal(3))
    ('<http://x/a>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    if isinstance(node, URIRef | Literal):
        return str(node.n3())
    raise ValueError(f"a blank node cannot be a constraint value: {node!r}")


def shape_name(iri: str) -> str:
    """A shape IRI as a short name.

    >>> shape_name(SHAPES_BASE + "CaseShape-sex")
    'hkgs:CaseShape-sex'
    """
    return "hkgs:" + iri[len(SHAPES_BASE) :] if iri.startswith(SHAPES_BASE) else iri


class _Compiler:
    def __init__(self, g: Graph, source: Path) -> None:
        self.g = g
        self.source = source
        self.prefixes = self._prefixes()

    def _prefixes(self) -> str:
        lines = []
        for decl in sorted(self.g.objects(None, SH.declare), key=str):
            prefix = self.g.value(decl, SH.prefix)
            namespace = self.g.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(sorted(set(lines)))

    def fail(self, reason: str) -> SourceError:
        fix = "use only the SHACL subset listed at the top of ontology/shapes.ttl"
        return SourceError([Problem(str(self.source), None, reason, fix)])

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for shape in sorted(set(self.g.subjects(SH.targetClass, None)), key=str):
            if not isinstance(shape, URIRef):
                raise self.fail(f"a shape with targets must be named by an IRI: {shape!r}")
            if self.g.value(shape, SH.deactivated) == Literal(True):
                continue
            if self.g.value(shape, SH.path) is not None:
                raise self.fail(f"{shape_name(shape)}: attach property shapes with sh:property")
            target = self.target(shape)
            out += self.constraints(shape, target, None)
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                if not isinstance(prop, URIRef):
                    raise self.fail(f"{shape_name(shape)}: name its property shapes, not {prop!r}")
                if self.g.value(prop, SH.deactivated) != Literal(True):
                    out += self.constraints(prop, target, self.path(prop))
        return out

    def target(self, shape: URIRef) -> str:
        classes = " ".join(term(c) for c in sorted(self.g.objects(shape, SH.targetClass), key=str))
        return f"VALUES ?target {{ {classes} }} ?this {_TYPE}/{_SUBCLASS}* ?target ."

    def path(self, prop: URIRef) -> tuple[str, str]:
        """The path as (SPARQL path, printed path)."""
        path = self.g.value(prop, SH.path)
        if isinstance(path, URIRef):
            return term(path), str(path)
        inverse = self.g.value(path, SH.inversePath) if path is not None else None
        if isinstance(inverse, URIRef) and len(set(self.g.predicate_objects(path))) == 1:
            return f"^{term(inverse)}", f"^{inverse}"
        raise self.fail(f"{shape_name(prop)}: sh:path must be a predicate or [ sh:inversePath p ]")

    def constraints(self, shape: URIRef, target: str, path: tuple[str, str] | None) -> list[Check]:
        severity = self.g.value(shape, SH.severity) or SH.Violation
        message = str(self.g.value(shape, SH.message) or "")
        out: list[Check] = []
        for p, o in sorted(self.g.predicate_objects(shape)):
            if p in _NEUTRAL or p == RDF.type or not str(p).startswith(str(SH)):
                continue
            component = str(p)[len(str(SH)) :]
            if component not in _COMPONENTS:
                raise self.fail(f"{shape_name(shape)}: {p} is not supported")
            if component == "sparql":
                query, text = self.sparql(shape, o, target), str(self.g.value(o, SH.message) or "")
                text = text or message
                out.append(Check(str(shape), component, _local(severity), text, "", query))
                continue
            if path is None and component in {"minCount", "maxCount", "lessThanOrEquals"}:
                raise self.fail(f"{shape_name(shape)}: {component} needs a property shape")
            query = self.query(component, o, target, path[0] if path else None)
            printed = path[1] if path else ""
            out.append(Check(str(shape), component, _local(severity), message, printed, query))
        return out

    def query(self, component: str, o: Node, target: str, path: str | None) -> str:
        values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        if component == "minCount":
            n = self.count(o)
            if n == 1:
                # NOT EXISTS probes one focus node at a time: fast on Oxigraph and on rdflib
                return (
                    f"SELECT DISTINCT ?this WHERE {{ {target} "
                    f"FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
                )
            return (
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
            )
        if component == "maxCount" and self.count(o) == 1:
            # a self-join takes half the time of GROUP BY on Oxigraph (benchmarks/shacl)
            return (
                f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?value . "
                f"?this {path} ?other FILTER(!sameTerm(?value, ?other)) }}"
            )
        if component == "maxCount":
            return (
                f"SELECT ?this WHERE {{ {target} {values} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {self.count(o)})"
            )
        if component == "class":
            return (
                f"SELECT DISTINCT ?this ?value WHERE {{ {{ {target} {values} }} "
                f"MINUS {{ ?value {_TYPE}/{_SUBCLASS}* {term(o)} }} }}"
            )
        if component == "lessThanOrEquals":
            return (
                f"SELECT DISTINCT ?this ?value WHERE {{ {target} {values} ?this {term(o)} ?other "
                "FILTER(!COALESCE(?value <= ?other, false)) }"
            )
        bad = self.bad(component, o)
        return f"SELECT DISTINCT ?this ?value WHERE {{ {target} {values} FILTER({bad}) }}"

    def count(self, o: Node) -> int:
        value = o.toPython() if isinstance(o, Literal) else None
        if not isinstance(value, int) or value < 0:
            raise self.fail(f"a count or length must be a non-negative integer, not {o!r}")
        return value

    def bad(self, component: str, o: Node) -> str:
        """The FILTER expression that is true for a value violating the constraint."""
        if component == "datatype":
            if not isinstance(o, URIRef):
                raise self.fail(f"sh:datatype needs an IRI, not {o!r}")
            check = _WELL_FORMED.get(o)
            ok = f"DATATYPE(?value) = {term(o)}" + (f" && {check}" if check else "")
            return f"!isLiteral(?value) || !({ok})"
        if component == "nodeKind":
            if o not in _NODE_KINDS:
                raise self.fail(f"unknown sh:nodeKind {o!r}")
            return f"!{_NODE_KINDS[o]}"
        if component == "in":
            members = list(Collection(self.g, o))
            return "!(" + " || ".join(f"sameTerm(?value, {term(m)})" for m in members) + ")"
        if component == "pattern":
            return f"isBlank(?value) || !REGEX(STR(?value), {term(Literal(str(o)))})"
        if component in {"minLength", "maxLength"}:
            op = "<" if component == "minLength" else ">"
            return f"isBlank(?value) || STRLEN(STR(?value)) {op} {self.count(o)}"
        op = ">=" if component == "minInclusive" else "<="
        return f"!COALESCE(?value {op} {term(o)}, false)"

    def sparql(self, shape: URIRef, constraint: Node, target: str) -> str:
        select = self.g.value(constraint, SH.select)
        if select is None or "$this" not in str(select) or "MINUS" in str(select).upper():
            raise self.fail(
                f"{shape_name(shape)}: sh:sparql needs an sh:select using $this, no MINUS"
            )
        return f"{self.prefixes}\nSELECT DISTINCT ?this ?value WHERE {{ {target} {{ {select} }} }}"


def _local(severity: Node) -> str:
    return str(severity).rsplit("#", 1)[-1]


def load_shapes(shapes: Path = paths.SHAPES) -> Graph:
    """Parse the shapes file."""
    return Graph().parse(shapes, format="turtle")


@functools.lru_cache(maxsize=8)
def _compiled(shapes: Path, stamp: tuple[int, int]) -> tuple[Check, ...]:
    return tuple(_Compiler(load_shapes(shapes), shapes).checks())


def compile_shapes(shapes: Path = paths.SHAPES) -> tuple[Check, ...]:
    """Every constraint of every active shape as a :class:`Check`; cached until the file changes."""
    stat = shapes.stat()
    return _compiled(shapes, (stat.st_mtime_ns, stat.st_size))


# ---------------------------------------------------------------- results


@dataclass(frozen=True, order=True)
class ShapeResult:
    """One SHACL result: which node failed which shape, at which path, with which value."""

    shape: str
    focus: str
    path: str
    value: str
    severity: str
    message: str

    def line(self) -> str:
        """One readable line."""
        inverse, prop = self.path.startswith("^"), self.path.lstrip("^")
        path = f" {'^' if inverse else ''}{contract(prop)}" if prop else ""
        value = f" (value {self.value})" if self.value and self.value != self.focus else ""
        return f"  {self.focus}{path}: {self.message}{value}"


@dataclass
class ValidationReport:
    """What failed: the SHACL results, and the rows of every QC query that returned any."""

    results: tuple[ShapeResult, ...] = ()
    qc_failures: dict[str, ResultTable] = field(default_factory=dict)
    qc_run: tuple[str, ...] = ()

    @property
    def violations(self) -> tuple[ShapeResult, ...]:
        """Results that fail the graph."""
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ShapeResult, ...]:
        """Results reported without failing the graph."""
        return tuple(r for r in self.results if r.severity != "Violation")

    @property
    def shacl_conforms(self) -> bool:
        """True if no shape is violated (warnings allowed)."""
        return not self.violations

    @property
    def ok(self) -> bool:
        """True if the graph meets every shape and no QC query returned a row."""
        return self.shacl_conforms and not self.qc_failures

    @property
    def failures(self) -> int:
        """Number of failing checks: each violated shape and each QC query with rows."""
        return len({r.shape for r in self.violations}) + len(self.qc_failures)

    def summary(self) -> str:
        """A readable report, grouped by shape."""
        shapes = Counter(r.shape for r in self.violations)
        verdict = "conforms" if self.shacl_conforms else f"FAILS ({len(shapes)} shape(s))"
        lines = [
            f"SHACL: {verdict}; {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)",
            f"QC queries run: {len(self.qc_run)}; failing: {len(self.qc_failures)}",
        ]
        by_shape: dict[tuple[str, str], list[ShapeResult]] = {}
        for result in sorted(self.results):
            by_shape.setdefault((result.severity, result.shape), []).append(result)
        for (severity, shape), results in by_shape.items():
            lines.append(f"{severity} {shape_name(shape)}: {len(results)} node(s)")
            lines += [r.line() for r in results[:SHOWN]]
            if len(results) > SHOWN:
                lines.append(f"  ... and {len(results) - SHOWN} more")
        for name, table in self.qc_failures.items():
            lines.append(f"{name}: {len(table.rows)} violating row(s)")
            for row in table.rows[:SHOWN]:
                lines.append("  " + "\t".join(row))
        return "\n".join(lines)


def _message(check: Check, value: str) -> str:
    text = check.message or f"{check.component} constraint not met"
    return text.replace("{?value}", value or "?")


def run_check(graph: KnowledgeGraph, check: Check) -> list[ShapeResult]:
    """Run one compiled constraint on the store; one result per violating (focus, value)."""
    table = graph.select(check.query)
    index = {name: i for i, name in enumerate(table.columns)}
    results = []
    for row in table.rows:
        focus = row[index["this"]]
        value = row[index["value"]] if "value" in index else ""
        results.append(
            ShapeResult(
                check.shape, focus, check.path, value, check.severity, _message(check, value)
            )
        )
    return results


def check_shapes(graph: KnowledgeGraph, shapes: Path = paths.SHAPES) -> tuple[ShapeResult, ...]:
    """Validate the graph against the SHACL shapes (no inference); every result, sorted."""
    results: set[ShapeResult] = set()
    for check in compile_shapes(shapes):
        results.update(run_check(graph, check))
    return tuple(sorted(results))


def run_qc(
    graph: KnowledgeGraph, root: Path = paths.QUERIES_DIR
) -> tuple[list[str], dict[str, ResultTable]]:
    """Run every qc query; return the names run and the non-empty results."""
    names: list[str] = []
    failures: dict[str, ResultTable] = {}
    for name, query in load_queries(root).items():
        if query.kind != "qc":
            continue
        names.append(name)
        table = graph.select(query.text)
        if table.rows:
            failures[name] = table
    return names, failures


def validate_graph(
    graph: KnowledgeGraph, root: Path = paths.QUERIES_DIR, shapes: Path = paths.SHAPES
) -> ValidationReport:
    """Run the SHACL shapes and the QC queries on a built graph."""
    results = check_shapes(graph, shapes)
    names, failures = run_qc(graph, root)
    return ValidationReport(results, failures, tuple(names))
