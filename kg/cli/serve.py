"""Commands that put the graph on the network: serve it as a SPARQL endpoint, load it into one."""

from __future__ import annotations

import click

from kg.cli.common import cli, err, open_graph
from kg.core import paths
from kg.core.paths import rel
from kg.formats.sparql_proxy import Limits, ProxyServer, serve
from kg.graph.remote import CHUNK_BYTES, Credentials, push_ntriples
from kg.graph.server import ServerProcess, start_oxigraph

#: Graph the build is loaded into by default on a server that holds other graphs too.
DEFAULT_GRAPH = "https://w3id.org/histiokg/graph"


@cli.command("serve")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep the loopback address unless a reverse proxy is in front.",
)
@click.option(
    "--timeout",
    "timeout_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Query time limit in seconds (504 after it).",
)
@click.option(
    "--max-result-mb",
    default=32.0,
    show_default=True,
    type=click.FloatRange(0.001),
    help="Largest result served, in MiB (403 over it: add a LIMIT).",
)
@click.option(
    "--max-request-kb",
    default=256.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Largest request body, in KiB (413 over it).",
)
@click.option("--log/--no-log", default=False, help="Log every request on stderr.")
def serve_command(
    port: int,
    host: str,
    timeout_s: float,
    max_result_mb: float,
    max_request_kb: float,
    log: bool,
) -> None:
    """Serve the built graph as a read-only SPARQL 1.1 endpoint (the Oxigraph server, guarded).

    Queries: GET or POST (form or application/sparql-query) at /query, answers in SPARQL
    JSON/XML/CSV/TSV or Turtle by the Accept header; a query page that works offline at /.
    Updates, SERVICE calls, oversized requests and results, and slow queries are refused
    (docs/serving.md lists the status codes). Runs until Ctrl-C.
    Example: histiokg serve --port 7878
    """
    open_graph()  # rebuild first if a source changed
    limits = Limits(timeout_s, int(max_result_mb * 1024 * 1024), int(max_request_kb * 1024))

    def start() -> ServerProcess:
        # the server's own timeout ends a response early with status 200: let the proxy's come first
        server = start_oxigraph(paths.STORE_DIR, timeout_s=int(timeout_s) + 10)
        err(f"started the Oxigraph server (oxigraph pid {server.pid}) on {server.base_url}")
        return server

    def ready(proxy: ProxyServer) -> None:
        err(f"serving {rel(paths.STORE_DIR)} read-only at {proxy.url}/query (page: {proxy.url}/)")
        err(
            f"limits: {limits.timeout_s:g} s per query, {limits.max_result_bytes} bytes per "
            f"result, {limits.max_request_bytes} bytes per request; Ctrl-C stops"
        )

    try:
        serve(start, host, port, limits, err if log else None, ready)
    except KeyboardInterrupt:
        err("stopped")
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


@cli.command("load")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
    "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    default=None,
    help="Named graph to replace with the build (default: the endpoint's default graph).",
)
@click.option(
    "--chunk-mb",
    default=CHUNK_BYTES / 1024 / 1024,
    show_default=True,
    type=click.FloatRange(0.01),
    help="Size of one request; the first replaces the graph, the next add to it.",
)
@click.option("--user", envvar="HISTIOKG_ENDPOINT_USER", help="HTTP user (digest or basic).")
@click.option(
    "--password",
    envvar="HISTIOKG_ENDPOINT_PASSWORD",
    help="HTTP password (better: the environment variable HISTIOKG_ENDPOINT_PASSWORD).",
)
def load_command(
    endpoint: str, graph_iri: str | None, chunk_mb: float, user: str | None, password: str | None
) -> None:
    """Replace a graph on a SPARQL server with the build, through the Graph Store Protocol.

    Sends N-Triples in chunks (PUT, then POST). For builds of many millions of triples on
    Virtuoso, its bulk loader is faster: docs/serving.md.

    Example: histiokg load --endpoint http://127.0.0.1:7879/store
    """
    graph = open_graph()
    data = graph.dump_ntriples()
    credentials = Credentials(user, password or "") if user else None
    requests = push_ntriples(
        endpoint, data, graph_iri, int(chunk_mb * 1024 * 1024), credentials=credentials
    )
    target = f"<{graph_iri}>" if graph_iri else "the default graph"
    err(f"loaded {len(graph)} triples into {target} at {endpoint} in {requests} request(s)")
