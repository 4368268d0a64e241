"""Read curated TSV rows (terms, statements, publications) into checked records.

Every problem in every file is collected before one CurationError is raised, so a curator fixes
all files in one pass. Record types are plain dataclasses; triples are made in ``build``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.core import paths
from kg.core.errors import CurationError, Problem
from kg.core.paths import rel
from kg.sources.records import Curation, Publication, Statement, Term
from kg.sources.references import check_references, merge_terms
from kg.sources.tables import parse_pairs, split_multi, tsv_files, tsv_rows
from kg.sources.vocabulary import (
    CATEGORY_PROPERTIES,
    CONFIDENCES,
    PREDICATES,
    PUBLICATION_COLUMNS,
    REQUIRED_PROPERTIES,
    ROW_ID,
    SOURCE,
    STATEMENT_COLUMNS,
    TERM_COLUMNS,
    check_curie,
    check_qualifier,
    check_source,
)


def read_terms(path: Path, problems: list[Problem]) -> list[Term]:
    """Read one term table, appending problems."""
    out: list[Term] = []
    for row in tsv_rows(path, TERM_COLUMNS, problems):
        report = row.report
        tid, category = row["id"], row["category"]
        reason = check_curie(tid)
        if reason:
            report("id", reason, "use a CURIE with a prefix from kg/namespaces.py")
        if not row["label"]:
            report("label", "empty label", "give the vocabulary's own label")
        if category not in CATEGORY_PROPERTIES:
            report(
                "category",
                f"unknown category {category!r}",
                "use one of " + ", ".join(CATEGORY_PROPERTIES),
            )
        for xref in split_multi(row["xrefs"]):
            reason = check_curie(xref, allow_literal_prefix=True)
            if reason:
                report("xrefs", reason, "use a known prefix or drop the xref")
        props = parse_pairs(row["properties"])
        if props is None:
            report("properties", "malformed properties", "write key=value; key=value")
            props = []
        allowed = CATEGORY_PROPERTIES.get(category, {})
        for key, value in props:
            if key not in allowed:
                report(
                    "properties",
                    f"property {key!r} not allowed for {category!r}",
                    "allowed: " + (", ".join(allowed) or "none"),
                )
            elif allowed[key]:
                for v in split_multi(value):
                    reason = check_curie(v)
                    if reason:
                        report("properties", f"{key}: {reason}", "use a CURIE")
        for key in REQUIRED_PROPERTIES.get(category, ()):
            if key not in dict(props):
                report("properties", f"{category} needs {key}=", f"add {key}=<CURIE>")
        if row["definition"] and not row["definition_source"]:
            report("definition_source", "definition without source", "cite PMID:/DOI:/URL")
        if row["definition_source"] and not SOURCE.match(row["definition_source"]):
            report("definition_source", "not a PMID:/DOI:/URL", "cite PMID:n, DOI:10... or URL")
        if tid.startswith("hkgt:") and not row["note"]:
            report("note", "project term without a note", "say why no standard ID was used")
        if row.ok:
            out.append(
                Term(
                    id=tid,
                    label=row["label"],
                    category=category,
                    xrefs=split_multi(row["xrefs"]),
                    synonyms=split_multi(row["synonyms"]),
                    properties=tuple(props),
                    definition=row["definition"],
                    definition_source=row["definition_source"],
                    note=row["note"],
                    file=row.where,
                    line=row.line,
                )
            )
    return out


def read_statements(path: Path, problems: list[Problem]) -> list[Statement]:
    """Read one statement table, appending problems."""
    out: list[Statement] = []
    for row in tsv_rows(path, STATEMENT_COLUMNS, problems):
        report = row.report
        if not ROW_ID.match(row["id"]):
            report("id", f"bad row id {row['id']!r}", "use letters, digits, - _ . only")
        for column in ("subject", "object"):
            reason = check_curie(row[column])
            if reason:
                report(column, reason, "use a CURIE defined in a term table")
        if row["predicate"] not in PREDICATES:
            report(
                "predicate",
                f"unknown predicate {row['predicate']!r}",
                "use one of the predicates listed in kg/data/README.md",
            )
        quals = parse_pairs(row["qualifiers"])
        if quals is None:
            report("qualifiers", "malformed qualifiers", "write key=value; key=value")
            quals = []
        for key, value in quals:
            reason = check_qualifier(key, value)
            if reason:
                report("qualifiers", reason, "see the qualifier table in kg/data/README.md")
        q = dict(quals)
        counted = q.get("numerator", "").isdigit() and q.get("denominator", "").isdigit()
        if counted and int(q["denominator"]) < int(q["numerator"]):
            report("qualifiers", "numerator exceeds denominator", "check the counts")
        if counted:
            k, n = int(q["numerator"]), int(q["denominator"])
            if (row["predicate"] == "hkg:lacks_marker" and k > n / 2) or (
                row["predicate"] == "hkg:expresses_marker" and k < n / 2
            ):
                report(
                    "qualifiers",
                    f"{row['predicate']} with {k}/{n} positive",
                    "numerator counts POSITIVE cases; fix the count or the predicate",
                )
        if ("numerator" in q) != ("denominator" in q):
            report("qualifiers", "numerator without denominator", "give both counts, or percent")
        if q.get("status") == "contested" and "corrected_by" not in q:
            report("qualifiers", "contested row without corrected_by", "add corrected_by=<source>")
        if not row["evidence"].startswith("ECO:") or check_curie(row["evidence"]):
            report("evidence", f"{row['evidence']!r} is not an ECO CURIE", "e.g. ECO:0000304")
        sources = split_multi(row["source"])
        if not sources:
            report("source", "no source", "cite PMID:n, DOI:10... or an https URL")
        for src in sources:
            reason = check_source(src)
            if reason:
                report("source", reason, "cite PMID:n, DOI:10... or an https URL")
        if not row["quote"]:
            report("quote", "no supporting quote", "copy a short verbatim phrase from the source")
        elif len(row["quote"]) > 400:
            report("quote", "quote longer than 400 characters", "shorten it")
        if row["confidence"] not in CONFIDENCES:
            report(
                "confidence", f"unknown confidence {row['confidence']!r}", ", ".join(CONFIDENCES)
            )
        if row.ok:
            out.append(
                Statement(
                    id=row["id"],
                    claim=row["claim"],
                    subject=row["subject"],
                    predicate=row["predicate"],
                    object=row["object"],
                    qualifiers=tuple(quals),
                    evidence=row["evidence"],
                    sources=sources,
                    quote=row["quote"],
                    confidence=row["confidence"],
                    comment=row["comment"],
                    file=row.where,
                    line=row.line,
                )
            )
    return out


def read_publications(path: Path, problems: list[Problem]) -> list[Publication]:
    """Read one publication table, appending problems."""
    out: list[Publication] = []
    for row in tsv_rows(path, PUBLICATION_COLUMNS, problems):
        reason = check_source(row["source"])
        if reason:
            row.report("source", reason, "use the exact source string")
            continue
        out.append(Publication(**row.cells))
    return out


def load_curation(
    root: Path = paths.CURATED,
    extra_terms: Iterable[str] = (),
) -> Curation:
    """Read and check every curated table under ``root``.

    Raises CurationError listing every problem in every file.
    """
    problems: list[Problem] = []
    if not (root / "terms").is_dir() or not tsv_files(root / "terms"):
        where = "folder" if root.is_dir() else "folder, which does not exist"
        raise CurationError(
            [
                Problem(
                    rel(root),
                    None,
                    f"no term tables in the curated {where} (expected terms/*.tsv)",
                    "point HISTIOKG_DATA_DIR at a folder holding curated/terms/ and cases/",
                )
            ]
        )
    term_rows: list[Term] = []
    for path in tsv_files(root / "terms"):
        term_rows.extend(read_terms(path, problems))
    curation = Curation(terms=merge_terms(term_rows, problems))
    for path in tsv_files(root / "statements"):
        curation.statements.extend(read_statements(path, problems))
    for path in tsv_files(root / "publications"):
        for pub in read_publications(path, problems):
            prior = curation.publications.get(pub.source)
            if prior and prior.title and pub.title and prior.title != pub.title:
                problems.append(
                    Problem(
                        rel(path),
                        None,
                        f"{pub.source} has two titles: {prior.title!r} and {pub.title!r}",
                        "keep one title per source",
                    )
                )
            if prior is None or (not prior.title and pub.title):
                curation.publications[pub.source] = pub
    check_references(curation, problems, extra_terms)
    if problems:
        raise CurationError(problems)
    return curation
