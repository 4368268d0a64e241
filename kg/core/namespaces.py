"""The one prefix map: CURIE <-> IRI for every vocabulary the graph uses.

>>> expand("MONDO:0022338")
'http://purl.obolibrary.org/obo/MONDO_0022338'
>>> contract("http://identifiers.org/hgnc/427")
'HGNC:427'
"""

from __future__ import annotations

import functools
import re

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/histiokg/"
ONTOLOGY_IRI = BASE + "ontology"

HKG = Namespace(BASE + "ontology/")
HKGT = Namespace(BASE + "term/")
HKGD = Namespace(BASE + "data/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OIO = Namespace("http://www.geneontology.org/formats/oboInOwl#")

#: prefix -> IRI base. OBO prefixes expand to the OBO PURL with an underscore.
PREFIXES: dict[str, str] = {
    "hkg": str(HKG),
    "hkgt": str(HKGT),
    "hkgd": str(HKGD),
    "biolink": str(BIOLINK),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "sh": "http://www.w3.org/ns/shacl#",
    "oboInOwl": str(OIO),
    "obo": str(OBO),
    "HGNC": "http://identifiers.org/hgnc/",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
    "Orphanet": "http://www.orpha.net/ORDO/Orphanet_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "SIO": "http://semanticscience.org/resource/SIO_",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/",
    "DOI": "https://doi.org/",
}

OBO_PREFIXES = (
    "MONDO",
    "HP",
    "UBERON",
    "CL",
    "CHEBI",
    "NCIT",
    "DOID",
    "SO",
    "OBI",
    "ECO",
    "RO",
    "BFO",
    "IAO",
    "MAXO",
    "GENO",
)
for _p in OBO_PREFIXES:
    PREFIXES[_p] = f"{OBO}{_p}_"

#: Prefixes that have no verified IRI base; their CURIEs are kept as xref literals only
#: (OncoTree codes such as ONCOTREE:LCH are read as MONDO xrefs).
LITERAL_ONLY_PREFIXES = frozenset(
    {"ICD10CM", "ICDO", "COSMIC", "ICD10", "ICD11", "OMIM", "MESH", "ONCOTREE"}
)

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):(\S+)$")
_LOCAL = re.compile(r"^[A-Za-z0-9_.\-]+$")


class UnknownPrefixError(ValueError):
    """A CURIE whose prefix is not in the prefix map."""


def split_curie(curie: str) -> tuple[str, str]:
    """Split a CURIE into prefix and local part, or raise ValueError.

    >>> split_curie("HP:0002789")
    ('HP', '0002789')
    """
    m = _CURIE.match(curie.strip())
    if not m:
        raise ValueError(f"not a CURIE: {curie!r}")
    return m.group(1), m.group(2)


def is_known_curie(curie: str) -> bool:
    """True if the CURIE's prefix expands to an IRI.

    >>> is_known_curie("MONDO:0018310"), is_known_curie("FOO:1"), is_known_curie("ICDO:9751/3")
    (True, False, False)
    """
    try:
        prefix, _ = split_curie(curie)
    except ValueError:
        return False
    return prefix in PREFIXES


def expand(curie: str) -> str:
    """Expand a CURIE to its IRI string; raise UnknownPrefixError for an unknown prefix."""
    prefix, local = split_curie(curie)
    if prefix not in PREFIXES:
        raise UnknownPrefixError(f"unknown prefix {prefix!r} in {curie!r}")
    if prefix in ("hkg", "hkgt", "hkgd") and not _LOCAL.match(local):
        raise ValueError(f"project local names use letters, digits, - _ . only: {curie!r}")
    return PREFIXES[prefix] + local


def iri(curie: str) -> URIRef:
    """Expand a CURIE to an rdflib URIRef."""
    return URIRef(expand(curie))


def _maximal_bases() -> tuple[tuple[str, str, bool], ...]:
    """(base, prefix, no other base extends it) in PREFIXES order, "obo" left out."""
    bases = [(base, prefix) for prefix, base in PREFIXES.items() if prefix != "obo"]
    return tuple(
        (base, prefix, not any(o != base and o.startswith(base) for o, _ in bases))
        for base, prefix in bases
    )


_BASES = _maximal_bases()


@functools.lru_cache(maxsize=262_144)
def _contract(iri_: str) -> str:
    best = ""
    best_prefix = ""
    for base, prefix, maximal in _BASES:
        if iri_.startswith(base):
            if maximal and not best:
                # no longer base can match: the project's own IRIs (checked first) stop here
                return f"{prefix}:{iri_[len(base) :]}"
            if len(base) > len(best):
                best, best_prefix = base, prefix
    if not best:
        return iri_
    return f"{best_prefix}:{iri_[len(best) :]}"


def contract(iri_: str) -> str:
    """Contract an IRI to a CURIE with the longest matching base; return it unchanged if none."""
    return _contract(iri_)
