"""Commands that ask the graph: the query files, SPARQL, and networkx traversals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.cli.common import (
    cli,
    format_table,
    open_graph,
    parse_params,
    term_index,
)
from kg.core.errors import QueryError
from kg.core.paths import rel
from kg.graph.remote import RemoteGraph
from kg.graph.store import KnowledgeGraph
from kg.sources.query_files import (
    bind,
    bindings_for,
    find_query,
    load_queries,
    refuse_service,
)


@cli.command("queries")
def list_queries() -> None:
    """List the SPARQL queries with their titles and questions.

    Example: histiokg queries
    """
    for name, q in load_queries().items():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
        click.echo(
            f"{name}\n  {q.title}\n  Q: {q.question}" + (f"\n  params: {params}" if params else "")
        )


QUERY_FORMATS = ("table", "tsv", "csv", "json", "sparql-json", "sparql-xml", "ttl", "nt")
_RAW = {"sparql-json": "json", "sparql-xml": "xml", "ttl": "ttl", "nt": "nt"}


def _resolve_query(name: str | None, text: str | None, params: dict[str, str]) -> str:
    """The SPARQL text to run, with parameters bound: a named query, a .rq file, or text."""
    if text is not None:
        if name:
            raise click.UsageError("give a query name or file, or -e TEXT, not both")
        refuse_service(text, "-e")
        return bind(text, params, "-e") if params else text
    if not name:
        raise click.UsageError("give a query name (histiokg queries), a .rq file or -e TEXT")
    path = Path(name)
    if name.endswith(".rq") or path.is_file():
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 (byte 0x{exc.object[exc.start]:02X} at offset {exc.start})"
            raise click.UsageError(f"cannot read {name}: {reason}; save it as UTF-8") from exc
        except OSError as exc:
            raise click.UsageError(f"cannot read {name}: {exc.strerror or exc}") from exc
        refuse_service(source, name)
        return bind(source, params, name) if params else source
    q = find_query(name)
    refuse_service(q.text, rel(q.path))
    return bind(q.text, bindings_for(q, params), rel(q.path))


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", "text", help="SPARQL text to run instead of a named query.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="Bind a query parameter.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default="table",
    show_default=True,
    help="table/tsv/csv/json for SELECT (CURIEs); sparql-json/sparql-xml as the standard "
    "results; ttl/nt for CONSTRUCT and DESCRIBE.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Ask this SPARQL endpoint instead of the built store (e.g. http://127.0.0.1:7878/query).",
)
@click.option(
    "--graph",
    "default_graph",
    metavar="IRI",
    help="With --endpoint: the graph the build was loaded into (sent as default-graph-uri).",
)
def query(
    name: str | None,
    text: str | None,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    default_graph: str | None,
) -> None:
    """Run a named query (stem or prefix such as cq01), a .rq file, or SPARQL text (-e).

    Parameters are bound into the query's 'VALUES ?name { ... }' clauses as RDF terms.
    With --endpoint the same query runs on any SPARQL 1.1 endpoint, with the same table.
    Example: histiokg query cq01 --param case=hkgd:seed-alk-h-infant --format tsv
    """
    sparql = _resolve_query(name, text, parse_params(params))
    if default_graph and not endpoint:
        raise click.UsageError("--graph goes with --endpoint")
    graph: KnowledgeGraph | RemoteGraph = (
        RemoteGraph(endpoint, default_graph) if endpoint else open_graph()
    )
    try:
        if fmt in _RAW:
            click.echo(graph.run(sparql, _RAW[fmt]).decode("utf-8"), nl=False)
            return
        click.echo(format_table(graph.select(sparql), fmt))
    except QueryError as exc:
        raise exc.located(name or "-e") from exc


@cli.group()
def traverse() -> None:
    """Graph traversals on the networkx projection.

    Example: histiokg traverse path hkgd:seed-alk-h-infant crizotinib
    """


@traverse.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--exclude", multiple=True, metavar="PREDICATE", help="Predicate CURIE to ignore.")
@click.option("--only", multiple=True, metavar="PREDICATE", help="Follow only these predicates.")
@click.option("--limit", default=10, show_default=True, help="Most paths to show.")
def traverse_path(
    source: str, target: str, exclude: tuple[str, ...], only: tuple[str, ...], limit: int
) -> None:
    """Explain every shortest path between two nodes, edge by edge, with labels and sources.

    Example: histiokg traverse path hkgd:seed-alk-h-infant crizotinib --exclude hkg:discussed_for
    """
    from kg.answers.traverse import (
        NodeNotFoundError,
        shortest_paths,
    )

    graph = open_graph()
    try:
        found = shortest_paths(graph, source, target, exclude, limit, only)
    except NodeNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    if not found:
        click.echo(f"no path between {source} and {target}")
        return
    for number, edges in enumerate(found, start=1):
        click.echo(f"path {number} ({len(edges)} edges):")
        for edge in edges:
            click.echo("  " + edge.sentence())


@traverse.command("neighbours")
@click.argument("node")
@click.option("--radius", default=1, show_default=True)
@click.option("--predicate", "predicates", multiple=True, help="Only these predicates (CURIEs).")
@click.option(
    "--type", "categories", multiple=True, help="Only neighbours of this class, e.g. hkg:Drug."
)
def traverse_neighbours(
    node: str, radius: int, predicates: tuple[str, ...], categories: tuple[str, ...]
) -> None:
    """The ego graph around a node, edge by edge.

    Example: histiokg traverse neighbours HGNC:427 --radius 1 --type hkg:Drug
    """
    from kg.answers.traverse import (
        NodeNotFoundError,
        neighbours,
    )

    graph = open_graph()
    try:
        edges = neighbours(graph, node, radius, predicates, categories)
    except NodeNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    for edge in edges:
        click.echo(edge.sentence())


@traverse.command("ancestors")
@click.argument("disease")
def traverse_ancestors(disease: str) -> None:
    """Every superclass of a disease in the curated hierarchy.

    Example: histiokg traverse ancestors MONDO:0022338
    """
    from kg.answers.traverse import (
        ancestors,
    )

    _print_nodes(open_graph(), ancestors, disease)


@traverse.command("descendants")
@click.argument("disease")
def traverse_descendants(disease: str) -> None:
    """Every subclass of a disease in the curated hierarchy.

    Example: histiokg traverse descendants MONDO:0002637
    """
    from kg.answers.traverse import (
        descendants,
    )

    _print_nodes(open_graph(), descendants, disease)


def _print_nodes(graph: KnowledgeGraph, fn: Callable[[Any, str], list[str]], disease: str) -> None:
    from kg.answers.traverse import (
        NodeNotFoundError,
    )

    try:
        nodes = fn(graph, disease)
    except NodeNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    for node in nodes:
        click.echo(f"{node}\t{term_index().label(node)}")


@traverse.command("similar")
@click.argument("case")
@click.option("--top", default=5, show_default=True)
def traverse_similar(case: str, top: int) -> None:
    """Cases most like a case (driver, markers, sites, age), with what they share and not.

    Example: histiokg traverse similar hkgd:seed-alk-h-infant --top 3
    """
    from kg.answers.similarity import similar_cases

    graph = open_graph()
    try:
        found = similar_cases(graph, case, top)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from exc
    for s in found:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in s.parts.items())
        click.echo(f"{s.score:.3f}  {s.case}  {s.label}\n  parts: {parts}")
        click.echo(
            f"  shared: {'; '.join(s.shared) or '-'}\n  differing: {'; '.join(s.differing) or '-'}"
        )


@traverse.command("hubs")
@click.option("--top", default=15, show_default=True)
@click.option("--type", "category", default="", help="Only nodes of this class, e.g. hkg:Disease.")
def traverse_hubs(top: int, category: str) -> None:
    """The most connected nodes of the graph.

    Example: histiokg traverse hubs --top 10 --type hkg:Drug
    """
    from kg.answers.traverse import (
        hubs,
    )

    for hub in hubs(open_graph(), top, category):
        click.echo(f"{hub.degree:5d}  {hub.node}  {hub.label}  ({hub.category})")
