"""The package layout is the architecture: layers import only downward, no circles, small modules.

The layers, lowest first, are the sub-packages of kg/ (docs/architecture.md). A module may import
from its own layer or any lower one, never from a higher one; nothing imports the CLI; only the
formats and the CLI write files; only the store module imports a store backend.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.core import paths

LAYERS = ("core", "sources", "graph", "checks", "answers", "formats", "cli")
PACKAGE = paths.PACKAGE
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)
#: A module over this many lines must say why in a ``# size:`` comment.
MAX_LINES = 400
#: Modules that may write files: atomic writing itself, the formats, the CLI, and the store module,
#: which owns the store's folder (written in a temporary sibling, swapped in by a rename).
WRITERS = ("core/files.py", "formats/", "cli/", "graph/store.py")
WRITE_CALLS = {"write_text", "write_bytes", "write_atomic", "mkstemp", "mkdtemp", "rmtree"}
BACKENDS = {"pyoxigraph"}
BACKEND_OWNER = "graph/store.py"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module imported by ``path`` (at any depth in the file), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # ``from kg.cli import ask`` imports the module kg.cli.ask
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def project_modules() -> set[str]:
    return {module_name(p) for p in MODULES}


def test_every_module_lives_in_a_layer() -> None:
    loose = [
        module_name(p) for p in MODULES if layer_of(module_name(p)) is None and p.parent != PACKAGE
    ]
    top = sorted(p.name for p in MODULES if p.parent == PACKAGE)
    assert not loose
    assert top == ["__init__.py", "__main__.py"], "kg/ itself holds only the package entry points"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path) -> None:
    own = layer_of(module_name(path))
    if own is None:
        return
    known = project_modules()
    upward = [
        f"line {line}: {name} ({LAYERS[layer_of(name)]})"  # type: ignore[index]
        for line, name in imports_of(path)
        if name in known and (layer_of(name) or 0) > own
    ]
    assert not upward, f"{path.name} ({LAYERS[own]}) imports from a higher layer: {upward}"


def test_no_import_circle() -> None:
    known = project_modules()
    graph = nx.DiGraph()
    for path in MODULES:
        src = module_name(path)
        for _, name in imports_of(path):
            if name in known and name != src and not src.startswith(name + "."):
                graph.add_edge(src, name)
    # a package's __init__ is imported by every child; only module-to-module edges count
    cycles = [c for c in nx.simple_cycles(graph) if all("." in m.split("kg.", 1)[1] for m in c)]
    assert not cycles, f"import circles: {cycles}"


def test_nothing_imports_the_cli() -> None:
    offenders = [
        f"{module_name(p)} line {line}"
        for p in MODULES
        if not module_name(p).startswith(("kg.cli", "kg.__main__"))
        for line, name in imports_of(p)
        if name.startswith("kg.cli")
    ]
    assert not offenders


def test_only_formats_and_cli_write_files() -> None:
    offenders = []
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(WRITERS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                mode = next((a for a in node.args[1:2] if isinstance(a, ast.Constant)), None)
                writes_open = name == "open" and mode is not None and "w" in str(mode.value)
                if name in WRITE_CALLS or writes_open:
                    offenders.append(f"{rel}:{node.lineno} {name}()")
    assert not offenders, f"only kg.formats and kg.cli write files: {offenders}"


def test_only_the_store_module_imports_a_backend() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)}:{line} {name}"
        for p in MODULES
        if p.relative_to(PACKAGE).as_posix() != BACKEND_OWNER
        for line, name in imports_of(p)
        if name.split(".")[0] in BACKENDS
    ]
    assert not offenders


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_small_or_says_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= MAX_LINES:
        return
    reason = re.search(r"^# size: (.{20,})$", text, re.M)
    assert reason, f"{path.name} has {lines} lines; split it by concept or add '# size: <why>'"


def test_layer_test_can_fail(tmp_path: Path) -> None:
    """The import check sees an upward import written anywhere in a module."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from kg.cli.main import main\n    return main\n")
    assert (2, "kg.cli.main") in imports_of(bad)
    assert layer_of("kg.cli.main") > layer_of("kg.core.paths")  # type: ignore[operator]


def test_readme_names_every_layer_and_module() -> None:
    """The README's layout section lists the tree: every layer package and every module in it."""
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", section))
    for layer in LAYERS:
        assert f"kg/{layer}/" in section, f"README layout lacks kg/{layer}/"
        modules = {p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__"}
        missing = sorted(modules - listed)
        assert not missing, f"README layout does not name kg/{layer}/ modules {missing}"
    named = {name for name in listed if name not in LAYERS}
    existing = {p.stem for p in MODULES}
    ghosts = sorted(
        n for n in named - existing if n not in {"histiokg", "build", "queries", "ontology"}
    )
    assert not ghosts, f"README layout names modules that do not exist: {ghosts}"


def test_architecture_note_names_every_layer() -> None:
    note = (paths.ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        assert f"kg/{layer}" in note


def test_methods_doc_shows_the_constants_the_code_uses() -> None:
    from kg.formats.methods_doc import with_scoring_table

    doc = paths.METHODS_DOC.read_text(encoding="utf-8")
    assert with_scoring_table(doc) == doc, "run 'histiokg maintain methods-doc'"


def test_methods_doc_check_can_fail() -> None:
    from kg.answers import diagnose
    from kg.formats.methods_doc import with_scoring_table

    doc = paths.METHODS_DOC.read_text(encoding="utf-8")
    saved = diagnose.UNLISTED_ALTERATION
    try:
        diagnose.UNLISTED_ALTERATION = 0.03
        assert with_scoring_table(doc) != doc
    finally:
        diagnose.UNLISTED_ALTERATION = saved
