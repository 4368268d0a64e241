"""A static picture of a neighbourhood (SVG or PNG) drawn by Graphviz ``dot``.

The same nodes, edges and colours as the HTML page; the text is written as DOT with every string
quoted and escaped, and ``dot`` (Debian package ``graphviz``) lays it out and renders it.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap

from kg.answers.neighbourhood import Neighbourhood
from kg.core.errors import KGError
from kg.formats.view import colour_of

FORMATS = ("svg", "png")
#: How to get ``dot`` when it is missing (the project's own, idempotent set-up script).
INSTALL_HINT = "install Graphviz: bash scripts/ensure-graphviz.sh (or apt-get install -y graphviz)"
_TIMEOUT_S = 120


class GraphvizMissingError(KGError):
    """The ``dot`` program of Graphviz is not installed."""


class GraphvizError(KGError):
    """``dot`` failed on the DOT text."""


def quote(text: str) -> str:
    r"""A DOT double-quoted string: backslashes and quotes escaped, line breaks as ``\n``.

    >>> quote('say "hi"\\now')
    '"say \\"hi\\"\\\\now"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def is_dark(colour: str) -> bool:
    """Whether white text reads better than black on this ``#rrggbb`` fill (relative luminance).

    >>> is_dark("#393b79"), is_dark("#ffbb78")
    (True, False)
    """
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45


def _wrapped(label: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(label, width, max_lines=3, placeholder=" …")) or label


def to_dot(view: Neighbourhood) -> str:
    """The neighbourhood as a DOT digraph: nodes filled by type, edges labelled by predicate."""
    lines = [
        "digraph neighbourhood {",
        f"  graph [rankdir=LR, ranksep=0.5, nodesep=0.12, fontname={quote('DejaVu Sans')},"
        f" fontsize=18, labelloc=t, label={quote(view.focus_label + ' (' + view.focus + ')')}];",
        f"  node [shape=ellipse, style=filled, fontname={quote('DejaVu Sans')}, fontsize=10,"
        ' color="#444444", penwidth=0.8];',
        f'  edge [fontname={quote("DejaVu Sans")}, fontsize=8, color="#888888",'
        ' fontcolor="#555555", arrowsize=0.6];',
    ]
    for node in view.nodes:
        fill = colour_of(node.category)
        attrs = [f"label={quote(_wrapped(node.label))}", f'fillcolor="{fill}"']
        if is_dark(fill):
            attrs.append('fontcolor="#ffffff"')
        if node.in_case:
            attrs.append('shape=box, style="rounded,filled"')
        if node.id == view.focus:
            attrs.append("penwidth=2.5, fontsize=12")
        attrs.append(f"tooltip={quote(f'{node.id} ({node.category_label})')}")
        lines.append(f"  {quote(node.id)} [{', '.join(attrs)}];")
    for edge in view.edges:
        label = quote(edge.predicate_label)
        lines.append(f"  {quote(edge.subject)} -> {quote(edge.object)} [label={label}];")
    lines += _legend(view)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(view: Neighbourhood) -> list[str]:
    seen: dict[str, str] = {}
    for node in view.nodes:
        seen.setdefault(node.category, node.category_label)
    rows = "".join(
        f'<TR><TD BGCOLOR="{colour_of(c)}" WIDTH="14"> </TD>'
        f'<TD ALIGN="LEFT">{_html(label)}</TD></TR>'
        for c, label in sorted(seen.items(), key=lambda item: item[1])
    )
    table = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2">'
        f'<TR><TD COLSPAN="2"><B>node types</B></TD></TR>{rows}</TABLE>>'
    )
    return [
        "  subgraph cluster_legend {",
        '    graph [label="", color="#dddddd"];',
        f"    legend [shape=plaintext, style=solid, label={table}];",
        "  }",
    ]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(dot_text: str, fmt: str) -> bytes:
    """Lay out and render DOT text with Graphviz ``dot`` as SVG or PNG bytes.

    Raises:
        GraphvizMissingError: ``dot`` is not on PATH (the message says how to install it).
        GraphvizError: ``dot`` rejected the text or timed out.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {', '.join(FORMATS)}")
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissingError(f"Graphviz 'dot' was not found; {INSTALL_HINT}")
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"] + (["-Gdpi=80"] if fmt == "png" else []),
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GraphvizError(f"dot took longer than {_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizError(f"dot failed ({done.returncode}): {message}")
    return done.stdout


def picture(view: Neighbourhood, fmt: str) -> bytes:
    """The neighbourhood drawn by Graphviz as SVG or PNG bytes."""
    return render(to_dot(view), fmt)
