"""Rank histiocytic disorders for a marker profile written as a pathologist would.

Run: .venv/bin/python examples/differential_diagnosis.py ALK+ CD1a- langerin- S100- CD68+
"""

import sys

from kg.answers.diagnose import rank_disorders
from kg.answers.findings import parse_findings
from kg.graph.build import build_graph

built = build_graph()
tokens = sys.argv[1:] or ["ALK+", "CD1a-", "langerin-", "S100-", "CD68+"]
findings = parse_findings(tokens, built.index)
for result in rank_disorders(built.graph, findings)[:3]:
    print(f"{result.rank}. {result.label}: score {result.score:+.2f}, p {result.probability:.2f}")
    for c in result.supports[:3]:
        print(f"   + {c.finding}: {c.expectation} [{'; '.join(c.sources)}]")
    for c in result.contradicts[:3]:
        print(f"   - {c.finding}: {c.expectation} [{'; '.join(c.sources)}]")
