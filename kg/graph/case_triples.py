"""Turn a checked case into its RDF subgraph, every statement linked to its report sentence."""

from __future__ import annotations

import re
from collections import Counter

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import XSD

from kg.core.namespaces import HKG, HKGD, HKGT, iri
from kg.graph.triples import TripleTarget, add_assertion, assertion_iri, decimal_literal, source_iri
from kg.sources.case_model import Case, Evidence, Molecular
from kg.sources.terms import TermIndex

_SLUG = re.compile(r"[^A-Za-z0-9]+")


def slug(curie: str) -> str:
    """A local-name-safe form of a CURIE.

    >>> slug("UniProtKB:Q9UM73")
    'UniProtKB_Q9UM73'
    """
    return _SLUG.sub("_", curie).strip("_")


class _CaseWriter:
    def __init__(self, case: Case, g: TripleTarget, index: TermIndex) -> None:
        self.case = case
        self.g = g
        self.index = index
        self.node = HKGD[case.id]
        self.pub_key = case.publication["key"]
        self.asserted: set[URIRef] = set()

    def fact(self, s: URIRef, p: URIRef, o: URIRef | Literal, ev: Evidence, note: str = "") -> None:
        self.g.add((s, p, o))
        node = assertion_iri(self.case.id, s, p, o)
        if node in self.asserted:
            # the same triple cited again (two sentences support one site): add the new evidence
            for sid, quote in zip(ev.sentences, ev.quotes, strict=True):
                self.g.add((node, HKG.sentence, HKGD[f"{self.case.id}-{sid}"]))
                self.g.add((node, HKG.quote, Literal(quote)))
            return
        self.asserted.add(node)
        add_assertion(
            self.g,
            node,
            (s, p, o),
            sources=[self.pub_key],
            quotes=ev.quotes,
            evidence=ev.code,
            confidence="case-report",
        )
        self.g.add((node, HKG.about_case, self.node))
        for sid in ev.sentences:
            self.g.add((node, HKG.sentence, HKGD[f"{self.case.id}-{sid}"]))
        first = self.case.sentences.get(ev.sentences[0]) if ev.sentences else None
        if first is not None:
            self.g.add((node, HKG.section, Literal(first.section)))
        if note:
            self.g.add((node, HKG.comment, Literal(note)))

    def text(self, s: URIRef, p: URIRef, value: str, ev: Evidence) -> None:
        """Assert a text fact, only if the report gives the text."""
        if value:
            self.fact(s, p, Literal(value), ev)

    def part(self, suffix: str, cls: URIRef, label: str) -> URIRef:
        node = HKGD[f"{self.case.id}-{suffix}"]
        self.g.add((node, RDF.type, cls))
        self.g.add((node, RDFS.label, Literal(label)))
        return node

    def label(self, curie: str) -> str:
        return self.index.label(curie)


def _publication(w: _CaseWriter) -> None:
    g, case = w.g, w.case
    pub = source_iri(w.pub_key)
    meta = case.publication
    g.add((pub, RDF.type, HKG.Publication))
    g.add((pub, RDFS.label, Literal(meta["title"])))
    for key in ("authors", "journal", "year"):
        if meta.get(key):
            g.add((pub, HKG[key], Literal(meta[key])))
    if meta.get("pmid"):
        g.add((pub, OWL.sameAs, iri(f"PMID:{meta['pmid']}")))
    if meta.get("doi"):
        g.add((pub, OWL.sameAs, iri(f"DOI:{meta['doi']}")))
    if meta.get("url"):
        g.add((pub, RDFS.seeAlso, URIRef(meta["url"])))
    if meta.get("note"):
        g.add((pub, RDFS.comment, Literal(meta["note"])))
    for sentence in case.sentences.values():
        node = HKGD[f"{case.id}-{sentence.id}"]
        g.add((node, RDF.type, HKG.Sentence))
        g.add((node, RDFS.label, Literal(f"{case.id} sentence {sentence.id}")))
        g.add((node, HKG.text, Literal(sentence.text)))
        g.add((node, HKG.section, Literal(sentence.section)))
        g.add((node, HKG.position, Literal(sentence.position, datatype=XSD.integer)))
        g.add((node, HKG.in_publication, pub))
        g.add((pub, HKG.has_sentence, node))


def _patient(w: _CaseWriter) -> None:
    case, c = w.case, w.node
    w.g.add((c, RDF.type, HKG.Case))
    w.g.add((c, RDFS.label, Literal(case.title)))
    w.g.add((c, HKG.described_in, source_iri(w.pub_key)))
    _age(w)
    if case.sex and case.sex_evidence is not None:
        w.fact(c, HKG.sex, HKGT[case.sex], case.sex_evidence)
    if case.born_at_term is not None and case.term_evidence is not None:
        w.fact(c, HKG.birth_at_term, Literal(case.born_at_term), case.term_evidence)
    if case.gestational_weeks is not None and case.gestational_evidence is not None:
        weeks = decimal_literal(round(case.gestational_weeks, 2))
        w.fact(c, HKG.gestational_age_weeks, weeks, case.gestational_evidence)
    for ref in case.findings:
        w.fact(c, HKG.has_finding, iri(ref.term), ref.evidence, ref.note)
    for ref in case.absent_findings:
        w.fact(c, HKG.has_absent_finding, iri(ref.term), ref.evidence, ref.note)
    for ref in case.sites:
        w.fact(c, HKG.has_site_involved, iri(ref.term), ref.evidence, ref.note)


def _age(w: _CaseWriter) -> None:
    """The age in the form reported; nothing when the report gives none (absence, not zero)."""
    age, c = w.case.age, w.node
    if age.evidence is None:
        return
    if age.at_birth:
        w.fact(c, HKG.age_value, decimal_literal(0), age.evidence)
        w.fact(c, HKG.age_unit, Literal("day"), age.evidence)
    elif age.value is not None:
        w.fact(c, HKG.age_value, decimal_literal(age.value), age.evidence)
        w.fact(c, HKG.age_unit, Literal(age.unit), age.evidence)
    if age.years is not None:
        w.g.add((c, HKG.age_in_years, decimal_literal(age.years)))
        return
    if age.onset:
        w.fact(c, HKG.age_onset, iri(age.onset), age.evidence)
    low, high = age.bounds_years
    if low is not None:
        w.fact(c, HKG.age_min_years, decimal_literal(low), age.evidence)
    if high is not None:
        w.fact(c, HKG.age_max_years, decimal_literal(high), age.evidence)


def _pathology(w: _CaseWriter) -> None:
    case, c = w.case, w.node
    biopsy_site: dict[str, URIRef] = {}
    for b in case.biopsies:
        node = w.part(f"biopsy-{b.id}", HKG.Biopsy, f"biopsy of {w.label(b.site)}")
        w.fact(c, HKG.has_biopsy, node, b.evidence)
        w.fact(node, HKG.specimen_site, iri(b.site), b.evidence)
        biopsy_site[b.id] = iri(b.site)
    for im in case.imaging:
        node = w.part(f"imaging-{im.id}", HKG.ImagingStudy, f"{w.label(im.assay)} ({im.id})")
        w.fact(c, HKG.has_imaging, node, im.evidence)
        w.fact(node, HKG.assay, iri(im.assay), im.evidence)
        for shown in im.showed:
            w.fact(node, HKG.showed, iri(shown), im.evidence)
    tests_per_marker = Counter(m.marker for m in case.markers)
    for m in case.markers:
        text = f"{w.label(m.marker)} {m.intensity + ' ' if m.intensity else ''}{m.result}"
        # one node per test: a marker tested on different specimens gets one node per specimen set
        suffix = f"mr-{slug(m.marker)}"
        if tests_per_marker[m.marker] > 1:
            suffix += "-" + "-".join(m.specimens or ("unspecified",))
        node = w.part(suffix, HKG.MarkerResult, text)
        w.fact(c, HKG.has_marker_result, node, m.evidence)
        w.fact(node, HKG.marker, iri(m.marker), m.evidence)
        w.fact(node, HKG.polarity, HKGT[m.result], m.evidence)
        w.text(node, HKG.result_intensity, m.intensity, m.evidence)
        w.text(node, HKG.result_extent, m.extent, m.evidence)
        if m.assay:
            w.fact(node, HKG.assay, iri(m.assay), m.evidence)
        for spec in m.specimens:
            w.fact(node, HKG.specimen_site, biopsy_site[spec], m.evidence)
    for mol in case.molecular:
        alteration, label = _alteration(w, mol)
        key = mol.alteration or f"{mol.gene}-{mol.protein_change}"
        node = w.part(f"mol-{slug(key)}", HKG.MolecularFinding, label)
        ev = mol.evidence
        w.fact(c, HKG.has_molecular_finding, node, ev)
        w.fact(node, HKG.alteration, alteration, ev)
        w.fact(c, HKG.has_driver_alteration, alteration, ev)
        for assay in mol.assays:
            w.fact(node, HKG.detected_by, iri(assay), ev)
        for prop, value in (
            (HKG.protein_change, mol.protein_change),
            (HKG.hgvs, mol.hgvs),
            (HKG.five_prime_exon, mol.five_prime_exon),
            (HKG.three_prime_exon, mol.three_prime_exon),
            (HKG.breakpoint, mol.breakpoint),
        ):
            w.text(node, prop, value, ev)
        if mol.vaf_percent is not None:
            w.fact(node, HKG.variant_allele_percent, decimal_literal(mol.vaf_percent), ev)


def _alteration(w: _CaseWriter, mol: Molecular) -> tuple[URIRef, str]:
    """The alteration's IRI and label; a variant no term holds becomes a case variant node."""
    if mol.alteration:
        return iri(mol.alteration), w.label(mol.alteration)
    gene_label = w.label(mol.gene)
    label = f"{gene_label} {mol.protein_change}"
    node = w.part(f"variant-{slug(mol.gene)}-{slug(mol.protein_change)}", HKG.CaseVariant, label)
    w.g.add((node, RDF.type, HKG.SequenceVariant))
    w.fact(node, HKG.variant_of_gene, iri(mol.gene), mol.evidence)
    w.fact(node, HKG.protein_change, Literal(mol.protein_change), mol.evidence)
    return node, label


def _diagnosis(w: _CaseWriter) -> None:
    case, c = w.case, w.node
    if case.diagnosis_evidence is not None:
        w.fact(
            c,
            HKG.has_diagnosis,
            iri(case.diagnosis),
            case.diagnosis_evidence,
            note=case.diagnosis_note,
        )
        if case.diagnosis_qualifier:
            w.fact(
                c,
                HKG.diagnosis_qualifier,
                Literal(case.diagnosis_qualifier),
                case.diagnosis_evidence,
            )
    if case.reported_label and case.reported_evidence is not None:
        node = w.part("reported-diagnosis", HKG.ReportedDiagnosis, case.reported_label)
        w.fact(c, HKG.has_reported_diagnosis, node, case.reported_evidence)
        w.fact(node, HKG.reported_label, Literal(case.reported_label), case.reported_evidence)
        if case.reported_closest:
            w.fact(node, HKG.closest_code, iri(case.reported_closest), case.reported_evidence)


def _treatment(w: _CaseWriter) -> None:
    case, c = w.case, w.node
    for line in case.lines:
        agents = " + ".join(w.label(a) for a in (*line.agents, *line.procedures))
        node = w.part(f"line-{line.number}", HKG.TreatmentLine, f"line {line.number}: {agents}")
        ev = line.evidence
        w.fact(c, HKG.has_treatment_line, node, ev)
        w.fact(node, HKG.line_number, Literal(line.number, datatype=XSD.integer), ev)
        for agent in line.agents:
            w.fact(node, HKG.agent, iri(agent), ev)
            w.fact(iri(agent), HKG.applied_to_treat, c, ev)
        for procedure in line.procedures:
            w.fact(node, HKG.procedure, iri(procedure), ev)
        if line.cycles is not None:
            w.fact(node, HKG.cycles, Literal(line.cycles, datatype=XSD.integer), ev)
        w.text(node, HKG.schedule, line.schedule, ev)
        w.text(node, HKG.intent, line.intent, ev)
        r = line.response
        if r is None:
            continue
        rnode = w.part(f"line-{line.number}-response", HKG.Response, r.text or w.label(r.category))
        w.fact(node, HKG.has_response, rnode, r.evidence)
        w.fact(rnode, HKG.response_category, iri(r.category), r.evidence)
        if r.assessed_by:
            w.fact(rnode, HKG.assessed_by, iri(r.assessed_by), r.evidence)
        w.text(rnode, HKG.response_text, r.text, r.evidence)
        if r.follow_up is not None:
            years = decimal_literal(r.follow_up.years)
            w.fact(rnode, HKG.follow_up_years, years, r.evidence)
    for ref in case.discussed:
        w.fact(iri(ref.term), HKG.discussed_for, c, ref.evidence)


def _course(w: _CaseWriter) -> None:
    """Other diagnoses of the patient, the outcome, and links to other reports of the patient."""
    case, c = w.case, w.node
    for n, dx in enumerate(case.other_diagnoses, start=1):
        label = f"{dx.relation} {w.label(dx.term)}"
        node = w.part(f"other-diagnosis-{n}", HKG.OtherDiagnosis, label)
        w.fact(c, HKG.has_other_diagnosis, node, dx.evidence)
        w.fact(node, HKG.other_disease, iri(dx.term), dx.evidence)
        w.fact(node, HKG.temporal_relation, Literal(dx.relation), dx.evidence)
        w.text(node, HKG.clonally_related, dx.clonally_related, dx.evidence)
        if dx.interval is not None:
            w.fact(node, HKG.interval_years, decimal_literal(dx.interval.years), dx.evidence)
        w.text(node, HKG.comment, dx.note, dx.evidence)
    out = case.outcome
    if out is not None:
        node = w.part("outcome", HKG.Outcome, out.status)
        w.fact(c, HKG.has_outcome, node, out.evidence)
        w.fact(node, HKG.vital_status, Literal(out.status), out.evidence)
        if out.follow_up is not None:
            w.fact(node, HKG.follow_up_years, decimal_literal(out.follow_up.years), out.evidence)
        w.text(node, HKG.cause_of_death, out.cause_of_death, out.evidence)
        w.text(node, HKG.outcome_text, out.text, out.evidence)
    for other in case.same_patient_as:
        w.g.add((c, HKG.same_patient_as, HKGD[other]))
    for other in case.distinct_from:
        w.g.add((c, HKG.distinct_from, HKGD[other]))


def _claims(w: _CaseWriter) -> None:
    g, case = w.g, w.case
    for claim in case.claims:
        node = HKGD[f"{case.id}-claim-{claim.id}"]
        g.add((node, RDF.type, HKG.AuthorClaim))
        g.add((node, RDFS.label, Literal(claim.claim)))
        g.add((node, HKG.claim_text, Literal(claim.claim)))
        g.add((node, HKG.verdict, Literal(claim.verdict)))
        g.add((node, HKG.status, Literal("contested")))
        g.add((node, HKG.about_case, w.node))
        g.add((node, HKG.source, source_iri(w.pub_key)))
        g.add((node, HKG.evidence, iri(claim.evidence.code)))
        g.add((node, HKG.confidence, Literal("case-report")))
        for sid, quote in zip(claim.evidence.sentences, claim.evidence.quotes, strict=True):
            g.add((node, HKG.sentence, HKGD[f"{case.id}-{sid}"]))
            g.add((node, HKG.quote, Literal(quote)))
        for src in claim.corrected_by:
            g.add((node, HKG.corrected_by, source_iri(src)))
        if claim.subject:
            g.add((node, RDF.subject, iri(claim.subject)))
            g.add((node, RDF.predicate, iri(claim.predicate)))
            g.add((node, RDF.object, iri(claim.object)))


def case_to_triples(case: Case, g: TripleTarget, index: TermIndex) -> set[str]:
    """Add the case's subgraph to ``g``; return the sources it cites."""
    w = _CaseWriter(case, g, index)
    _publication(w)
    _patient(w)
    _pathology(w)
    _diagnosis(w)
    _treatment(w)
    _course(w)
    _claims(w)
    g.add((w.node, SKOS.note, Literal(f"curated from {case.file}")))
    cited = {w.pub_key}
    for claim in case.claims:
        cited.update(claim.corrected_by)
    return cited


def patient_groups(cases: list[Case]) -> dict[str, str]:
    """Map each case id to its patient's id: reports linked by ``same_patient_as`` share one.

    >>> from types import SimpleNamespace as C
    >>> patient_groups([C(id="b", same_patient_as=("a",)), C(id="a", same_patient_as=()),
    ...                 C(id="c", same_patient_as=())])
    {'a': 'a', 'b': 'a', 'c': 'c'}
    """
    root = {case.id: case.id for case in cases}

    def find(x: str) -> str:
        while root.get(x, x) != x:
            x = root[x]
        return x

    for case in cases:
        for other in case.same_patient_as:
            if other in root:
                a, b = sorted((find(case.id), find(other)))
                root[b] = a
    return {cid: find(cid) for cid in sorted(root)}


def patients_to_triples(cases: list[Case], g: TripleTarget) -> None:
    """One hkg:Patient node per patient; cohort queries count these, not the report files."""
    groups = patient_groups(cases)
    members: dict[str, list[str]] = {}
    for cid, pid in groups.items():
        members.setdefault(pid, []).append(cid)
    for pid, ids in members.items():
        node = HKGD[f"patient-{pid}"]
        g.add((node, RDF.type, HKG.Patient))
        g.add((node, RDFS.label, Literal("patient of " + ", ".join(sorted(ids)))))
        for cid in ids:
            g.add((HKGD[cid], HKG.patient, node))
