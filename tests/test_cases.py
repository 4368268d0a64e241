from pathlib import Path

import pytest

from kg.core.errors import CaseError
from kg.sources.cases import load_case

MINI = Path(__file__).parent / "fixtures" / "mini"

GOOD = (MINI / "cases" / "mini-case.yaml").read_text(encoding="utf-8")


def case_problems(tmp_path: Path, text: str, index: object) -> list[str]:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        load_case(path, index)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_mini_case_resolves_labels_to_curies(mini) -> None:
    case = mini.cases[0]
    assert case.age_in_years == 1.0
    assert [m.marker for m in case.markers] == ["UniProtKB:Q9UM73", "UniProtKB:P06126"]
    assert case.findings[0].term == "HP:0002789"  # written as 'tachypnoea', a synonym
    assert case.lines[0].agents == ("CHEBI:567361",)


def test_every_meaning_problem_reported_with_line(tmp_path: Path, mini) -> None:
    text = (
        GOOD.replace("value: 1, unit: year", "value: -3, unit: year")
        .replace("{marker: ALK,", "{marker: ALKK,")
        .replace('quote: "negative for CD1a"', 'quote: "negative for CD1a and S100"')
        .replace("sentence: s3,", "sentence: s9,")
    )
    found = case_problems(tmp_path, text, mini.index)
    assert len(found) == 4, found
    assert any("bad.yaml:13" in p and "negative" in p for p in found)
    assert any("unknown marker 'ALKK'" in p and "did you mean ALK" in p for p in found)
    assert any("not verbatim in sentence s2" in p for p in found)
    assert any("no sentence 's9'" in p for p in found)


def test_schema_errors_name_field_and_line(tmp_path: Path, mini) -> None:
    text = GOOD.replace("result: positive", "result: maybe").replace("cycles: 6", "cycles: 0")
    found = case_problems(tmp_path, text, mini.index)
    assert any("markers/0/result" in p and "'maybe' is not one of" in p for p in found)
    assert any("treatment_lines/0/cycles" in p for p in found)
    assert all("bad.yaml:" in p for p in found)


def test_marker_reported_twice_is_rejected(tmp_path: Path, mini) -> None:
    dup = (
        "  - {marker: CD1a, result: positive, assay: IHC, specimens: [lung],\n"
        '     evidence: {sentence: s2, quote: "negative for CD1a"}}\n'
    )
    text = GOOD.replace("molecular:\n", dup + "molecular:\n")
    found = case_problems(tmp_path, text, mini.index)
    assert any("reported twice" in p for p in found)


def test_invalid_yaml(tmp_path: Path, mini) -> None:
    found = case_problems(tmp_path, "id: [unclosed\n", mini.index)
    assert "not valid YAML" in found[0]


def test_the_tbox_defines_protein_change_as_the_code_writes_it() -> None:
    """hkg:protein_change's definition names the form kg.sources.variants normalises to."""
    from rdflib import Graph, Literal, URIRef

    from kg.core import paths
    from kg.sources.variants import protein_change

    g = Graph().parse(paths.ONTOLOGY, format="turtle")
    definition = g.value(
        URIRef("https://w3id.org/histiokg/ontology/protein_change"),
        URIRef("http://purl.obolibrary.org/obo/IAO_0000115"),
    )
    assert isinstance(definition, Literal)
    assert protein_change("V600E") in str(definition) and protein_change("G12D") in str(definition)
