"""Nothing lost, nothing half-written: atomic files and folders, foreign folders refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.core import paths
from kg.core.errors import OutputError
from kg.core.files import MARKER, write_atomic, write_tree


def test_written_files_are_world_readable(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, b"x")
    assert target.stat().st_mode & 0o044 == 0o044
    files = write_tree(tmp_path / "out", {"b/c.txt": b"y"}, "test")
    assert files[0].stat().st_mode & 0o044 == 0o044


def test_a_file_where_a_folder_should_be_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("not a folder")
    with pytest.raises(OutputError, match="parent is a file"):
        write_atomic(tmp_path / "f" / "x.ttl", b"x")
    with pytest.raises(OutputError, match="is a file"):
        write_tree(tmp_path / "f", {"a": b"1"}, "test")


def test_a_foreign_non_empty_folder_is_refused_and_kept(tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    with pytest.raises(OutputError, match="not written by histiokg"):
        write_tree(mine, {"a.ttl": b"1"}, "test")
    assert (mine / "thesis.txt").read_text() == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_a_folder_histiokg_wrote_is_replaced_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "release"
    write_tree(out, {"nodes.tsv": b"old", "stale.tsv": b"old"}, "test")
    assert (out / MARKER).is_file()
    write_tree(out, {"nodes.tsv": b"new"}, "test")
    assert (out / "nodes.tsv").read_bytes() == b"new"
    assert not (out / "stale.tsv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"], "no temporary folder left"


def test_an_error_mid_write_keeps_the_previous_folder(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "release"
    write_tree(out, {"a.tsv": b"old"}, "test")

    def broken(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", broken)
    with pytest.raises(OutputError, match="No space left"):
        write_tree(out, {"a.tsv": b"new"}, "test")
    monkeypatch.undo()
    assert (out / "a.tsv").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


SLOW_WRITER = """
import sys, time
from pathlib import Path
from kg.core import files
real = Path.write_bytes
def slow(self, data):
    time.sleep(0.2)
    return real(self, data)
Path.write_bytes = slow
from kg.cli.main import main
import click
from kg.cli.common import cli

@cli.command("slow-tree")
def slow_tree():
    '''Test only. Example: histiokg slow-tree'''
    files.write_tree(Path(sys.argv[1]), {f"f{i}": b"x" for i in range(200)}, "test")

sys.exit(main(["slow-tree"]))
"""


def test_sigterm_mid_write_leaves_no_temporary_folder_and_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"keep.txt": b"previous"}, "test")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(out)],
        cwd=paths.ROOT,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(paths.ROOT)},
    )
    deadline = time.time() + 20
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "the writer never started"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 2, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "keep.txt").read_bytes() == b"previous"
