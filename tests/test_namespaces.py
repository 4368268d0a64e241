import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
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


def _longest_base(iri_: str) -> str:
    """contract() by its definition: the longest matching base wins, 'obo' never."""
    best = max(
        ((base, prefix) for prefix, base in PREFIXES.items() if prefix != "obo"),
        key=lambda item: len(item[0]) if iri_.startswith(item[0]) else -1,
    )
    base, prefix = best
    return f"{prefix}:{iri_[len(base) :]}" if iri_.startswith(base) else iri_


_BASES_AND_PARTS = [*sorted(set(PREFIXES.values())), "http://example.org/", "https://", ""]


@given(
    st.sampled_from(_BASES_AND_PARTS),
    st.text(alphabet="abcMONDO_0123/#:-.", max_size=12),
)
def test_contract_picks_the_longest_base_like_its_definition(base: str, rest: str) -> None:
    assert contract(base + rest) == _longest_base(base + rest)


def test_code_systems_without_an_iri_base_are_literal_only() -> None:
    from kg.core.namespaces import LITERAL_ONLY_PREFIXES

    # OncoTree, ICD and ICD-O codes are xref literals: no prefix of the map may claim them
    assert {"ONCOTREE", "ICDO", "ICD10CM"} <= LITERAL_ONLY_PREFIXES
    assert not LITERAL_ONLY_PREFIXES & set(PREFIXES)
    assert not is_known_curie("ONCOTREE:ALKH")
