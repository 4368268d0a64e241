"""``histiokg view`` without a browser: the HTML page, the vendored script, the picture."""

from __future__ import annotations

import fnmatch
import hashlib
import html.parser
import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from kg.answers.neighbourhood import (
    Neighbourhood,
    Provenance,
    Source,
    ViewEdge,
    ViewNode,
    neighbourhood,
)
from kg.core import paths
from kg.formats import view as view_module
from kg.formats.picture import quote, render, to_dot
from kg.formats.view import VendorError, load_library, script_json, view_html

EVIL = "</script><script>alert(1)</script><!-- & \u2028"


class _Page(html.parser.HTMLParser):
    """Collects the script elements and every src/href attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[tuple[str, str, str | None]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action"):
                self.links.append((tag, name, value))
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def parse(page: bytes) -> _Page:
    parser = _Page()
    parser.feed(page.decode("utf-8"))
    return parser


def data_block(parsed: _Page) -> dict:
    (text,) = [t for attrs, t in parsed.scripts if attrs.get("id") == "hkg-data"]
    return json.loads(text)


@pytest.fixture(scope="module")
def mini_page(mini) -> tuple[Neighbourhood, bytes]:
    found = neighbourhood(mini.graph, "hkgd:mini-case")
    return found, view_html(found)


def test_the_page_loads_nothing_from_elsewhere(mini_page) -> None:
    _, page = mini_page
    parsed = parse(page)
    assert [attrs for attrs, _ in parsed.scripts if "src" in attrs] == []
    assert parsed.links == []
    assert not re.search(rb"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(rb"<link\b", page, re.I)
    assert b"Content-Security-Policy" in page and b"default-src 'none'" in page
    # three scripts: the vendored library, the data block, the page's own code
    assert len(parsed.scripts) == 3
    assert page.count(b"</script>") == 3


def test_the_page_inlines_the_pinned_library(mini_page) -> None:
    _, page = mini_page
    library = load_library()
    assert library.version == "3.35.0" and library.license == "MIT"
    assert library.text.encode("utf-8") in page
    assert b"cytoscape 3.35.0 (MIT licence)" in page


def test_the_page_holds_every_node_and_edge_with_provenance(mini_page) -> None:
    found, page = mini_page
    data = data_block(parse(page))
    assert data["focus"] == "hkgd:mini-case"
    assert {n["id"] for n in data["nodes"]} == {n.id for n in found.nodes}
    assert {e["id"] for e in data["edges"]} == {e.id for e in found.edges}
    by_id = {e["id"]: e for e in data["edges"]}
    driver = by_id["hkgd:mini-case hkg:has_driver_alteration hkgt:KIF5B-ALK"]
    assert driver["label"] == "has driver alteration"
    (prov,) = driver["provenance"]
    assert prov["quotes"] == ["found KIF5B-ALK"]
    assert prov["sources"] == [
        {"id": "hkgd:pub-mini-report", "label": "A made-up report for tests", "url": ""}
    ]
    assert prov["sentences"] == [
        {"id": "s3", "section": "Case", "text": "Sequencing found KIF5B-ALK."}
    ]
    legend = {item["category"]: item["count"] for item in data["legend"]}
    assert legend["hkg:MarkerResult"] == 2 and legend["hkg:Drug"] == 2
    colours = [item["colour"] for item in data["legend"]]
    assert len(set(colours)) == len(colours), "each node type has its own colour"


def test_curated_sources_link_to_pubmed_and_doi(mini) -> None:
    data = data_block(parse(view_html(neighbourhood(mini.graph, "MONDO:0022338"))))
    urls = {s["id"]: s["url"] for e in data["edges"] for p in e["provenance"] for s in p["sources"]}
    assert urls == {
        "PMID:1": "https://pubmed.ncbi.nlm.nih.gov/1",
        "DOI:10.1/x": "https://doi.org/10.1/x",
    }


def evil_view() -> Neighbourhood:
    prov = Provenance("hkgd:a1", (Source("PMID:1", EVIL),), (EVIL,), "ECO:0000304", "", "x")
    nodes = (
        ViewNode("hkgd:evil", EVIL, "hkg:Case", "case", True),
        ViewNode("MONDO:0022338", "<b>bold</b>", "hkg:Disease", "disease", False),
    )
    edges = (ViewEdge("hkgd:evil", "hkg:has_diagnosis", EVIL, "MONDO:0022338", (prov,)),)
    return Neighbourhood("hkgd:evil", EVIL, "case", nodes, edges)


def test_labels_cannot_break_out_of_the_page() -> None:
    page = view_html(evil_view())
    assert page.count(b"</script>") == 3, "a label closed a script element"
    assert b"<script>alert(1)" not in page
    assert b"<!-- &" not in page
    assert b"<b>bold</b>" not in page
    parsed = parse(page)
    assert len(parsed.scripts) == 3
    data = data_block(parsed)
    # the text survives exactly, for the script to write as text
    assert data["title"] == EVIL
    assert {n["label"] for n in data["nodes"]} == {EVIL, "<b>bold</b>"}
    assert data["edges"][0]["provenance"][0]["quotes"] == [EVIL]
    title = re.search(rb"<title>(.*?)</title>", page, re.S)
    assert title and b"&lt;/script&gt;" in title.group(1)


def test_the_page_script_writes_text_never_html() -> None:
    from kg.formats.view_page import APP

    assert "innerHTML" not in APP and "outerHTML" not in APP
    assert "insertAdjacentHTML" not in APP and "document.write" not in APP
    assert "eval(" not in APP


def test_script_json_escapes_every_character_that_could_end_a_script() -> None:
    text = script_json({"x": EVIL})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"x": EVIL}


def test_the_vendored_file_is_the_pinned_one() -> None:
    manifest = json.loads((paths.VENDOR_DIR / "vendor.json").read_text(encoding="utf-8"))
    entry = manifest["cytoscape"]
    data = (paths.VENDOR_DIR / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert entry["npm"] == f"cytoscape@{entry['version']}"
    assert f'version="{entry["version"]}"'.encode() in data
    licence = (paths.VENDOR_DIR / entry["license_file"]).read_text(encoding="utf-8")
    assert "Permission is hereby granted" in licence and "Cytoscape Consortium" in licence


def test_a_changed_vendored_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    for item in paths.VENDOR_DIR.iterdir():
        shutil.copy(item, tmp_path / item.name)
    with (tmp_path / "cytoscape.min.js").open("a", encoding="utf-8") as handle:
        handle.write("\n/* changed */\n")
    monkeypatch.setattr(view_module.paths, "VENDOR_DIR", tmp_path)
    with pytest.raises(VendorError, match="SHA-256"):
        load_library()


def test_the_wheel_carries_the_vendored_files() -> None:
    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["kg"]
    for item in paths.VENDOR_DIR.iterdir():
        relative = item.relative_to(paths.PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_dot_text_quotes_every_label(mini) -> None:
    found = neighbourhood(mini.graph, "hkgd:mini-case")
    dot = to_dot(found)
    assert dot.startswith("digraph neighbourhood {")
    for node in found.nodes:
        assert f"{quote(node.id)} [" in dot
    assert '"hkgd:mini-case" -> "hkgt:KIF5B-ALK" [label="has driver alteration"];' in dot
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    evil = to_dot(evil_view())
    assert '\\"' not in EVIL and EVIL.replace('"', '\\"') in evil


@pytest.fixture
def dot_available() -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz is missing in CI: make unit runs scripts/ensure-graphviz.sh")
        pytest.skip("Graphviz not installed (bash scripts/ensure-graphviz.sh)")


def test_the_picture_is_drawn_as_svg_and_png(mini, dot_available) -> None:
    found = neighbourhood(mini.graph, "hkgd:mini-case")
    svg = render(to_dot(found), "svg")
    assert b"<svg" in svg and b"cladribine" in svg and b"has driver alteration" in svg
    png = render(to_dot(found), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
