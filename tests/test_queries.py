import csv
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from kg.core import paths
from kg.core.errors import QueryError
from kg.graph.queries import run_query
from kg.graph.store import KnowledgeGraph
from kg.sources.ontology import load_ontology
from kg.sources.query_files import bindings_for, find_query, load_queries

QUERIES = load_queries()
CQ = sorted(n for n, q in QUERIES.items() if q.kind == "cq")
QC = sorted(n for n, q in QUERIES.items() if q.kind == "qc")
GOLDEN = Path(__file__).parent / "golden"
BAD = Path(__file__).parent / "fixtures" / "qc"


def test_there_are_queries() -> None:
    assert len(CQ) >= 8
    assert len(QC) >= 2


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_file_is_valid_sparql_with_header(name: str) -> None:
    q = QUERIES[name]
    prepareQuery(q.text)
    assert "ORDER BY" in q.text
    assert q.title and q.question and q.returns


@pytest.mark.parametrize("name", CQ)
def test_every_competency_query_has_a_golden_file(name: str) -> None:
    assert (GOLDEN / f"{name}.tsv").is_file()


def read_golden(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], [tuple(r) for r in rows[1:]]


@pytest.mark.parametrize("name", CQ)
def test_competency_answer_matches_golden(name: str, built) -> None:
    """Golden files list the expected rows for the columns they name (written from the facts)."""
    columns, expected = read_golden(GOLDEN / f"{name}.tsv")
    if not expected and "# expected: derived from the case files" in (
        GOLDEN / f"{name}.tsv"
    ).read_text(encoding="utf-8"):
        pytest.skip("answers derived from the case files: tests/test_cohort.py")
    table = run_query(name, built.graph)
    missing = [c for c in columns if c not in table.columns]
    assert not missing, f"query lacks columns {missing}"
    idx = [table.columns.index(c) for c in columns]
    got = sorted({tuple(row[i] for i in idx) for row in table.rows})
    assert got == sorted(set(expected)), f"{name}: got {got}"


@pytest.mark.parametrize("name", QC)
def test_qc_query_passes_on_the_built_graph(name: str, built) -> None:
    assert run_query(name, built.graph).rows == ()


@pytest.mark.parametrize("name", QC)
def test_qc_query_fails_on_its_bad_fixture(name: str) -> None:
    g: Graph = load_ontology()
    g.parse(BAD / f"{name}.bad.ttl", format="turtle")
    assert run_query(name, KnowledgeGraph.from_rdflib(g)).rows, f"{name} cannot fail"


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(QueryError) as info:
        find_query("cq01-case-driver-alterations")
    assert "did you mean cq01-case-driver-alteration" in str(info.value)


def test_unknown_parameter_is_rejected() -> None:
    q = find_query("cq01")
    with pytest.raises(QueryError, match="unknown parameter"):
        bindings_for(q, {"nope": "x"})


def test_parameters_are_bound_not_templated(mini) -> None:
    table = run_query("cq01", mini.graph, case="hkgd:mini-case")
    assert [r[1] for r in table.rows] == ["KIF5B-ALK"]
    assert run_query("cq01", mini.graph, case="hkgd:no-such-case").rows == ()


def test_query_dir_is_the_declared_one() -> None:
    assert all(q.path.parent.parent == paths.QUERIES_DIR for q in QUERIES.values())


def test_no_shipped_query_returns_a_contested_claim_as_support(built) -> None:
    from kg.checks.support import claims_as_support

    assert claims_as_support(built.graph, QUERIES.values()) == []


def test_the_claim_check_can_fail(built) -> None:
    """A provenance query that forgets hkg:Assertion returns a contested claim's source."""
    from dataclasses import replace

    from kg.checks.support import claims_as_support

    q = QUERIES["cq36-edge-provenance"]
    careless = q.text.replace("#+ contested: shown\n", "").replace(
        '(hkg:Assertion "asserted") (hkg:AuthorClaim "contested")', '(hkg:AuthorClaim "asserted")'
    )
    careless = careless.replace(
        "VALUES ?s { CHEBI:567361 }", "VALUES ?s { <http://purl.obolibrary.org/obo/MONDO_0015534> }"
    ).replace("VALUES ?p { hkg:applied_to_treat }", "VALUES ?p { hkg:involves_site }")
    careless = careless.replace(
        "VALUES ?o { hkgd:seed-alk-h-infant }",
        "VALUES ?o { <http://purl.obolibrary.org/obo/UBERON_0001017> }",
    )
    bad = replace(q, text=careless, params=())
    assert claims_as_support(built.graph, [bad]) == [q.name]


def test_provenance_marks_a_contested_claim(built) -> None:
    table = run_query(
        "cq36", built.graph, s="MONDO:0015534", p="hkg:involves_site", o="UBERON:0001017"
    )
    rows = table.as_dicts()
    contested = [r for r in rows if r["status"] == "contested"]
    assert contested and all(r["corrected_by"] for r in contested)
    assert all(r["status"] in ("asserted", "contested") for r in rows)
