"""Case format histiokg-case/2: what published reports say that version 1 could not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.errors import CaseError
from kg.graph.case_triples import case_to_triples
from kg.graph.ntriples import TripleSink
from kg.graph.store import KnowledgeGraph
from kg.sources.case_files import migrate_text
from kg.sources.cases import load_case

V2 = """\
format: histiokg-case/2
id: v2-test
title: An adult with Rosai-Dorfman disease after a lymphoma, excised, alive at follow-up
publication: {key: v2-test-report, title: A test report}
report:
  - section: Case
    sentences:
      - id: s1
        text: "A man in his thirties presented with a skin nodule; no Touton giant cells were seen."
      - {id: s2, text: "Two years earlier he had been treated for a lymphoma."}
      - {id: s3, text: "Sequencing found KRAS G12D at 12% allele fraction."}
      - {id: s4, text: "The nodule was excised and he was alive without disease at 30 months."}
patient:
  age: {min: 30, max: 39, unit: year, evidence: {sentence: s1, quote: "in his thirties"}}
  sex: {value: male, evidence: {sentence: s1, quote: "A man"}}
findings:
  - {term: Skin nodule, evidence: {sentence: s1, quote: "a skin nodule"}}
sites:
  - {term: UBERON:0002097, evidence: {sentence: s1, quote: "skin nodule"}}
molecular:
  - gene: KRAS
    protein_change: G12D
    vaf_percent: 12
    evidence: {sentence: s3, quote: "KRAS G12D"}
diagnosis:
  coded: {term: MONDO:0006412, evidence: {sentence: s1, quote: "skin nodule"}}
other_diagnoses:
  - term: MONDO:0015540
    relation: preceding
    interval: {value: 2, unit: year}
    clonally_related: not reported
    evidence: {sentence: s2, quote: "treated for a lymphoma"}
treatment_lines:
  - number: 1
    procedures: [excision]
    evidence: {sentence: s4, quote: "The nodule was excised"}
outcome:
  status: alive without disease
  follow_up: {value: 30, unit: month}
  evidence: {sentence: s4, quote: "alive without disease at 30 months"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def triples_of(case, index) -> KnowledgeGraph:
    sink = TripleSink()
    case_to_triples(case, sink, index)
    return KnowledgeGraph.in_memory(b"", [sink.data()])


def test_a_v2_case_holds_range_age_procedure_outcome_and_other_diagnosis(tmp_path, built) -> None:
    case = load_case(write(tmp_path, V2), built.index)
    assert case.age.years is None and case.age.bounds_years == (30.0, 39.0)
    assert case.lines[0].agents == () and case.lines[0].procedures == ("MAXO:0000447",)
    assert case.outcome is not None and case.outcome.follow_up is not None
    assert case.outcome.follow_up.years == 2.5
    assert [(d.term, d.relation) for d in case.other_diagnoses] == [("MONDO:0015540", "preceding")]
    (mol,) = case.molecular
    assert (mol.alteration, mol.gene, mol.protein_change) == ("", "HGNC:6407", "p.Gly12Asp")
    g = triples_of(case, built.index)
    rows = g.select(
        "PREFIX hkg: <https://w3id.org/histiokg/ontology/> "
        "SELECT ?lo ?hi ?proc ?status ?fu ?other ?rel ?gene ?p WHERE { "
        "?c hkg:age_min_years ?lo ; hkg:age_max_years ?hi ; hkg:has_treatment_line/hkg:procedure "
        "?proc ; hkg:has_outcome [ hkg:vital_status ?status ; hkg:follow_up_years ?fu ] ; "
        "hkg:has_other_diagnosis [ hkg:other_disease ?other ; hkg:temporal_relation ?rel ] ; "
        "hkg:has_driver_alteration [ hkg:variant_of_gene ?gene ; hkg:protein_change ?p ] "
        "FILTER NOT EXISTS { ?c hkg:age_in_years ?any } }"
    ).rows
    assert rows == (
        (
            "30",
            "39",
            "MAXO:0000447",
            "alive without disease",
            "2.5",
            "MONDO:0015540",
            "preceding",
            "HGNC:6407",
            "p.Gly12Asp",
        ),
    )


def test_age_and_sex_not_reported_leave_no_triple(tmp_path, built) -> None:
    text = V2.replace(
        'age: {min: 30, max: 39, unit: year, evidence: {sentence: s1, quote: "in his thirties"}}',
        "age: {reported: false}",
    ).replace(
        'sex: {value: male, evidence: {sentence: s1, quote: "A man"}}', "sex: {value: not reported}"
    )
    case = load_case(write(tmp_path, text), built.index)
    assert case.age.reported is False and case.sex == ""
    g = triples_of(case, built.index)
    assert not g.select(
        "SELECT ?p WHERE { ?c a <https://w3id.org/histiokg/ontology/Case> ; ?p ?o "
        "FILTER(?p IN (<https://w3id.org/histiokg/ontology/age_value>, "
        "<https://w3id.org/histiokg/ontology/sex>)) }"
    ).rows


@pytest.mark.parametrize(
    ("age", "message"),
    [
        ("{at_birth: true}", "an age needs evidence"),
        ('{value: 2, min: 1, unit: year, evidence: {sentence: s1, quote: "A man"}}', "a range"),
        ('{min: 40, max: 30, unit: year, evidence: {sentence: s1, quote: "A man"}}', "reversed"),
        ('{value: 166, unit: year, evidence: {sentence: s1, quote: "A man"}}', "impossible"),
        ('{value: .nan, unit: year, evidence: {sentence: s1, quote: "A man"}}', "not a number"),
    ],
)
def test_impossible_ages_are_refused(tmp_path, built, age: str, message: str) -> None:
    text = V2.replace(
        'age: {min: 30, max: 39, unit: year, evidence: {sentence: s1, quote: "in his thirties"}}',
        f"age: {age}",
    )
    with pytest.raises(CaseError) as info:
        load_case(write(tmp_path, text), built.index)
    assert any(message in str(p) for p in info.value.problems), info.value.problems


def test_schema_and_meaning_problems_come_in_one_run(tmp_path, built) -> None:
    text = V2.replace("relation: preceding", "relation: before").replace(
        "procedures: [excision]", "procedures: [exicsion]"
    )
    with pytest.raises(CaseError) as info:
        load_case(write(tmp_path, text), built.index)
    found = [str(p) for p in info.value.problems]
    assert any("'before' is not one of" in p for p in found), found
    assert any("unknown procedure 'exicsion'" in p for p in found), found


def test_present_and_absent_at_once_is_refused(tmp_path, built) -> None:
    text = V2.replace(
        "sites:\n",
        "absent_findings:\n"
        '  - {term: Skin nodule, evidence: {sentence: s1, quote: "no Touton"}}\n'
        "sites:\n",
    )
    with pytest.raises(CaseError, match="both present and absent"):
        load_case(write(tmp_path, text), built.index)


def test_an_unknown_format_names_the_current_one(tmp_path, built) -> None:
    with pytest.raises(CaseError, match="histiokg-case/2"):
        load_case(write(tmp_path, V2.replace("histiokg-case/2", "histiokg-case/9")), built.index)


def test_version_1_files_are_still_read_and_migrate_by_their_format_line(mini) -> None:
    assert mini.cases[0].format_version == 1
    v1 = "format: histiokg-case/1\nid: x\n"
    assert migrate_text(v1) == "format: histiokg-case/2\nid: x\n"
    assert migrate_text(migrate_text(v1)) == migrate_text(v1)


def test_shipped_cases_are_version_2(built) -> None:
    assert {c.format_version for c in built.cases} == {2}
