import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from kg.core.files import write_atomic
from kg.formats.rdf import jsonld_bytes, ntriples_bytes, turtle_bytes

BUILD_SNIPPET = (
    "import sys; from kg.graph.build import build_graph; from kg.formats.rdf import turtle_bytes; "
    "sys.stdout.buffer.write(turtle_bytes(build_graph().graph))"
)


def test_turtle_binds_prefixes_and_uses_lf(built) -> None:
    data = turtle_bytes(built.graph)
    assert b"@prefix MONDO:" in data and b"@prefix hkg:" in data
    assert b"ns1:" not in data
    assert b"\r\n" not in data


def test_two_builds_give_the_same_bytes() -> None:
    outs = [
        subprocess.run(
            [sys.executable, "-c", BUILD_SNIPPET], check=True, capture_output=True
        ).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def canonical(data: bytes, fmt: pyoxigraph.RdfFormat) -> list[str]:
    """The triples of ``data`` with RDFC-1.0 blank-node labels: equal lists, isomorphic graphs."""
    dataset = pyoxigraph.Dataset(
        pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph())
        for t in pyoxigraph.parse(data, format=fmt)
    )
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q) for q in dataset)


def rdflib_canonical(g: Graph) -> list[str]:
    return canonical(g.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)


def test_turtle_read_back_by_pyoxigraph_and_rdflib(built) -> None:
    data = turtle_bytes(built.graph)
    reference = canonical(ntriples_bytes(built.graph), pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(reference) == len(built.graph)
    assert canonical(data, pyoxigraph.RdfFormat.TURTLE) == reference
    assert rdflib_canonical(Graph().parse(data=data, format="turtle")) == reference


def test_ntriples_and_jsonld_round_trip(built) -> None:
    reference = canonical(turtle_bytes(built.graph), pyoxigraph.RdfFormat.TURTLE)
    nt = Graph().parse(data=ntriples_bytes(built.graph), format="nt")
    jl = Graph().parse(data=jsonld_bytes(built.graph), format="json-ld")
    assert rdflib_canonical(nt) == reference
    assert rdflib_canonical(jl) == reference
    assert canonical(jsonld_bytes(built.graph), pyoxigraph.RdfFormat.JSON_LD) == reference


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(target, None)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_graphml_read_back_by_networkx_matches_the_projection(built) -> None:
    import io

    import networkx as nx

    from kg.formats.interchange import graphml_bytes, sorted_projection

    back = nx.read_graphml(io.BytesIO(graphml_bytes(built.graph)), force_multigraph=True)
    projection = sorted_projection(built.graph)
    assert back.number_of_nodes() == projection.number_of_nodes()
    assert back.number_of_edges() == projection.number_of_edges()
    assert back.nodes["CHEBI:64310"]["label"] == "crizotinib"
    predicates = {d["predicate"] for _, _, d in back.edges(data=True)}
    assert "hkg:has_target" in predicates


def test_kgx_tables_use_biolink_and_cite_publications(built) -> None:
    import csv

    from kg.formats.interchange import kgx_tables, sorted_projection

    nodes_tsv, edges_tsv = kgx_tables(built.graph)
    nodes = list(csv.DictReader(nodes_tsv.decode().splitlines(), delimiter="\t"))
    edges = list(csv.DictReader(edges_tsv.decode().splitlines(), delimiter="\t"))
    projection = sorted_projection(built.graph)
    assert len(nodes) == projection.number_of_nodes()
    assert len(edges) == projection.number_of_edges()
    assert all(e["predicate"].startswith("biolink:") for e in edges)
    assert all(n["category"].startswith("biolink:") for n in nodes)
    by_id = {n["id"]: n for n in nodes}
    assert by_id["MONDO:0022338"]["category"] == "biolink:Disease"
    treats = [e for e in edges if e["original_predicate"] == "biolink:treats"]
    assert treats and all(e["publications"] for e in treats)
    applied = [e for e in edges if e["original_predicate"] == "hkg:applied_to_treat"]
    assert applied and all(e["predicate"] == "biolink:applied_to_treat" for e in applied)


def test_release_bundle_has_every_format_and_a_true_manifest(built, tmp_path: Path) -> None:
    import hashlib
    import json

    from kg.formats.release import write_release

    out = tmp_path / "release"
    written = write_release(built.graph, out, {"triples": len(built.graph)})
    names = {p.relative_to(out).as_posix() for p in written}
    assert {"histiokg.ttl", "histiokg.nt", "histiokg.jsonld", "histiokg.graphml"} <= names
    assert {"kgx/nodes.tsv", "kgx/edges.tsv", "manifest.json"} <= names
    assert "phenopackets/seed-alk-h-infant.json" in names
    # the coverage tables are docs/coverage.md's: one row per category, one per disorder
    inventory = (out / "coverage-inventory.tsv").read_text(encoding="utf-8").splitlines()
    assert inventory[0].split("\t")[0] == "category"
    assert {line.split("\t")[0] for line in inventory[1:]} >= {"disorder", "drug", "marker"}
    by_disorder = (out / "coverage-by-disorder.tsv").read_text(encoding="utf-8").splitlines()
    assert any("MONDO:0022338" in line for line in by_disorder[1:])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["triples"] == len(built.graph)
    for path, meta in manifest["files"].items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == meta["sha256"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging left behind"
