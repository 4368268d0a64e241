"""Classify cases by the defined classes with SPARQL rules on the store: no reasoner, no Java.

The rule path gives the same class memberships as HermiT (:func:`kg.answers.reasoning.reason`)
on graphs whose axioms it translates, in a fraction of the time, and scales with the store
rather than with an OWL tableau. Its queries live in ``queries/rules/``, one file each, valid
SPARQL with a ``#+`` header:

* ``rule00-cases``: the cases reported on (every IRI typed ``hkg:Case``), as HermiT's are;
* ``rule01`` .. ``rule05``: one CONSTRUCT per defined case class (CNS involvement, multisystem,
  ALK-driven, actionable driver), each derived by hand from its definition in
  ``ontology/defined-classes.ttl``, plus one for the named classes a case gets by subclass,
  domain and range. Each yields ``?case rdf:type ?class`` for the class and its named
  superclasses, leaving out types already asserted, as HermiT's answer does;
* ``guard01``, ``guard02``: SELECT queries listing what the rules do not translate (other OWL
  constructs, new class definitions, merged individuals). Each must return no rows, or
  :func:`classify` refuses the graph with :class:`RulesCoverageError`.

What the rules do not do at all is check consistency (disjointness, functional properties with
two values known to differ, unsatisfiable classes): that stays HermiT's. ``docs/methods.md``
("Case classification at scale") lists what is covered and what is not.

>>> from kg.graph.build import build_graph
>>> from kg.core.paths import ROOT
>>> mini = ROOT / "tests" / "fixtures" / "mini"
>>> result = classify(build_graph(mini / "curated", mini / "cases").graph)
>>> sorted(result.memberships["hkgd:mini-case"])
['hkg:ALKDrivenCase', 'hkg:CaseWithActionableDriver']
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.answers.reasoning import Inferences
from kg.core import paths
from kg.core.errors import KGError
from kg.core.namespaces import PREFIXES, contract
from kg.graph.store import KnowledgeGraph
from kg.sources.query_files import QueryFile, load_queries

#: The folder of the rule path's queries (a kind of queries/, like cq and qc).
RULES_KIND = "rules"
CASES_QUERY = "rule00-cases"
ENGINES = ("auto", "hermit", "rules")
#: ``auto`` uses HermiT up to this many cases (it also checks consistency) and the rules above:
#: at 100 synthetic cases HermiT takes about 27 s of CPU and 1 GiB (Python and Java), at 300
#: about 72 s and 2.3 GiB, at 1,000 about 230 s and 5.6 GiB with Java's heap full
#: (benchmarks/reasoning/results.md); the rules take under a second at every level.
HERMIT_MAX_CASES = 100
#: Rows of a failed guard shown in the error message.
_SHOWN = 10
_CONSTRUCT = re.compile(r"^\s*CONSTRUCT\b", re.MULTILINE | re.IGNORECASE)


class RulesCoverageError(KGError):
    """The graph uses axioms the rule path does not translate; HermiT must classify it."""


@dataclass(frozen=True)
class RuleSet:
    """The queries of the rule path, by role.

    Attributes:
        cases: the SELECT of the cases reported on.
        rules: the CONSTRUCT queries, in file order.
        guards: the SELECT queries that must return no rows.
    """

    cases: QueryFile
    rules: tuple[QueryFile, ...]
    guards: tuple[QueryFile, ...]


def load_rules(root: Path = paths.QUERIES_DIR) -> RuleSet:
    """Read ``queries/rules/``: the case query, the rules (CONSTRUCT) and the guards.

    >>> rules = load_rules()
    >>> rules.cases.name, len(rules.rules) >= 4, [g.name[:7] for g in rules.guards]
    ('rule00-cases', True, ['guard01', 'guard02'])
    """
    queries = sorted(
        (q for q in load_queries(root).values() if q.kind == RULES_KIND), key=lambda q: q.name
    )
    found = {q.name: q for q in queries}
    if CASES_QUERY not in found:
        raise KGError(f"{CASES_QUERY}.rq is missing from {paths.rel(root / RULES_KIND)}")
    guards = tuple(q for q in queries if q.name.startswith("guard"))
    rules = tuple(q for q in queries if q.name.startswith("rule") and q.name != CASES_QUERY)
    odd = [q.name for q in rules if not _CONSTRUCT.search(_without_comments(q.text))]
    odd += [q.name for q in queries if q not in guards and q not in rules and q.name != CASES_QUERY]
    if odd:
        raise KGError(
            f"not rules: {', '.join(odd)} (a rule is a CONSTRUCT named rule<NN>-*.rq, "
            "a guard a SELECT named guard<NN>-*.rq)"
        )
    return RuleSet(found[CASES_QUERY], rules, guards)


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def case_curies(graph: KnowledgeGraph, rules: RuleSet | None = None) -> list[str]:
    """The cases both engines report on, as CURIEs, sorted."""
    query = (rules or load_rules()).cases
    return sorted(row[0] for row in graph.select(query.text).rows)


def check_coverage(graph: KnowledgeGraph, rules: RuleSet | None = None) -> list[str]:
    """Run the guards; return one line per row (empty when the rules cover the graph)."""
    lines: list[str] = []
    for guard in (rules or load_rules()).guards:
        for row in graph.select(guard.text).rows:
            lines.append(f"{guard.name}: {' '.join(row)}")
    return lines


def classify(graph: KnowledgeGraph, rules: RuleSet | None = None) -> Inferences:
    """Classify every case by the rules; the same memberships as HermiT where the guards pass.

    Returns:
        Inferences whose ``inferred`` graph holds the ``?case rdf:type ?class`` triples the
        rules derived (nothing about other individuals) and whose ``unsatisfiable`` is empty:
        the rules check nothing of the kind.

    Raises:
        RulesCoverageError: a guard returned rows; the message lists them.
    """
    start = time.perf_counter()
    ruleset = rules or load_rules()
    problems = check_coverage(graph, ruleset)
    if problems:
        more = len(problems) - _SHOWN
        shown = problems[:_SHOWN] + ([f"... and {more} more"] if more > 0 else [])
        raise RulesCoverageError(
            "the rule path does not translate every axiom of this graph, so it could classify "
            "cases differently from HermiT (fix: --engine hermit):\n  " + "\n  ".join(shown)
        )
    cases = case_curies(graph, ruleset)
    inferred = Graph()
    for prefix, base in PREFIXES.items():
        inferred.bind(prefix, base, override=True, replace=True)
    for rule in ruleset.rules:
        data = graph.run(rule.text, "nt")
        if data:
            inferred.parse(data=data.decode("utf-8"), format="nt")
    found: dict[str, set[str]] = {case: set() for case in cases}
    for s, o in inferred.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and contract(str(s)) in found:
            found[contract(str(s))].add(contract(str(o)))
    memberships = {case: frozenset(classes) for case, classes in found.items()}
    return Inferences(memberships, inferred, frozenset(), time.perf_counter() - start)


def choose_engine(requested: str, cases: int, consistency: bool = False) -> str:
    """The engine to run: ``requested`` unless it is ``auto``.

    ``auto`` picks HermiT when consistency must be checked (``reason --extra``) or the graph has
    at most :data:`HERMIT_MAX_CASES` cases, and the rules otherwise.

    >>> choose_engine("auto", 13), choose_engine("auto", 1000), choose_engine("rules", 13)
    ('hermit', 'rules', 'rules')
    >>> choose_engine("auto", 1000, consistency=True)
    'hermit'
    """
    if requested not in ENGINES:
        raise ValueError(f"unknown engine {requested!r}; use one of {', '.join(ENGINES)}")
    if requested != "auto":
        return requested
    return "hermit" if consistency or cases <= HERMIT_MAX_CASES else "rules"
