import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket
from rdflib import Graph, URIRef

from kg.core.errors import CaseError
from kg.core.namespaces import HKGD
from kg.formats.phenopacket_import import phenopacket_to_case, phenopacket_to_case_triples
from kg.formats.phenopackets import graph_to_phenopackets, write_phenopackets

CREATED = "2026-01-01T00:00:00Z"
PHENOTK = Path(sys.executable).parent / "phenotk"

# The parts of a case a Phenopacket carries (docs/phenopackets.md), flattened to (predicate, value).
SHARED = """
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?case ?p ?v WHERE {
  ?case a hkg:Case .
  { VALUES ?p { hkg:age_value hkg:age_unit hkg:age_in_years hkg:sex hkg:has_finding
                hkg:has_diagnosis hkg:has_driver_alteration hkg:described_in }
    ?case ?p ?v . }
  UNION { ?case hkg:has_marker_result ?m . ?m hkg:marker ?k ; hkg:polarity ?x .
          BIND ("marker polarity" AS ?p) BIND (CONCAT(STR(?k), " ", STR(?x)) AS ?v) }
  UNION { ?case hkg:has_marker_result ?m . ?m hkg:marker ?k ; hkg:assay ?x .
          BIND ("marker assay" AS ?p) BIND (CONCAT(STR(?k), " ", STR(?x)) AS ?v) }
  UNION { ?case hkg:has_marker_result ?m . ?m hkg:marker ?k ; hkg:specimen_site ?x .
          BIND ("marker specimen" AS ?p) BIND (CONCAT(STR(?k), " ", STR(?x)) AS ?v) }
  UNION { ?case hkg:has_biopsy ?b . ?b hkg:specimen_site ?v . BIND ("biopsy site" AS ?p) }
  UNION { ?case hkg:has_molecular_finding ?f . ?f hkg:alteration ?v .
          BIND ("molecular finding" AS ?p) }
  UNION { ?case hkg:has_treatment_line ?l . ?l hkg:line_number ?n ; hkg:agent ?x .
          BIND ("line agent" AS ?p) BIND (CONCAT(STR(?n), " ", STR(?x)) AS ?v) }
  UNION { ?case hkg:has_treatment_line ?l . ?l hkg:line_number ?n ;
              hkg:has_response ?r . ?r hkg:response_category ?x .
          BIND ("line response" AS ?p) BIND (CONCAT(STR(?n), " ", STR(?x)) AS ?v) }
  UNION { ?a rdf:subject ?case ; rdf:predicate hkg:has_finding ; rdf:object ?f ; hkg:evidence ?x .
          BIND ("finding evidence" AS ?p) BIND (CONCAT(STR(?f), " ", STR(?x)) AS ?v) }
  UNION { ?a rdf:subject ?case ; rdf:predicate hkg:has_finding ; rdf:object ?f ; hkg:comment ?x .
          BIND ("finding note" AS ?p) BIND (CONCAT(STR(?f), " ", STR(?x)) AS ?v) }
}"""


def shared_by_case(g: Graph) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in g.query(SHARED):
        case_id = str(row.case).removeprefix(str(HKGD))  # type: ignore[union-attr]
        out[case_id].add((str(row.p), row.v.n3()))  # type: ignore[union-attr]
    return out


def shared(g: Graph, case_id: str) -> set[tuple[str, str]]:
    rows = g.query(SHARED, initBindings={"case": URIRef(HKGD[case_id])})
    return {(str(row.p), row.v.n3()) for row in rows}  # type: ignore[union-attr]


def reimported(*texts: str) -> Graph:
    g = Graph()
    for text in texts:
        phenopacket_to_case_triples(text, g)
    return g


def run_phenotk(path: Path, fmt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PHENOTK), "validate", "--format", fmt, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def phenotk(path: Path) -> tuple[int, dict[str, Any]]:
    run = run_phenotk(path, "json")
    return run.returncode, json.loads(run.stdout)


@pytest.fixture(scope="module")
def mini_packets(mini) -> dict[str, str]:
    return graph_to_phenopackets(mini.graph, created=CREATED)


@pytest.fixture(scope="module")
def real_packets(built) -> dict[str, str]:
    return graph_to_phenopackets(built.graph, created=CREATED)


# ---------------------------------------------------------------- round trip


def test_mini_round_trip_keeps_the_shared_parts(mini, mini_packets) -> None:
    original = shared(mini.graph.rdflib_graph(), "mini-case")
    cd1a_negative = "http://purl.uniprot.org/uniprot/P06126 https://w3id.org/histiokg/term/negative"
    expected = {
        ("https://w3id.org/histiokg/ontology/sex", "<https://w3id.org/histiokg/term/female>"),
        ("marker polarity", f'"{cd1a_negative}"'),
        ("line agent", '"1 http://purl.obolibrary.org/obo/CHEBI_567361"'),
    }
    assert expected <= original
    assert shared(reimported(mini_packets["mini-case"]), "mini-case") == original


def test_seed_case_round_trip_keeps_the_shared_parts(built, real_packets) -> None:
    original = shared(built.graph.rdflib_graph(), "seed-alk-h-infant")
    kinds = {p for p, _ in original}
    assert len(original) > 60
    assert {"marker polarity", "line agent", "line response", "molecular finding"} <= kinds
    assert shared(reimported(real_packets["seed-alk-h-infant"]), "seed-alk-h-infant") == original


def test_every_real_case_round_trips(built, real_packets) -> None:
    assert len(real_packets) == len(built.cases)
    original = shared_by_case(built.graph.rdflib_graph())
    back = shared_by_case(reimported(*real_packets.values()))
    assert set(original) == set(real_packets)
    assert {k: v ^ back[k] for k, v in original.items() if v != back[k]} == {}


def test_round_trip_comparison_can_fail(mini, mini_packets) -> None:
    doc = json.loads(mini_packets["mini-case"])
    measurement = doc["biosamples"][0]["measurements"][0]
    assert measurement["assay"]["label"] == "CD1a"
    measurement["value"]["ontologyClass"] = {"id": "hkgt:positive", "label": "positive"}
    changed = shared(reimported(json.dumps(doc)), "mini-case")
    assert changed != shared(mini.graph.rdflib_graph(), "mini-case")


def test_exported_packets_hold_nothing_the_importer_drops(real_packets) -> None:
    assert {k: phenopacket_to_case(t).dropped for k, t in real_packets.items()} == {
        k: () for k in real_packets
    }


def test_seed_treatment_lines_keep_their_grouping(real_packets) -> None:
    case = phenopacket_to_case(real_packets["seed-alk-h-infant"]).case
    assert [(line.number, sorted(line.agents)) for line in case.lines] == [
        (1, ["CHEBI:567361"]),
        (2, ["CHEBI:44185", "CHEBI:50667"]),
    ]
    assert case.age.value == 2.0 and case.age.unit == "month" and case.sex == "male"


# ---------------------------------------------------------------- reference validator


def test_every_packet_passes_phenotk(tmp_path: Path, mini, built) -> None:
    paths = write_phenopackets(built.graph, tmp_path / "real", created=CREATED)
    paths += write_phenopackets(mini.graph, tmp_path / "mini", created=CREATED)
    assert len(paths) == len(built.cases) + 1
    for path in paths:
        code, report = phenotk(path)
        assert code == 0, (path.name, report)
        assert report["ok"] and report["counts"]["error"] == 0, (path.name, report)
        assert report["counts"]["warning"] == 0, (path.name, report)
    human = run_phenotk(paths[-1], "human")
    assert (human.returncode, human.stdout.strip()) == (0, "OK - no problems found.")
    assert not [line for line in human.stdout.splitlines() if line.startswith(("E ", "W "))]


def _drop_hp_resource(doc: dict[str, Any]) -> None:
    resources = doc["metaData"]["resources"]
    resources[:] = [r for r in resources if r["namespacePrefix"] != "HP"]


def _bad_age(doc: dict[str, Any]) -> None:
    doc["diseases"][0]["onset"]["age"]["iso8601duration"] = "1 year"


def _empty_label(doc: dict[str, Any]) -> None:
    doc["phenotypicFeatures"][0]["type"]["label"] = ""


@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        (_drop_hp_resource, "undeclared-prefix"),
        (_bad_age, "bad-age"),
        (_empty_label, "empty-label"),
    ],
)
def test_phenotk_rejects_a_broken_packet(
    tmp_path: Path, mini_packets, breakage: Callable[[dict[str, Any]], None], code: str
) -> None:
    doc = json.loads(mini_packets["mini-case"])
    breakage(doc)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    exit_code, report = phenotk(path)
    assert exit_code == 1
    assert not report["ok"]
    assert code in {f["code"] for f in report["findings"] if f["severity"] == "error"}
    human = run_phenotk(path, "human")
    assert human.returncode == 1
    assert f"E  {code}" in human.stdout and "1 error(s)" in human.stdout


def test_phenotk_refuses_what_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "x"', encoding="utf-8")
    run = run_phenotk(path, "json")
    assert run.returncode == 2 and "not valid JSON" in run.stderr


# ---------------------------------------------------------------- protobuf schema


def test_every_packet_parses_into_the_protobuf_schema(mini_packets, real_packets) -> None:
    for text in [*mini_packets.values(), *real_packets.values()]:
        json_format.Parse(text, Phenopacket())
    seed = json_format.Parse(real_packets["seed-alk-h-infant"], Phenopacket())
    assert seed.subject.sex == 2  # MALE
    assert seed.diseases[0].term.id == "MONDO:0022338"
    assert seed.diseases[0].onset.age.iso8601duration == "P2M"
    call = seed.interpretations[0].diagnosis.genomic_interpretations[0]
    assert call.variant_interpretation.variation_descriptor.id == "hkgt:KIF5B-ALK"
    assert [a.treatment.agent.id for a in seed.medical_actions if a.HasField("treatment")] == [
        "CHEBI:567361",
        "CHEBI:44185",
        "CHEBI:50667",
    ]
    cd68 = [m for m in seed.biosamples[0].measurements if m.assay.label == "CD68"]
    assert cd68[0].value.ontology_class.id == "hkgt:positive"
    assert cd68[0].description == "intensity: weak"


# ---------------------------------------------------------------- files and metadata


def test_write_phenopackets_writes_one_file_per_case(tmp_path: Path, mini, mini_packets) -> None:
    paths = write_phenopackets(mini.graph, tmp_path, created=CREATED)
    assert [p.name for p in paths] == ["mini-case.json"]
    assert paths[0].read_text(encoding="utf-8") == mini_packets["mini-case"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_is_deterministic_and_honours_source_date_epoch(mini, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first, second = graph_to_phenopackets(mini.graph), graph_to_phenopackets(mini.graph)
    assert first == second
    assert json.loads(first["mini-case"])["metaData"]["created"] == CREATED


def test_resource_versions_come_from_term_notes(real_packets, mini_packets) -> None:
    def versions(text: str) -> dict[str, str]:
        meta = json.loads(text)["metaData"]
        return {r["namespacePrefix"]: r["version"] for r in meta["resources"]}

    seed = versions(real_packets["seed-alk-h-infant"])
    assert seed["MONDO"] == "2026-05-05" and seed["HP"] == "2025-01-16"
    assert seed["OBI"] == "498085a" and seed["hkgt"] == "0.1.0"
    # the mini fixture's terms have no notes: the release the project read is used instead
    assert versions(mini_packets["mini-case"])["UBERON"] == "2026-04-01"


# ---------------------------------------------------------------- importer on foreign packets


def test_import_collects_every_problem(mini_packets) -> None:
    doc = json.loads(mini_packets["mini-case"])
    doc["subject"]["sex"] = "UNKNOWN_SEX"
    del doc["diseases"]
    doc["phenotypicFeatures"][0]["type"]["id"] = "OMIM:123456"
    with pytest.raises(CaseError) as info:
        phenopacket_to_case(json.dumps(doc), source="x.json")
    reasons = [str(p) for p in info.value.problems]
    assert len(reasons) == 3, reasons
    assert all(r.startswith("x.json [") for r in reasons)
    assert any("OMIM:123456" in r and "phenotypicFeatures[0].type" in r for r in reasons)


def test_import_rejects_what_is_not_a_phenopacket() -> None:
    with pytest.raises(CaseError, match="not a Phenopacket v2"):
        phenopacket_to_case('{"id": "x", "nonsense": 1}')
    with pytest.raises(CaseError, match="not a Phenopacket v2"):
        phenopacket_to_case("{")


def test_import_of_a_foreign_packet_reports_what_it_drops(mini_packets) -> None:
    doc = json.loads(mini_packets["mini-case"])
    doc["phenotypicFeatures"].append(
        {"type": {"id": "HP:0001945", "label": "Fever"}, "excluded": True}
    )
    doc["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["interpretationStatus"] = (
        "CANDIDATE"
    )
    # no regimen markers: each treatment is a line of its own
    doc["medicalActions"] = [a for a in doc["medicalActions"] if "treatment" in a] * 2
    imported = phenopacket_to_case(json.dumps(doc))
    assert len(imported.dropped) == 2, imported.dropped
    assert imported.case.molecular == []
    assert [line.number for line in imported.case.lines] == [1, 2]
    assert [f.term for f in imported.case.findings] == ["HP:0002789"]


def test_import_refuses_a_case_already_in_the_graph(mini_packets) -> None:
    g = reimported(mini_packets["mini-case"])
    with pytest.raises(CaseError, match="already in the graph"):
        phenopacket_to_case_triples(mini_packets["mini-case"], g)
