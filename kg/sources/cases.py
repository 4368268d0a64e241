"""Read case files (YAML, format histiokg-case/1) into checked, typed records.

A case file is checked in two passes, and every problem of both is reported at once with the file,
the line and a fix: the JSON Schema (kg/data/case.schema.json) for its shape, then the meaning:
sentence ids exist, every quote is verbatim in its sentence, every term resolves to a curated term
of the right kind, line numbers are 1..n, specimens name biopsies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.core.errors import CaseError, Problem
from kg.core.paths import rel
from kg.sources.case_files import LineDict, read_case_document
from kg.sources.case_model import (
    DEFAULT_EVIDENCE,
    Biopsy,
    Case,
    Claim,
    Evidence,
    Imaging,
    MarkerObservation,
    Molecular,
    Ref,
    Response,
    Sentence,
    TreatmentLine,
)
from kg.sources.terms import TermIndex, UnknownTermError
from kg.sources.vocabulary import PREDICATES

FORMAT = "histiokg-case/1"

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


class _Checker:
    """Resolves references and evidence of one schema-valid case document."""

    def __init__(self, doc: Mapping[str, Any], where: str, index: TermIndex) -> None:
        self.doc = doc
        self.where = where
        self.index = index
        self.problems: list[Problem] = []
        self.sentences: dict[str, Sentence] = {}
        position = 0
        for section in doc["report"]:
            for item in section["sentences"]:
                position += 1
                sid = item["id"]
                if sid in self.sentences:
                    self.report(item, "id", f"sentence id {sid!r} used twice", "rename one")
                self.sentences[sid] = Sentence(sid, section["section"], position, item["text"])

    def report(self, node: Any, key: str | None, reason: str, fix: str) -> None:
        line = getattr(node, "line", None)
        if isinstance(node, LineDict) and key is not None:
            line = node.lines.get(key, line)
        self.problems.append(Problem(self.where, line, reason, fix, key))

    def evidence(self, node: Mapping[str, Any]) -> Evidence:
        raw = node["evidence"]
        items = raw if isinstance(raw, list) else [raw]
        sids, quotes, code = [], [], DEFAULT_EVIDENCE
        for item in items:
            sid, quote = item["sentence"], item["quote"]
            sentence = self.sentences.get(sid)
            if sentence is None:
                self.report(item, "sentence", f"no sentence {sid!r} in report", "use a sentence id")
            elif _squash(quote) not in _squash(sentence.text):
                self.report(
                    item,
                    "quote",
                    f"quote {quote!r} is not verbatim in sentence {sid}",
                    "copy the words exactly from that sentence",
                )
            sids.append(sid)
            quotes.append(quote)
            code = item.get("code", code)
        return Evidence(tuple(sids), tuple(quotes), code)

    def term(self, node: Any, key: str, value: str, categories: tuple[str, ...]) -> str:
        try:
            return self.index.resolve(value, categories)
        except UnknownTermError as exc:
            self.report(node, key, str(exc), "use a CURIE or label from kg/data/curated/terms/")
            return str(value)


def _patient(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    patient = doc["patient"]
    if "born_at_term" in patient:
        case.born_at_term = bool(patient["born_at_term"]["value"])
        case.term_evidence = c.evidence(patient["born_at_term"])


def _findings_and_sites(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    for item in doc.get("findings", []):
        case.findings.append(
            Ref(
                c.term(item, "term", item["term"], ("phenotype",)),
                c.evidence(item),
                item.get("note", ""),
            )
        )
    for item in doc.get("sites", []):
        case.sites.append(
            Ref(
                c.term(item, "term", item["term"], ("anatomy",)),
                c.evidence(item),
                item.get("note", ""),
            )
        )


def _pathology(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    biopsy_ids = set()
    for item in doc.get("biopsies", []):
        biopsy_ids.add(item["id"])
        case.biopsies.append(
            Biopsy(item["id"], c.term(item, "site", item["site"], ("anatomy",)), c.evidence(item))
        )
    for item in doc.get("imaging", []):
        showed = tuple(
            c.term(item, "showed", v, ("phenotype", "anatomy")) for v in item.get("showed", [])
        )
        case.imaging.append(
            Imaging(
                item["id"],
                c.term(item, "assay", item["assay"], ("assay",)),
                showed,
                c.evidence(item),
            )
        )
    seen_markers: dict[tuple[str, tuple[str, ...]], str] = {}
    for item in doc.get("markers", []):
        marker = c.term(item, "marker", item["marker"], ("marker",))
        specimens = tuple(item.get("specimens", []))
        for spec in specimens:
            if spec not in biopsy_ids:
                c.report(item, "specimens", f"no biopsy {spec!r}", "list it under biopsies first")
        prior = seen_markers.get((marker, specimens))
        if prior is not None:
            c.report(
                item,
                "marker",
                f"{item['marker']} is reported twice on the same specimens "
                f"({prior}, {item['result']})",
                "keep one result per marker and specimen",
            )
        seen_markers[(marker, specimens)] = item["result"]
        case.markers.append(
            MarkerObservation(
                marker=marker,
                result=item["result"],
                evidence=c.evidence(item),
                intensity=item.get("intensity", ""),
                extent=item.get("extent", ""),
                assay=c.term(item, "assay", item["assay"], ("assay",)) if "assay" in item else "",
                specimens=specimens,
            )
        )
    for item in doc.get("molecular", []):
        case.molecular.append(
            Molecular(
                c.term(
                    item,
                    "alteration",
                    item["alteration"],
                    ("gene_fusion", "sequence_variant", "gene"),
                ),
                tuple(c.term(item, "assays", a, ("assay",)) for a in item.get("assays", [])),
                c.evidence(item),
            )
        )


def _diagnosis(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    dx = doc["diagnosis"]
    coded = dx["coded"]
    case.diagnosis = c.term(coded, "term", coded["term"], ("disease",))
    case.diagnosis_qualifier = coded.get("qualifier", "")
    case.diagnosis_evidence = c.evidence(coded)
    if "reported" in dx:
        rep = dx["reported"]
        case.reported_label = rep["label"]
        case.reported_evidence = c.evidence(rep)
        if "closest" in rep:
            case.reported_closest = c.term(rep, "closest", rep["closest"], ("disease",))


def _treatment(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    numbers = [line["number"] for line in doc.get("treatment_lines", [])]
    if numbers != list(range(1, len(numbers) + 1)):
        c.report(
            doc,
            "treatment_lines",
            f"line numbers are {numbers}",
            "number the lines 1, 2, 3 in order",
        )
    for line in doc.get("treatment_lines", []):
        response = None
        if "response" in line:
            r = line["response"]
            response = Response(
                category=c.term(r, "category", r["category"], ("response_category",)),
                evidence=c.evidence(r),
                assessed_by=c.term(r, "assessed_by", r["assessed_by"], ("assay",))
                if "assessed_by" in r
                else "",
                text=r.get("text", ""),
            )
        case.lines.append(
            TreatmentLine(
                number=line["number"],
                agents=tuple(c.term(line, "agents", a, ("drug",)) for a in line["agents"]),
                evidence=c.evidence(line),
                cycles=line.get("cycles"),
                schedule=line.get("schedule", ""),
                intent=line.get("intent", ""),
                response=response,
            )
        )
    for item in doc.get("discussed", []):
        if "drug" in item:
            term = c.term(item, "drug", item["drug"], ("drug",))
        else:
            term = c.term(item, "drug_class", item["drug_class"], ("drug_class",))
        case.discussed.append(Ref(term, c.evidence(item)))


def _claims(c: _Checker, doc: Mapping[str, Any], case: Case) -> None:
    for item in doc.get("claims", []):
        triple = [item.get(k, "") for k in ("subject", "predicate", "object")]
        if any(triple) and not all(triple):
            c.report(
                item,
                "subject",
                "a claim triple needs subject, predicate and object",
                "give all three or none",
            )
        elif all(triple):
            if triple[1] not in PREDICATES:
                c.report(item, "predicate", f"unknown predicate {triple[1]!r}", "use a curated one")
            else:
                subj_cats, obj_cats = PREDICATES[triple[1]]
                triple[0] = c.term(item, "subject", triple[0], subj_cats)
                triple[2] = c.term(item, "object", triple[2], obj_cats)
        case.claims.append(
            Claim(
                id=item["id"],
                claim=item["claim"],
                verdict=item["verdict"],
                corrected_by=tuple(item["corrected_by"]),
                evidence=c.evidence(item),
                subject=triple[0],
                predicate=triple[1],
                object=triple[2],
            )
        )


def check_case(doc: Mapping[str, Any], where: str, index: TermIndex) -> tuple[Case, list[Problem]]:
    """Resolve and check a schema-valid case document."""
    c = _Checker(doc, where, index)
    patient = doc["patient"]
    age = patient["age"]
    if age["value"] < 0:
        c.report(age, "value", f"age {age['value']} is negative", "give the age at presentation")
    if age["unit"] == "year" and age["value"] > 120:
        c.report(
            age, "value", f"age {age['value']} years is impossible", "check the value and unit"
        )
    case = Case(
        id=doc["id"],
        title=doc["title"],
        file=where,
        publication={k: str(v) for k, v in doc["publication"].items()},
        sentences=c.sentences,
        age_value=float(age["value"]),
        age_unit=age["unit"],
        age_evidence=c.evidence(age),
        sex=patient["sex"]["value"],
        sex_evidence=c.evidence(patient["sex"]),
    )
    for section in (_patient, _findings_and_sites, _pathology, _diagnosis, _treatment, _claims):
        section(c, doc, case)
    return case, c.problems


def load_case(path: Path, index: TermIndex) -> Case:
    """Read and check one case file; raise CaseError listing every problem."""
    doc, problems = read_case_document(path)
    if problems or doc is None:
        raise CaseError(problems)
    case, problems = check_case(doc, rel(path), index)
    if problems:
        raise CaseError(problems)
    return case


def load_cases(directory: Path, index: TermIndex) -> list[Case]:
    """Read every case file in ``directory``; raise one CaseError listing every problem of all."""
    problems: list[Problem] = []
    cases: list[Case] = []
    ids: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
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
    if problems:
        raise CaseError(problems)
    return cases
