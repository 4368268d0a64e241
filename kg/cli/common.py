"""What every command shares: the command group, output helpers, building and validating."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, TypeVar

import click

from kg import __version__
from kg.core import paths
from kg.core.environment import environment_problems
from kg.core.errors import SourceError, ValidationError
from kg.core.files import write_atomic
from kg.core.paths import rel
from kg.graph.persistent import open_store
from kg.graph.store import KnowledgeGraph, ResultTable
from kg.sources.curation import load_curation
from kg.sources.terms import TermIndex

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
#: Work lists at least this long show a progress bar on a terminal.
PROGRESS_FROM = 200


def err(message: str) -> None:
    """Print to stderr."""
    click.echo(message, err=True)


def format_table(table: ResultTable, fmt: str) -> str:
    """Render query results as an aligned table, TSV, CSV or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps(table.as_dicts(), indent=2, ensure_ascii=False)
    if fmt == "tsv":
        lines = ["\t".join(table.columns)] + ["\t".join(row) for row in table.rows]
        return "\n".join(lines)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return buffer.getvalue().rstrip("\n")
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


def open_graph() -> KnowledgeGraph:
    """Open the built store, rebuilding it first (and saying why on stderr) if a source changed."""

    def rebuilding(changed: list[str]) -> None:
        shown = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        err(
            f"sources changed since the last build ({shown}); rebuilding {rel(paths.STORE_DIR)} ..."
        )

    return open_store(
        paths.STORE_DIR, paths.CURATED, paths.CASES_DIR, paths.ONTOLOGY, rebuilding, progress_bar
    )


def progress_bar(items: Sequence[T], description: str) -> Iterable[T]:
    """``items`` with a progress bar on stderr when it is a terminal and the work is long.

    Quiet when stderr is not a terminal (CI, pipes) or when tqdm is not installed.
    """
    if len(items) < PROGRESS_FROM or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return items
    bar: Iterable[T] = tqdm(items, desc=description, unit="file", leave=False, file=sys.stderr)
    return bar


@cache
def term_index() -> TermIndex:
    """The term look-up (labels, synonyms, CURIEs) of the curated tables."""
    return TermIndex(load_curation(paths.CURATED).terms)


def check_graph(graph: KnowledgeGraph) -> None:
    """Validate a built graph; raise ValidationError if it fails."""
    from kg.checks.validate import validate_graph

    report = validate_graph(graph)
    err(report.summary())
    if not report.ok:
        raise ValidationError(report.summary(), report.failures)


def parse_params(params: Sequence[str]) -> dict[str, str]:
    """Parse ``--param k=v`` options into a dict."""
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
    problems = environment_problems()
    if problems and not ctx.resilient_parsing:
        raise SourceError(problems)


def write_gaps(graph: KnowledgeGraph) -> None:
    """Write build/terminology-gaps.tsv."""
    from kg.formats.release import gap_report_bytes

    data = gap_report_bytes(graph)
    write_atomic(paths.BUILD_GAPS, data)
    terms = len(data.splitlines()) - 1
    err(f"wrote {rel(paths.BUILD_GAPS)} ({terms} terms without a standard ID)")
