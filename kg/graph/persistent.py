"""The persistent store's freshness: what it was built from, and opening it (rebuilt if stale).

Opening is cheap (hash the sources, open Oxigraph read-only); only a changed source pulls in the
readers and the build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.core import paths
from kg.graph.store import DATABASE, KnowledgeGraph, read_manifest, write_store

if TYPE_CHECKING:
    from kg.graph.build import Built
    from kg.sources.cases import Progress

#: The code whose change changes the built graph (readers and triple builders).
BUILD_CODE = ("core", "sources", "graph")


def source_files(
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
) -> list[Path]:
    """Every file the built graph depends on: TBox, curated tables, cases, schema, build code."""
    files = [p for p in sorted(ontology.parent.glob("*.ttl")) if p.name != paths.SHAPES.name]
    files += sorted(ontology.parent.glob("imports/*.ttl"))
    # the pinned vocabulary copies decide which case terms resolve
    files += sorted(ontology.parent.glob("imports/vocabularies/*"))
    files += sorted(curated.glob("*/*.tsv")) + sorted(cases_dir.glob("*.yaml"))
    files += [paths.CASE_SCHEMA, paths.CASE_SCHEMA_V2]
    for layer in BUILD_CODE:
        files += sorted((paths.PACKAGE / layer).glob("*.py"))
    return files


def _name(path: Path) -> str:
    return paths.rel(path)


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def file_stats(files: list[Path]) -> dict[str, list[int]]:
    """Size and modification time (ns) of each file that exists, keyed like :func:`fingerprint`."""
    out = {_name(path): _stat(path) for path in files}
    return {name: st for name, st in sorted(out.items()) if st is not None}


def fingerprint(files: list[Path], known: dict[str, Any] | None = None) -> dict[str, str]:
    """SHA-256 of each file, keyed by its path relative to the project (missing files: '').

    ``known`` is a store manifest: a file whose size and modification time are those recorded
    there keeps its recorded hash without being read again (as make trusts a timestamp), so
    opening a store does not read every case file of a large registry.
    """
    hashes: dict[str, str] = (known or {}).get("sources", {})
    stats: dict[str, list[int]] = (known or {}).get("stats", {})
    out: dict[str, str] = {}
    for path in files:
        name = _name(path)
        if name in hashes and stats.get(name) is not None and stats[name] == _stat(path):
            out[name] = hashes[name]
            continue
        try:
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            out[name] = ""
    return dict(sorted(out.items()))


def changed_sources(
    store: Path, current: dict[str, str], manifest: dict[str, Any] | None = None
) -> list[str]:
    """The sources that differ from those the store at ``store`` was built from.

    ``["(no store)"]`` when there is no store, ``["(other version)"]`` after an upgrade.
    ``manifest`` is the store's manifest when the caller has read it already.
    """
    manifest = manifest if manifest is not None else read_manifest(store)
    if manifest is None or not (store / DATABASE).is_dir():
        return ["(no store)"]
    if manifest.get("version") != __version__:
        return ["(other version)"]
    recorded: dict[str, str] = manifest.get("sources", {})
    return sorted(
        name for name in set(recorded) | set(current) if recorded.get(name) != current.get(name)
    )


def open_store(
    store: Path = paths.STORE_DIR,
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
    on_rebuild: Callable[[list[str]], None] | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """Open the persistent store, rebuilding it first if a source changed since it was built.

    ``on_rebuild`` is told the changed sources before a rebuild (the CLI says so on stderr).
    """
    files = source_files(curated, cases_dir, ontology)
    manifest = read_manifest(store)
    changed = changed_sources(store, fingerprint(files, manifest), manifest)
    if not changed:
        return KnowledgeGraph.open(store)
    if on_rebuild is not None:
        on_rebuild(changed)
    return build_store(store, curated, cases_dir, ontology, progress).graph


def build_store(
    store: Path = paths.STORE_DIR,
    curated: Path = paths.CURATED,
    cases_dir: Path = paths.CASES_DIR,
    ontology: Path = paths.ONTOLOGY,
    progress: Progress | None = None,
) -> Built:
    """Read every source and write the persistent store at ``store`` (atomically)."""
    from kg.graph.build import Built, compose  # the readers load only when a build is due

    files = source_files(curated, cases_dir, ontology)
    # stats first: a file edited while the build reads it then looks changed at the next open
    stats = file_stats(files)
    sources = fingerprint(files)
    c = compose(curated, cases_dir, ontology, progress)
    manifest = {
        "name": "histiokg",
        "version": __version__,
        "sources": sources,
        "stats": stats,
        "cases": len(c.cases),
        "curated_statements": len(c.curation.statements),
        "terms": len(c.curation.terms),
    }
    graph = write_store(store, c.tbox, c.data, manifest)
    return Built(graph, c.curation, c.cases, c.index)


def store_counts(store: Path = paths.STORE_DIR) -> dict[str, int]:
    """The counts the store's manifest records (triples, cases, statements, terms)."""
    manifest = read_manifest(store) or {}
    keys = ("triples", "cases", "curated_statements", "terms")
    return {k: int(manifest[k]) for k in keys if isinstance(manifest.get(k), int)}
