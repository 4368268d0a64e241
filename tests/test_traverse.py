from kg.traverse import resolve_node, shortest_paths, to_networkx


def test_projection_has_only_iri_nodes_and_predicate_keys(mini) -> None:
    g = to_networkx(mini.graph)
    assert all(":" in n and " " not in n for n in g.nodes)
    keys = {k for _, _, k in g.edges(keys=True)}
    assert "rdf:type" not in keys
    assert "hkg:has_driver_alteration" in keys
    assert not any(n.startswith("hkgd:mini-case-a-") for n in g.nodes), "assertion nodes leaked"


def test_resolve_by_label_and_curie(mini) -> None:
    g = to_networkx(mini.graph)
    assert resolve_node(g, "crizotinib") == "CHEBI:64310"
    assert resolve_node(g, "CHEBI:64310") == "CHEBI:64310"


def test_path_case_to_crizotinib_is_explained_with_sources(mini) -> None:
    paths = shortest_paths(mini.graph, "hkgd:mini-case", "crizotinib", ("hkg:discussed_for",))
    assert paths
    shortest = paths[0]
    assert len(shortest) == 2
    assert shortest[0].predicate == "hkg:has_diagnosis"
    assert shortest[1].subject == "CHEBI:64310"
    assert shortest[1].predicate == "biolink:studied_to_treat"
    assert shortest[1].sources == ("DOI:10.1/x",)


def test_path_through_the_driver_when_evidence_edges_are_excluded(mini) -> None:
    paths = shortest_paths(
        mini.graph,
        "hkgd:mini-case",
        "CHEBI:64310",
        ("hkg:discussed_for", "biolink:studied_to_treat"),
    )
    preds = [e.predicate for e in paths[0]]
    assert "hkg:has_target" in preds
    assert any(p in preds for p in ("hkg:three_prime_partner", "biolink:gene_fusion_with"))
