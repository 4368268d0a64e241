"""Read case files (YAML, format histiokg-case/1) into checked, typed records.

A case file is checked in two passes, and every problem of both is reported at once with the file,
the line and a fix: the JSON Schema (kg/data/case.schema.json) for its shape, then the meaning:
sentence ids exist, every quote is verbatim in its sentence, every term resolves to a curated term
of the right kind, line numbers are 1..n, specimens name biopsies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from kg.core.errors import CaseError, Problem
from kg.core.paths import rel
from kg.sources.case_checker import SHAPE_ERRORS, Checker
from kg.sources.case_files import read_case_document
from kg.sources.case_model import Age, Case
from kg.sources.case_sections import (
    age_of,
    claims,
    diagnosis,
    findings_and_sites,
    other_diagnoses,
    outcome,
    pathology,
    treatment,
)
from kg.sources.case_sections import (
    patient as patient_section,
)
from kg.sources.duplicates import duplicate_problems
from kg.sources.terms import TermIndex

#: Wraps an iterable of work items with a progress display: (items, description) -> items.
Progress = Callable[[Sequence[Path], str], Iterable[Path]]


def check_case(doc: Mapping[str, Any], where: str, index: TermIndex) -> tuple[Case, list[Problem]]:
    """Resolve and check a case document; return the case and every problem found.

    The checks run even when the schema found problems, skipping only the parts whose shape is
    wrong, so one run lists everything wrong with a file.
    """
    c = Checker(doc, where, index)
    person = doc.get("patient") or {}
    sex = person.get("sex") or {}
    sex_value = sex.get("value", "not reported")
    age = Age(reported=False)
    with suppress(*SHAPE_ERRORS):
        age = age_of(c, person["age"])
    case = Case(
        id=str(doc.get("id", "")),
        title=str(doc.get("title", "")),
        file=where,
        publication={k: str(v) for k, v in (doc.get("publication") or {}).items()},
        sentences=c.sentences,
        age=age,
        sex="" if sex_value == "not reported" else str(sex_value),
        sex_evidence=c.evidence(sex) if "evidence" in sex else None,
        format_version=int(str(doc.get("format", "/1")).rsplit("/", 1)[-1] or 1),
        same_patient_as=tuple(doc.get("same_patient_as", ())),
        distinct_from=tuple(doc.get("distinct_from", ())),
    )
    if case.sex and case.sex_evidence is None:
        c.report(sex, "evidence", "a reported sex needs evidence", "cite the sentence")
    sections = (
        patient_section,
        findings_and_sites,
        pathology,
        diagnosis,
        other_diagnoses,
        treatment,
        outcome,
        claims,
    )
    for section in sections:
        with suppress(*SHAPE_ERRORS):
            section(c, doc, case)
    return case, c.problems


def load_case(path: Path, index: TermIndex) -> Case:
    """Read and check one case file; raise CaseError listing every problem (schema and meaning)."""
    doc, problems = read_case_document(path)
    if doc is None or not isinstance(doc, Mapping):
        raise CaseError(problems or [Problem(rel(path), None, "not a case document", "see docs")])
    try:
        case, more = check_case(doc, rel(path), index)
    except SHAPE_ERRORS:
        if not problems:  # a document the schema accepts must never break the checks
            raise
        raise CaseError(problems) from None  # the schema's problems explain the shape
    seen = {(p.line, p.column) for p in problems}
    problems += [p for p in more if (p.line, p.column) not in seen]
    if problems:
        raise CaseError(problems)
    return case


def load_cases(directory: Path, index: TermIndex, progress: Progress | None = None) -> list[Case]:
    """Read every case file in ``directory``; raise one CaseError listing every problem of all.

    ``progress`` wraps the file list (the CLI shows a bar on a terminal for large cohorts).
    """
    problems: list[Problem] = []
    cases: list[Case] = []
    ids: dict[str, str] = {}
    files = sorted(directory.glob("*.yaml"))
    for path in progress(files, "reading cases") if progress else files:
        try:
            case = load_case(path, index)
        except CaseError as exc:
            problems.extend(exc.problems)
            continue
        if case.id in ids:
            problems.append(
                Problem(rel(path), None, f"case id {case.id!r} also in {ids[case.id]}", "rename")
            )
        ids[case.id] = case.file
        cases.append(case)
    problems += duplicate_problems(cases)
    if problems:
        raise CaseError(problems)
    return cases
