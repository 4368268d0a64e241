"""Every script in examples/ runs against the built graph and prints what it promises."""

import subprocess
import sys

import pytest

from kg.core import paths

EXAMPLES = sorted((paths.ROOT / "examples").glob("*.py"))
EXPECTED = {
    "differential_diagnosis.py": "1. ALK+ histiocytosis",
    "explore_seed_case.py": "driver: KIF5B-ALK (KIF5B::ALK)",
}


def test_every_example_has_an_expectation() -> None:
    assert {p.name for p in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script) -> None:
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=paths.ROOT, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert EXPECTED[script.name] in result.stdout
