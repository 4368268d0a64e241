"""The ``diff`` command: what changed between two release folders."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import cli, err
from kg.core.files import write_atomic
from kg.formats.diff import diff_releases, diff_text, diff_tsv, read_release


@cli.command("diff")
@click.argument("old", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--tsv",
    "tsv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every change as TSV (change, subject, predicate, objects, sources).",
)
def diff(old: Path, new: Path, tsv_out: Path | None) -> None:
    """Statements added, removed and changed between two releases, by label, with sources.

    Example: histiokg diff build/release-old build/release --tsv build/changes.tsv
    """
    result = diff_releases(read_release(old), read_release(new))
    click.echo(diff_text(result), nl=False)
    if tsv_out is not None:
        write_atomic(tsv_out, diff_tsv(result.changes))
        err(f"wrote {tsv_out} ({len(result.changes)} changes)")
