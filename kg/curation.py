"""Read curated TSV rows (terms, statements, publications) into checked records.

Every problem in every file is collected before one CurationError is raised, so a curator fixes
all files in one pass. Record types are plain dataclasses; triples are made in ``build``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import paths
from kg.errors import CurationError, Problem
from kg.namespaces import LITERAL_ONLY_PREFIXES, PREFIXES, split_curie

SEP = " | "

TERM_COLUMNS = (
    "id",
    "label",
    "category",
    "xrefs",
    "synonyms",
    "properties",
    "definition",
    "definition_source",
    "note",
)
STATEMENT_COLUMNS = (
    "id",
    "claim",
    "subject",
    "predicate",
    "object",
    "qualifiers",
    "evidence",
    "source",
    "quote",
    "confidence",
    "comment",
)
PUBLICATION_COLUMNS = ("source", "title", "authors", "journal", "year", "note")

#: category -> allowed keys of the ``properties`` column, and which keys hold CURIEs.
CATEGORY_PROPERTIES: dict[str, dict[str, bool]] = {
    "disease": {"obsolete_ids": True},
    "gene": {},
    "marker": {"gene": True},
    "gene_fusion": {"five_prime": True, "three_prime": True},
    "sequence_variant": {"gene": True, "hgvs_p": False},
    "drug": {},
    "drug_class": {},
    "anatomy": {},
    "phenotype": {},
    "assay": {},
    "classification_scheme": {"year": False},
    "classification_group": {"scheme": True},
    "cell": {},
    "response_category": {},
}
REQUIRED_PROPERTIES = {
    "gene_fusion": ("five_prime", "three_prime"),
    "sequence_variant": ("gene",),
    "classification_group": ("scheme",),
}

_ALTERATION = ("gene_fusion", "sequence_variant", "gene")
#: predicate -> (allowed subject categories, allowed object categories)
PREDICATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rdfs:subClassOf": (("disease",), ("disease",)),
    "hkg:member_of_group": (("disease",), ("classification_group",)),
    "hkg:expresses_marker": (("disease",), ("marker",)),
    "hkg:lacks_marker": (("disease",), ("marker",)),
    "hkg:variably_expresses_marker": (("disease",), ("marker",)),
    "hkg:has_driver_alteration": (("disease",), _ALTERATION),
    "hkg:has_causal_gene": (("disease",), ("gene",)),
    "hkg:involves_site": (("disease",), ("anatomy",)),
    "biolink:has_phenotype": (("disease",), ("phenotype",)),
    "hkg:has_onset": (("disease",), ("phenotype",)),
    "hkg:has_diagnostic_criterion": (
        ("disease",),
        ("phenotype", "assay", "marker", "gene", "gene_fusion", "sequence_variant"),
    ),
    "hkg:is_diagnosed_by": (("disease",), ("assay",)),
    "hkg:has_target": (("drug",), ("gene",)),
    "hkg:in_drug_class": (("drug",), ("drug_class",)),
    "hkg:penetrates": (("drug",), ("anatomy",)),
    "biolink:treats": (("drug",), ("disease",)),
    "biolink:studied_to_treat": (("drug",), ("disease",)),
    "biolink:correlated_with": (("disease",), ("disease",)),
}

#: qualifier key -> value kind
QUALIFIERS: dict[str, str] = {
    "numerator": "int",
    "denominator": "int",
    "percent": "decimal",
    "population": "text",
    "condition": "text",
    "evidence_level": "level",
    "agency": "text",
    "approval_date": "date",
    "approval_type": "approval_type",
    "patient_population": "text",
    "indication": "text",
    "criteria_set": "text",
    "threshold": "text",
    "intensity": "text",
    "status": "status",
    "corrected_by": "source",
    "criterion": "criterion",
}
CRITERION_KINDS = ("essential", "supportive")
EVIDENCE_LEVELS = ("approved", "guideline", "trial", "case-series", "case-report")
CONFIDENCES = (
    "verified-in-source",
    "verified-secondary",
    "background-knowledge",
    "curator-inference",
    "case-report",
)

_ROW_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCE = re.compile(r"^(PMID:\d+|DOI:10\.\S+|https?://\S+|[a-z][a-z0-9\-]*)$")
_LOCAL_SOURCE = re.compile(r"^[a-z][a-z0-9\-]*$")


@dataclass(frozen=True)
class Term:
    """A node's identity: label, category, mappings and notes."""

    id: str
    label: str
    category: str
    xrefs: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    definition: str = ""
    definition_source: str = ""
    note: str = ""
    file: str = ""
    line: int = 0

    def prop(self, key: str) -> str:
        """Return one property value, or '' if absent."""
        return dict(self.properties).get(key, "")


@dataclass(frozen=True)
class Statement:
    """One cited fact: the triple, its qualifiers and its provenance."""

    id: str
    claim: str
    subject: str
    predicate: str
    object: str
    qualifiers: tuple[tuple[str, str], ...]
    evidence: str
    sources: tuple[str, ...]
    quote: str
    confidence: str
    comment: str
    file: str
    line: int

    @property
    def contested(self) -> bool:
        """True if the row is a source's claim that another source corrects."""
        return dict(self.qualifiers).get("status") == "contested"


@dataclass(frozen=True)
class Publication:
    """Metadata of a cited source, as seen in a copy of it."""

    source: str
    title: str = ""
    authors: str = ""
    journal: str = ""
    year: str = ""
    note: str = ""


@dataclass
class Curation:
    """Everything read from kg/data/curated, checked."""

    terms: dict[str, Term] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    publications: dict[str, Publication] = field(default_factory=dict)


def rel(path: Path) -> str:
    """Path relative to the project root where possible, for messages."""
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def split_multi(cell: str) -> tuple[str, ...]:
    """Split a ` | `-separated cell.

    >>> split_multi("a | b |  | c")
    ('a', 'b', 'c')
    """
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def parse_pairs(cell: str) -> list[tuple[str, str]] | None:
    """Parse ``key=value; key=value``; return None if a part has no '='.

    >>> parse_pairs("numerator=27; denominator=39")
    [('numerator', '27'), ('denominator', '39')]
    """
    pairs: list[tuple[str, str]] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            return None
        key, value = part.split("=", 1)
        pairs.append((key.strip(), value.strip()))
    return pairs


def check_curie(value: str, *, allow_literal_prefix: bool = False) -> str | None:
    """Return a reason if ``value`` is not a usable CURIE, else None.

    >>> check_curie("MONDO:0022338") is None
    True
    >>> check_curie("FOO:1")
    "unknown prefix 'FOO'"
    """
    try:
        prefix, local = split_curie(value)
    except ValueError:
        return f"{value!r} is not a CURIE (PREFIX:local)"
    if prefix in PREFIXES:
        if prefix in ("hkg", "hkgt", "hkgd") and not _ROW_ID.match(local):
            return f"project local name {local!r} may use letters, digits, - _ . only"
        return None
    if allow_literal_prefix and prefix in LITERAL_ONLY_PREFIXES:
        return None
    return f"unknown prefix {prefix!r}"


def _rows(
    path: Path, columns: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for data lines of a TSV file, checking its shape."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel(path), None, f"not UTF-8 ({exc})", "save the file as UTF-8"))
        return
    header: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = next(csv.reader([raw], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = cells
            if tuple(header) != columns:
                problems.append(
                    Problem(
                        rel(path),
                        number,
                        f"header is {header!r}",
                        "use exactly these tab-separated columns: " + " ".join(columns),
                    )
                )
                return
            continue
        if len(cells) != len(columns):
            problems.append(
                Problem(
                    rel(path),
                    number,
                    f"{len(cells)} cells, expected {len(columns)}",
                    "check for a missing or extra tab in this row",
                )
            )
            continue
        yield number, {c: v.strip() for c, v in zip(columns, cells, strict=True)}
    if header is None:
        problems.append(Problem(rel(path), None, "empty file", "add the header row"))


def read_terms(path: Path, problems: list[Problem]) -> list[Term]:
    """Read one term table, appending problems."""
    out: list[Term] = []
    where = rel(path)
    for line, row in _rows(path, TERM_COLUMNS, problems):
        bad = len(problems)

        def report(column: str, reason: str, fix: str, line: int = line) -> None:
            problems.append(Problem(where, line, reason, fix, column))

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
        if row["definition_source"] and not _SOURCE.match(row["definition_source"]):
            report("definition_source", "not a PMID:/DOI:/URL", "cite PMID:n, DOI:10... or URL")
        if tid.startswith("hkgt:") and not row["note"]:
            report("note", "project term without a note", "say why no standard ID was used")
        if len(problems) == bad:
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
                    file=where,
                    line=line,
                )
            )
    return out


def check_source(value: str) -> str | None:
    """Return a reason if ``value`` is not a PMID:, DOI:, URL or local publication key.

    >>> check_source("PMID:26966089") is None, check_source("26966089") is None
    (True, False)
    """
    if _SOURCE.match(value) and not value.isdigit():
        return None
    return f"{value!r} is not PMID:n, DOI:10..., an http(s) URL or a case publication key"


def _check_qualifier(key: str, value: str) -> str | None:
    kind = QUALIFIERS.get(key)
    if kind is None:
        return f"unknown qualifier {key!r} (allowed: {', '.join(QUALIFIERS)})"
    if kind == "int" and not value.isdigit():
        return f"{key} must be a non-negative integer, got {value!r}"
    if kind == "decimal":
        try:
            float(value)
        except ValueError:
            return f"{key} must be a number, got {value!r}"
    if kind == "level" and value not in EVIDENCE_LEVELS:
        return f"evidence_level must be one of {', '.join(EVIDENCE_LEVELS)}"
    if kind == "date" and not _DATE.match(value):
        return f"{key} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}"
    if kind == "approval_type" and value not in ("regular", "accelerated"):
        return "approval_type must be regular or accelerated"
    if kind == "criterion" and value not in CRITERION_KINDS:
        return f"criterion must be one of {', '.join(CRITERION_KINDS)}"
    if kind == "status" and value != "contested":
        return "status must be contested"
    if kind == "source":
        return check_source(value)
    return None


def read_statements(path: Path, problems: list[Problem]) -> list[Statement]:
    """Read one statement table, appending problems."""
    out: list[Statement] = []
    where = rel(path)
    for line, row in _rows(path, STATEMENT_COLUMNS, problems):
        bad = len(problems)

        def report(column: str, reason: str, fix: str, line: int = line) -> None:
            problems.append(Problem(where, line, reason, fix, column))

        if not _ROW_ID.match(row["id"]):
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
            reason = _check_qualifier(key, value)
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
        if len(problems) == bad:
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
                    file=where,
                    line=line,
                )
            )
    return out


def read_publications(path: Path, problems: list[Problem]) -> list[Publication]:
    """Read one publication table, appending problems."""
    out: list[Publication] = []
    for line, row in _rows(path, PUBLICATION_COLUMNS, problems):
        reason = check_source(row["source"])
        if reason:
            problems.append(
                Problem(rel(path), line, reason, "use the exact source string", "source")
            )
            continue
        out.append(Publication(**row))
    return out


def _tsv_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.tsv")) if directory.is_dir() else []


def merge_terms(terms: Iterable[Term], problems: list[Problem]) -> dict[str, Term]:
    """Merge term rows by id; the same id must keep its label and category."""
    merged: dict[str, Term] = {}
    for term in terms:
        prior = merged.get(term.id)
        if prior is None:
            merged[term.id] = term
            continue
        if (prior.label, prior.category) != (term.label, term.category):
            problems.append(
                Problem(
                    term.file,
                    term.line,
                    f"{term.id} is defined as {term.label!r} ({term.category}) here but as "
                    f"{prior.label!r} ({prior.category}) at {prior.file}:{prior.line}",
                    "use one label and category for one id",
                    "label",
                )
            )
            continue
        merged[term.id] = Term(
            id=prior.id,
            label=prior.label,
            category=prior.category,
            xrefs=tuple(dict.fromkeys(prior.xrefs + term.xrefs)),
            synonyms=tuple(dict.fromkeys(prior.synonyms + term.synonyms)),
            properties=prior.properties or term.properties,
            definition=prior.definition or term.definition,
            definition_source=prior.definition_source or term.definition_source,
            note=prior.note if term.note in prior.note else f"{prior.note} {term.note}".strip(),
            file=prior.file,
            line=prior.line,
        )
    return merged


def check_references(
    curation: Curation, problems: list[Problem], extra_terms: Iterable[str] = ()
) -> None:
    """Check that statements and term properties point at defined terms of the right category."""
    known = set(extra_terms)
    terms = curation.terms
    seen_ids: dict[str, Statement] = {}
    for st in curation.statements:
        if st.id in seen_ids:
            first = seen_ids[st.id]
            problems.append(
                Problem(
                    st.file,
                    st.line,
                    f"row id {st.id!r} already used at {first.file}:{first.line}",
                    "give every row its own id",
                    "id",
                )
            )
        seen_ids[st.id] = st
        subj_cats, obj_cats = PREDICATES[st.predicate]
        for column, value, cats in (
            ("subject", st.subject, subj_cats),
            ("object", st.object, obj_cats),
        ):
            term = terms.get(value)
            if term is None:
                if value not in known:
                    problems.append(
                        Problem(
                            st.file,
                            st.line,
                            f"{value} is not defined in any term table",
                            "add a row for it in kg/data/curated/terms/",
                            column,
                        )
                    )
            elif term.category not in cats:
                problems.append(
                    Problem(
                        st.file,
                        st.line,
                        f"{st.predicate} needs a {' or '.join(cats)} as {column}, "
                        f"but {value} is a {term.category}",
                        "fix the predicate or the term",
                        column,
                    )
                )
    for term in terms.values():
        for key, is_curie in CATEGORY_PROPERTIES.get(term.category, {}).items():
            if not is_curie or key == "obsolete_ids":
                continue
            value = term.prop(key)
            if value and value not in terms and value not in known:
                problems.append(
                    Problem(
                        term.file,
                        term.line,
                        f"{key}={value} is not defined in any term table",
                        "add the referenced term",
                        "properties",
                    )
                )
    obsolete = {
        o: t.id
        for t in terms.values()
        for o in split_multi(t.prop("obsolete_ids").replace(",", "|"))
    }
    for st in curation.statements:
        for column, value in (("subject", st.subject), ("object", st.object)):
            if value in obsolete:
                problems.append(
                    Problem(
                        st.file,
                        st.line,
                        f"{value} is obsolete",
                        f"use {obsolete[value]}",
                        column,
                    )
                )


def load_curation(
    root: Path = paths.CURATED,
    extra_terms: Iterable[str] = (),
) -> Curation:
    """Read and check every curated table under ``root``.

    Raises CurationError listing every problem in every file.
    """
    problems: list[Problem] = []
    term_rows: list[Term] = []
    for path in _tsv_files(root / "terms"):
        term_rows.extend(read_terms(path, problems))
    curation = Curation(terms=merge_terms(term_rows, problems))
    for path in _tsv_files(root / "statements"):
        curation.statements.extend(read_statements(path, problems))
    for path in _tsv_files(root / "publications"):
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
