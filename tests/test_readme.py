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
