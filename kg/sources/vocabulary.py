"""The curated tables' vocabulary: columns, categories, predicates, qualifiers, and value checks.

One place says what a curated row may contain; the readers in ``tables`` and ``curation`` apply it.
"""

from __future__ import annotations

import math
import re

from kg.core.namespaces import LITERAL_ONLY_PREFIXES, PREFIXES, split_curie

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
    "procedure": {},
    "pathway": {},
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
    "hkg:activates": (("gene",), ("gene",)),
    "hkg:in_drug_class": (("drug",), ("drug_class",)),
    "hkg:penetrates": (("drug",), ("anatomy",)),
    "biolink:treats": (("drug",), ("disease",)),
    # a drug class is the subject when the source reports a class-level result (pooled drugs)
    "biolink:studied_to_treat": (("drug", "drug_class"), ("disease",)),
    "biolink:correlated_with": (("disease",), ("disease",)),
    "biolink:participates_in": (("gene",), ("pathway",)),
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
    "percent_low": "decimal",
    "percent_high": "decimal",
    "median_age": "decimal",
    "mean_age": "decimal",
    "age_min": "decimal",
    "age_max": "decimal",
    "ages_unit": "age_unit",
    "median_follow_up": "decimal",
    "follow_up_unit": "age_unit",
    "direction": "direction",
    "genotype_scope": "text",
    "alteration_subgroup": "curie",
    "outcome": "text",
    "association_kind": "association_kind",
    "guideline": "text",
}
CRITERION_KINDS = ("essential", "supportive")
AGE_UNITS = ("day", "week", "month", "year")
#: direction of effect of an intervention in the cited population
DIRECTIONS = ("benefit", "no-benefit", "harm")
#: kind of a disease-disease association (biolink:correlated_with); "preceding" means the object
#: disorder came first, "syndromic" that the object is a syndrome that predisposes to the subject
ASSOCIATION_KINDS = ("concurrent", "preceding", "clonally-related", "syndromic")
EVIDENCE_LEVELS = ("approved", "guideline", "trial", "case-series", "case-report")
CONFIDENCES = (
    "verified-in-source",
    "verified-secondary",
    "background-knowledge",
    "curator-inference",
    "case-report",
)

#: Predicates that contradict each other for the same subject and object (checked across rows).
OPPOSITE_PREDICATES = (("hkg:expresses_marker", "hkg:lacks_marker"),)

ROW_ID = re.compile(r"^[A-Za-z0-9_.\-]+\Z")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?\Z")
#: Characters an IRI cannot hold unescaped (RFC 3987), so a source or CURIE with one cannot be
#: written as N-Triples.
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|^`\\]')
SOURCE = re.compile(
    r'^(PMID:\d+|DOI:10\.[^\s<>"{}|^`\\]+|https?://[^\s<>"{}|^`\\]+|[a-z][a-z0-9\-]*)\Z'
)
_LOCALSOURCE = re.compile(r"^[a-z][a-z0-9\-]*$")


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
    bad = _NOT_IN_IRI.search(local)
    if bad:
        char = bad.group()
        printable = char.isprintable() and not char.isspace()
        what = repr(char) if printable else f"control character U+{ord(char):04X}"
        return f"{value!r} holds {what}, which no IRI may hold"
    if prefix in PREFIXES:
        if prefix in ("hkg", "hkgt", "hkgd") and not ROW_ID.match(local):
            return f"project local name {local!r} may use letters, digits, - _ . only"
        return None
    if allow_literal_prefix and prefix in LITERAL_ONLY_PREFIXES:
        return None
    return f"unknown prefix {prefix!r}"


def check_source(value: str) -> str | None:
    """Return a reason if ``value`` is not a PMID:, DOI:, URL or local publication key.

    >>> check_source("PMID:26966089") is None, check_source("26966089") is None
    (True, False)
    """
    if SOURCE.match(value) and not value.isdigit():
        return None
    bad = _NOT_IN_IRI.search(value)
    if bad and value.startswith(("http://", "https://", "DOI:")):
        return f"{value!r} holds {bad.group()!r}, which no IRI may hold (percent-encode it)"
    return f"{value!r} is not PMID:n, DOI:10..., an http(s) URL or a case publication key"


def check_qualifier(key: str, value: str) -> str | None:
    """Return a reason if ``value`` is not allowed for qualifier ``key``, else None."""
    kind = QUALIFIERS.get(key)
    if kind is None:
        return f"unknown qualifier {key!r} (allowed: {', '.join(QUALIFIERS)})"
    if kind == "int" and not value.isdigit():
        return f"{key} must be a non-negative integer, got {value!r}"
    if kind == "decimal":
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if key.startswith("percent") and not 0 <= number <= 100:  # also false for NaN
            return f"{key} must be a number from 0 to 100, got {value!r}"
        if not math.isfinite(number):
            return f"{key} must be a finite number, got {value!r}"
    if kind == "level" and value not in EVIDENCE_LEVELS:
        return f"evidence_level must be one of {', '.join(EVIDENCE_LEVELS)}"
    if kind == "date" and not DATE.match(value):
        return f"{key} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}"
    if kind == "approval_type" and value not in ("regular", "accelerated"):
        return "approval_type must be regular or accelerated"
    if kind == "criterion" and value not in CRITERION_KINDS:
        return f"criterion must be one of {', '.join(CRITERION_KINDS)}"
    if kind == "status" and value != "contested":
        return "status must be contested"
    if kind == "age_unit" and value not in AGE_UNITS:
        return f"{key} must be one of {', '.join(AGE_UNITS)}"
    if kind == "direction" and value not in DIRECTIONS:
        return f"direction must be one of {', '.join(DIRECTIONS)}"
    if kind == "association_kind" and value not in ASSOCIATION_KINDS:
        return f"association_kind must be one of {', '.join(ASSOCIATION_KINDS)}"
    if kind == "curie":
        return check_curie(value)
    if kind == "source":
        return check_source(value)
    return None
