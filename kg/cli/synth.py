"""The ``synth`` command: write a deterministic, seeded synthetic cohort of case files."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import cli, err
from kg.core.files import write_atomic
from kg.sources.curation import load_curation

#: The file that marks a folder as written by ``histiokg synth`` (so a rerun may replace it).
MARKER = ".histiokg-synthetic"


@cli.command()
@click.option(
    "--cases", "count", type=click.IntRange(min=1), required=True, help="Number of cases."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Same seed, same files.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the case files: new, empty, or written by an earlier synth run.",
)
def synth(count: int, seed: int, out: Path) -> None:
    """Write a synthetic cohort of case files (histiokg-case/1): same seed, same bytes.

    The cases are drawn from the curated profiles (disorder mix, markers, drivers, sites, drugs),
    are marked synthetic and cite no real publication; they are for benchmarks, never for
    kg/data/cases/. A folder that is not empty must hold the marker file of an earlier run;
    its older synthetic-*.yaml files are replaced. Point HISTIOKG_DATA_DIR at a folder holding
    curated/ and this cases/ folder to build a graph from them.

    Example: histiokg synth --cases 100 --seed 1 --out build/synthetic/cases
    """
    from kg.sources.synthetic import generate_cohort  # the case writer loads only here

    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise click.UsageError(
            f"{out} is not empty and was not written by histiokg synth (no {MARKER} file); "
            "give a new or empty folder"
        )
    files = generate_cohort(count, seed, load_curation())
    note = f"histiokg synth --cases {count} --seed {seed}\nSynthetic cases: no real patient.\n"
    write_atomic(out / MARKER, note.encode("utf-8"))
    for stale in sorted(out.glob("synthetic-*.yaml")):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        write_atomic(out / name, text.encode("utf-8"))
    err(f"wrote {len(files)} synthetic cases (seed {seed}) to {out}")
