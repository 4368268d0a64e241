"""The leave-one-out evaluation: every case ranked without its own publication's statements."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.answers.evaluation import evaluate, publication_sources
from kg.formats.evaluation_report import evaluation_markdown
from kg.graph.build import build_graph

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_every_case_is_ranked_and_reported(built) -> None:
    ev = evaluate(built.graph, built.cases, built.index)
    assert {r.case for r in ev.results} == {c.id for c in built.cases}
    assert 0 <= ev.accuracy(1) <= ev.accuracy(3) <= 1
    seed = next(r for r in ev.results if r.case == "seed-alk-h-infant")
    assert seed.rank == 1
    text = evaluation_markdown(ev, "kg/data/cases")
    assert "top-1 accuracy" in text and "| seed-alk-h-infant |" in text


def test_statements_citing_the_case_itself_are_left_out(tmp_path: Path) -> None:
    """A profile count that cites the case's own publication must not grade that case."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    rows = (data / "curated" / "statements" / "mini.tsv").read_text(encoding="utf-8")
    # the marker row now cites the case's own report (its publication key)
    rows = rows.replace("m-2\t", "m-2\t", 1)
    lines = rows.splitlines()
    lines = [
        ln.replace("\tPMID:1\t", "\tmini-report\t") if ln.startswith("m-2\t") else ln
        for ln in lines
    ]
    (data / "curated" / "statements" / "mini.tsv").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    built = build_graph(data / "curated", data / "cases")
    (case,) = built.cases
    assert "hkgd:pub-mini-report" in publication_sources(case)
    (result,) = evaluate(built.graph, built.cases, built.index).results
    assert result.left_out == 1
