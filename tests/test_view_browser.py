"""The ``histiokg view`` page in headless Chromium: it draws, searches, explains an edge, offline.

Playwright drives Debian's /usr/bin/chromium (scripts/ensure-browser.sh installs both; Playwright's
own browser download is not used). Every request other than the page's own file is refused, so a
page that needed the network would fail here.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.answers.neighbourhood import Neighbourhood, neighbourhood
from kg.formats.view import COLOURS, view_html

pytestmark = pytest.mark.browser

CASE = "hkgd:seed-alk-h-infant"
DRIVER_EDGE = f"{CASE} hkg:has_driver_alteration hkgt:KIF5B-ALK"
EXPECTED_NODES = (CASE, "hkgt:KIF5B-ALK", "CHEBI:567361", "MONDO:0022338", "UBERON:0002048")
VIEWPORT = {"width": 1400, "height": 900}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} in CI: make unit runs scripts/ensure-browser.sh")
    pytest.skip(f"{reason} (run: bash scripts/ensure-browser.sh)")


@pytest.fixture(scope="module")
def seed(built) -> Neighbourhood:
    return neighbourhood(built.graph, CASE)


@pytest.fixture(scope="module")
def browser(seed: Neighbourhood, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the module, and the page's file."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _missing("Chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed")
    folder = tmp_path_factory.mktemp("view")
    html_file = folder / "seed.html"
    html_file.write_bytes(view_html(seed))
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(folder / "profile"),  # a fresh user-data-dir
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
        )
        try:
            yield context, html_file
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new tab on the page for each test: no test sees another's selection, zoom or styles."""
    context, html_file = browser
    tab = context.new_page()
    tab.problems = []
    tab.requests = []

    def refuse_others(route: Any) -> None:
        url = route.request.url
        if url == html_file.as_uri():
            route.continue_()
        else:
            tab.requests.append(url)
            route.abort()

    tab.route("**/*", refuse_others)
    tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    try:
        tab.goto(html_file.as_uri())
        tab.wait_for_function("window.hkgView && window.hkgView.ready === true", timeout=20_000)
        tab.screenshot_dir = html_file.parent
        yield tab
    finally:
        tab.close()


def test_the_page_draws_every_node_without_errors_or_requests(page, seed) -> None:
    assert page.evaluate("window.hkgView.cy.nodes().length") == len(seed.nodes)
    assert page.evaluate("window.hkgView.cy.edges().length") == len(seed.edges)
    box = page.locator("#graph").bounding_box()
    for node in EXPECTED_NODES:
        shown = page.evaluate(
            """id => { const n = window.hkgView.cy.getElementById(id);
                       if (n.empty() || !n.visible()) return null;
                       const b = n.renderedBoundingBox(); const p = n.renderedPosition();
                       return {label: n.data('label'), x: p.x, y: p.y, w: b.w}; }""",
            node,
        )
        assert shown is not None, f"{node} is not drawn"
        assert shown["label"] == seed.node(node).label
        assert 0 <= shown["x"] <= box["width"] and 0 <= shown["y"] <= box["height"], node
        assert shown["w"] > 3, f"{node} is drawn too small to see"
    legend = page.locator("#legend-list li").all_inner_texts()
    assert len(legend) == len({n.category for n in seed.nodes})
    assert "drug (4)" in legend and "marker result (15)" in legend
    assert page.problems == []
    assert page.requests == []


def test_search_finds_and_selects_a_node(page, seed) -> None:
    page.fill("#search", "cladribine")
    page.press("#search", "Enter")
    expected = sum("cladribine" in n.label.lower() for n in seed.nodes)
    assert expected >= 2
    assert page.locator("#search-count").inner_text() == f"{expected} matches"
    assert page.evaluate("window.hkgView.cy.$('node.match').length") == expected
    selected = page.evaluate("window.hkgView.cy.$('node:selected').map(n => n.id())")
    assert selected == ["CHEBI:567361"]
    assert page.locator("#details-body .node-title").inner_text() == "cladribine"
    page.fill("#search", "")
    page.dispatch_event("#search", "input")
    assert page.evaluate("window.hkgView.cy.$('.faded').length") == 0


def test_clicking_an_edge_shows_its_provenance(page, seed) -> None:
    edge = next(e for e in seed.edges if e.id == DRIVER_EDGE)
    (prov,) = edge.provenance
    page.evaluate(
        """id => { const cy = window.hkgView.cy; cy.elements().unselect();
                   const edge = cy.getElementById(id), ends = edge.connectedNodes();
                   // other edges may cross this one at its midpoint in some layouts: make them
                   // ignore the pointer, so the real mouse click below can only land on this edge
                   cy.elements().not(edge.union(ends)).style('events', 'no');
                   cy.fit(ends, 160); }""",
        DRIVER_EDGE,
    )
    point = page.evaluate(
        "id => window.hkgView.cy.getElementById(id).renderedMidpoint()", DRIVER_EDGE
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    title = page.locator("#details-body .edge-title").inner_text()
    assert "has driver alteration" in title and "KIF5B-ALK" in title
    panel = page.locator("#details-body").inner_text()
    assert "Source" in panel and prov.sources[0].label in panel
    assert "Quote" in panel and prov.quotes[0] in panel
    assert prov.evidence in panel and prov.confidence in panel
    assert "Report sentence" in panel and prov.sentences[0].text in panel
    assert page.evaluate(f"window.hkgView.cy.getElementById('{DRIVER_EDGE}').selected()")


def test_the_screenshot_shows_the_drawing(page) -> None:
    from PIL import Image

    page.click("#fit")
    shot = page.screenshot_dir / "seed.png"
    data = page.screenshot(path=str(shot))
    assert shot.read_bytes() == data and data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (VIEWPORT["width"], VIEWPORT["height"])
    colours = image.getcolors(maxcolors=VIEWPORT["width"] * VIEWPORT["height"])
    assert colours is not None and len(colours) > 500, "the page looks blank"
    counts = {f"#{r:02x}{g:02x}{b:02x}": n for n, (r, g, b) in colours}
    # the node fills are on screen: the case, the drugs, the marker results
    for category in ("hkg:Case", "hkg:Drug", "hkg:MarkerResult"):
        assert counts.get(COLOURS[category], 0) > 30, f"no {category} node on the screenshot"
