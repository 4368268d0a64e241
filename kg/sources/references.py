"""Cross-row checks of the curated tables: one label per id, references resolve, no obsolete ids.

They run after every table has been read, so a curator sees the problems of all files at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.core.errors import Problem
from kg.sources.records import Curation, Statement, Term
from kg.sources.tables import split_multi
from kg.sources.vocabulary import CATEGORY_PROPERTIES, OPPOSITE_PREDICATES, PREDICATES


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
    check_contradictions(curation.statements, problems)


def check_contradictions(statements: Iterable[Statement], problems: list[Problem]) -> None:
    """One source cannot say both of two opposite predicates (expresses / lacks a marker).

    Sources that disagree with each other are allowed (each row keeps its own source); a
    contested row (``status=contested``) is a claim kept for the record, not asserted.
    """
    opposite = {a: b for pair in OPPOSITE_PREDICATES for a, b in (pair, pair[::-1])}
    seen: dict[tuple[str, str, str], Statement] = {}
    for st in statements:
        if st.predicate not in opposite or st.contested:
            continue
        for source in st.sources:
            other = seen.get((st.subject, opposite[st.predicate], st.object))
            if other is not None and source in other.sources:
                problems.append(
                    Problem(
                        st.file,
                        st.line,
                        f"{st.subject} {st.predicate} {st.object} contradicts "
                        f"{other.file}:{other.line} ({other.predicate}), both from {source}",
                        "keep the row the source supports, or mark the other "
                        "status=contested; corrected_by=<source>",
                        "predicate",
                    )
                )
                break
        seen[(st.subject, st.predicate, st.object)] = st
