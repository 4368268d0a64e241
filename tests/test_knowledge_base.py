"""The domain knowledge base holds the counts the issue asks for, and every fact is cited."""

from kg.formats.release import gap_report_bytes

HISTIOCYTIC = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
SELECT DISTINCT ?d WHERE {
  ?d a hkg:Disease .
  { ?d rdfs:subClassOf* obo:MONDO_0002637 } UNION { ?d hkg:member_of_group ?g }
  UNION { ?d rdfs:subClassOf* obo:MONDO_0006247 }
}
ORDER BY ?d
"""

COUNT = """
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} . {extra} }}
ORDER BY ?n
"""


def count(built, cls: str, extra: str = "") -> int:
    return int(built.graph.select(COUNT.format(cls=cls, extra=extra)).rows[0][0])


def test_at_least_25_histiocytic_disorders_with_id_and_label(built) -> None:
    disorders = [row[0] for row in built.graph.select(HISTIOCYTIC).rows]
    assert len(disorders) >= 25
    labels = built.graph.labels()
    assert all(any(k.endswith(d.split(":")[1]) for k in labels) for d in disorders)


def test_at_least_20_drugs_each_with_a_class_and_cited(built) -> None:
    assert count(built, "hkg:Drug", "?x hkg:in_drug_class ?c") >= 20


def test_schemes_groups_and_placements(built) -> None:
    assert count(built, "hkg:ClassificationScheme") >= 3
    assert count(built, "hkg:ClassificationGroup", "?d hkg:member_of_group ?x") >= 8


def test_marker_profiles_drivers_and_involvement_exist(built) -> None:
    assert count(built, "hkg:Disease", "?x hkg:expresses_marker ?m") >= 6
    assert count(built, "hkg:Disease", "?x hkg:has_driver_alteration ?a") >= 8
    assert count(built, "hkg:Disease", "?x hkg:involves_site ?s") >= 6
    assert count(built, "hkg:GeneFusion") >= 10


def test_frequencies_are_typed_counts(built) -> None:
    q = """
    PREFIX hkg: <https://w3id.org/histiokg/ontology/>
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    SELECT ?a WHERE { ?a hkg:numerator ?n . FILTER(datatype(?n) != xsd:integer) } ORDER BY ?a
    """
    assert built.graph.select(q).rows == ()


def test_gap_report_lists_project_terms_with_reasons(built) -> None:
    lines = gap_report_bytes(built.graph).decode().splitlines()
    assert lines[0].split("\t")[:4] == ["term", "category", "label", "why"]
    rows = {line.split("\t")[0]: line for line in lines[1:]}
    assert "hkgt:KIF5B-ALK" in rows and "hkgt:emperipolesis" in rows
    assert all(line.split("\t")[3] for line in lines[1:])
