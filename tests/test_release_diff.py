"""Reproducible releases (byte-identical across processes) and `histiokg diff` between two."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli.main import main
from kg.core import paths
from kg.formats.diff import diff_releases, diff_text, read_release, term_text

MINI = Path(__file__).parent / "fixtures" / "mini"
ROW = "m-6\tA14\tCHEBI:64310\tbiolink:studied_to_treat\tMONDO:0022338"
CHANGED_ROW = "m-6\tA14\tCHEBI:64310\tbiolink:studied_to_treat\tMONDO:0015534"


def release(data: Path, build: Path, out: Path) -> None:
    """`histiokg release` in a fresh process, with a fixed build date."""
    env = {
        **os.environ,
        "HISTIOKG_DATA_DIR": str(data),
        "HISTIOKG_BUILD_DIR": str(build),
        "SOURCE_DATE_EPOCH": "1767225600",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kg", "release", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=paths.ROOT,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two releases of the same sources (separate processes and stores), one of a changed row."""
    root = tmp_path_factory.mktemp("releases")
    data = root / "data"
    shutil.copytree(MINI, data)
    out = {name: root / name for name in ("first", "again", "changed")}
    release(data, root / "build-1", out["first"])
    release(data, root / "build-2", out["again"])
    table = data / "curated" / "statements" / "mini.tsv"
    text = table.read_text(encoding="utf-8")
    assert ROW in text
    table.write_text(text.replace(ROW, CHANGED_ROW), encoding="utf-8")
    release(data, root / "build-1", out["changed"])
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_two_releases_of_the_same_sources_are_byte_identical(releases: dict[str, Path]) -> None:
    first, again = files_of(releases["first"]), files_of(releases["again"])
    assert sorted(first) == sorted(again)
    assert {"histiokg.nt", "histiokg.jsonld", "manifest.json"} <= set(first)
    differing = sorted(name for name in first if first[name] != again[name])
    assert differing == [], f"differ between two builds: {differing}"


def test_the_manifest_has_version_date_counts_and_true_checksums(
    releases: dict[str, Path],
) -> None:
    folder = releases["first"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"]
    # the build date (SOURCE_DATE_EPOCH) is in the manifest only, never in a data file
    assert manifest.get("built", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:00Z"
    assert manifest["counts"]["cases"] == 1 and manifest["counts"]["curated_statements"] == 6
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"], name
    types = (folder / "counts-by-type.tsv").read_text(encoding="utf-8").splitlines()
    assert types[0] == "type\tlabel\tnodes"
    counts = {row.split("\t")[0]: int(row.split("\t")[2]) for row in types[1:]}
    assert counts["hkg:Case"] == 1 and counts["hkg:Drug"] == 2 and counts["hkg:Disease"] == 3
    assert "1970" not in (folder / "histiokg.nt").read_text(encoding="utf-8")
    assert "2026-01-01" not in (folder / "histiokg.nt").read_text(encoding="utf-8")


def test_diff_reports_the_changed_row_by_label_with_its_sources(
    releases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tsv = tmp_path / "changes.tsv"
    code = main(["diff", str(releases["first"]), str(releases["changed"]), "--tsv", str(tsv)])
    out = capsys.readouterr().out
    assert code == 0
    assert "0 added, 0 removed, 2 changed statement(s)" in out
    assert "crizotinib (CHEBI:64310)" in out
    assert (
        "studied to treat: ALK+ histiocytosis (MONDO:0022338) -> "
        "juvenile xanthogranuloma (MONDO:0015534)  [DOI:10.1/x]"
    ) in out
    rows = list(csv.DictReader(io.StringIO(tsv.read_text(encoding="utf-8")), delimiter="\t"))
    found = {
        (r["change"], r["subject"], r["predicate"], r["old_object"], r["new_object"]) for r in rows
    }
    assert found == {
        ("changed", "CHEBI:64310", "biolink:studied_to_treat", "MONDO:0022338", "MONDO:0015534"),
        ("changed", "hkgd:stmt-m-6", "rdf:object", "MONDO:0022338", "MONDO:0015534"),
    }
    assert all(r["sources"] == "DOI:10.1/x" for r in rows)


def test_diff_of_a_release_with_itself_is_empty(releases: dict[str, Path]) -> None:
    same = diff_releases(read_release(releases["first"]), read_release(releases["again"]))
    assert same.changes == () and same.axioms_added == same.axioms_removed == 0
    assert "0 added, 0 removed, 0 changed" in diff_text(same)


def test_diff_refuses_a_folder_that_is_not_a_release(
    releases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(tmp_path), str(releases["first"])]) == 2
    assert "not a histiokg release" in capsys.readouterr().err


def test_diff_refuses_a_tampered_release(
    releases: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(releases["first"], copy)
    nt = copy / "histiokg.nt"
    nt.write_bytes(nt.read_bytes()[:-200])
    assert main(["diff", str(copy), str(releases["first"])]) == 2
    assert "does not match its SHA-256" in capsys.readouterr().err


def test_term_text_reads_escapes() -> None:
    assert term_text('"tab\\there \\u00e9"') == "tab\there é"
    assert term_text("_:c14n3") == "_:c14n3"
