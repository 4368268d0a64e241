"""The persistent store: built once, opened by every command, rebuilt when a source changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.core import paths
from kg.core.errors import QueryError
from kg.graph.persistent import build_store, changed_sources, fingerprint, open_store, source_files
from kg.graph.store import KnowledgeGraph, StoreError, read_manifest, write_store
from kg.sources.query_files import bind, concat_columns, load_queries, sorted_concat, sparql_term

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    return data


def test_build_writes_a_store_that_opens_read_only(tmp_path: Path, mini_data: Path, mini) -> None:
    store = tmp_path / "store"
    built = build_store(store, mini_data / "curated", mini_data / "cases")
    assert len(built.graph) == len(mini.graph)
    reopened = KnowledgeGraph.open(store)
    assert len(reopened) == len(mini.graph)
    manifest = read_manifest(store)
    assert manifest is not None and manifest["triples"] == len(mini.graph)
    assert any(name.endswith("mini-case.yaml") for name in manifest["sources"])


def test_a_changed_source_is_named_and_rebuilt(tmp_path: Path, mini_data: Path) -> None:
    store = tmp_path / "store"
    curated, cases = mini_data / "curated", mini_data / "cases"
    build_store(store, curated, cases)
    assert changed_sources(store, fingerprint(source_files(curated, cases))) == []
    case = next(cases.glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    changed = changed_sources(store, fingerprint(source_files(curated, cases)))
    assert changed == [paths.rel(case)]
    told: list[list[str]] = []
    graph = open_store(store, curated, cases, on_rebuild=told.append)
    assert told == [changed] and len(graph) > 0
    assert changed_sources(store, fingerprint(source_files(curated, cases))) == []
    told.clear()
    open_store(store, curated, cases, on_rebuild=told.append)
    assert told == [], "an unchanged store is opened, not rebuilt"


def test_opening_reads_only_the_sources_whose_stat_changed(
    tmp_path: Path, mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    curated, cases = mini_data / "curated", mini_data / "cases"
    build_store(store, curated, cases)
    case = next(cases.glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    files = source_files(curated, cases)
    assert changed_sources(store, fingerprint(files, read_manifest(store))) == [paths.rel(case)]
    assert read == [case.name], "only the edited file is hashed again"
    # a file touched but not changed is hashed again and found unchanged
    built = build_store(store, curated, cases)
    table = next(curated.glob("*/*.tsv"))
    table.touch()
    read.clear()
    assert changed_sources(store, fingerprint(files, read_manifest(store))) == []
    assert read == [table.name] and len(built.graph) > 0


def test_no_store_is_reported(tmp_path: Path) -> None:
    assert changed_sources(tmp_path / "none", {}) == ["(no store)"]
    with pytest.raises(StoreError, match="histiokg build"):
        KnowledgeGraph.open(tmp_path / "none")


def test_a_failed_build_leaves_the_previous_store_intact(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_store(store, b"", [b"<http://x/a> <http://x/p> <http://x/b> .\n"], {"version": "t"})
    with pytest.raises(SyntaxError):
        write_store(store, b"", [b"<http://x/a> <http://x/p> this is not RDF .\n"], {})
    assert len(KnowledgeGraph.open(store)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"], "no temporary folder left"


def test_parameter_values_are_terms_not_text() -> None:
    text = "SELECT ?s WHERE { VALUES ?s { <http://x/default> } ?s ?p ?o }"
    bound = bind(text, {"s": 'x" } ?a ?b ?c . { "'})
    assert bound.count("VALUES ?s {") == 1 and '\\"' in bound
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind(text, {"s": "http://x/a> } ; DROP ALL ; <http://x/b"})
    with pytest.raises(QueryError, match=re.escape("no 'VALUES ?o {")):
        bind(text, {"o": "hkgd:x"})
    assert sparql_term("hkgd:seed") == "<https://w3id.org/histiokg/data/seed>"
    assert sparql_term("FDA") == '"FDA"'


def test_group_concat_columns_come_back_sorted(mini) -> None:
    text = (
        'SELECT (GROUP_CONCAT(?l; separator=" | ") AS ?labels) WHERE { '
        "?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert concat_columns(text) == {"labels": " | "}
    (cell,) = mini.graph.select(text).rows[0]
    parts = cell.split(" | ")
    assert parts == sorted(parts) and len(parts) > 3
    assert sorted_concat("b | a", " | ") == "a | b"


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_parameter_has_a_values_clause_with_the_header_default(name: str) -> None:
    """The file as written answers for its defaults on any engine; binding them changes nothing."""
    q = load_queries()[name]
    defaults = {p.name: p.default for p in q.params}
    bound = bind(q.text, defaults, name)  # raises if a parameter has no VALUES clause
    for param in q.params:
        assert sparql_term(param.default) in bound


def test_queries_run_as_written_give_the_bound_answer(built) -> None:
    """Run unbound (the text any engine would run) and bound with the defaults: same rows."""
    from kg.graph.queries import run_query

    for name, q in load_queries().items():
        if not q.params:
            continue
        assert built.graph.select(q.text).rows == run_query(name, built.graph).rows, name


def test_the_domain_labels_written_by_the_build_are_the_stores_own(
    tmp_path: Path, mini_data: Path, mini
) -> None:
    store = tmp_path / "store"
    build_store(store, mini_data / "curated", mini_data / "cases")
    assert (store / "domain-labels.json").is_file()
    opened = KnowledgeGraph.open(store).curie_labels(domain_only=True)
    # the same as asking the store (an in-memory graph has no file and asks)
    assert opened == mini.graph.curie_labels(domain_only=True)
    assert opened and not [k for k in opened if k.startswith("hkgd:")]
    assert set(opened) < set(mini.graph.curie_labels())
