"""The installable release: a built wheel, installed offline into a fresh venv, works anywhere.

The wheel is built from the checkout (``pip wheel``), its pinned dependencies are gathered as
wheels (``pip wheel -c constraints.txt``: pip's cache, or the package index), and the fresh venv
installs from those files only (``--no-index --find-links``). The installed ``histiokg`` then runs
from a folder outside the checkout, with its generated files in a private cache folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.core import paths

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip"]
    run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(paths.ROOT)], dist)
    (built,) = dist.glob("histiokg-*.whl")
    return built


def test_the_wheel_carries_the_data_the_queries_and_the_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "kg/ontology/histiokg.ttl",
        "kg/ontology/shapes.ttl",
        "kg/ontology/imports/uberon-slice.ttl",
        "kg/ontology/imports/hp-slice.ttl",
        "kg/data/case.schema.json",
        "kg/data/cases/seed-alk-h-infant.yaml",
        "kg/queries/cq/cq01-case-driver-alteration.rq",
        "kg/queries/qc/qc01-case-statement-without-provenance-violation.rq",
        "kg/formats/vendor/vendor.json",
    ):
        assert needed in names, needed
    assert any(n.startswith("kg/data/curated/statements/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith("/LICENSE") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "build/"))]


def test_installed_wheel_runs_demo_and_queries_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    constraints = str(paths.ROOT / "constraints.txt")
    run([*pip, "wheel", "--quiet", "-c", constraints, "-w", str(wheels), str(wheel)], tmp_path)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    offline = ["--no-index", "--find-links", str(wheels)]
    run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *offline, str(wheel)],
        tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HISTIOKG_", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    histiokg = str(venv / "bin" / "histiokg")

    where = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import kg.core.paths as p; print(p.IN_CHECKOUT, p.ROOT)",
        ],
        elsewhere,
        env,
    ).split()
    assert where[0] == "False" and Path(where[1]).is_relative_to(venv), where

    listed = run([histiokg, "queries"], elsewhere, env)
    assert "cq01-case-driver-alteration" in listed and "Q: Which driver alteration" in listed

    out = run([histiokg, "demo"], elsewhere, env)
    assert "KIF5B-ALK" in out and "crizotinib" in out
    cache = tmp_path / "cache" / "histiokg"
    assert (cache / "histiokg.ttl").stat().st_size > 10_000
    assert (cache / "store" / "manifest.json").is_file()
    assert list(elsewhere.iterdir()) == [], "nothing written into the working folder"
