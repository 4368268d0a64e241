"""The ``view`` command: a page (or a picture) of a case's or a disorder's neighbourhood."""

from __future__ import annotations

from pathlib import Path

import click

from kg.answers.neighbourhood import DEFAULT_NODE, UnknownNodeError, neighbourhood
from kg.cli.common import cli, err, open_graph
from kg.core.files import write_atomic
from kg.core.paths import rel
from kg.formats.picture import GraphvizMissingError, picture
from kg.formats.view import view_html

_SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".html": "html", ".htm": "html"}


@cli.command("view")
@click.argument("node", required=False, default=DEFAULT_NODE)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (.html, .svg or .png).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "svg", "png"]),
    default=None,
    help="html: one self-contained interactive page (default); svg/png: a Graphviz picture. "
    "Without it, the suffix of --out decides.",
)
def view(node: str, out: Path, fmt: str | None) -> None:
    """Draw the neighbourhood of a case (its case subgraph) or of a disorder (its curated facts).

    NODE is a CURIE, an IRI or a label (default: the seed case). The HTML page works offline:
    types coloured, edges labelled, a legend, search by label, and a click on an edge shows its
    source, quote, evidence code and confidence (for a case, the sentence of the report).

    Example: histiokg view hkgd:seed-alk-h-infant --out build/seed-case.html
    """
    chosen = fmt or _SUFFIX_FORMATS.get(out.suffix.lower(), "html")
    try:
        found = neighbourhood(open_graph(), node)
    except UnknownNodeError as exc:
        raise click.UsageError(str(exc)) from exc
    if chosen == "html":
        data = view_html(found)
    else:
        try:
            data = picture(found, chosen)
        except GraphvizMissingError as exc:
            # exit 2 (usage/set-up problem), with the install command in the message
            raise click.ClickException(str(exc)) from exc
    write_atomic(out, data)
    err(
        f"wrote {rel(out)} ({chosen}, {len(found.nodes)} nodes, {len(found.edges)} edges, "
        f"{len(data)} bytes)"
    )
