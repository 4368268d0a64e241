r"""One self-contained HTML page of a node's neighbourhood: types, labelled edges, provenance.

The page inlines the vendored Cytoscape.js (pinned in ``kg/formats/vendor/vendor.json``, checked
against its recorded SHA-256) and the graph as a JSON data block, so it opens from a file with no
network: nothing is loaded from elsewhere, and its Content-Security-Policy forbids it.

Text from the graph is escaped for the place it goes: the title with :func:`html.escape`, the data
block so that no ``</script>`` or ``<!--`` can end it (``<``, ``>`` and ``&`` become JSON ``\u``
escapes), and the page's script writes it into the document as text only.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kg import __version__
from kg.answers.neighbourhood import OTHER, Neighbourhood, Provenance, Source
from kg.core import paths
from kg.core.errors import KGError
from kg.core.namespaces import expand, is_known_curie
from kg.formats.view_page import APP, SKELETON, STYLE

#: Fill colour of each node category (one table for the page and the static picture).
COLOURS: dict[str, str] = {
    "hkg:Case": "#d62728",
    "hkg:Biopsy": "#ff9896",
    "hkg:ImagingStudy": "#c5b0d5",
    "hkg:MarkerResult": "#f7b6d2",
    "hkg:MolecularFinding": "#e377c2",
    "hkg:ReportedDiagnosis": "#dbdb8d",
    "hkg:TreatmentLine": "#ffbb78",
    "hkg:Response": "#98df8a",
    "hkg:Disease": "#1f77b4",
    "hkg:GeneFusion": "#9467bd",
    "hkg:SequenceVariant": "#8c564b",
    "hkg:Marker": "#17becf",
    "hkg:Gene": "#aec7e8",
    "hkg:Drug": "#2ca02c",
    "hkg:DrugClass": "#b5cf6b",
    "hkg:Phenotype": "#ff7f0e",
    "hkg:AnatomicalSite": "#8c6d31",
    "hkg:Cell": "#e7ba52",
    "hkg:Assay": "#7f7f7f",
    "hkg:ClassificationGroup": "#393b79",
    "hkg:ClassificationScheme": "#5254a3",
    "hkg:ResponseCategory": "#637939",
    "hkg:Polarity": "#c7c7c7",
    "hkg:Sex": "#9edae5",
    "hkg:Publication": "#843c39",
    OTHER: "#bbbbbb",
}
_VENDOR_MANIFEST = "vendor.json"
_LIBRARY = "cytoscape"
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


class VendorError(KGError):
    """The vendored script is missing, or differs from the file its manifest pins."""


@dataclass(frozen=True)
class Library:
    """A vendored script and what the manifest says about it."""

    name: str
    version: str
    license: str
    text: str

    @property
    def note(self) -> str:
        """A one-line credit for the page footer."""
        return f"{self.name} {self.version} ({self.license} licence)"


def colour_of(category: str) -> str:
    """The fill colour of a node category.

    >>> colour_of("hkg:Drug"), colour_of("hkg:Unheard")
    ('#2ca02c', '#bbbbbb')
    """
    return COLOURS.get(category, COLOURS[OTHER])


def load_library() -> Library:
    """Read the vendored Cytoscape.js and check it against the SHA-256 in vendor.json.

    Raises:
        VendorError: the file or its manifest is missing, or the file was changed.
    """
    manifest_path = paths.VENDOR_DIR / _VENDOR_MANIFEST
    try:
        entry = json.loads(manifest_path.read_text(encoding="utf-8"))[_LIBRARY]
        data = (paths.VENDOR_DIR / entry["file"]).read_bytes()
    except (OSError, ValueError, KeyError) as exc:
        raise VendorError(
            f"cannot read the vendored {_LIBRARY}: {exc}; reinstall histiokg"
        ) from exc
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise VendorError(
            f"{entry['file']} differs from the SHA-256 in {_VENDOR_MANIFEST}; "
            "run 'bash scripts/vendor-js.sh'"
        )
    text = data.decode("utf-8")
    if "</script" in text.lower():
        raise VendorError(f"{entry['file']} contains '</script' and cannot be inlined")
    return Library(_LIBRARY, entry["version"], entry["license"], text)


def script_json(value: object) -> str:
    r"""JSON that is safe inside an HTML ``<script>`` element (no ``</script>``, no ``<!--``).

    >>> print(script_json({"label": "</script><b>"}))
    {"label": "\u003c/script\u003e\u003cb\u003e"}
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


def source_url(source_id: str) -> str:
    """A link for a cited source (PubMed, DOI or a web page), or '' for a local publication key.

    >>> source_url("PMID:18660380"), source_url("hkgd:pub-hkg-seed-report")
    ('https://pubmed.ncbi.nlm.nih.gov/18660380', '')
    """
    if source_id.startswith(("http://", "https://")):
        return source_id
    if source_id.startswith(("PMID:", "DOI:")) and is_known_curie(source_id):
        return expand(source_id)
    return ""


def _source(source: Source) -> dict[str, str]:
    return {"id": source.id, "label": source.label, "url": source_url(source.id)}


def _provenance(p: Provenance) -> dict[str, Any]:
    return {
        "assertion": p.assertion,
        "sources": [_source(s) for s in p.sources],
        "quotes": list(p.quotes),
        "evidence": p.evidence,
        "evidenceLabel": p.evidence_label,
        "confidence": p.confidence,
        "sentences": [
            {"id": s.id.rsplit("-", 1)[-1], "section": s.section, "text": s.text}
            for s in p.sentences
        ],
    }


def page_data(view: Neighbourhood) -> dict[str, Any]:
    """Everything the page's script draws, as plain JSON-ready values."""
    counts = Counter(node.category for node in view.nodes)
    labels = {node.category: node.category_label for node in view.nodes}
    order = list(COLOURS)
    legend = [
        {"category": c, "label": labels[c], "colour": colour_of(c), "count": counts[c]}
        for c in sorted(counts, key=lambda c: (order.index(c) if c in order else len(order), c))
    ]
    return {
        "focus": view.focus,
        "title": view.focus_label,
        "kind": view.kind,
        "generator": f"histiokg {__version__}",
        "legend": legend,
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "category": n.category,
                "categoryLabel": n.category_label,
                "colour": colour_of(n.category),
                "inCase": n.in_case,
                "attributes": [
                    {
                        "predicate": a.predicate,
                        "label": a.predicate_label,
                        "value": a.value,
                        "provenance": [_provenance(p) for p in a.provenance],
                    }
                    for a in n.attributes
                ],
            }
            for n in view.nodes
        ],
        "edges": [
            {
                "id": e.id,
                "source": e.subject,
                "target": e.object,
                "predicate": e.predicate,
                "label": e.predicate_label,
                "provenance": [_provenance(p) for p in e.provenance],
            }
            for e in view.edges
        ],
    }


def view_html(view: Neighbourhood, library: Library | None = None) -> bytes:
    """The HTML page of a neighbourhood (UTF-8), with the drawing library inlined."""
    lib = library or load_library()
    kind = "case" if view.kind == "case" else "neighbourhood"
    page = SKELETON.format(
        title=html.escape(f"histiokg: {view.focus_label} ({kind} of {view.focus})"),
        style=STYLE,
        library_note=html.escape(lib.note),
        library=lib.text,
        data=script_json(page_data(view)),
        app=APP,
    )
    return page.encode("utf-8")
