"""Turn curated records (terms, statements, publications) into RDF triples.

Each statement becomes the direct triple, for queries and traversals, plus an assertion node that
carries its source, quote, evidence code, confidence and qualifiers. A contested statement (a
source's claim that another source corrects) becomes only an ``hkg:AuthorClaim`` node: it is kept,
not asserted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import XSD

from kg.core.namespaces import HKG, HKGD, OBO, OIO, iri, is_known_curie
from kg.sources.records import Curation, Publication, Statement, Term
from kg.sources.vocabulary import QUALIFIERS

CATEGORY_CLASS: dict[str, URIRef] = {
    "disease": HKG.Disease,
    "gene": HKG.Gene,
    "marker": HKG.Marker,
    "gene_fusion": HKG.GeneFusion,
    "sequence_variant": HKG.SequenceVariant,
    "drug": HKG.Drug,
    "drug_class": HKG.DrugClass,
    "anatomy": HKG.AnatomicalSite,
    "phenotype": HKG.Phenotype,
    "assay": HKG.Assay,
    "classification_scheme": HKG.ClassificationScheme,
    "classification_group": HKG.ClassificationGroup,
    "cell": HKG.Cell,
    "response_category": HKG.ResponseCategory,
    "procedure": HKG.Procedure,
    "pathway": HKG.Pathway,
}
DEFINITION = OBO.IAO_0000115


class TripleTarget(Protocol):
    """Where builders put triples: an rdflib Graph or the store's bulk-load sink."""

    def add(self, triple: tuple[Any, Any, Any], /) -> Any:
        """Add one (subject, predicate, object) triple of rdflib terms."""


BIOLINK_GENE_FUSION_WITH = URIRef("https://w3id.org/biolink/vocab/gene_fusion_with")


def source_iri(source: str) -> URIRef:
    """The IRI of a cited source: PubMed, doi.org, the URL itself, or a local publication key.

    >>> str(source_iri("PMID:26966089"))
    'https://pubmed.ncbi.nlm.nih.gov/26966089'
    >>> str(source_iri("hkg-seed-report"))
    'https://w3id.org/histiokg/data/pub-hkg-seed-report'
    """
    if source.startswith(("PMID:", "DOI:")):
        return iri(source)
    if source.startswith(("http://", "https://")):
        return URIRef(source)
    return HKGD[f"pub-{source}"]


def _stable_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def assertion_iri(prefix: str, s: URIRef, p: URIRef, o: URIRef | Literal) -> URIRef:
    """A deterministic IRI for the assertion node of one triple."""
    return HKGD[f"{prefix}-a-{_stable_id(str(s), str(p), str(o))}"]


def add_assertion(
    g: TripleTarget,
    node: URIRef,
    triple: tuple[URIRef, URIRef, URIRef | Literal],
    *,
    sources: Iterable[str],
    quotes: Iterable[str],
    evidence: str,
    confidence: str,
    contested: bool = False,
) -> None:
    """Add the provenance node for ``triple`` (the triple itself is added by the caller)."""
    s, p, o = triple
    g.add((node, RDF.type, HKG.AuthorClaim if contested else HKG.Assertion))
    g.add((node, RDF.subject, s))
    g.add((node, RDF.predicate, p))
    g.add((node, RDF.object, o))
    for src in sources:
        g.add((node, HKG.source, source_iri(src)))
    for quote in quotes:
        g.add((node, HKG.quote, Literal(quote)))
    g.add((node, HKG.evidence, iri(evidence)))
    g.add((node, HKG.confidence, Literal(confidence)))


def decimal_literal(value: str | float) -> Literal:
    """An xsd:decimal in the XSD 1.1 canonical form (no ".0" on whole numbers).

    It is the form the store keeps, so every export and round trip gives the same lexical form.

    >>> str(decimal_literal("12")), str(decimal_literal(0.5)), str(decimal_literal("2.50"))
    ('12', '0.5', '2.5')
    """
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=XSD.decimal)


def _qualifier_literal(key: str, value: str) -> Literal | URIRef:
    kind = QUALIFIERS[key]
    if kind == "int":
        return Literal(int(value), datatype=XSD.integer)
    if kind == "decimal":
        return decimal_literal(value)
    if kind == "source":
        return source_iri(value)
    if kind == "curie":
        return iri(value)
    return Literal(value)


def statement_to_triples(g: TripleTarget, st: Statement) -> None:
    """Add one curated statement: the direct triple (unless contested) and its assertion node."""
    triple = (iri(st.subject), iri(st.predicate), iri(st.object))
    if not st.contested:
        g.add(triple)
    node = HKGD[f"stmt-{st.id}"]
    add_assertion(
        g,
        node,
        triple,
        sources=st.sources,
        quotes=[st.quote],
        evidence=st.evidence,
        confidence=st.confidence,
        contested=st.contested,
    )
    g.add((node, HKG.row_id, Literal(st.id)))
    g.add((node, HKG.curated_in, Literal(f"{st.file}:{st.line}")))
    if st.claim:
        g.add((node, HKG.claim_id, Literal(st.claim)))
    if st.comment:
        g.add((node, HKG.comment, Literal(st.comment)))
    for key, value in st.qualifiers:
        g.add((node, HKG[key], _qualifier_literal(key, value)))


def term_to_triples(g: TripleTarget, term: Term) -> None:
    """Add a term's identity: type, label, mappings, synonyms, definition, structure."""
    node = iri(term.id)
    g.add((node, RDF.type, CATEGORY_CLASS[term.category]))
    g.add((node, RDFS.label, Literal(term.label)))
    for xref in term.xrefs:
        if is_known_curie(xref):
            g.add((node, SKOS.exactMatch, iri(xref)))
        else:
            g.add((node, OIO.hasDbXref, Literal(xref)))
    for synonym in term.synonyms:
        g.add((node, SKOS.altLabel, Literal(synonym)))
    if term.definition:
        g.add((node, DEFINITION, Literal(term.definition)))
        g.add((node, HKG.definition_source, source_iri(term.definition_source)))
    if term.note:
        g.add(
            (
                node,
                HKG.gap_note if term.id.startswith("hkgt:") else RDFS.comment,
                Literal(term.note),
            )
        )
    props = dict(term.properties)
    if term.category == "gene_fusion":
        five, three = iri(props["five_prime"]), iri(props["three_prime"])
        g.add((node, HKG.five_prime_partner, five))
        g.add((node, HKG.three_prime_partner, three))
        g.add((five, BIOLINK_GENE_FUSION_WITH, three))
    elif term.category == "sequence_variant":
        g.add((node, HKG.variant_of_gene, iri(props["gene"])))
        if props.get("hgvs_p"):
            g.add((node, HKG.hgvs_p, Literal(props["hgvs_p"])))
    elif term.category == "marker" and props.get("gene"):
        g.add((node, HKG.encoded_by, iri(props["gene"])))
    elif term.category == "classification_group":
        g.add((node, HKG.in_scheme, iri(props["scheme"])))
    elif term.category == "classification_scheme" and props.get("year"):
        g.add((node, HKG.scheme_year, Literal(props["year"])))
    elif term.category == "disease" and props.get("obsolete_ids"):
        for obsolete in props["obsolete_ids"].replace(",", "|").split("|"):
            if obsolete.strip():
                g.add((node, HKG.do_not_use, Literal(obsolete.strip())))


def publication_to_triples(g: TripleTarget, source: str, meta: Publication | None) -> None:
    """Add a publication node for a cited source, with the metadata seen in a copy of it."""
    node = source_iri(source)
    g.add((node, RDF.type, HKG.Publication))
    g.add((node, RDFS.label, Literal(meta.title if meta and meta.title else source)))
    if meta is None:
        return
    for key, value in (
        ("authors", meta.authors),
        ("journal", meta.journal),
        ("year", meta.year),
    ):
        if value:
            g.add((node, HKG[key], Literal(value)))
    if meta.note:
        g.add((node, RDFS.comment, Literal(meta.note)))


def curation_to_triples(curation: Curation, g: TripleTarget) -> set[str]:
    """Add all curated terms and statements to ``g``; return the set of sources cited."""
    cited: set[str] = set()
    for term in curation.terms.values():
        term_to_triples(g, term)
        if term.definition_source:
            cited.add(term.definition_source)
    for st in curation.statements:
        statement_to_triples(g, st)
        cited.update(st.sources)
        corrected = dict(st.qualifiers).get("corrected_by")
        if corrected:
            cited.add(corrected)
    return cited
