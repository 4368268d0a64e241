"""Commands that ask the graph: the query files, SPARQL, and networkx traversals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kg.answers.similarity import similar_cases
from kg.answers.traverse import (
    NodeNotFoundError,
    ancestors,
    descendants,
    hubs,
    neighbours,
    shortest_paths,
)
from kg.cli.common import (
    cli,
    format_option,
    format_table,
    load_built,
    parse_params,
)
from kg.graph.build import Built
from kg.sources.query_files import bindings_for, find_query, load_queries


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


@cli.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="K=V", help="Bind a query parameter.")
@format_option
def query(name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a named query (stem or prefix such as cq01) on the built graph.

    Example: histiokg query cq01 --param case=hkgd:seed-alk-h-infant --format tsv
    """
    q = find_query(name)
    bindings = bindings_for(q, parse_params(params))
    built = load_built()
    click.echo(format_table(built.graph.select(q.text, bindings), fmt))


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
    built = load_built()
    try:
        found = shortest_paths(built.graph, source, target, exclude, limit, only)
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
    built = load_built()
    try:
        edges = neighbours(built.graph, node, radius, predicates, categories)
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
    _print_nodes(load_built(), ancestors, disease)


@traverse.command("descendants")
@click.argument("disease")
def traverse_descendants(disease: str) -> None:
    """Every subclass of a disease in the curated hierarchy.

    Example: histiokg traverse descendants MONDO:0002637
    """
    _print_nodes(load_built(), descendants, disease)


def _print_nodes(built: Built, fn: Callable[[Any, str], list[str]], disease: str) -> None:
    try:
        nodes = fn(built.graph, disease)
    except NodeNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    for node in nodes:
        click.echo(f"{node}\t{built.index.label(node)}")


@traverse.command("similar")
@click.argument("case")
@click.option("--top", default=5, show_default=True)
def traverse_similar(case: str, top: int) -> None:
    """Cases most like a case (driver, markers, sites, age), with what they share and not.

    Example: histiokg traverse similar hkgd:seed-alk-h-infant --top 3
    """
    built = load_built()
    try:
        found = similar_cases(built.graph, case, top)
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
    for hub in hubs(load_built().graph, top, category):
        click.echo(f"{hub.degree:5d}  {hub.node}  {hub.label}  ({hub.category})")
