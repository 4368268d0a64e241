import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kg.cli.main import cli, main
from kg.core import paths

COMMANDS = [
    "build",
    "validate",
    "queries",
    "query",
    "export",
    "demo",
    "traverse",
    "diagnose",
    "options",
    "release",
    "case",
    "reason",
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=paths.ROOT,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str, capsys) -> None:
    assert main([command, "--help"]) == 0
    assert "Example: histiokg" in capsys.readouterr().out


def test_traverse_path_help_has_example(capsys) -> None:
    assert main(["traverse", "path", "--help"]) == 0
    assert "Example: histiokg traverse path" in capsys.readouterr().out


def test_queries_lists_titles_and_questions(capsys) -> None:
    assert main(["queries"]) == 0
    out = capsys.readouterr().out
    assert "cq01-case-driver-alteration" in out and "Q: Which driver alteration" in out


def test_query_runs_and_formats(capsys) -> None:
    assert main(["query", "cq01", "--format", "tsv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("alteration\talteration_label")
    assert any("KIF5B-ALK" in line for line in out[1:])


def test_unknown_query_is_a_usage_error(capsys) -> None:
    assert main(["query", "cq999-nothing"]) == 2
    assert "unknown query" in capsys.readouterr().err


def test_bad_param_is_a_usage_error(capsys) -> None:
    assert main(["query", "cq01", "--param", "nope=1"]) == 2
    assert "unknown parameter nope" in capsys.readouterr().err


def test_traverse_path_explains_edges(capsys) -> None:
    assert main(["traverse", "path", "hkgd:seed-alk-h-infant", "crizotinib"]) == 0
    out = capsys.readouterr().out
    assert "path 1" in out and "crizotinib" in out and "-->" in out


def test_export_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "kg.nt"
    assert main(["export", "--format", "nt", "--out", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_python_dash_m_kg_and_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and "histiokg" in result.stdout


def copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(paths.PACKAGE / "data", data)
    return data


def test_bad_curated_row_exits_2_with_file_line_and_fix(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    target = sorted((data / "curated" / "statements").glob("*.tsv"))[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    rows = [i for i, ln in enumerate(lines) if ln and not ln.startswith("#")]
    idx = rows[1]  # the first data row (rows[0] is the header)
    cells = lines[idx].split("\t")
    cells[3] = "hkg:cures"
    lines[idx] = "\t".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_dir = tmp_path / "build"
    result = run(
        "build", env={"HISTIOKG_DATA_DIR": str(data), "HISTIOKG_BUILD_DIR": str(build_dir)}
    )
    assert result.returncode == 2, result.stderr
    assert f"{target.name}:{idx + 1}" in result.stderr
    assert "unknown predicate 'hkg:cures'" in result.stderr and "fix:" in result.stderr
    assert not build_dir.exists(), "a failed build must not write anything"


def test_data_failing_shapes_exits_1(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    extra = data / "curated" / "terms" / "zz-bad.tsv"
    header = (paths.TERMS_DIR / "assays.tsv").read_text(encoding="utf-8").splitlines()[0]
    extra.write_text(
        header + "\nhkgt:BAD-group\tbad group\tclassification_group\t\t\t"
        "scheme=OBI:0001986\t\t\tfixture: its scheme is an assay, not a scheme\n",
        encoding="utf-8",
    )
    result = run("validate", env={"HISTIOKG_DATA_DIR": str(data)})
    assert result.returncode == 1, result.stderr
    assert "SHACL: FAILS" in result.stderr


def test_cli_module_is_the_only_printer() -> None:
    for path in paths.PACKAGE.glob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "print(" not in text and "click.echo" not in text, path.name


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += all_commands(command, (*prefix, name))
    return out


def test_every_command_is_tested_for_help() -> None:
    assert set(COMMANDS) <= set(cli.commands)


@pytest.mark.parametrize("command", all_commands(), ids=" ".join)
def test_every_command_and_subcommand_ends_its_help_with_an_example(command, capsys) -> None:
    assert main([*command, "--help"]) == 0
    assert "Example: histiokg" in capsys.readouterr().out


def test_diagnose_from_the_command_line(capsys) -> None:
    assert main(["diagnose", "ALK+", "CD1a-", "langerin-", "S100-", "CD68+", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("1. ALK+ histiocytosis")
    assert "supports: ALK+" in out


def test_diagnose_from_a_case_file(capsys) -> None:
    case = str(paths.CASES_DIR / "seed-alk-h-infant.yaml")
    assert main(["diagnose", "--case", case, "--top", "1", "--no-explain"]) == 0
    assert "ALK+ histiocytosis" in capsys.readouterr().out


def test_diagnose_unknown_marker_lists_close_matches(capsys) -> None:
    assert main(["diagnose", "CD1z+", "ALK+"]) == 2
    err = capsys.readouterr().err
    assert "unknown marker 'CD1z'" in err and "CD1a" in err


def test_options_for_the_seed_case(capsys) -> None:
    assert main(["options", "hkgd:seed-alk-h-infant", "--format", "tsv"]) == 0
    out = capsys.readouterr().out
    assert "crizotinib\tALK\tdirect\tno\t" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["traverse", "ancestors", "MONDO:0022338"], "MONDO:0002637"),
        (["traverse", "descendants", "MONDO:0002637"], "MONDO:0022338"),
        (["traverse", "neighbours", "HGNC:427", "--type", "hkg:Drug"], "crizotinib"),
        (["traverse", "similar", "hkgd:seed-alk-h-infant", "--top", "2"], "shared:"),
        (["traverse", "hubs", "--top", "3"], "  "),
    ],
)
def test_traverse_subcommands(args, expected, capsys) -> None:
    assert main(args) == 0
    assert expected in capsys.readouterr().out


def test_case_check_reports_every_problem_with_lines(tmp_path: Path) -> None:
    seed = (paths.CASES_DIR / "seed-alk-h-infant.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        seed.replace("value: 2, unit: month", "value: -2, unit: month").replace(
            "{marker: CD33,", "{marker: CD333,"
        ),
        encoding="utf-8",
    )
    result = run("case", "check", str(bad))
    assert result.returncode == 2
    assert "bad.yaml:" in result.stderr and "negative" in result.stderr
    assert "unknown marker 'CD333'" in result.stderr


def test_case_add_copies_only_a_valid_new_case(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    env = {"HISTIOKG_DATA_DIR": str(data)}
    seed = (paths.CASES_DIR / "seed-alk-h-infant.yaml").read_text(encoding="utf-8")
    new = tmp_path / "copy.yaml"
    copy = seed.replace("id: seed-alk-h-infant", "id: seed-copy")
    new.write_text(copy, encoding="utf-8")
    refused = run("case", "add", str(new), env=env)
    assert refused.returncode == 2 and "same_patient_as: [seed-alk-h-infant]" in refused.stderr
    assert not (data / "cases" / "seed-copy.yaml").exists(), "a duplicate patient is not added"
    copy = copy.replace("\nreport:", "\nsame_patient_as: [seed-alk-h-infant]\nreport:", 1)
    new.write_text(copy, encoding="utf-8")
    assert run("case", "add", str(new), env=env).returncode == 0
    assert (data / "cases" / "seed-copy.yaml").is_file()
    again = run("case", "add", str(new), env=env)
    assert again.returncode == 2 and "already" in again.stderr


@pytest.mark.reasoner
def test_reason_classifies_the_seed_case(tmp_path: Path, capsys) -> None:
    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--out", str(out)]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "seed-alk-h-infant" in ln)
    for cls in ("CaseWithCNSInvolvement", "MultisystemCase", "ALKDrivenCase"):
        assert cls in line
    assert out.stat().st_size > 0


@pytest.mark.reasoner
def test_reason_names_an_inconsistency_with_exit_1(tmp_path: Path) -> None:
    extra = tmp_path / "clash.ttl"
    extra.write_text(
        "@prefix hkg: <https://w3id.org/histiokg/ontology/> .\n"
        "@prefix hkgt: <https://w3id.org/histiokg/term/> .\n"
        "@prefix hkgd: <https://w3id.org/histiokg/data/> .\n"
        "hkgd:seed-alk-h-infant-mr-UniProtKB_Q9UM73 hkg:polarity hkgt:negative .\n",
        encoding="utf-8",
    )
    result = run("reason", "--extra", str(extra), "--out", str(tmp_path / "x.ttl"))
    assert result.returncode == 1, result.stderr
    assert "seed-alk-h-infant-mr-UniProtKB_Q9UM73" in result.stderr
    assert not (tmp_path / "x.ttl").exists()


def test_query_takes_sparql_text_with_a_bound_parameter(capsys) -> None:
    text = (
        "PREFIX hkg: <https://w3id.org/histiokg/ontology/> "
        "SELECT ?c (COUNT(?x) AS ?n) WHERE { VALUES ?c { hkg:Case } ?x a ?c } GROUP BY ?c"
    )
    assert main(["query", "-e", text, "--param", "c=hkg:Drug", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == "c,n" and lines[1].startswith("hkg:Drug,") and int(lines[1].split(",")[1]) > 20
    )


def test_query_runs_a_file_and_writes_standard_results(tmp_path: Path, capsys) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    assert main(["query", str(rq), "--format", "sparql-json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["head"]["vars"] == ["n"] and int(doc["results"]["bindings"][0]["n"]["value"]) > 1000


def test_query_construct_writes_turtle_and_refuses_a_table(capsys) -> None:
    text = (
        "CONSTRUCT { ?d ?p ?o } WHERE { "
        "VALUES ?d { <http://purl.obolibrary.org/obo/MONDO_0022338> } ?d ?p ?o }"
    )
    assert main(["query", "-e", text, "--format", "ttl"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("@prefix ") and "MONDO:0022338" in out
    assert main(["query", "-e", text, "--format", "table"]) == 2


def test_query_syntax_error_exits_2_naming_the_problem(tmp_path: Path, capsys) -> None:
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT ?x WHERE { ?x ?y", encoding="utf-8")
    assert main(["query", str(rq)]) == 2
    assert "SPARQL syntax error" in capsys.readouterr().err
