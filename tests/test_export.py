import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from kg.export import jsonld_bytes, ntriples_bytes, turtle_bytes, write_atomic

BUILD_SNIPPET = (
    "import sys; from kg.build import build_graph; from kg.export import turtle_bytes; "
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


def test_turtle_read_back_by_pyoxigraph_and_rdflib(built) -> None:
    data = turtle_bytes(built.graph)
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(built.graph)
    back = Graph().parse(data=data, format="turtle")
    assert isomorphic(back, built.graph.rdflib_graph())


def test_ntriples_and_jsonld_round_trip(built) -> None:
    nt = Graph().parse(data=ntriples_bytes(built.graph), format="nt")
    jl = Graph().parse(data=jsonld_bytes(built.graph), format="json-ld")
    reference = to_isomorphic(built.graph.rdflib_graph())
    assert to_isomorphic(nt) == reference
    assert to_isomorphic(jl) == reference
    store = pyoxigraph.Store()
    store.load(ntriples_bytes(built.graph), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(built.graph)


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(target, None)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
