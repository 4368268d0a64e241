"""GA4GH Phenopacket v2 import: a Phenopacket read back into a case of the graph.

A Phenopacket becomes a :class:`~kg.sources.case_model.Case` handed to
:func:`~kg.graph.case_triples.case_to_triples`, so imported cases use exactly the predicates of
curated ones; what the case model cannot hold is listed, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format  # type: ignore[import-untyped]
from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket  # type: ignore[import-untyped]
from rdflib import RDF, Graph

from kg.core.errors import CaseError, Problem
from kg.core.namespaces import HKG, HKGD, is_known_curie
from kg.formats.phenopackets import POLARITY, UNIT, Json
from kg.graph.case_triples import case_to_triples
from kg.sources.case_model import (
    DEFAULT_EVIDENCE,
    Age,
    Biopsy,
    Case,
    Evidence,
    MarkerObservation,
    Molecular,
    Ref,
    Response,
    TreatmentLine,
)
from kg.sources.records import Term
from kg.sources.terms import TermIndex

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_NO_EVIDENCE = Evidence((), (), DEFAULT_EVIDENCE)


@dataclass(frozen=True)
class ImportedCase:
    """A case read from a Phenopacket, its terms' labels, and what the case model cannot hold."""

    case: Case
    labels: dict[str, str]
    dropped: tuple[str, ...]


def parse_duration(text: str) -> tuple[float, str] | None:
    """An ISO 8601 age as (value, unit) of the case model, or None if it has no exact form.

    >>> [parse_duration(iso) for iso in ("P2M", "P1Y6M", "P1W3D", "P1Y2D")]
    [(2.0, 'month'), (18.0, 'month'), (10.0, 'day'), None]
    """
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (int(g) if g else None for g in m.groups())
    given = [(v, u) for v, u in zip((y, mo, w, d), UNIT, strict=True) if v is not None]
    if len(given) == 1:
        return float(given[0][0]), given[0][1]
    if w is None and d is None:
        return float((y or 0) * 12 + (mo or 0)), "month"
    if y is None and mo is None:
        return float((w or 0) * 7 + (d or 0)), "day"
    return None


def _at(doc: Any, *keys: str) -> Any:
    """The value at ``keys`` in nested dicts, or None where any level is missing."""
    for key in keys:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc


class _Importer:
    def __init__(self, doc: Json, source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []
        self.dropped: list[str] = []
        self.labels: dict[str, str] = {}

    def fail(self, where: str, reason: str, fix: str) -> None:
        self.problems.append(Problem(self.source, None, reason, fix, where))

    def term(self, oc: Any, where: str) -> str:
        """The CURIE of an OntologyClass, or '' (with a problem) if histiokg cannot expand it."""
        curie = str(_at(oc, "id") or "")
        if not is_known_curie(curie):
            self.fail(where, f"term {curie!r} has no prefix histiokg knows", "map it to a term")
            return ""
        self.labels.setdefault(curie, str(_at(oc, "label") or curie))
        return curie

    def case(self) -> Case:
        doc = self.doc
        cid = re.sub(r"[^a-z0-9]+", "-", str(doc.get("id", "")).lower()).strip("-")
        if not cid:
            self.fail("id", "the packet has no id", "give the packet an id")
        sex = {"MALE": "male", "FEMALE": "female"}.get(_at(doc, "subject", "sex") or "", "")
        if not sex:
            self.fail("subject.sex", "sex is not MALE or FEMALE", "a case records male or female")
        diseases = []
        for d in doc.get("diseases", []):
            if d.get("excluded"):
                self.dropped.append(f"excluded disease {_at(d, 'term', 'id')}")
            else:
                diseases.append(d)
        self.dropped += [f"further disease {_at(d, 'term', 'id')}" for d in diseases[1:]]
        iso = str(_at(diseases[0] if diseases else {}, "onset", "age", "iso8601duration") or "")
        age = parse_duration(iso)
        if not diseases:
            self.fail("diseases", "no disease is given", "add the coded diagnosis")
        elif age is None:
            self.fail(
                "diseases[0].onset",
                f"age {iso!r} is missing or has no exact value and unit",
                "give the age at presentation as diseases[0].onset.age, e.g. P2M",
            )
        age_value, age_unit = age or (0.0, "year")
        case = Case(
            id=cid,
            title=f"{cid} (imported from a Phenopacket)",
            file=self.source,
            publication=self.publication(),
            sentences={},
            age=Age(evidence=_NO_EVIDENCE, value=age_value, unit=age_unit),
            sex=sex,
            sex_evidence=_NO_EVIDENCE,
        )
        if diseases:
            case.diagnosis = self.term(diseases[0].get("term"), "diseases[0].term")
            case.diagnosis_evidence = _NO_EVIDENCE
        for i, f in enumerate(doc.get("phenotypicFeatures", [])):
            if f.get("excluded"):
                self.dropped.append(f"excluded phenotypic feature {_at(f, 'type', 'id')}")
                continue
            codes = [str(_at(e, "evidenceCode", "id")) for e in f.get("evidence", [])]
            code = next((c for c in codes if c.startswith("ECO:")), DEFAULT_EVIDENCE)
            term = self.term(f.get("type"), f"phenotypicFeatures[{i}].type")
            case.findings.append(Ref(term, Evidence((), (), code), f.get("description", "")))
        self.pathology(case)
        self.molecular(case)
        self.treatment(case)
        return case

    def publication(self) -> dict[str, str]:
        refs = _at(self.doc, "metaData", "externalReferences") or []
        key = str(refs[0].get("id") or refs[0].get("reference") or "") if refs else ""
        if not key:
            self.fail(
                "metaData.externalReferences",
                "no publication is referenced",
                "cite the case report (PMID, DOI or URL) first in externalReferences",
            )
        key = key.removeprefix("hkgd:pub-")
        pub = {
            "key": key or "unknown",
            "title": str(refs[0].get("description") or key) if refs else "",
        }
        for ref in refs:
            rid = ref.get("id", "")
            if rid.startswith("PMID:"):
                pub["pmid"] = rid.removeprefix("PMID:")
            elif rid.startswith("DOI:"):
                pub["doi"] = rid.removeprefix("DOI:")
            elif not rid and ref.get("reference", "").startswith("http"):
                pub["url"] = ref["reference"]
        return pub

    def measurement(self, m: Json, where: str, specimen: str, found: dict[Any, list[str]]) -> None:
        value = str(_at(m, "value", "ontologyClass", "id") or "")
        result = {c: r for r, c in POLARITY.items()}.get(value)
        if result is None:
            self.dropped.append(f"{where} ({_at(m, 'assay', 'id')} = {value or 'a quantity'})")
            return
        marker = self.term(m.get("assay"), f"{where}.assay")
        procedure = _at(m, "procedure", "code")
        assay = self.term(procedure, f"{where}.procedure.code") if procedure else ""
        specimens = found.setdefault((marker, result, assay), [])
        if specimen:
            specimens.append(specimen)

    def pathology(self, case: Case) -> None:
        found: dict[tuple[str, str, str], list[str]] = {}
        for i, s in enumerate(self.doc.get("biosamples", [])):
            bid = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(s.get("id", i)))
            bid = bid.removeprefix(f"{case.id}-biopsy-")
            if "sampledTissue" not in s:
                self.dropped.append(f"biosamples[{i}] (no sampled tissue)")
                continue
            site = self.term(s["sampledTissue"], f"biosamples[{i}].sampledTissue")
            case.biopsies.append(Biopsy(bid, site, _NO_EVIDENCE))
            for j, m in enumerate(s.get("measurements", [])):
                self.measurement(m, f"biosamples[{i}].measurements[{j}]", bid, found)
        for j, m in enumerate(self.doc.get("measurements", [])):
            self.measurement(m, f"measurements[{j}]", "", found)
        for (marker, result, assay), specimens in found.items():
            case.markers.append(
                MarkerObservation(
                    marker, result, _NO_EVIDENCE, assay=assay, specimens=tuple(specimens)
                )
            )

    def molecular(self, case: Case) -> None:
        for i, interp in enumerate(self.doc.get("interpretations", [])):
            for j, gi in enumerate(_at(interp, "diagnosis", "genomicInterpretations") or []):
                where = f"interpretations[{i}].diagnosis.genomicInterpretations[{j}]"
                vd = _at(gi, "variantInterpretation", "variationDescriptor") or {}
                gene = gi.get("gene") or {}
                call = str(gene.get("valueId") or vd.get("id") or "")
                label = gene.get("symbol") or vd.get("label")
                if gi.get("interpretationStatus") != "CAUSATIVE" or not is_known_curie(call):
                    self.dropped.append(f"{where} ({call or 'no id'}: not a causative known CURIE)")
                    continue
                alteration = self.term({"id": call, "label": label}, where)
                case.molecular.append(Molecular(alteration, (), _NO_EVIDENCE))

    def treatment(self, case: Case) -> None:
        # a therapeuticRegimen opens a line; the treatments after it are its agents. Without
        # regimens (packets from elsewhere) each treatment is a line of its own.
        lines: list[tuple[list[str], list[str]]] = []
        in_regimen = False
        for i, action in enumerate(self.doc.get("medicalActions", [])):
            if "therapeuticRegimen" in action:
                lines.append(([], []))
                in_regimen = True
            elif "treatment" in action:
                if not in_regimen:
                    lines.append(([], []))
                where = f"medicalActions[{i}]"
                lines[-1][0].append(self.term(_at(action, "treatment", "agent"), where))
                if "responseToTreatment" in action:
                    response = self.term(action["responseToTreatment"], where)
                    lines[-1][1].append(response)
            else:
                self.dropped.append(f"medicalActions[{i}] (a procedure or radiation therapy)")
        for agents, responses in lines:
            if not agents:
                self.dropped.append("a therapeutic regimen without treatments")
                continue
            if len(set(responses)) > 1:
                others = sorted(set(responses) - {responses[0]})
                self.dropped.append(f"responses {others} besides {responses[0]} of one line")
            r = Response(responses[0], _NO_EVIDENCE) if responses else None
            number = len(case.lines) + 1
            case.lines.append(TreatmentLine(number, tuple(agents), _NO_EVIDENCE, response=r))


def phenopacket_to_case(json_text: str, source: str = "<phenopacket>") -> ImportedCase:
    """Read a Phenopacket v2 JSON document into a Case; raise CaseError listing every problem.

    The Case has no report sentences or quotes (a Phenopacket carries none), so its statements
    fail the provenance check (qc01) until a curator links them to the report.
    """
    try:
        message = json_format.Parse(json_text, Phenopacket())
    except json_format.ParseError as exc:
        raise CaseError(
            [Problem(source, None, f"not a Phenopacket v2: {exc}", "fix the JSON")]
        ) from exc
    doc: Json = json_format.MessageToDict(message)
    importer = _Importer(doc, source)
    case = importer.case()
    if importer.problems:
        raise CaseError(importer.problems)
    return ImportedCase(case, importer.labels, tuple(importer.dropped))


def phenopacket_to_case_triples(
    json_text: str, g: Graph, index: TermIndex | None = None, source: str = "<phenopacket>"
) -> ImportedCase:
    """Add the case read from a Phenopacket to ``g`` with the predicates of curated cases.

    ``index`` supplies labels for the case's parts; by default the packet's own labels are used.
    """
    imported = phenopacket_to_case(json_text, source)
    if (HKGD[imported.case.id], RDF.type, HKG.Case) in g:
        reason = f"case {imported.case.id!r} is already in the graph"
        raise CaseError([Problem(source, None, reason, "import into a graph without it")])
    if index is None:
        index = TermIndex({c: Term(c, label, "") for c, label in imported.labels.items()})
    case_to_triples(imported.case, g, index)
    return imported
