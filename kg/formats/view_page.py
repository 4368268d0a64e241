"""The fixed parts of the ``histiokg view`` page: its HTML skeleton, style sheet and script.

The script reads the graph from the page's JSON data block and draws it with the vendored
Cytoscape.js; every text from the graph reaches the page through ``textContent``, never as HTML.
``window.hkgView`` exposes the drawing and the panel functions to the browser tests.
"""

from __future__ import annotations

#: ``{title}``, ``{library_note}``, ``{library}``, ``{data}`` and ``{app}`` are filled by
#: :func:`kg.formats.view.view_html`; the title is HTML-escaped, the data JSON-escaped.
SKELETON = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; \
form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="histiokg view">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
  <h1 id="title">{title}</h1>
  <div id="search-box">
    <label for="search">Search by label</label>
    <input id="search" type="search" list="node-labels" autocomplete="off"
      placeholder="e.g. cladribine, ALK, lung">
    <output id="search-count" for="search"></output>
    <button id="fit" type="button">Fit</button>
    <datalist id="node-labels"></datalist>
  </div>
</header>
<main>
  <div id="graph" role="img" aria-label="graph of the nodes and statements around {title}">
    <noscript>This page needs JavaScript to draw the graph.</noscript>
  </div>
  <aside id="side">
    <section id="legend">
      <h2>Node types</h2>
      <ul id="legend-list"></ul>
      <p class="hint">Rounded boxes belong to the case; ellipses are domain nodes.</p>
    </section>
    <section id="details">
      <h2 id="details-title">Provenance</h2>
      <div id="details-body">
        <p class="hint">Click an edge to see why the graph says it: its source, quote, evidence
        code and confidence (and, for a case statement, the sentence of the report). Click a node
        for its details.</p>
      </div>
    </section>
  </aside>
</main>
<footer>Drawn with {library_note}. Every edge is a statement of the histiokg graph.</footer>
<!-- {library_note}: licence notice at the top of the next script -->
<script>{library}</script>
<script type="application/json" id="hkg-data">{data}</script>
<script>{app}</script>
</body>
</html>
"""

STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 14px/1.4 "DejaVu Sans", Arial, sans-serif;
  color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 16px; padding: 6px 12px;
  border-bottom: 1px solid #ddd; background: #f7f7f7; }
h1 { font-size: 16px; margin: 0; flex: 1 1 320px; }
h2 { font-size: 14px; margin: 8px 0 4px; }
h3 { font-size: 13px; margin: 6px 0; }
#search-box { display: flex; align-items: center; gap: 6px; }
#search { width: 220px; padding: 3px 6px; }
#search-count { min-width: 80px; color: #555; }
main { flex: 1; display: flex; min-height: 0; }
#graph { flex: 1; min-width: 0; position: relative; }
#side { width: 360px; overflow-y: auto; border-left: 1px solid #ddd; padding: 0 12px 12px; }
#legend-list { list-style: none; margin: 0; padding: 0; columns: 2; font-size: 12px; }
#legend-list li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 6px;
  border: 1px solid #555; flex: none; }
.hint { color: #666; font-size: 12px; }
.provenance { border: 1px solid #ddd; border-radius: 4px; padding: 6px 8px; margin: 6px 0;
  background: #fafafa; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px;
  font-size: 12px; }
dt { font-weight: bold; color: #444; }
dd { margin: 0; overflow-wrap: anywhere; }
blockquote { margin: 0; padding-left: 6px; border-left: 3px solid #bbb; font-style: italic; }
.sentence { margin: 0; }
.sentence .where { color: #666; font-style: normal; }
.curie { font-family: "DejaVu Sans Mono", monospace; font-size: 11px; color: #555; }
footer { font-size: 11px; color: #777; padding: 2px 12px; border-top: 1px solid #ddd; }
"""

APP = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hkg-data").textContent);
  var graphBox = document.getElementById("graph");
  var body = document.getElementById("details-body");
  var titleBox = document.getElementById("details-title");
  var nodes = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var edges = new Map(data.edges.map(function (e) { return [e.id, e]; }));
  window.hkgView = { data: data, ready: false };
  if (typeof cytoscape !== "function") {
    graphBox.textContent = "The drawing library did not load.";
    return;
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function row(list, term, value) {
    if (value === undefined || value === null || value === "") { return; }
    list.appendChild(el("dt", term));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = value; }
    list.appendChild(dd);
  }
  function sourceNode(source) {
    var box = el("span");
    var text = source.label && source.label !== source.id ? source.label + " " : "";
    if (source.url) {
      var link = el("a", text || source.id);
      link.href = source.url;
      link.rel = "noopener noreferrer";
      box.appendChild(link);
      if (text) { box.appendChild(el("span", " " + source.id, "curie")); }
    } else {
      box.appendChild(el("span", text));
      box.appendChild(el("span", source.id, "curie"));
    }
    return box;
  }
  function provenanceBox(p) {
    var box = el("div", null, "provenance");
    var list = el("dl");
    p.sources.forEach(function (s, i) {
      row(list, i === 0 ? (p.sources.length > 1 ? "Sources" : "Source") : "", sourceNode(s));
    });
    p.quotes.forEach(function (q, i) {
      row(list, i === 0 ? "Quote" : "", el("blockquote", q));
    });
    var evidence = p.evidence + (p.evidenceLabel ? " (" + p.evidenceLabel + ")" : "");
    row(list, "Evidence", evidence);
    row(list, "Confidence", p.confidence);
    p.sentences.forEach(function (s, i) {
      var para = el("p", null, "sentence");
      para.appendChild(el("span", (s.section ? s.section + ", " : "") + s.id + ": ", "where"));
      para.appendChild(el("span", s.text, "sentence-text"));
      row(list, i === 0 ? "Report sentence" : "", para);
    });
    row(list, "Assertion", el("span", p.assertion, "curie"));
    box.appendChild(list);
    return box;
  }
  function clearDetails(title) {
    titleBox.textContent = title;
    while (body.firstChild) { body.removeChild(body.firstChild); }
  }
  function labelOf(id) { var n = nodes.get(id); return n ? n.label : id; }
  function showEdge(id) {
    var e = edges.get(id);
    if (!e) { return; }
    clearDetails("Provenance");
    body.appendChild(el("h3", labelOf(e.source) + " \\u2014 " + e.label + " \\u2192 " +
      labelOf(e.target), "edge-title"));
    body.appendChild(el("p", e.source + " " + e.predicate + " " + e.target, "curie"));
    if (!e.provenance.length) { body.appendChild(el("p", "No assertion node.", "hint")); }
    e.provenance.forEach(function (p) { body.appendChild(provenanceBox(p)); });
  }
  function showNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    clearDetails("Node");
    body.appendChild(el("h3", n.label, "node-title"));
    var list = el("dl");
    row(list, "ID", el("span", n.id, "curie"));
    row(list, "Type", n.categoryLabel);
    row(list, "Part of", n.inCase ? "the case subgraph" : "the domain graph");
    body.appendChild(list);
    n.attributes.forEach(function (a) {
      body.appendChild(el("h3", a.label + ": " + a.value));
      a.provenance.forEach(function (p) { body.appendChild(provenanceBox(p)); });
    });
  }

  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, label: n.label, colour: n.colour },
      classes: (n.inCase ? "case-part" : "domain") + (n.id === data.focus ? " focus" : "") });
  });
  data.edges.forEach(function (e) {
    elements.push({ group: "edges",
      data: { id: e.id, source: e.source, target: e.target, label: e.label } });
  });
  var cy = cytoscape({
    container: graphBox,
    elements: elements,
    // bounded zoom: past a few times the label size the canvas textures grow without limit
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "border-width": 1, "border-color": "#444",
        "label": "data(label)", "font-size": 9, "color": "#222", "text-valign": "bottom",
        "text-margin-y": 2, "text-wrap": "ellipsis", "text-max-width": 110,
        "width": 18, "height": 18, "min-zoomed-font-size": 4 } },
      { selector: "node.case-part", style: { "shape": "round-rectangle", "width": 24 } },
      { selector: "node.focus", style: { "width": 34, "height": 34, "border-width": 3,
        "font-size": 11, "font-weight": "bold" } },
      { selector: "edge", style: {
        "width": 1.2, "line-color": "#9a9a9a", "target-arrow-color": "#9a9a9a",
        "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier",
        "label": "data(label)", "font-size": 7, "color": "#555", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.7,
        "text-background-padding": 1, "text-events": "yes", "min-zoomed-font-size": 5 } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "node.match", style: { "border-width": 4, "border-color": "#e6007e" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "edge:selected", style: { "width": 3, "line-color": "#e6007e",
        "target-arrow-color": "#e6007e", "color": "#000", "font-size": 9 } }
    ],
    layout: { name: "preset" }
  });

  // start from rings around the focus (a fixed order, so every drawing is the same), then cose
  var ring = new Map([[data.focus, 0]]);
  var queue = [data.focus];
  while (queue.length) {
    var id = queue.shift();
    cy.getElementById(id).neighborhood("node").forEach(function (m) {
      if (!ring.has(m.id())) { ring.set(m.id(), ring.get(id) + 1); queue.push(m.id()); }
    });
  }
  var rings = [];
  var order = new Map(data.legend.map(function (item, i) { return [item.category, i]; }));
  data.nodes.slice().sort(function (a, b) {
    return order.get(a.category) - order.get(b.category) || (a.label < b.label ? -1 : 1);
  }).forEach(function (n) {
    var r = ring.has(n.id) ? ring.get(n.id) : 1;
    (rings[r] = rings[r] || []).push(n.id);
  });
  rings.forEach(function (ids, r) {
    (ids || []).forEach(function (nid, i) {
      var angle = 2 * Math.PI * i / ids.length;
      var radius = r * 220;
      cy.getElementById(nid).position({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
    });
  });
  var layout = cy.layout({ name: "cose", animate: false, randomize: false, fit: true,
    padding: 30, gravity: 1, numIter: 1500,
    nodeRepulsion: function () { return 9000; }, idealEdgeLength: function () { return 70; } });
  layout.one("layoutstop", function () { window.hkgView.ready = true; });
  layout.run();

  cy.on("tap", "edge", function (evt) { showEdge(evt.target.id()); });
  cy.on("tap", "node", function (evt) { showNode(evt.target.id()); });

  var legend = document.getElementById("legend-list");
  data.legend.forEach(function (item) {
    var li = el("li");
    var swatch = el("span", null, "swatch");
    swatch.style.backgroundColor = item.colour;
    li.appendChild(swatch);
    li.appendChild(el("span", item.label + " (" + item.count + ")"));
    li.dataset.category = item.category;
    legend.appendChild(li);
  });
  var datalist = document.getElementById("node-labels");
  data.nodes.forEach(function (n) {
    var option = el("option");
    option.value = n.label;
    datalist.appendChild(option);
  });

  var search = document.getElementById("search");
  var count = document.getElementById("search-count");
  function matches(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return null; }
    return cy.nodes().filter(function (n) {
      return n.data("label").toLowerCase().indexOf(q) >= 0 || n.id().toLowerCase() === q;
    });
  }
  function highlight(text) {
    cy.elements().removeClass("faded match");
    var found = matches(text);
    if (found === null) { count.textContent = ""; return found; }
    cy.elements().addClass("faded");
    found.removeClass("faded").addClass("match");
    found.connectedEdges().removeClass("faded");
    found.neighborhood("node").removeClass("faded");
    count.textContent = found.length === 1 ? "1 match" : found.length + " matches";
    return found;
  }
  function go(text) {
    var found = highlight(text);
    if (!found || !found.length) { return; }
    var first = found.sort(function (a, b) {
      return a.data("label").length - b.data("label").length;
    })[0];
    cy.elements().unselect();
    first.select();
    cy.animate({ center: { eles: first }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 0 });
    showNode(first.id());
  }
  search.addEventListener("input", function () { highlight(search.value); });
  search.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter") { evt.preventDefault(); go(search.value); }
    if (evt.key === "Escape") { search.value = ""; highlight(""); }
  });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 30); });

  window.hkgView.cy = cy;
  window.hkgView.showEdge = showEdge;
  window.hkgView.showNode = showNode;
  window.hkgView.search = go;
})();
"""
