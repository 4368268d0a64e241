"""The ``histiokg view`` command: a page or a picture written atomically, usage errors exit 2."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.cli.main import main
from kg.formats.picture import GraphvizMissingError, render


@pytest.fixture
def dot_available() -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz is missing in CI: make unit runs scripts/ensure-graphviz.sh")
        pytest.skip("Graphviz not installed (bash scripts/ensure-graphviz.sh)")


def test_view_command_writes_one_page(tmp_path: Path, capsys) -> None:
    out = tmp_path / "seed.html"
    assert main(["view", "hkgd:seed-alk-h-infant", "--out", str(out)]) == 0
    page = out.read_bytes()
    assert b"KIF5B-ALK" in page and b"cladribine" in page
    assert "wrote" in capsys.readouterr().err


def test_view_command_draws_a_disorder_picture(tmp_path: Path, dot_available) -> None:
    out = tmp_path / "alkh.svg"
    assert main(["view", "ALK+ histiocytosis", "--out", str(out)]) == 0
    assert b"<svg" in out.read_bytes() and b"crizotinib" in out.read_bytes()


def test_view_command_rejects_an_unknown_node(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.html"
    assert main(["view", "no such node at all", "--out", str(out)]) == 2
    assert "no node named" in capsys.readouterr().err
    assert not out.exists()


def test_view_command_without_graphviz_says_how_to_install(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizMissingError):
        render("digraph {}", "svg")
    out = tmp_path / "seed.svg"
    assert main(["view", "--format", "svg", "--out", str(out)]) == 2
    assert "scripts/ensure-graphviz.sh" in capsys.readouterr().err
    assert not out.exists()
