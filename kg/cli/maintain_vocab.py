"""``histiokg maintain vocabularies``: regenerate the vocabulary index from pinned copies."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.common import err
from kg.cli.graph_commands import maintain
from kg.core.errors import Problem, SourceError
from kg.core.files import write_atomic
from kg.core.paths import rel
from kg.sources.vocabularies import INDEX_DIR, MANIFEST_NAME


@maintain.command("vocabularies")
@click.argument(
    "copies", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=INDEX_DIR,
    show_default=True,
    help="The index folder (the manifest's entries of vocabularies not given are kept).",
)
def maintain_vocabularies(copies: tuple[Path, ...], out: Path) -> None:
    """Rebuild the index of UBERON, MONDO, ChEBI, HP and HGNC from their pinned copies.

    COPIES are the pinned wheels (or the files taken out of them); docs/vocabularies.md lists
    them. Only the vocabularies the given copies hold are rewritten.

    Example: histiokg maintain vocabularies cellxgene_ontology_guide-1.11.1-py3-none-any.whl
    """
    from kg.sources.vocabulary_copies import read_copies
    from kg.sources.vocabulary_index import build_index

    manifest_path = out / MANIFEST_NAME
    previous = None
    if manifest_path.exists():
        try:
            previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SourceError([Problem(manifest_path, None, f"not JSON: {exc}")]) from exc
    files = build_index(read_copies(list(copies)), previous)
    # the manifest last, so an interrupted run leaves index files its old manifest rejects
    for name in sorted(files, key=lambda n: n == MANIFEST_NAME):
        write_atomic(out / name, files[name])
        err(f"wrote {rel(out / name)} ({len(files[name])} bytes)")
