import re

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from kg.core import paths
from kg.core.namespaces import (
    ONTOLOGY_IRI,
    PREFIXES,
    UnknownPrefixError,
    contract,
    expand,
    is_known_curie,
)


def test_ontology_header_uses_the_declared_base_iri() -> None:
    g = Graph().parse(paths.ONTOLOGY, format="turtle")
    ontologies = {str(s) for s in g.subjects(RDF.type, OWL.Ontology)}
    assert ontologies == {ONTOLOGY_IRI}
    assert g.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) is not None


def test_unknown_prefix_is_rejected() -> None:
    with pytest.raises(UnknownPrefixError):
        expand("FOO:123")
    assert not is_known_curie("ICDO:9751/3")


def test_contract_round_trips_every_prefix() -> None:
    for prefix, base in PREFIXES.items():
        if prefix == "obo":
            continue
        assert contract(base + "X1") == f"{prefix}:X1"


def test_qc_prefix_list_matches_the_prefix_map() -> None:
    text = (paths.QC_DIR / "qc05-unknown-prefix-violation.rq").read_text(encoding="utf-8")
    listed = set(re.findall(r'STRSTARTS\(\?s, "(\S+)"\)', text))
    expected = {base for prefix, base in PREFIXES.items() if prefix != "obo"}
    assert listed == expected
