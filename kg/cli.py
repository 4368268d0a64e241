"""The histiokg command line: the only module that prints, parses arguments or sets exit codes.

Exit codes: 0 OK; 1 the data fails validation or a QC query returns rows; 2 usage or source error
(bad file, bad CURIE, unknown query) with file:line and the fix; 3 unexpected internal error.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__, paths
from kg.build import Built, build_graph
from kg.cases import load_case
from kg.curation import rel
from kg.diagnose import (
    FindingParseError,
    findings_from_case,
    parse_age,
    parse_findings,
    rank_disorders,
)
from kg.errors import KGError, SourceError, ValidationError
from kg.export import (
    DIRECTORY_FORMATS,
    FORMATS,
    gap_report_bytes,
    write_atomic,
    write_graph,
    write_kgx,
    write_release,
)
from kg.options import case_options, drug_options
from kg.phenopackets import write_phenopackets
from kg.queries import bindings_for, find_query, load_queries
from kg.reasoning import reason as run_reasoner
from kg.reasoning import write_inferred
from kg.similarity import similar_cases
from kg.store import ResultTable
from kg.terms import UnknownTermError
from kg.traverse import (
    NodeNotFoundError,
    ancestors,
    descendants,
    hubs,
    neighbours,
    shortest_paths,
)
from kg.validate import validate_graph

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
#: The predicates of a molecular mechanism: case -> driver -> partner gene <- drug target.
MECHANISM = (
    "hkg:has_driver_alteration",
    "hkg:five_prime_partner",
    "hkg:three_prime_partner",
    "hkg:variant_of_gene",
    "hkg:has_target",
)
F = TypeVar("F", bound=Callable[..., Any])


def err(message: str) -> None:
    """Print to stderr."""
    click.echo(message, err=True)


def format_table(table: ResultTable, fmt: str) -> str:
    """Render query results as an aligned table, TSV or JSON."""
    if fmt == "json":
        return json.dumps(table.as_dicts(), indent=2, ensure_ascii=False)
    if fmt == "tsv":
        lines = ["\t".join(table.columns)] + ["\t".join(row) for row in table.rows]
        return "\n".join(lines)
    if not table.rows:
        return "(no rows)"
    width = [
        min(60, max(len(c), *(len(r[i]) for r in table.rows))) for i, c in enumerate(table.columns)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
            for c, w in zip(cells, width, strict=True)
        ).rstrip()

    out = [line(table.columns), line(["-" * w for w in width])]
    out += [line(r) for r in table.rows]
    return "\n".join(out)


def _build() -> Built:
    err("building the graph ...")
    built = build_graph()
    err(
        f"built {len(built.graph)} triples from {len(built.curation.statements)} curated "
        "statements "
        f"and {len(built.cases)} case(s)"
    )
    return built


def _validate(built: Built) -> None:
    report = validate_graph(built.graph)
    err(report.summary())
    if not report.ok:
        raise ValidationError(report.summary(), report.failures)


def _parse_params(params: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param needs k=v, got {item!r}")
        key, value = item.split("=", 1)
        out[key.strip().lstrip("?")] = value.strip()
    return out


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "json"]),
    default="table",
    show_default=True,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="histiokg")
@click.option("--stacktrace", is_flag=True, help="Show Python tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, stacktrace: bool) -> None:
    """histiokg: an open, cited knowledge graph of histiocytic disorders.

    Example: histiokg demo
    """
    ctx.obj = {"stacktrace": stacktrace}


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=paths.BUILD_TTL, show_default=True)
def build(out: Path) -> None:
    """Build the graph from ontology/ and kg/data/ and write it as Turtle.

    Example: histiokg build --out build/histiokg.ttl
    """
    built = _build()
    size = write_graph(built.graph, out, "ttl")
    err(f"wrote {out} ({size} bytes)")
    _write_gaps(built)


def _write_gaps(built: Built) -> None:
    data = gap_report_bytes(built.graph)
    write_atomic(paths.BUILD_GAPS, data)
    terms = len(data.splitlines()) - 1
    err(f"wrote {rel(paths.BUILD_GAPS)} ({terms} terms without a standard ID)")


@cli.command()
def validate() -> None:
    """Build the graph, check its SHACL shapes and run every QC query (exit 1 on failure).

    Example: histiokg validate
    """
    _validate(_build())


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
    bindings = bindings_for(q, _parse_params(params))
    built = _build()
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
    built = _build()
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
    built = _build()
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
    _print_nodes(_build(), ancestors, disease)


@traverse.command("descendants")
@click.argument("disease")
def traverse_descendants(disease: str) -> None:
    """Every subclass of a disease in the curated hierarchy.

    Example: histiokg traverse descendants MONDO:0002637
    """
    _print_nodes(_build(), descendants, disease)


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
    built = _build()
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
    for hub in hubs(_build().graph, top, category):
        click.echo(f"{hub.degree:5d}  {hub.node}  {hub.label}  ({hub.category})")


@cli.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=paths.BUILD_INFERRED, show_default=True
)
@click.option(
    "--extra",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Turtle to add before reasoning (e.g. a hypothesis to check for consistency).",
)
def reason(out: Path, extra: Path | None) -> None:
    """Classify cases with HermiT (OWL); write inferred triples apart from the asserted ones.

    Exit 1 if the ontology plus data is inconsistent, naming the clashing individuals.
    Example: histiokg reason --out build/histiokg-inferred.ttl
    """
    built = _build()
    if extra is not None:
        built.graph.rdflib_graph().parse(extra, format="turtle")
    result = run_reasoner(built.graph)
    size = write_inferred(result, out)
    err(f"HermiT: consistent, {len(result.inferred)} inferred triples in {result.seconds:.1f} s")
    err(f"wrote {rel(out)} ({size} bytes)")
    for case_iri, classes in sorted(result.memberships.items()):
        click.echo(f"{case_iri}\t{', '.join(sorted(classes))}")


@cli.command()
@click.argument("markers", nargs=-1)
@click.option(
    "--case", "case_file", type=click.Path(exists=True, path_type=Path), help="A case file."
)
@click.option("--age", help="Age at presentation, e.g. 2m, 6w, 45y.")
@click.option("--alteration", "alterations", multiple=True, help="A driver found, e.g. KIF5B-ALK.")
@click.option("--site", "sites", multiple=True, help="An involved site, e.g. skin.")
@click.option("--finding", "features", multiple=True, help="A finding, e.g. emperipolesis.")
@click.option("--top", default=5, show_default=True)
@click.option("--explain/--no-explain", default=True, show_default=True)
def diagnose(
    markers: tuple[str, ...],
    case_file: Path | None,
    age: str | None,
    alterations: tuple[str, ...],
    sites: tuple[str, ...],
    features: tuple[str, ...],
    top: int,
    explain: bool,
) -> None:
    """Rank histiocytic disorders by fit to a marker profile (method: docs/methods.md).

    Example: histiokg diagnose ALK+ CD1a- langerin- S100- CD68+ --age 2m --alteration KIF5B-ALK
    """
    built = _build()
    years: float | None
    try:
        if case_file is not None:
            findings, years = findings_from_case(load_case(case_file, built.index), built.index)
        else:
            findings = parse_findings(markers, built.index, alterations, sites, features)
            years = parse_age(age) if age else None
    except (UnknownTermError, FindingParseError) as exc:
        raise click.UsageError(str(exc)) from exc
    if not findings:
        raise click.UsageError("give at least one finding, e.g. ALK+ CD1a-")
    for r in rank_disorders(built.graph, findings, years)[:top]:
        click.echo(
            f"{r.rank}. {r.label} ({r.disease})  score {r.score:+.2f}  p {r.probability:.3f}"
        )
        if not explain:
            continue
        for title, items in (("supports", r.supports), ("contradicts", r.contradicts)):
            for c in items:
                cite = f" [{'; '.join(c.sources)}]" if c.sources else ""
                click.echo(f"   {title}: {c.finding}: {c.expectation} ({c.llr:+.2f}){cite}")
        for c in r.missing:
            click.echo(f"   not tested: {c.finding} ({c.expectation}) [{'; '.join(c.sources)}]")


@cli.command()
@click.argument("target")
@click.option(
    "--disorder", help="With an alteration as TARGET: the disorder to judge evidence for."
)
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table")
def options(target: str, disorder: str | None, fmt: str) -> None:
    """Drugs acting on a case's drivers (or an alteration), ordered by evidence for the disorder.

    Example: histiokg options hkgd:seed-alk-h-infant
    """
    built = _build()
    if disorder:
        found = drug_options(
            built.graph, _resolve_any(built, target), _resolve_any(built, disorder)
        )
    else:
        found = case_options(built.graph, target)
    table = ResultTable(
        (
            "drug",
            "target",
            "approved_for_disorder",
            "evidence_level",
            "evidence_sources",
            "approvals",
            "classes",
            "cns",
        ),
        tuple(
            (
                o.label,
                o.target_label,
                "yes" if o.approved_for_disorder else "no",
                o.evidence_level or "none curated",
                "; ".join(o.evidence_sources),
                " | ".join(o.approvals),
                "; ".join(o.classes),
                "; ".join(o.cns_sources),
            )
            for o in found
        ),
    )
    click.echo(format_table(table, fmt))


def _resolve_any(built: Built, name: str) -> str:
    try:
        return built.index.resolve(name, ("gene_fusion", "sequence_variant", "gene", "disease"))
    except UnknownTermError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, *DIRECTORY_FORMATS]),
    default="ttl",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="File, or folder.")
def export(fmt: str, out: Path) -> None:
    """Export the built graph: ttl, nt, jsonld, graphml (a file) or kgx, phenopacket (a folder).

    Example: histiokg export --format kgx --out build/kgx
    """
    built = _build()
    if fmt == "kgx":
        for path in write_kgx(built.graph, out):
            err(f"wrote {path}")
        return
    if fmt == "phenopacket":
        for path in write_phenopackets(built.graph, out):
            err(f"wrote {path}")
        return
    size = write_graph(built.graph, out, fmt)
    err(f"wrote {out} ({size} bytes)")


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=paths.BUILD_DIR / "release")
def release(out: Path) -> None:
    """Write every export plus a manifest (counts, SHA-256 checksums) as one folder.

    Example: histiokg release --out build/release
    """
    built = _build()
    _validate(built)
    counts = {
        "triples": len(built.graph),
        "curated_statements": len(built.curation.statements),
        "terms": len(built.curation.terms),
        "cases": len(built.cases),
    }
    for path in write_release(built.graph, out, counts):
        err(f"wrote {path}")


@cli.group()
def case() -> None:
    """Check and add case files.

    Example: histiokg case check my-case.yaml
    """


@case.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def case_check(file: Path) -> None:
    """Check a case file and list every problem at once (exit 2 if any).

    Example: histiokg case check kg/data/cases/seed-alk-h-infant.yaml
    """
    built = _build()
    checked = load_case(file, built.index)
    click.echo(f"{file}: OK ({checked.id}; {len(checked.markers)} marker results)")


@case.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def case_add(file: Path) -> None:
    """Check a case file and, only if it is valid and its id is new, copy it into kg/data/cases.

    Example: histiokg case add new-case.yaml
    """
    built = _build()
    checked = load_case(file, built.index)
    if any(c.id == checked.id for c in built.cases):
        raise click.UsageError(f"a case with id {checked.id!r} is already in {paths.CASES_DIR}")
    target = paths.CASES_DIR / f"{checked.id}.yaml"
    write_atomic(target, file.read_bytes())
    err(f"added {rel(target)}; run 'histiokg validate' to rebuild and check the graph")


@cli.command()
@format_option
def demo(fmt: str) -> None:
    """The main job: build, validate, write build/histiokg.ttl, answer the seed case's questions.

    Example: histiokg demo
    """
    built = _build()
    _validate(built)
    size = write_graph(built.graph, paths.BUILD_TTL, "ttl")
    err(f"wrote {rel(paths.BUILD_TTL)} ({size} bytes)")
    _write_gaps(built)
    for name, q in load_queries().items():
        if "seed" not in q.tags:
            continue
        click.echo(f"\n== {name}: {q.title}\nQ: {q.question}")
        click.echo(format_table(built.graph.select(q.text, bindings_for(q, {})), fmt))
    for title, skip, only in (
        ("through the evidence for its disorder", ("hkg:discussed_for",), ()),
        ("through its driver", (), MECHANISM),
    ):
        click.echo(f"\n== How does the seed case reach crizotinib {title}?")
        found = shortest_paths(built.graph, "hkgd:seed-alk-h-infant", "CHEBI:64310", skip, 2, only)
        for number, edges in enumerate(found, 1):
            click.echo(f"path {number}:")
            for edge in edges:
                click.echo("  " + edge.sentence())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI, mapping errors to exit codes in one place."""
    args = list(sys.argv[1:] if argv is None else argv)
    stacktrace = "--stacktrace" in args
    try:
        cli.main(args=args, prog_name="histiokg", standalone_mode=False)
    except click.exceptions.Abort:
        err("aborted")
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ValidationError:
        err("validation failed")
        return EXIT_INVALID
    except SourceError as exc:
        err(f"error: {exc}")
        return EXIT_USAGE
    except KGError as exc:
        err(f"error: {exc}")
        return EXIT_INVALID
    except Exception as exc:
        if stacktrace:
            traceback.print_exc()
        err(f"internal error: {type(exc).__name__}: {exc} (rerun with --stacktrace)")
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
