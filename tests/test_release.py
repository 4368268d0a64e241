"""The release manifest names version, date, commit and licence; release files are public."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from kg import __version__
from kg.core import paths
from kg.formats.release import LICENCE, build_date, manifest_bytes, source_commit, write_release
from kg.graph.store import KnowledgeGraph

TINY = b'<https://w3id.org/histiokg/data/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'


def test_manifest_records_version_date_commit_and_licence(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    doc = json.loads(manifest_bytes({"x.nt": b"x"}, {"triples": 1}))
    assert doc["version"] == __version__
    assert doc["built"] == "2023-11-14T22:13:20Z"
    assert doc["licence"] == {"code": "MIT", "data": "CC-BY-4.0"}
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", doc["commit"])
    assert doc["files"]["x.nt"]["bytes"] == 1


def test_same_epoch_same_manifest_bytes(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert manifest_bytes({"a": b"1"}, {}) == manifest_bytes({"a": b"1"}, {})


def test_build_date_without_epoch_is_now() -> None:
    assert build_date({}).startswith(("20", "21"))
    assert build_date({"SOURCE_DATE_EPOCH": "not a number"}).endswith("Z")


def test_commit_is_the_checkouts_head() -> None:
    head = (paths.ROOT / ".git" / "HEAD").read_text(encoding="utf-8").strip()
    commit = source_commit()
    assert commit == "unknown" or len(commit) == 40
    if not head.startswith("ref:"):
        assert commit == head


def test_licence_matches_pyproject_and_license_file() -> None:
    pyproject = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    licence_text = (paths.ROOT / "LICENSE").read_text(encoding="utf-8")
    for spdx in LICENCE.values():
        assert spdx in pyproject
    assert "MIT License" in licence_text and "CC BY 4.0" in licence_text


def test_release_files_are_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    graph = KnowledgeGraph.in_memory(TINY)
    out = tmp_path / "release"
    previous = os.umask(0o077)
    try:
        written = write_release(graph, out, {"triples": 1})
    finally:
        os.umask(previous)
    assert written
    for path in [*written, out]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o004, f"{path.name} is not world-readable ({oct(mode)})"
    for folder in {p.parent for p in written}:
        assert stat.S_IMODE(folder.stat().st_mode) & 0o005 == 0o005
