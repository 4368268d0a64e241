"""The README's two quick-start commands, run as written."""

import os
import re
import subprocess
from pathlib import Path

from kg.core import paths

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    block = re.search(r"## Quick start.*?```(?:sh|bash)?\n(.*?)```", README, flags=re.S)
    assert block, "README has no Quick start code block"
    return [
        ln.strip() for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")
    ]


def test_readme_has_exactly_two_commands() -> None:
    assert quick_start_commands() == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_first_command_builds_validates_and_answers(tmp_path: Path) -> None:
    command = quick_start_commands()[0]
    env = {**os.environ, "HISTIOKG_BUILD_DIR": str(tmp_path)}
    result = subprocess.run(
        command.split(), cwd=paths.ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "histiokg.ttl").stat().st_size > 10_000
    assert "SHACL: conforms" in result.stderr
    out = result.stdout
    assert "KIF5B-ALK" in out and "cladribine" in out and "crizotinib" in out
    assert "== cq01-case-driver-alteration" in out


def test_second_command_runs_lint_types_and_tests() -> None:
    command = quick_start_commands()[1].split()
    dry = subprocess.run(
        [*command[:1], "-n", *command[1:]],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for tool in ("ruff check", "ruff format --check", "mypy", "pytest"):
        assert tool in dry


#: The tests whose expectations depend on the case set (the rest are about fixed facts or code).
DATA_DEPENDENT = (
    "tests/test_cohort.py",
    "tests/test_queries.py",
    "tests/test_store.py",
    "tests/test_case_format_v2.py",
)


def add_case_commands() -> list[str]:
    section = README.split("## How to add a case", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", section, flags=re.S)
    assert block, "README's 'How to add a case' has no command block"
    return [ln.split("#", 1)[0].strip() for ln in block.group(1).splitlines() if ln.strip()]


def test_a_case_added_as_the_readme_says_keeps_the_suite_green(tmp_path: Path) -> None:
    """Copy the data, add a format-2 case (age not reported, a procedure, an outcome, a second
    diagnosis) with the README's commands, then run the data-dependent tests on that data."""
    import shutil
    import sys

    data = tmp_path / "data"
    shutil.copytree(paths.PACKAGE / "data", data)
    new_case = paths.ROOT / "tests" / "fixtures" / "cases" / "v2-example-alk-h.yaml"
    env = {
        **os.environ,
        "HISTIOKG_DATA_DIR": str(data),
        "HISTIOKG_BUILD_DIR": str(tmp_path / "build"),
    }
    commands = add_case_commands()
    assert commands[-1] == "make test"
    for command in commands[:-1]:
        args = command.replace("my-case.yaml", str(new_case)).split()
        assert args[0] == ".venv/bin/histiokg"
        result = subprocess.run(
            [sys.executable, "-m", "kg", *args[1:]],
            cwd=paths.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    assert (data / "cases" / "v2-example-alk-h.yaml").is_file()
    # 'make test' on the new data: the data-dependent part of the suite (the whole suite runs in CI)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *DATA_DEPENDENT],
        cwd=paths.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
