"""The bad-input battery: every kind of bad input the project reads, one test case each.

Each case prepares a copy of the small fixture (tests/fixtures/mini) in a temporary folder,
breaks one thing the way a careless or hostile user would, runs one command in-process and checks
the exit code (2 for a bad input, usage or output; 1 only for data that fails validation; never
3) and that the message names the file, line or field and what to do.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.cli import common
from kg.cli.main import main
from kg.core import paths
from kg.core.errors import CaseError

MINI = Path(__file__).parent / "fixtures" / "mini"
STATEMENTS = "curated/statements/mini.tsv"
TERMS = "curated/terms/mini.tsv"
CASE = "cases/mini-case.yaml"


@dataclass
class Workspace:
    """A copy of the mini fixture and a build folder, both under tmp_path."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def read(self, rel: str) -> str:
        return (self.data / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> Path:
        path = self.data / rel
        path.write_text(text, encoding="utf-8")
        return path

    def replace(self, rel: str, old: str, new: str) -> Path:
        text = self.read(rel)
        assert old in text, f"fixture lacks {old!r}"
        return self.write(rel, text.replace(old, new, 1))

    def add_row(self, rel: str, row: str) -> Path:
        return self.write(rel, self.read(rel) + row + "\n")


@dataclass(frozen=True)
class Bad:
    """One battery case: how to break the fixture, the command, the exit code, the message."""

    id: str
    setup: Callable[[Workspace], list[str]]
    code: int | tuple[int, ...]
    says: tuple[str, ...]


def validate(ws: Workspace) -> list[str]:
    return ["validate"]


def _row(*cells: str) -> str:
    return "\t".join(cells)


def stmt(
    rid: str,
    s: str,
    p: str,
    o: str,
    quals: str = "",
    source: str = "PMID:1",
    quote: str = "a quote",
) -> str:
    return _row(rid, "", s, p, o, quals, "ECO:0000304", source, quote, "verified-in-source", "")


def then(action: Callable[[Workspace], object], args: Callable[[Workspace], list[str]] = validate):
    def setup(ws: Workspace) -> list[str]:
        action(ws)
        return args(ws)

    return setup


# ------------------------------------------------------------------ TSV: the curated tables


def _truncate(ws: Workspace) -> None:
    text = ws.read(STATEMENTS)
    ws.write(STATEMENTS, text[: text.index("inhibitor of ALK")])


def _latin1(ws: Workspace) -> None:
    text = ws.read(TERMS).replace("tachypnoea", "tachypnœa")
    (ws.data / TERMS).write_bytes(text.encode("cp1252"))


def _bom(ws: Workspace) -> None:
    (ws.data / STATEMENTS).write_bytes(b"\xef\xbb\xbf" + (ws.data / STATEMENTS).read_bytes())


def _crlf(ws: Workspace) -> None:
    raw = (ws.data / TERMS).read_bytes()
    (ws.data / TERMS).write_bytes(raw.replace(b"\n", b"\r\n"))


def _drop_column(ws: Workspace) -> None:
    lines = ws.read(STATEMENTS).splitlines()
    ws.write(STATEMENTS, "\n".join("\t".join(ln.split("\t")[:-1]) for ln in lines) + "\n")


TSV = [
    Bad(
        "tsv-malformed-row",
        then(lambda ws: ws.replace(STATEMENTS, "m-5\tD9\t", "m-5\tD9 ")),
        2,
        ("mini.tsv:6", "10 cells, expected 11", "fix:"),
    ),
    Bad("tsv-truncated", then(_truncate), 2, ("mini.tsv:6", "cells, expected 11")),
    Bad("tsv-wrong-encoding", then(_latin1), 2, ("mini.tsv:14", "not UTF-8", "save the file")),
    Bad("tsv-bom-is-read", then(_bom), 0, ("SHACL: conforms",)),
    Bad("tsv-crlf-is-read", then(_crlf), 0, ("SHACL: conforms",)),
    Bad(
        "tsv-empty",
        then(lambda ws: ws.write(STATEMENTS, "")),
        2,
        ("statements/mini.tsv", "empty file", "add the header row"),
    ),
    Bad("tsv-missing-column", then(_drop_column), 2, ("mini.tsv:1", "header is", "comment")),
    Bad(
        "tsv-duplicate-row-id",
        then(lambda ws: ws.replace(STATEMENTS, "m-5\t", "m-4\t")),
        2,
        ("mini.tsv:6", "row id 'm-4' already used", "mini.tsv:5"),
    ),
    Bad(
        "tsv-control-character-in-row-id",
        then(lambda ws: ws.replace(STATEMENTS, "m-5\t", "m-5\x01\t")),
        2,
        ("mini.tsv:6", "[id]", "control character U+0001"),
    ),
    Bad(
        "tsv-control-character-in-term-id",
        then(lambda ws: ws.replace(TERMS, "UBERON:0002048\t", "UBERON:0002048\x07\t")),
        2,
        ("terms/mini.tsv:13", "[id]", "control character U+0007"),
    ),
    Bad(
        "tsv-line-separator-in-a-quote",
        then(lambda ws: ws.replace(STATEMENTS, "inhibitor of ALK", "inhibitor\x0cof ALK")),
        2,
        ("mini.tsv:6", "[quote]", "control character U+000C"),
    ),
    Bad(
        "tsv-percent-nan",
        then(
            lambda ws: ws.add_row(
                STATEMENTS,
                stmt("m-7", "MONDO:0022338", "hkg:involves_site", "UBERON:0002048", "percent=nan"),
            )
        ),
        2,
        ("mini.tsv:8", "[qualifiers]", "percent must be a number from 0 to 100, got 'nan'"),
    ),
    Bad(
        "tsv-percent-infinite",
        then(
            lambda ws: ws.add_row(
                STATEMENTS,
                stmt("m-7", "MONDO:0022338", "hkg:involves_site", "UBERON:0002048", "percent=inf"),
            )
        ),
        2,
        ("mini.tsv:8", "percent must be a number from 0 to 100, got 'inf'"),
    ),
    Bad(
        "tsv-percent-over-100",
        then(
            lambda ws: ws.add_row(
                STATEMENTS,
                stmt("m-7", "MONDO:0022338", "hkg:involves_site", "UBERON:0002048", "percent=140"),
            )
        ),
        2,
        ("mini.tsv:8", "percent must be a number from 0 to 100, got '140'"),
    ),
    Bad(
        "tsv-numerator-over-denominator",
        then(
            lambda ws: ws.replace(
                STATEMENTS, "numerator=27; denominator=39", "numerator=40; denominator=39"
            )
        ),
        2,
        ("mini.tsv:5", "numerator exceeds denominator"),
    ),
    Bad(
        "tsv-negative-count",
        then(lambda ws: ws.replace(STATEMENTS, "numerator=27", "numerator=-2")),
        2,
        ("mini.tsv:5", "numerator must be a non-negative integer"),
    ),
    Bad(
        "tsv-contradictory-rows-one-source",
        then(
            lambda ws: ws.add_row(
                STATEMENTS, stmt("m-7", "MONDO:0022338", "hkg:expresses_marker", "UniProtKB:P06126")
            )
        ),
        2,
        ("mini.tsv:8", "contradicts", "mini.tsv:4", "PMID:1"),
    ),
    Bad(
        "tsv-unknown-prefix",
        then(lambda ws: ws.replace(STATEMENTS, "HGNC:427\t\t", "FOO:427\t\t")),
        2,
        ("mini.tsv:6", "[object]", "unknown prefix 'FOO'"),
    ),
    Bad(
        "tsv-undefined-curie",
        then(lambda ws: ws.replace(STATEMENTS, "HGNC:427\t\t", "HGNC:999999\t\t")),
        2,
        ("mini.tsv:6", "HGNC:999999 is not defined in any term table"),
    ),
    Bad(
        "tsv-obsolete-curie",
        then(lambda ws: ws.replace(STATEMENTS, "m-1\t\tMONDO:0022338", "m-1\t\tMONDO:0000001")),
        2,
        ("mini.tsv:2", "MONDO:0000001 is obsolete", "use MONDO:0022338"),
    ),
    Bad(
        "tsv-source-url-with-angle-bracket",
        then(lambda ws: ws.replace(STATEMENTS, "\tPMID:2\t", "\thttps://example.org/a>b\t")),
        2,
        ("mini.tsv:6", "[source]", "https://example.org/a>b"),
    ),
    Bad(
        "tsv-source-url-with-brace",
        then(lambda ws: ws.replace(STATEMENTS, "\tPMID:2\t", "\thttps://example.org/{id}\t")),
        2,
        ("mini.tsv:6", "[source]", "https://example.org/{id}"),
    ),
    Bad(
        "tsv-doi-with-brace",
        then(lambda ws: ws.replace(STATEMENTS, "\tPMID:2\t", "\tDOI:10.1/{x}\t")),
        2,
        ("mini.tsv:6", "[source]", "DOI:10.1/{x}"),
    ),
    Bad(
        "tsv-every-problem-of-a-file-at-once",
        then(
            lambda ws: (
                ws.replace(STATEMENTS, "m-5\t", "m 5\t"),
                ws.replace(STATEMENTS, "numerator=27", "numerator=x"),
                ws.replace(TERMS, "UBERON:0002048\tlung\t", "UBERON:0002048\t\t"),
            )
        ),
        2,
        ("3 problems", "mini.tsv:6", "mini.tsv:5", "terms/mini.tsv:13 [label]"),
    ),
]

# ------------------------------------------------------------------ YAML: the case files

BOMB = "\n".join(
    ["format: histiokg-case/1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    + ["id: bomb"]
)


def _second_id(ws: Workspace) -> None:
    ws.replace(CASE, "title: A one-year-old", "id: mini-case-two\ntitle: A one-year-old")


def _alk_negative(ws: Workspace) -> None:
    ws.replace(CASE, "{marker: ALK, result: positive", "{marker: ALK, result: negative")
    ws.replace(CASE, "positive for ALK and", "negative for ALK and")
    ws.replace(
        CASE,
        'quote: "positive for ALK"}}\n  - {marker: CD1a',
        'quote: "negative for ALK"}}\n  - {marker: CD1a',
    )
    text = ws.read(CASE)
    start = text.index("molecular:")
    end = text.index("diagnosis:")
    ws.write(CASE, text[:start] + text[end:])
    ws.replace(
        CASE,
        'coded: {term: MONDO:0022338, evidence: {sentence: s2, quote: "positive for ALK"}}',
        'coded: {term: MONDO:0022338, evidence: {sentence: s2, quote: "The lesion"}}',
    )


def _bom_case(ws: Workspace) -> None:
    (ws.data / CASE).write_bytes(b"\xef\xbb\xbf" + (ws.data / CASE).read_bytes())


YAML = [
    Bad(
        "yaml-duplicate-key",
        then(_second_id),
        2,
        ("mini-case.yaml:3", "duplicate key 'id'", "line 2", "keep one"),
    ),
    Bad(
        "yaml-alias-bomb",
        then(lambda ws: ws.write("cases/bomb.yaml", BOMB)),
        2,
        ("bomb.yaml:3", "aliases", "write the value out"),
    ),
    Bad(
        "yaml-oversized-file",
        then(
            lambda ws: ws.write(
                "cases/huge.yaml", "format: histiokg-case/1\n" + "# padding\n" * 300_000
            )
        ),
        2,
        ("huge.yaml", "larger than", "split"),
    ),
    Bad(
        "yaml-case-id-trailing-newline",
        then(lambda ws: ws.replace(CASE, "id: mini-case\n", 'id: "mini-case\\n"\n')),
        2,
        ("mini-case.yaml:2", "[id]", "control character U+000A"),
    ),
    Bad(
        "yaml-case-id-control-character",
        then(lambda ws: ws.replace(CASE, "id: mini-case\n", 'id: "mini\\acase"\n')),
        2,
        ("mini-case.yaml:2", "id"),
    ),
    Bad(
        "yaml-key-with-a-space",
        then(lambda ws: ws.replace(CASE, "  sex: {value", "  se x: {value")),
        2,
        ("mini-case.yaml:14", "'se x'", "docs/case-format.md"),
    ),
    Bad(
        "yaml-key-that-is-not-text",
        then(lambda ws: ws.replace(CASE, "patient:\n", "patient:\n  ? [a, b]\n  : 1\n")),
        2,
        ("mini-case.yaml:13", "key", "text"),
    ),
    Bad(
        "yaml-marker-positive-and-negative-on-one-biopsy",
        then(
            lambda ws: ws.replace(
                CASE,
                "{marker: CD1a, result: negative, assay: IHC, specimens: [lung]",
                "{marker: ALK, result: negative, assay: IHC, specimens: [lung]",
            )
        ),
        2,
        ("mini-case.yaml:23", "ALK", "positive", "negative", "lung"),
    ),
    Bad(
        "yaml-marker-conflict-on-a-shared-biopsy",
        then(
            lambda ws: (
                ws.replace(
                    CASE,
                    "biopsies:\n",
                    "biopsies:\n  - {id: skin, site: UBERON:0002048, "
                    'evidence: {sentence: s2, quote: "The lesion"}}\n',
                ),
                ws.replace(
                    CASE,
                    "{marker: CD1a, result: negative, assay: IHC, specimens: [lung]",
                    "{marker: ALK, result: negative, assay: IHC, specimens: [skin, lung]",
                ),
            )
        ),
        2,
        ("mini-case.yaml:24", "lung"),
    ),
    Bad(
        "yaml-alk-negative-case-coded-alk-positive-histiocytosis",
        then(_alk_negative),
        1,  # a violation: the case needs an ALK result, an ALK finding or a note saying why
        ("AlkEvidenceShape", "without an ALK-positive marker result"),
    ),
    Bad(
        "yaml-age-166-years",
        then(lambda ws: ws.replace(CASE, "value: 1, unit: year", "value: 166, unit: year")),
        2,
        ("mini-case.yaml:13", "166", "impossible"),
    ),
    Bad(
        "yaml-syntax-error",
        then(lambda ws: ws.replace(CASE, "patient:\n  age:", "patient:\n age:\n   - x\n  age:")),
        2,
        ("mini-case.yaml:", "not valid YAML", "fix the YAML syntax"),
    ),
    Bad(
        "yaml-not-a-mapping",
        then(lambda ws: ws.write(CASE, "- a\n- b\n")),
        2,
        ("mini-case.yaml", "format"),
    ),
    Bad(
        "yaml-empty-file",
        then(lambda ws: ws.write(CASE, "")),
        2,
        ("mini-case.yaml", "format"),
    ),
    Bad(
        "yaml-wrong-encoding",
        then(
            lambda ws: (ws.data / CASE).write_bytes(
                ws.read(CASE).replace("girl", "girl (née)").encode("latin-1")
            )
        ),
        2,
        ("mini-case.yaml", "UTF-8"),
    ),
    Bad("yaml-bom-is-read", then(_bom_case), 0, ("SHACL: conforms",)),
    Bad(
        "yaml-unknown-term",
        then(lambda ws: ws.replace(CASE, "{marker: ALK,", "{marker: ALKK,")),
        2,
        ("mini-case.yaml:22", "unknown marker 'ALKK'", "did you mean ALK"),
    ),
]

# ------------------------------------------------------------------ Turtle and SPARQL


def _broken_ontology(ws: Workspace) -> list[str]:
    onto = ws.root / "ontology"
    shutil.copytree(paths.ONTOLOGY.parent, onto, ignore=shutil.ignore_patterns("vocabularies"))
    text = (onto / paths.ONTOLOGY.name).read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[11] = lines[11] + " this is not turtle"
    (onto / paths.ONTOLOGY.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.root.joinpath("ontology-path").write_text(str(onto / paths.ONTOLOGY.name))
    return ["validate"]


def _extra_turtle(ws: Workspace) -> list[str]:
    bad = ws.root / "hypothesis.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n")
    return ["reason", "--extra", str(bad), "--out", str(ws.root / "i.ttl")]


def _rq(text: str) -> Callable[[Workspace], list[str]]:
    def setup(ws: Workspace) -> list[str]:
        path = ws.root / "my-question.rq"
        path.write_text(text, encoding="utf-8")
        return ["query", str(path)]

    return setup


SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"

RDF_AND_SPARQL = [
    Bad("ttl-syntax-error-in-the-tbox", _broken_ontology, 2, ("histiokg.ttl:12", "Turtle")),
    Bad("ttl-syntax-error-in-extra", _extra_turtle, 2, ("hypothesis.ttl", "line 4", "Turtle")),
    Bad(
        "rq-syntax-error",
        _rq("SELECT ?s WHERE {\n  ?s ?p \n}\n"),
        2,
        ("my-question.rq", "SPARQL syntax error"),
    ),
    Bad("rq-service-refused", _rq(SERVICE + "\n"), 2, ("my-question.rq", "SERVICE", "refused")),
    Bad(
        "rq-service-lowercase-refused",
        _rq("select * { service silent <http://example.org/s> { ?s ?p ?o } }\n"),
        2,
        ("SERVICE",),
    ),
    Bad("e-service-refused", lambda ws: ["query", "-e", SERVICE], 2, ("-e", "SERVICE")),
    Bad("e-syntax-error", lambda ws: ["query", "-e", "SELEKT * {}"], 2, ("-e", "syntax error")),
    Bad(
        "rq-not-utf8",
        lambda ws: (
            ws.root.joinpath("q.rq").write_bytes(b"SELECT * { ?s ?p \xff }"),
            ["query", str(ws.root / "q.rq")],
        )[1],
        2,
        ("q.rq", "UTF-8"),
    ),
]

# ------------------------------------------------------------------ CLI arguments

CLI = [
    Bad(
        "param-injection-as-text-changes-nothing",
        lambda ws: [
            "query",
            "cq01",
            "--format",
            "tsv",
            "--param",
            "case=x } ?alteration ?p ?o . { ",
        ],
        0,
        (),
    ),
    Bad(
        "param-injection-in-an-iri-refused",
        lambda ws: ["query", "cq01", "--param", "case=<http://x> } ?s ?p ?o { <y>"],
        2,
        ("parameter case", "not a valid IRI"),
    ),
    Bad(
        "param-control-character-refused",
        lambda ws: ["query", "cq01", "--param", "case=a\x00b"],
        2,
        ("parameter case", "control characters"),
    ),
    Bad("param-without-equals", lambda ws: ["query", "cq01", "--param", "case"], 2, ("k=v",)),
    Bad("param-unknown-name", lambda ws: ["query", "cq01", "--param", "x=1"], 2, ("unknown",)),
    Bad(
        "unknown-export-format",
        lambda ws: ["export", "--format", "xlsx", "--out", str(ws.root / "x")],
        2,
        ("xlsx", "ttl"),
    ),
    Bad("unknown-query-format", lambda ws: ["query", "cq01", "--format", "pdf"], 2, ("pdf",)),
    Bad("unknown-command", lambda ws: ["bulid"], 2, ("bulid",)),
]

# ------------------------------------------------------------------ environment


def _env(**values: str) -> Callable[[Workspace], list[str]]:
    def setup(ws: Workspace) -> list[str]:
        ws.root.joinpath("env.json").write_text(json.dumps(values))
        return ["release", "--out", str(ws.root / "release")]

    return setup


ENVIRONMENT = [
    Bad(
        "env-source-date-epoch-not-a-number",
        _env(SOURCE_DATE_EPOCH="abc"),
        2,
        ("SOURCE_DATE_EPOCH", "'abc'", "seconds"),
    ),
    Bad("env-source-date-epoch-fraction", _env(SOURCE_DATE_EPOCH="1.5"), 2, ("SOURCE_DATE_EPOCH",)),
    Bad(
        "env-data-dir-missing",
        lambda ws: (shutil.rmtree(ws.data), ["build", "--out", str(ws.root / "x.ttl")])[1],
        2,
        ("HISTIOKG_DATA_DIR", "does not exist"),
    ),
    Bad(
        "env-data-dir-without-tables",
        lambda ws: (
            shutil.rmtree(ws.data / "curated"),
            (ws.data / "curated").mkdir(),
            ["build", "--out", str(ws.root / "x.ttl")],
        )[2],
        2,
        ("curated", "no term tables"),
    ),
    Bad(
        "env-data-dir-is-a-file",
        lambda ws: (shutil.rmtree(ws.data), ws.data.write_text("x"), ["validate"])[2],
        2,
        ("HISTIOKG_DATA_DIR", "not a folder"),
    ),
]

# ------------------------------------------------------------------ unwritable outputs


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _read_only(ws: Workspace) -> list[str]:
    folder = ws.root / "ro"
    folder.mkdir()
    ws.root.joinpath("read-only").write_text(str(folder))
    return ["export", "--format", "nt", "--out", str(folder / "kg.nt")]


def _full_disk_file(ws: Workspace) -> list[str]:
    ws.root.joinpath("full-disk").write_text("os.fdopen")
    return ["export", "--format", "nt", "--out", str(ws.root / "kg.nt")]


def _full_disk_folder(ws: Workspace) -> list[str]:
    ws.root.joinpath("full-disk").write_text("Path.write_bytes")
    return ["export", "--format", "kgx", "--out", str(ws.root / "kgx")]


def _full_disk_store(ws: Workspace) -> list[str]:
    ws.root.joinpath("full-disk").write_text("store")
    return ["build", "--out", str(ws.root / "x.ttl")]


def _parent_is_file(ws: Workspace) -> list[str]:
    ws.root.joinpath("afile").write_text("x")
    return ["export", "--format", "nt", "--out", str(ws.root / "afile" / "kg.nt")]


def _out_is_folder(ws: Workspace) -> list[str]:
    ws.root.joinpath("afolder").mkdir()
    return ["export", "--format", "ttl", "--out", str(ws.root / "afolder")]


def _build_dir_under_file(ws: Workspace) -> list[str]:
    ws.root.joinpath("afile").write_text("x")
    ws.root.joinpath("build-dir").write_text(str(ws.root / "afile" / "build"))
    return ["build", "--out", str(ws.root / "x.ttl")]


OUTPUTS = [
    Bad("out-read-only-folder", _read_only, 2, ("kg.nt", "permission denied")),
    Bad("out-parent-is-a-file", _parent_is_file, 2, ("afile", "a parent is a file")),
    Bad("out-is-a-folder", _out_is_folder, 2, ("afolder", "folder")),
    Bad("out-full-disk-file", _full_disk_file, 2, ("kg.nt", "No space left on device")),
    Bad("out-full-disk-folder", _full_disk_folder, 2, ("kgx", "No space left on device")),
    Bad("out-full-disk-store", _full_disk_store, 2, ("store", "No space left on device")),
    Bad("out-build-dir-under-a-file", _build_dir_under_file, 2, ("afile", "cannot write")),
]

BATTERY = TSV + YAML + RDF_AND_SPARQL + CLI + ENVIRONMENT + OUTPUTS


def _point_at(monkeypatch: pytest.MonkeyPatch, ws: Workspace) -> None:
    """Point every path the commands read at the workspace (as HISTIOKG_*_DIR would)."""
    data, build = ws.data, ws.build
    build_file = ws.root / "build-dir"
    if build_file.exists():
        build = Path(build_file.read_text())
    for name, value in {
        "DATA": data,
        "CURATED": data / "curated",
        "TERMS_DIR": data / "curated" / "terms",
        "STATEMENTS_DIR": data / "curated" / "statements",
        "PUBLICATIONS_DIR": data / "curated" / "publications",
        "CASES_DIR": data / "cases",
        "BUILD_DIR": build,
        "STORE_DIR": build / "store",
        "BUILD_TTL": build / "histiokg.ttl",
        "BUILD_GAPS": build / "terminology-gaps.tsv",
        "BUILD_INFERRED": build / "histiokg-inferred.ttl",
    }.items():
        monkeypatch.setattr(paths, name, value)
    monkeypatch.setenv("HISTIOKG_DATA_DIR", str(data))
    onto = ws.root / "ontology-path"
    if onto.exists():
        monkeypatch.setattr(paths, "ONTOLOGY", Path(onto.read_text()))
    env = ws.root / "env.json"
    if env.exists():
        for key, value in json.loads(env.read_text()).items():
            monkeypatch.setenv(key, value)
    common.term_index.cache_clear()


def _sabotage(monkeypatch: pytest.MonkeyPatch, ws: Workspace) -> None:
    """Simulate a read-only folder or a full disk where the workspace asks for one."""
    marker = ws.root / "full-disk"
    if marker.exists():
        where = marker.read_text()
        if where == "os.fdopen":
            real = os.fdopen

            class Full:
                def __init__(self, fd: int, mode: str) -> None:
                    self.handle = real(fd, mode)

                def __enter__(self) -> Full:
                    return self

                def __exit__(self, *exc: object) -> None:
                    self.handle.close()

                def write(self, data: bytes) -> int:
                    raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(os, "fdopen", Full)
        elif where == "Path.write_bytes":
            monkeypatch.setattr(Path, "write_bytes", _enospc)
        else:
            from kg.graph import store

            monkeypatch.setattr(store, "_load", _enospc)
    ro = ws.root / "read-only"
    if ro.exists():
        folder = Path(ro.read_text())
        folder.chmod(0o555)
        if os.geteuid() == 0:  # root writes anywhere: refuse the way the kernel would
            import tempfile

            real_mkstemp = tempfile.mkstemp

            def mkstemp(*args: object, dir: str | Path | None = None, **kw: object):
                if dir is not None and Path(dir) == folder:
                    raise PermissionError(errno.EACCES, "Permission denied")
                return real_mkstemp(*args, dir=dir, **kw)  # type: ignore[arg-type]

            monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("bad", BATTERY, ids=[b.id for b in BATTERY])
def test_bad_input(
    bad: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = Workspace(tmp_path)
    shutil.copytree(MINI, ws.data)
    args = bad.setup(ws)
    _point_at(monkeypatch, ws)
    _sabotage(monkeypatch, ws)
    code = main(args)
    out = capsys.readouterr()
    text = out.err + out.out
    assert "internal error" not in text, text
    assert code in (bad.code if isinstance(bad.code, tuple) else (bad.code,)), text
    for fragment in bad.says:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert not leftovers, f"temporary files left: {leftovers}"


def test_validate_accepts_exactly_what_build_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Build and validate agree on a source that once passed one and crashed the other."""
    ws = Workspace(tmp_path)
    shutil.copytree(MINI, ws.data)
    ws.replace(STATEMENTS, "\tPMID:2\t", "\thttps://example.org/a>b\t")
    _point_at(monkeypatch, ws)
    codes = [main(["validate"]), main(["build", "--out", str(tmp_path / "x.ttl")])]
    assert codes == [2, 2], capsys.readouterr().err
    assert not (tmp_path / "x.ttl").exists()


def test_a_source_date_epoch_error_comes_before_any_work(tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH=abc: exit 2 at once, no store built (in a fresh process)."""
    build = tmp_path / "build"
    result = subprocess.run(
        [sys.executable, "-m", "kg", "release", "--out", str(tmp_path / "release")],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "abc", "HISTIOKG_BUILD_DIR": str(build)},
        cwd=paths.ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert not build.exists(), "nothing may be built before the environment is checked"


def test_a_missing_data_dir_is_refused_in_a_fresh_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--out", str(tmp_path / "x.ttl")],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "HISTIOKG_DATA_DIR": str(tmp_path / "nonexistent"),
            "HISTIOKG_BUILD_DIR": str(tmp_path / "build"),
        },
        cwd=paths.ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "HISTIOKG_DATA_DIR" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "x.ttl").exists()


def test_an_alias_bomb_is_refused_in_a_fresh_process_within_a_minute(tmp_path: Path) -> None:
    """The 1 KB billion-laughs file is refused by `case check` (a hang fails by the timeout)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    assert bomb.stat().st_size < 1024
    result = subprocess.run(
        [sys.executable, "-m", "kg", "case", "check", str(bomb)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "aliases" in result.stderr


# ------------------------------------------------------------------ JSON: Phenopacket import

JSON_BAD = {
    "json-malformed": '{"id": "x", "subject": {"id": "p"',
    "json-not-an-object": '["id", "x"]',
    "json-wrong-field-type": '{"id": "x", "subject": 5}',
    "json-unknown-field": '{"id": "x", "nonsense": 1}',
    "json-not-a-number": '{"id": "x", "subject": {"id": "p", "timeAtLastEncounter": NaN}}',
    "json-deeply-nested": '{"id": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "json-empty": "",
    "json-no-id": '{"subject": {"id": "p"}}',
}


@pytest.mark.parametrize("text", JSON_BAD.values(), ids=list(JSON_BAD))
def test_bad_phenopacket_json_is_a_case_error(text: str) -> None:
    from kg.formats.phenopacket_import import phenopacket_to_case

    with pytest.raises(CaseError) as info:
        phenopacket_to_case(text, source="in.json")
    assert all(str(p).startswith("in.json") for p in info.value.problems), info.value


def test_service_is_refused_on_the_embedded_path_before_any_network_access() -> None:
    """Library callers (run_query, select, run) get the refusal too, not only the CLI."""
    from kg.core.errors import QueryError
    from kg.graph.store import KnowledgeGraph

    graph = KnowledgeGraph.in_memory()
    for call in (lambda: graph.select(SERVICE), lambda: graph.run(SERVICE, "json")):
        with pytest.raises(QueryError, match="SERVICE"):
            call()
    assert graph.select("SELECT * WHERE { ?s ?p 'SERVICE' }").rows == ()


def test_the_suite_runs_offline() -> None:
    import socket

    with pytest.raises(OSError, match="offline"):
        socket.getaddrinfo("example.org", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)
