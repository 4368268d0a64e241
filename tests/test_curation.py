from pathlib import Path

import pytest

from kg.core.errors import CurationError
from kg.sources.curation import load_curation
from kg.sources.vocabulary import STATEMENT_COLUMNS, TERM_COLUMNS

TERM_HEADER = "\t".join(TERM_COLUMNS)
STMT_HEADER = "\t".join(STATEMENT_COLUMNS)
GOOD_TERMS = [
    "MONDO:0022338\tALK+ histiocytosis\tdisease\t\t\tobsolete_ids=MONDO:0000001\t\t\t",
    "UniProtKB:Q9UM73\tALK\tmarker\t\t\t\t\t\t",
]


def write_tree(root: Path, terms: list[str], statements: list[str]) -> Path:
    (root / "terms").mkdir(parents=True)
    (root / "statements").mkdir()
    (root / "terms" / "t.tsv").write_text("\n".join([TERM_HEADER, *terms]) + "\n", encoding="utf-8")
    (root / "statements" / "s.tsv").write_text(
        "\n".join([STMT_HEADER, *statements]) + "\n", encoding="utf-8"
    )
    return root


def stmt(**over: str) -> str:
    row = {
        "id": "r1",
        "claim": "",
        "subject": "MONDO:0022338",
        "predicate": "hkg:expresses_marker",
        "object": "UniProtKB:Q9UM73",
        "qualifiers": "",
        "evidence": "ECO:0000304",
        "source": "PMID:18660380",
        "quote": "positive for ALK",
        "confidence": "verified-in-source",
        "comment": "",
    }
    row.update(over)
    return "\t".join(row[c] for c in STATEMENT_COLUMNS)


def problems_of(root: Path) -> list[str]:
    with pytest.raises(CurationError) as info:
        load_curation(root)
    return [str(p) for p in info.value.problems]


def test_good_rows_load(tmp_path: Path) -> None:
    cur = load_curation(write_tree(tmp_path, GOOD_TERMS, [stmt()]))
    assert [s.id for s in cur.statements] == ["r1"]
    assert cur.terms["UniProtKB:Q9UM73"].label == "ALK"


def test_every_problem_is_reported_at_once_with_file_and_line(tmp_path: Path) -> None:
    rows = [
        stmt(id="a", predicate="hkg:cures"),
        stmt(id="b", source="18660380"),
        stmt(id="c", quote=""),
        stmt(id="d", qualifiers="numerator=5; denominator=3"),
        stmt(id="e", subject="FOO:1"),
    ]
    found = problems_of(write_tree(tmp_path, GOOD_TERMS, rows))
    assert len(found) == 5
    assert any("s.tsv:2" in p and "unknown predicate" in p for p in found)
    assert any("s.tsv:3" in p and "PMID" in p for p in found)
    assert any("s.tsv:4" in p and "quote" in p for p in found)
    assert any("s.tsv:5" in p and "numerator exceeds" in p for p in found)
    assert any("s.tsv:6" in p and "unknown prefix 'FOO'" in p for p in found)


def test_undefined_and_wrongly_typed_references(tmp_path: Path) -> None:
    rows = [stmt(id="a", object="UniProtKB:P06126"), stmt(id="b", object="MONDO:0022338")]
    found = problems_of(write_tree(tmp_path, GOOD_TERMS, rows))
    assert any("UniProtKB:P06126 is not defined" in p for p in found)
    assert any("needs a marker as object" in p for p in found)


def test_obsolete_id_in_a_statement_is_rejected(tmp_path: Path) -> None:
    terms = [*GOOD_TERMS, "MONDO:0000001\told\tdisease\t\t\t\t\t\t"]
    rows = [stmt(subject="MONDO:0000001")]
    found = problems_of(write_tree(tmp_path, terms, rows))
    assert any("MONDO:0000001 is obsolete" in p and "use MONDO:0022338" in p for p in found)


def test_contested_row_needs_a_correcting_source(tmp_path: Path) -> None:
    found = problems_of(write_tree(tmp_path, GOOD_TERMS, [stmt(qualifiers="status=contested")]))
    assert any("corrected_by" in p for p in found)


def test_same_id_with_two_labels_is_a_clash(tmp_path: Path) -> None:
    terms = [*GOOD_TERMS, "UniProtKB:Q9UM73\tALK kinase\tmarker\t\t\t\t\t\t"]
    found = problems_of(write_tree(tmp_path, terms, [stmt()]))
    assert any("defined as 'ALK kinase'" in p for p in found)


def test_wrong_header_and_cell_count(tmp_path: Path) -> None:
    root = write_tree(tmp_path, GOOD_TERMS, [stmt(), "r2\tonly\tthree"])
    found = problems_of(root)
    assert any("s.tsv:3" in p and "3 cells, expected 11" in p for p in found)


def test_project_term_needs_a_gap_note(tmp_path: Path) -> None:
    terms = [
        *GOOD_TERMS,
        "hkgt:X-ALK\tX-ALK\tgene_fusion\t\t\tfive_prime=HGNC:1; three_prime=HGNC:427\t\t\t",
    ]
    found = problems_of(write_tree(tmp_path, terms, [stmt()]))
    assert any("project term without a note" in p for p in found)


def test_the_curators_guide_names_every_category_predicate_and_qualifier() -> None:
    """kg/data/README.md is the curator's reference: what the code accepts, it documents."""
    from kg.core import paths
    from kg.sources.vocabulary import CATEGORY_PROPERTIES, PREDICATES, QUALIFIERS

    guide = (paths.PACKAGE / "data" / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in guide.splitlines() if line.startswith("| ")}
    cells = " ".join(rows)
    missing = [f"`{c}`" for c in CATEGORY_PROPERTIES if f"`{c}`" not in rows]
    missing += [f"`{p}`" for p in PREDICATES if f"`{p}`" not in rows]
    missing += [f"`{q}`" for q in QUALIFIERS if f"`{q}`" not in cells]
    assert missing == [], f"kg/data/README.md does not document {', '.join(missing)}"
