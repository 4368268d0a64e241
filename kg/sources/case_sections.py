"""The sections of a case document, each checked and turned into the case's records.

Each function takes the checker, the document and the case being filled; a section whose shape
is wrong raises one of ``SHAPE_ERRORS``, and the caller skips it (the schema has reported it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kg.sources.case_checker import _UNIT_YEARS, MAX_AGE_YEARS, TERM_WEEKS, Checker
from kg.sources.case_model import (
    Age,
    Biopsy,
    Case,
    Claim,
    Duration,
    Imaging,
    MarkerObservation,
    Molecular,
    OtherDiagnosis,
    Outcome,
    Ref,
    Response,
    TreatmentLine,
)
from kg.sources.variants import protein_change
from kg.sources.vocabulary import PREDICATES

_AGE_FORMS = ("value", "min", "max", "onset", "at_birth", "reported")


def _duration(node: Mapping[str, Any] | None) -> Duration | None:
    if not node:
        return None
    return Duration(float(node["value"]), node["unit"])


def age_of(c: Checker, age: Mapping[str, Any]) -> Age:
    """The age in the one form the file gives, with impossible values reported."""
    forms = [k for k in _AGE_FORMS if k in age and not (k == "max" and "min" in age)]
    if "value" in forms and ("min" in age or "max" in age):
        forms.remove("value")
        forms.append("value and a range")
    if len(forms) != 1:
        given = ", ".join(forms) or "nothing"
        c.report(
            age,
            None,
            f"age gives {given}",
            "give one of: value+unit, min/max+unit, onset, at_birth: true, reported: false",
        )
        return Age(reported=False)
    form = forms[0]
    if form == "reported":
        return Age(reported=False)
    evidence = c.evidence(age) if "evidence" in age else None
    if evidence is None:
        c.report(age, "evidence", "an age needs evidence", "cite the sentence that gives it")
    if form == "at_birth":
        return Age(evidence=evidence, at_birth=True)
    if form == "onset":
        return Age(evidence=evidence, onset=c.term(age, "onset", age["onset"], ("phenotype",)))
    unit = age.get("unit")
    if unit is None:
        c.report(age, "unit", "an age number needs a unit", "add unit: day, week, month or year")
        return Age(reported=False)
    for key in ("value", "min", "max"):
        value = age.get(key)
        if value is None:
            continue
        if not math.isfinite(value):
            c.report(age, key, f"age {value} is not a number", "give the age at presentation")
        elif value < 0:
            c.report(age, key, f"age {value} is negative", "give the age at presentation")
        elif value * _UNIT_YEARS[unit] > MAX_AGE_YEARS:
            c.report(age, key, f"age {value} {unit}s is impossible", "check the value and unit")
    if form == "value":
        return Age(evidence=evidence, value=float(age["value"]), unit=unit)
    low, high = age.get("min"), age.get("max")
    if low is not None and high is not None and low > high:
        c.report(age, "min", f"age range {low} to {high} is reversed", "give min <= max")
    return Age(
        evidence=evidence,
        unit=unit,
        low=None if low is None else float(low),
        high=None if high is None else float(high),
    )


def patient(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Birth at term and gestational age (the age itself is read first, by age_of)."""
    patient = doc["patient"]
    if "born_at_term" in patient:
        case.born_at_term = bool(patient["born_at_term"]["value"])
        case.term_evidence = c.evidence(patient["born_at_term"])
    if "gestational_age" in patient:
        ga = patient["gestational_age"]
        case.gestational_weeks = float(ga["weeks"]) + ga.get("days", 0) / 7
        case.gestational_evidence = c.evidence(ga)
        preterm = case.gestational_weeks < TERM_WEEKS
        if case.born_at_term is not None and case.born_at_term == preterm:
            c.report(
                ga,
                "weeks",
                f"gestational age {ga['weeks']} weeks contradicts born_at_term {case.born_at_term}",
                f"term birth is {TERM_WEEKS} weeks or later; fix one of them",
            )


def findings_and_sites(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Findings present, findings looked for and absent, involved sites."""
    for item in doc.get("findings", []):
        case.findings.append(
            Ref(
                c.term(item, "term", item["term"], ("phenotype",)),
                c.evidence(item),
                item.get("note", ""),
            )
        )
    for item in doc.get("absent_findings", []):
        case.absent_findings.append(
            Ref(
                c.term(item, "term", item["term"], ("phenotype",)),
                c.evidence(item),
                item.get("note", ""),
            )
        )
    present = {ref.term for ref in case.findings}
    for ref in case.absent_findings:
        if ref.term in present:
            c.report(
                doc,
                "absent_findings",
                f"{ref.term} is listed as both present and absent",
                "keep the one the report says",
            )
    for item in doc.get("sites", []):
        case.sites.append(
            Ref(
                c.term(item, "term", item["term"], ("anatomy",)),
                c.evidence(item),
                item.get("note", ""),
            )
        )


def pathology(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Biopsies, imaging, marker results and molecular findings."""
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
    results_on: dict[tuple[str, str], str] = {}
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
                f"{', '.join(specimens) or '(none named)'} ({prior}, {item['result']})",
                "keep one result per marker and specimen",
            )
        seen_markers[(marker, specimens)] = item["result"]
        for spec in specimens:
            other = results_on.setdefault((marker, spec), item["result"])
            if other != item["result"] and prior is None:
                c.report(
                    item,
                    "marker",
                    f"{item['marker']} is {other} and {item['result']} on biopsy {spec!r}",
                    "one marker has one result per biopsy: fix the result or the specimens",
                )
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
        case.molecular.append(_molecular(c, item))


def _molecular(c: Checker, item: Mapping[str, Any]) -> Molecular:
    """One molecular finding: a curated alteration, or a variant by gene and protein change."""
    kinds = ("gene_fusion", "sequence_variant", "gene")
    gene = c.term(item, "gene", item["gene"], ("gene",)) if "gene" in item else ""
    protein = ""
    if "protein_change" in item:
        try:
            protein = protein_change(str(item["protein_change"]))
        except ValueError as exc:
            c.report(item, "protein_change", str(exc), "write it as p.V600E or p.Val600Glu")
    alteration = (
        c.term(item, "alteration", item["alteration"], kinds) if "alteration" in item else ""
    )
    if not alteration and gene and protein:
        alteration = c.index_variant(gene, protein)
    if not alteration and gene and not protein:
        alteration = gene  # an alteration of the gene, not further specified
    if "alteration" in item and gene and alteration:
        genes = c.genes_of(alteration)
        if genes and gene not in genes:
            c.report(
                item, "gene", f"{gene} is not a gene of {alteration}", "fix gene or alteration"
            )
    vaf = item.get("vaf_percent")
    return Molecular(
        alteration,
        tuple(c.term(item, "assays", a, ("assay",)) for a in item.get("assays", [])),
        c.evidence(item),
        gene=gene,
        protein_change=protein,
        hgvs=str(item.get("hgvs", "")),
        five_prime_exon=str(item.get("five_prime_exon", "")),
        three_prime_exon=str(item.get("three_prime_exon", "")),
        breakpoint=str(item.get("breakpoint", "")),
        vaf_percent=None if vaf is None else float(vaf),
    )


def diagnosis(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """The coded diagnosis and the diagnosis in the authors' words."""
    dx = doc["diagnosis"]
    coded = dx["coded"]
    case.diagnosis = c.term(coded, "term", coded["term"], ("disease",))
    case.diagnosis_qualifier = coded.get("qualifier", "")
    case.diagnosis_note = coded.get("note", "")
    case.diagnosis_evidence = c.evidence(coded)
    if "reported" in dx:
        rep = dx["reported"]
        case.reported_label = rep["label"]
        case.reported_evidence = c.evidence(rep)
        if "closest" in rep:
            case.reported_closest = c.term(rep, "closest", rep["closest"], ("disease",))


def _reported(value: str) -> str:
    return "" if value == "not reported" else value


def other_diagnoses(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Further diagnoses of the patient and their relation in time."""
    for item in doc.get("other_diagnoses", []):
        term = c.term(item, "term", item["term"], ("disease",))
        if term and term == case.diagnosis and item["relation"] == "concurrent":
            c.report(item, "term", "the other diagnosis is the case's own", "drop it")
        case.other_diagnoses.append(
            OtherDiagnosis(
                term=term,
                relation=item["relation"],
                evidence=c.evidence(item),
                clonally_related=""
                if item.get("clonally_related", "not reported") == "not reported"
                else item["clonally_related"],
                interval=_duration(item.get("interval")),
                note=item.get("note", ""),
            )
        )


def outcome(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """The status at the last follow-up."""
    out = doc.get("outcome")
    if not out:
        return
    if out.get("cause_of_death") and out["status"] != "died":
        c.report(out, "cause_of_death", "a cause of death for a living patient", "fix status")
    case.outcome = Outcome(
        status=out["status"],
        evidence=c.evidence(out),
        follow_up=_duration(out.get("follow_up")),
        cause_of_death=out.get("cause_of_death", ""),
        text=out.get("text", ""),
    )


def treatment(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Ordered treatment lines (drugs and procedures), responses, drugs only discussed."""
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
                follow_up=_duration(r.get("follow_up")),
            )
        case.lines.append(
            TreatmentLine(
                number=line["number"],
                agents=tuple(c.term(line, "agents", a, ("drug",)) for a in line.get("agents", [])),
                procedures=tuple(
                    c.term(line, "procedures", a, ("procedure",))
                    for a in line.get("procedures", [])
                ),
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


def claims(c: Checker, doc: Mapping[str, Any], case: Case) -> None:
    """Authors' claims that other sources correct (kept, never asserted)."""
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
