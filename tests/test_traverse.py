from kg.answers.traverse import resolve_node, shortest_paths, to_networkx


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


def test_ancestors_and_descendants_agree_with_sparql_property_paths(built) -> None:
    from kg.answers.traverse import ancestors, descendants
    from kg.graph.queries import run_query

    sparql = {row[0] for row in run_query("cq40", built.graph, parent="MONDO:0002637").rows}
    assert set(descendants(built.graph, "MONDO:0002637")) == sparql
    up = set(ancestors(built.graph, "MONDO:0022338"))
    assert "MONDO:0002637" in up
    for parent in up:
        rows = {r[0] for r in run_query("cq40", built.graph, parent=parent).rows}
        assert "MONDO:0022338" in rows


def test_neighbours_filtered_by_type_and_predicate(built) -> None:
    from kg.answers.traverse import neighbours

    drugs = neighbours(built.graph, "HGNC:427", 1, ("hkg:has_target",), ("hkg:Drug",))
    assert drugs and all(e.predicate == "hkg:has_target" and e.object == "HGNC:427" for e in drugs)
    assert any(e.subject_label == "crizotinib" for e in drugs)


def test_hubs_are_sorted_by_degree(built) -> None:
    from kg.answers.traverse import hubs

    found = hubs(built.graph, top=5)
    assert len(found) == 5
    assert [h.degree for h in found] == sorted((h.degree for h in found), reverse=True)
    assert hubs(built.graph, top=3, category="hkg:Drug")[0].category == "hkg:Drug"
