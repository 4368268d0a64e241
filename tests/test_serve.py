"""``histiokg serve``, ``query --endpoint`` and ``load`` against the real Oxigraph server.

Every server here is started by the test on 127.0.0.1 and stopped by its process id: the
``histiokg serve`` command as a subprocess (as a user runs it), the guarding proxy in-process
(to watch its server processes), and a writable ``oxigraph serve`` for the Graph Store Protocol.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest
from endpoints import CQ_NAMES, GRAPH, http

from kg.cli.main import main
from kg.core import paths
from kg.formats.sparql_proxy import Limits, ProxyServer, Upstream, uses_service
from kg.graph.persistent import open_store
from kg.graph.remote import RemoteGraph
from kg.graph.server import ServerProcess, answers, free_port, start_oxigraph
from kg.graph.store import KnowledgeGraph
from kg.sources.query_files import bindings_for, find_query

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: A cross product no engine finishes in a second.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def embedded() -> KnowledgeGraph:
    return open_store()


@pytest.fixture(scope="module")
def served(embedded: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``histiokg serve`` as a subprocess; yields its base URL; stops it and checks its server."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(port), "--timeout", "20"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=paths.ROOT,
        )
        deadline = time.monotonic() + 120
        while not answers("127.0.0.1", port, "/query?query=ASK%7B%7D"):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
        backend = int(log_path.read_text().rsplit("oxigraph pid ", 1)[1].split(")")[0])
        process.terminate()
        assert process.wait(20) == 0, log_path.read_text()
    assert "stopped" in log_path.read_text()
    with pytest.raises(ProcessLookupError):
        os.kill(backend, 0)  # the Oxigraph server went with it


def query_url(base: str, sparql: str) -> str:
    return f"{base}/query?{urllib.parse.urlencode({'query': sparql})}"


# ---------------------------------------------------------------- same answers


@pytest.mark.parametrize("name", CQ_NAMES)
def test_competency_query_same_on_the_served_store(
    name: str, embedded: KnowledgeGraph, served: str
) -> None:
    q = find_query(name)
    bindings = bindings_for(q, {})
    assert RemoteGraph(f"{served}/query").select(q.text, bindings) == embedded.select(
        q.text, bindings
    )


def test_query_command_with_endpoint_prints_the_embedded_table(served: str, capsys) -> None:
    assert main(["query", "cq01", "--format", "tsv"]) == 0
    local = capsys.readouterr().out
    assert main(["query", "cq01", "--format", "tsv", "--endpoint", f"{served}/query"]) == 0
    assert capsys.readouterr().out == local
    assert "KIF5B-ALK" in local


def test_query_command_with_an_unreachable_endpoint_exits_2(capsys) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["query", "cq01", "--endpoint", url]) == 2
    assert "cannot reach" in capsys.readouterr().err


# ---------------------------------------------------------------- the protocol


@pytest.mark.parametrize(
    ("accept", "kind", "start"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", b"{"),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
        ("text/csv", "text/csv", b"n\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?n\n"),
    ],
)
def test_select_results_by_content_negotiation(served: str, accept, kind, start) -> None:
    reply = http("GET", query_url(served, COUNT), headers={"Accept": accept})
    assert reply.status == 200 and reply.content_type.startswith(kind)
    assert reply.body.startswith(start)


def test_construct_as_turtle_and_both_kinds_of_post(served: str, embedded) -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
    turtle = http("GET", query_url(served, construct), headers={"Accept": "text/turtle"})
    assert turtle.status == 200 and turtle.content_type.startswith("text/turtle")
    assert turtle.body.count(b" .\n") >= 1
    form = http(
        "POST",
        f"{served}/query",
        urllib.parse.urlencode({"query": COUNT}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    direct = http(
        "POST",
        f"{served}/query",
        COUNT.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert form.status == direct.status == 200
    assert form.body == direct.body == f"n\r\n{len(embedded)}\r\n".encode()


def test_query_page_works_offline(served: str) -> None:
    page = http("GET", f"{served}/")
    assert page.status == 200 and b"<html" in page.body.lower()
    assets = [
        a.decode() for a in page.body.split(b'"') if a.startswith((b"./", b"/")) and b"." in a
    ]
    assert assets and not [a for a in page.body.split(b'"') if a.startswith(b"http")]
    for asset in assets:
        assert http("GET", f"{served}/{asset.lstrip('./')}").status == 200, asset


# ---------------------------------------------------------------- bad requests


def test_bad_requests_get_their_status_and_the_server_keeps_serving(served: str) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = {
        "malformed": (400, http("GET", query_url(served, "SELEC ?x WHERE {"))),
        "update": (
            403,
            http("POST", f"{served}/update", b"update=INSERT+DATA+%7B%7D", form),
        ),
        "update to /query": (
            403,
            http("POST", f"{served}/query", b"update=INSERT+DATA+%7B%7D", form),
        ),
        "sparql-update body": (
            403,
            http(
                "POST",
                f"{served}/query",
                b"INSERT DATA {}",
                {"Content-Type": "application/sparql-update"},
            ),
        ),
        "service": (
            403,
            http(
                "GET",
                query_url(served, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
            ),
        ),
        "oversized": (
            413,
            http(
                "POST",
                f"{served}/query",
                b"#" * (300 * 1024),
                {"Content-Type": "application/sparql-query"},
            ),
        ),
        "put": (405, http("PUT", f"{served}/query", b"x")),
        "media type": (415, http("POST", f"{served}/query", b"x", {"Content-Type": "text/x"})),
        "graph store write": (403, http("POST", f"{served}/store", b"", form)),
    }
    wrong = {k: (want, got.status) for k, (want, got) in cases.items() if got.status != want}
    assert not wrong
    assert b"SERVICE" in cases["service"][1].body and b"read-only" in cases["update"][1].body
    assert http("GET", query_url(served, COUNT)).status == 200


def test_post_without_length_is_411(served: str) -> None:
    host, port = served.removeprefix("http://").split(":")
    connection = HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/query")
    connection.putheader("Content-Type", "application/sparql-query")
    connection.endheaders()
    assert connection.getresponse().status == 411
    connection.close()


def test_uses_service_sees_the_keyword_only() -> None:
    assert uses_service("select * where { service  silent <x:y> { ?s ?p ?o } }")
    assert uses_service("SELECT * {\n  SERVICE\n?endpoint { ?s ?p ?o } }")
    assert not uses_service('SELECT * { ?s <http://x/SERVICE> "a SERVICE b" } # SERVICE')
    assert not uses_service("PREFIX service: <x:> SELECT ?service { ?service service:p ?o }")


# ---------------------------------------------------------------- limits, in-process


@pytest.fixture
def guarded(embedded) -> Iterator[tuple[ProxyServer, list[ServerProcess]]]:
    """The proxy in a thread with tight limits, and every server process it started."""
    started: list[ServerProcess] = []

    def start() -> ServerProcess:
        started.append(start_oxigraph(paths.STORE_DIR, timeout_s=60))
        return started[-1]

    upstream = Upstream(start)
    proxy = ProxyServer(("127.0.0.1", 0), upstream, Limits(1.0, 100_000, 4096))
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield proxy, started
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(10)
        upstream.close()
        assert not [s for s in started if s.alive()]


def test_query_over_the_time_limit_is_504_and_its_process_is_replaced(guarded) -> None:
    proxy, started = guarded
    began = time.monotonic()
    slow = http("GET", query_url(proxy.url, SLOW))
    assert slow.status == 504 and b"time limit" in slow.body
    assert time.monotonic() - began < 15
    assert http("GET", query_url(proxy.url, COUNT)).status == 200
    assert len(started) == 2 and not started[0].alive() and started[1].alive()


def test_result_over_the_size_limit_is_403_not_a_cut_result(guarded) -> None:
    proxy, _ = guarded
    big = http("GET", query_url(proxy.url, "SELECT * WHERE { ?s ?p ?o }"))
    assert big.status == 403 and b"size limit" in big.body
    assert http("GET", query_url(proxy.url, COUNT)).status == 200


# ---------------------------------------------------------------- under load


def load_module():
    spec = importlib.util.spec_from_file_location(
        "serve_load", paths.ROOT / "benchmarks" / "serve_load.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["serve_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_two_thousand_queries_from_eight_clients_without_a_failure(served: str) -> None:
    report = load_module().run_load(served, total=2000, clients=8)
    assert report.failures == []
    assert len(report.latencies_ms) == 2000
    assert report.throughput > 0 and 0 < report.percentile(50) <= report.percentile(95)
    assert "p95" in report.markdown()


# ---------------------------------------------------------------- the Graph Store Protocol


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-rw"), read_only=False)
    yield server
    server.stop()
    assert not server.alive()


@pytest.fixture(scope="module")
def loaded(writable: ServerProcess, embedded) -> RemoteGraph:
    """The build pushed into a named graph of a writable Oxigraph server, in several chunks."""
    endpoint = f"{writable.base_url}/store"
    code = main(["load", "--endpoint", endpoint, "--graph", GRAPH, "--chunk-mb", "0.5"])
    assert code == 0
    return RemoteGraph(f"{writable.base_url}/query", default_graph=GRAPH)


def test_load_pushes_every_triple_in_chunks(loaded: RemoteGraph, embedded) -> None:
    assert loaded.select(COUNT).rows == ((str(len(embedded)),),)
    blank = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
    assert loaded.select(blank) == embedded.select(blank)


def test_load_again_replaces_the_graph(writable: ServerProcess, loaded, embedded) -> None:
    endpoint = f"{writable.base_url}/store"
    assert main(["load", "--endpoint", endpoint, "--graph", GRAPH]) == 0
    assert loaded.select(COUNT).rows == ((str(len(embedded)),),)


@pytest.mark.parametrize("name", CQ_NAMES)
def test_competency_query_same_after_load(name: str, loaded: RemoteGraph, embedded) -> None:
    q = find_query(name)
    bindings = bindings_for(q, {})
    assert loaded.select(q.text, bindings) == embedded.select(q.text, bindings)


def test_sparql_json_of_the_endpoint_is_standard(loaded: RemoteGraph) -> None:
    doc = json.loads(loaded.run(COUNT, "json"))
    assert doc["head"]["vars"] == ["n"]


def test_bench_report_is_written_by_the_benchmark_script() -> None:
    report = Path(paths.ROOT / "benchmarks" / "serve-load.md").read_text(encoding="utf-8")
    assert "throughput" in report and "p95" in report and "failed requests: 0" in report
