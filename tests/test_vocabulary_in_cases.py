"""A case may name any current term of the pinned vocabulary copies, not only the tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.core.errors import CaseError
from kg.graph.build import build_graph

CASE = """\
format: histiokg-case/2
id: vocab-test
title: A test case naming terms the project's tables do not hold
publication: {key: vocab-test-report, title: A test report}
report:
  - section: Case
    sentences:
      - {id: s1, text: "A woman had a mass of the heart treated with dasatinib; FLT3 was mutated."}
patient:
  age: {reported: false}
  sex: {value: female, evidence: {sentence: s1, quote: "A woman"}}
sites:
  - {term: SITE, evidence: {sentence: s1, quote: "mass of the heart"}}
molecular:
  - {gene: FLT3, evidence: {sentence: s1, quote: "FLT3 was mutated"}}
diagnosis:
  coded: {term: MONDO:0018153, evidence: {sentence: s1, quote: "a mass"}}
treatment_lines:
  - {number: 1, agents: [DRUG], evidence: {sentence: s1, quote: "treated with dasatinib"}}
"""


def build(tmp_path: Path, site: str = "heart", drug: str = "CHEBI:49375"):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent.parent / "kg" / "data", data)
    text = CASE.replace("SITE", site).replace("DRUG", drug)
    (data / "cases" / "vocab-test.yaml").write_text(text, encoding="utf-8")
    return build_graph(data / "curated", data / "cases")


def test_terms_of_the_pinned_copies_are_accepted_and_get_nodes(tmp_path: Path) -> None:
    built = build(tmp_path)
    case = next(c for c in built.cases if c.id == "vocab-test")
    assert case.sites[0].term == "UBERON:0000948"  # heart, from the UBERON copy
    assert case.molecular[0].gene == "HGNC:3765"  # FLT3, from the HGNC copy
    assert case.lines[0].agents == ("CHEBI:49375",)
    rows = built.graph.select(
        "PREFIX hkg: <https://w3id.org/histiokg/ontology/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?t ?label ?type WHERE { VALUES ?t { "
        "<http://purl.obolibrary.org/obo/UBERON_0000948> <http://identifiers.org/hgnc/3765> } "
        "?t rdfs:label ?label ; a ?type FILTER(STRSTARTS(STR(?type), STR(hkg:))) }"
    ).rows
    assert sorted(rows) == [
        ("HGNC:3765", "FLT3", "hkg:Gene"),
        ("UBERON:0000948", "heart", "hkg:AnatomicalSite"),
    ]


def test_a_near_name_is_refused_with_the_likely_term_first(tmp_path: Path) -> None:
    with pytest.raises(CaseError) as info:
        build(tmp_path, drug="dasatinib")
    (problem,) = [p for p in info.value.problems if "dasatinib" in p.reason]
    assert "did you mean dasatinib (anhydrous) (CHEBI:49375)" in problem.reason
