"""GA4GH Phenopacket v2 export of cases (mapping and its limits: docs/phenopackets.md).

Export reads each case subgraph of a built graph with SPARQL and writes one Phenopacket v2 JSON
document per case; :mod:`kg.formats.phenopacket_import` reads them back. Protobuf objects stay
inside these modules: callers see JSON text, dicts and Cases.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from google.protobuf import json_format  # type: ignore[import-untyped]
from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket  # type: ignore[import-untyped]

from kg import __version__
from kg.core.environment import build_timestamp
from kg.core.files import write_tree
from kg.core.namespaces import PREFIXES, expand, is_known_curie
from kg.graph.store import KnowledgeGraph

SCHEMA_VERSION = "2.0"
Json = dict[str, Any]

_PREFIX = """PREFIX hkg: <https://w3id.org/histiokg/ontology/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
_CASES = _PREFIX + "SELECT ?case WHERE { ?case a hkg:Case } ORDER BY ?case"
_PATIENT = (
    _PREFIX
    + """SELECT ?case ?value ?unit ?sex ?pub ?title ?same ?url WHERE {
  ?case hkg:age_value ?value ; hkg:age_unit ?unit ; hkg:sex ?sex ; hkg:described_in ?pub .
  ?pub rdfs:label ?title .
  OPTIONAL { ?pub owl:sameAs ?same } OPTIONAL { ?pub rdfs:seeAlso ?url }
} ORDER BY ?same ?url"""
)
_FINDINGS = (
    _PREFIX
    + """SELECT ?case ?term ?code ?note WHERE {
  ?case hkg:has_finding ?term .
  OPTIONAL { ?a rdf:subject ?case ; rdf:predicate hkg:has_finding ; rdf:object ?term ;
               hkg:evidence ?code . OPTIONAL { ?a hkg:comment ?note } }
} ORDER BY ?term ?code"""
)
_DIAGNOSES = _PREFIX + "SELECT ?case ?d WHERE { ?case hkg:has_diagnosis ?d } ORDER BY ?d"
_BIOPSIES = (
    _PREFIX
    + """SELECT ?case ?b ?site WHERE { ?case hkg:has_biopsy ?b . ?b hkg:specimen_site ?site }
ORDER BY ?b"""
)
_MARKERS = (
    _PREFIX
    + """SELECT ?case ?mr ?marker ?polarity ?assay ?intensity ?extent ?site WHERE {
  ?case hkg:has_marker_result ?mr . ?mr hkg:marker ?marker ; hkg:polarity ?polarity .
  OPTIONAL { ?mr hkg:assay ?assay } OPTIONAL { ?mr hkg:result_intensity ?intensity }
  OPTIONAL { ?mr hkg:result_extent ?extent } OPTIONAL { ?mr hkg:specimen_site ?site }
} ORDER BY ?marker ?site"""
)
_MOLECULAR = (
    _PREFIX
    + """SELECT ?case ?alt ?kind ?gene ?assay WHERE {
  ?case hkg:has_molecular_finding ?mf . ?mf hkg:alteration ?alt .
  OPTIONAL { ?alt a ?kind FILTER (?kind IN (hkg:GeneFusion, hkg:SequenceVariant, hkg:Gene)) }
  OPTIONAL { ?alt hkg:variant_of_gene ?gene } OPTIONAL { ?mf hkg:detected_by ?assay }
} ORDER BY ?alt ?assay"""
)
_LINES = (
    _PREFIX
    + """SELECT ?case ?n ?agent ?cycles ?schedule ?intent ?category ?text ?by WHERE {
  ?case hkg:has_treatment_line ?line . ?line hkg:line_number ?n ; hkg:agent ?agent .
  OPTIONAL { ?line hkg:cycles ?cycles } OPTIONAL { ?line hkg:schedule ?schedule }
  OPTIONAL { ?line hkg:intent ?intent }
  OPTIONAL { ?line hkg:has_response ?r . ?r hkg:response_category ?category .
             OPTIONAL { ?r hkg:response_text ?text } OPTIONAL { ?r hkg:assessed_by ?by } }
} ORDER BY ?n ?agent"""
)
_NOTES = _PREFIX + "SELECT ?term ?note WHERE { ?term rdfs:comment ?note } ORDER BY ?term ?note"


_OBO = "http://purl.obolibrary.org/obo/"
#: prefix -> (resource id, name, url, release read per ../shared/reference/identifiers-notes.md)
_SOURCES: dict[str, tuple[str, str, str, str]] = {
    "MONDO": ("mondo", "Mondo Disease Ontology", _OBO + "mondo.owl", "2026-05-05"),
    "HP": ("hp", "human phenotype ontology", _OBO + "hp.owl", "2025-01-16"),
    "UBERON": ("uberon", "Uber-anatomy ontology", _OBO + "uberon.owl", "2026-04-01"),
    "CHEBI": (
        "chebi",
        "Chemical Entities of Biological Interest",
        _OBO + "chebi.owl",
        "2026-05-01",
    ),
    "UniProtKB": ("uniprot", "UniProt Knowledgebase", "https://www.uniprot.org", "2026-01-28"),
    "OBI": ("obi", "Ontology for Biomedical Investigations", _OBO + "obi.owl", "498085a"),
    "EFO": ("efo", "Experimental Factor Ontology", "http://www.ebi.ac.uk/efo/efo.owl", "3.90.0"),
    "ECO": ("eco", "Evidence & Conclusion Ontology", _OBO + "eco.owl", "2024-07-19"),
    "SO": ("so", "Sequence types and features ontology", _OBO + "so.owl", "2024-11-18"),
    "MAXO": ("maxo", "Medical Action Ontology", _OBO + "maxo.owl", "2024-07-29"),
    "NCIT": ("ncit", "NCI Thesaurus", _OBO + "ncit.owl", ""),
    "HGNC": ("hgnc", "HUGO Gene Nomenclature Committee", "https://www.genenames.org", ""),
    "DRUGBANK": ("drugbank", "DrugBank", "https://go.drugbank.com", ""),
    "hkgt": ("histiokg", "histiokg project terms", "https://w3id.org/histiokg/", __version__),
}
#: How term notes (rdfs:comment) record the release a term was read in; one group each.
_RELEASE_IN_NOTE = {
    "MONDO": r"MONDO v(\d{4}-\d\d-\d\d)",
    "HP": r"hp/releases/(\d{4}-\d\d-\d\d)",
    "UBERON": r"UBERON v(\d{4}-\d\d-\d\d)",
    "CHEBI": r"ChEBI (\d{4}-\d\d-\d\d)",
    "UniProtKB": r"UniProt(?:-ontology)?[- ](\d{4}-\d\d-\d\d)",
    "OBI": r"OBI @([0-9a-f]{7})",
    "EFO": r"EFO (\d+\.\d+\.\d+)",
    "MAXO": r"maxo-base\.obo (\d{4}-\d\d-\d\d)",
}
#: Labels of the terms export itself introduces (verified rows of identifiers.tsv), used when the
#: graph has no label for them.
_LABELS = {
    "ECO:0000304": "author statement supported by traceable reference used in manual assertion",
    "SO:0001565": "gene_fusion",
    "OBI:0002650": "biopsy",
}
_BIOPSY = "OBI:0002650"
_GENE_FUSION = "SO:0001565"
POLARITY = {"positive": "hkgt:positive", "negative": "hkgt:negative"}
_SEX = {"hkgt:male": "MALE", "hkgt:female": "FEMALE"}
UNIT = {"year": "Y", "month": "M", "week": "W", "day": "D"}
_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


def created_timestamp() -> str:
    """``metaData.created``: SOURCE_DATE_EPOCH if set (reproducible builds), else now, in UTC."""
    return build_timestamp()


def iso_duration(value: str | float, unit: str) -> str:
    """An age as the ISO 8601 duration Phenopackets use (whole numbers only).

    >>> iso_duration("2.0", "month"), iso_duration(1.5, "year"), iso_duration(0.5, "month")
    ('P2M', 'P18M', 'P15D')
    """
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"P{int(d)}{UNIT[unit]}"
    if unit == "year" and d * 12 == (d * 12).to_integral_value():
        return f"P{int(d * 12)}M"
    # a fraction no unit holds exactly: the nearest whole day (documented loss)
    return f"P{round(float(d) * _DAYS[unit])}D"


def _ref(curie: str) -> tuple[str, str]:
    """(id, reference) of an ExternalReference for a publication cell."""
    if curie.startswith(("http://", "https://")):
        return curie, curie
    return curie, expand(curie)


class _Exporter:
    def __init__(self, graph: KnowledgeGraph, created: str) -> None:
        self.graph = graph
        self.created = created
        self.labels = graph.labels()
        self.used: set[str] = set()
        self.by_case: dict[str, dict[str, list[dict[str, str]]]] = {}
        self.notes: dict[str, list[str]] = defaultdict(list)
        for term, note in graph.select(_NOTES).rows:
            self.notes[term].append(note)

    def rows(self, query: str, case: str) -> list[dict[str, str]]:
        # one run per query for all cases, grouped: per-case bound runs scale with the graph
        if query not in self.by_case:
            grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
            for row in self.graph.select(query).as_dicts():
                grouped[row["case"]].append(row)
            self.by_case[query] = grouped
        return self.by_case[query].get(case, [])

    def label(self, curie: str) -> str:
        found = self.labels.get(expand(curie)) if is_known_curie(curie) else None
        return found or _LABELS.get(curie, curie)

    def packet(self, case: str) -> Json:
        cid = case.split(":", 1)[1]
        self.used = set()
        patient = self.rows(_PATIENT, case)
        first = patient[0]
        refs = [dict(zip(("id", "reference"), _ref(first["pub"]), strict=True))]
        refs[0]["description"] = first["title"]
        for extra in sorted({r["same"] for r in patient if r["same"]} - {first["pub"]}):
            refs.append({"id": extra, "reference": expand(extra), "description": first["title"]})
        for url in sorted({r["url"] for r in patient if r["url"]}):
            refs.append({"reference": expand(url) if is_known_curie(url) else url})
        dx = [self.oc(r["d"]) for r in self.rows(_DIAGNOSES, case)]
        onset = {"age": {"iso8601duration": iso_duration(first["value"], first["unit"])}}
        biosamples, measurements = self.pathology(case, cid)
        doc: Json = {
            "id": cid,
            "subject": {"id": cid, "sex": _SEX.get(first["sex"], "UNKNOWN_SEX")},
            "phenotypicFeatures": self.features(case, refs[0]),
            "measurements": measurements,
            "biosamples": biosamples,
            "interpretations": self.interpretations(case, cid, dx),
            "diseases": [{"term": d, "onset": onset} for d in dx],
            "medicalActions": self.actions(case, cid, dx),
        }
        doc["metaData"] = {
            "created": self.created,
            "createdBy": f"histiokg {__version__}",
            "phenopacketSchemaVersion": SCHEMA_VERSION,
            "resources": [self.resource(p) for p in sorted(self.used, key=str.lower)],
            "externalReferences": refs,
        }
        return {k: v for k, v in doc.items() if v != []}

    def use(self, curie: str) -> str:
        """Record the CURIE's prefix for metaData.resources; return the CURIE."""
        self.used.add(curie.split(":", 1)[0])
        return curie

    def oc(self, curie: str) -> Json:
        return {"id": self.use(curie), "label": self.label(curie)}

    def features(self, case: str, pub: Mapping[str, str]) -> list[Json]:
        by_term: dict[str, Json] = {}
        for row in self.rows(_FINDINGS, case):
            feature = by_term.setdefault(row["term"], {"type": self.oc(row["term"])})
            if row["note"]:
                feature["description"] = row["note"]
            if row["code"]:
                ev = {"evidenceCode": self.oc(row["code"]), "reference": dict(pub)}
                feature.setdefault("evidence", []).append(ev)
        return list(by_term.values())

    def pathology(self, case: str, cid: str) -> tuple[list[Json], list[Json]]:
        results: dict[str, Json] = {}
        sites: dict[str, list[str]] = defaultdict(list)
        for row in self.rows(_MARKERS, case):
            m = results.get(row["mr"])
            if m is None:
                m = {"assay": self.oc(row["marker"])}
                m["value"] = {"ontologyClass": self.oc(row["polarity"])}
                nuance = [f"{k}: {row[k]}" for k in ("intensity", "extent") if row[k]]
                if nuance:
                    m["description"] = "; ".join(nuance)
                if row["assay"]:
                    m["procedure"] = {"code": self.oc(row["assay"])}
                results[row["mr"]] = m
            if row["site"]:
                sites[row["mr"]].append(row["site"])
        biosamples: list[Json] = []
        placed: set[str] = set()
        for row in self.rows(_BIOPSIES, case):
            inside = [m for mr, m in results.items() if row["site"] in sites[mr]]
            placed.update(mr for mr in results if row["site"] in sites[mr])
            sample: Json = {"id": row["b"].split(":", 1)[1], "individualId": cid}
            sample["sampledTissue"] = self.oc(row["site"])
            sample["procedure"] = {"code": self.oc(_BIOPSY)}
            if inside:
                sample["measurements"] = inside
            biosamples.append(sample)
        return biosamples, [m for mr, m in results.items() if mr not in placed]

    def interpretations(self, case: str, cid: str, dx: list[Json]) -> list[Json]:
        found: dict[str, tuple[str, str, list[str]]] = {}
        for row in self.rows(_MOLECULAR, case):
            kind, gene, assays = found.setdefault(row["alt"], (row["kind"], row["gene"], []))
            if row["assay"]:
                assays.append(self.label(row["assay"]))
        if not found or not dx:
            return []
        calls, summary = [], []
        for alt, (kind, gene, assays) in found.items():
            call: Json = {"subjectOrBiosampleId": cid, "interpretationStatus": "CAUSATIVE"}
            if kind == "hkg:Gene":
                call["gene"] = {"valueId": self.use(alt), "symbol": self.label(alt)}
            else:
                vd: Json = {"id": self.use(alt), "label": self.label(alt)}
                if gene:
                    vd["geneContext"] = {"valueId": self.use(gene), "symbol": self.label(gene)}
                if kind == "hkg:GeneFusion":
                    vd["structuralType"] = self.oc(_GENE_FUSION)
                call["variantInterpretation"] = {
                    "acmgPathogenicityClassification": "NOT_PROVIDED",
                    "therapeuticActionability": "UNKNOWN_ACTIONABILITY",
                    "variationDescriptor": vd,
                }
            calls.append(call)
            by = f" detected by {', '.join(assays)}" if assays else ""
            summary.append(f"{self.label(alt)}{by}")
        return [
            {
                "id": f"{cid}-interpretation",
                "progressStatus": "SOLVED",
                "diagnosis": {"disease": dx[0], "genomicInterpretations": calls},
                "summary": "; ".join(summary),
            }
        ]

    def actions(self, case: str, cid: str, dx: list[Json]) -> list[Json]:
        lines: dict[int, list[dict[str, str]]] = defaultdict(list)
        for row in self.rows(_LINES, case):
            lines[int(row["n"])].append(row)
        out: list[Json] = []
        target = {"treatmentTarget": dx[0]} if dx else {}
        for n in sorted(lines):
            rows = lines[n]
            agents = sorted({r["agent"] for r in rows})
            r0 = rows[0]
            text = [f"line {n}: " + " + ".join(self.label(a) for a in agents)]
            text += [f"{r0['cycles']} cycles"] if r0["cycles"] else []
            text += [r0[k] for k in ("schedule", "intent") if r0[k]]
            if r0["text"]:
                by = f" (assessed by {self.label(r0['by'])})" if r0["by"] else ""
                text.append(f"response: {r0['text']}{by}")
            ref = {"id": f"hkgd:{cid}-line-{n}", "reference": expand(f"hkgd:{cid}-line-{n}")}
            ref["description"] = "; ".join(text)
            out.append({"therapeuticRegimen": {"externalReference": ref}, **target})
            for agent in agents:
                action: Json = {"treatment": {"agent": self.oc(agent)}, **target}
                if r0["category"]:
                    action["responseToTreatment"] = self.oc(r0["category"])
                out.append(action)
        return out

    def resource(self, prefix: str) -> Json:
        rid, name, url, release = _SOURCES.get(
            prefix, (prefix.lower(), prefix, PREFIXES[prefix], "")
        )
        pattern = re.compile(_RELEASE_IN_NOTE.get(prefix, r"(?!)"))
        found = Counter(
            m.group(1)
            for curie, notes in self.notes.items()
            if curie.startswith(prefix + ":")
            for note in notes
            if (m := pattern.search(note))
        )
        version = found.most_common(1)[0][0] if found else release or "unknown"
        return {
            "id": rid,
            "name": name,
            "url": url,
            "version": version,
            "namespacePrefix": prefix,
            "iriPrefix": PREFIXES[prefix],
        }


def _checked(doc: Json) -> str:
    """Serialise ``doc`` after checking it against the Phenopacket v2 protobuf schema."""
    json_format.ParseDict(doc, Phenopacket())  # raises on a field or type the schema lacks
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def graph_to_phenopackets(graph: KnowledgeGraph, created: str | None = None) -> dict[str, str]:
    """One Phenopacket v2 JSON document per case of a built graph, keyed by case id.

    >>> from kg.graph.build import build_graph
    >>> from kg.core.paths import ROOT
    >>> mini = build_graph(ROOT / "tests/fixtures/mini/curated", ROOT / "tests/fixtures/mini/cases")
    >>> packets = graph_to_phenopackets(mini.graph, created="2026-01-01T00:00:00Z")
    >>> json.loads(packets["mini-case"])["subject"]
    {'id': 'mini-case', 'sex': 'FEMALE'}
    """
    exporter = _Exporter(graph, created or created_timestamp())
    out = {}
    for case in graph.select(_CASES).rows:
        doc = exporter.packet(case[0])
        out[doc["id"]] = _checked(doc)
    return out


def write_phenopackets(
    graph: KnowledgeGraph, out_dir: Path, created: str | None = None
) -> list[Path]:
    """Write ``<case-id>.json`` per case as the folder ``out_dir``, as a whole; return the paths."""
    packets = graph_to_phenopackets(graph, created)
    files = {f"{case_id}.json": text.encode("utf-8") for case_id, text in packets.items()}
    return write_tree(out_dir, files, "histiokg export --format phenopacket")
