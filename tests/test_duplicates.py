"""A patient published twice is refused until linked, and then counted once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.core.errors import CaseError
from kg.graph.build import build_graph
from kg.graph.queries import run_query

MINI = Path(__file__).parent / "fixtures" / "mini"


def data_with_copy(tmp_path: Path, extra: str = "", key: str = "mini-report") -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    text = (data / "cases" / "mini-case.yaml").read_text(encoding="utf-8")
    text = text.replace("histiokg-case/1", "histiokg-case/2", 1)
    text = text.replace("id: mini-case", "id: mini-case-again" + extra, 1)
    text = text.replace("key: mini-report", f"key: {key}", 1)
    (data / "cases" / "mini-case-again.yaml").write_text(text, encoding="utf-8")
    return data


def test_a_second_report_of_one_publication_is_refused_with_the_fix(tmp_path: Path) -> None:
    data = data_with_copy(tmp_path)
    with pytest.raises(CaseError) as info:
        build_graph(data / "curated", data / "cases")
    (problem,) = [p for p in info.value.problems if "mini-case" in p.reason]
    assert "shares its publication" in problem.reason
    assert "same_patient_as: [mini-case]" in problem.fix and "distinct_from" in problem.fix


def test_near_identical_features_are_refused_even_across_publications(tmp_path: Path) -> None:
    data = data_with_copy(tmp_path, key="mini-other-report")
    with pytest.raises(CaseError, match="near-identical"):
        build_graph(data / "curated", data / "cases")


def test_same_patient_links_feed_one_patient(tmp_path: Path) -> None:
    data = data_with_copy(tmp_path, "\nsame_patient_as: [mini-case]")
    built = build_graph(data / "curated", data / "cases")
    assert len(built.cases) == 2
    rows = run_query("cq41", built.graph).as_dicts()
    assert rows and all(r["n"] == "1" for r in rows), rows
    patients = built.graph.select(
        "SELECT DISTINCT ?p WHERE { ?c <https://w3id.org/histiokg/ontology/patient> ?p }"
    ).rows
    assert len(patients) == 1


def test_distinct_patients_are_counted_twice(tmp_path: Path) -> None:
    data = data_with_copy(tmp_path, "\ndistinct_from: [mini-case]")
    built = build_graph(data / "curated", data / "cases")
    assert {r["n"] for r in run_query("cq41", built.graph).as_dicts()} == {"2"}


def test_a_link_to_an_unknown_case_is_refused(tmp_path: Path) -> None:
    data = data_with_copy(tmp_path, "\nsame_patient_as: [no-such-case]")
    with pytest.raises(CaseError, match="unknown case 'no-such-case'"):
        build_graph(data / "curated", data / "cases")


def test_generated_synthetic_cases_are_nobody_s_duplicate(tmp_path: Path) -> None:
    """Benchmark cohorts (histiokg synth) may hold look-alikes by chance; they describe nobody."""
    data = data_with_copy(tmp_path, key="synthetic-1-2")
    first = data / "cases" / "mini-case.yaml"
    text = first.read_text(encoding="utf-8").replace("histiokg-case/1", "histiokg-case/2", 1)
    first.write_text(text.replace("key: mini-report", "key: synthetic-1-1", 1), encoding="utf-8")
    built = build_graph(data / "curated", data / "cases")
    assert len(built.cases) == 2
