"""Explore the seed case: its driver, drugs acting on it, similar cases, and a path to crizotinib.

Run: .venv/bin/python examples/explore_seed_case.py
"""

from kg.answers.options import case_options
from kg.answers.similarity import similar_cases
from kg.answers.traverse import shortest_paths
from kg.graph.build import build_graph
from kg.graph.queries import run_query

CASE = "hkgd:seed-alk-h-infant"
built = build_graph()

driver = run_query("cq01", built.graph, case=CASE).as_dicts()[0]
partners = f"{driver['five_prime_label']}::{driver['three_prime_label']}"
print(f"driver: {driver['alteration_label']} ({partners})")

for option in case_options(built.graph, CASE):
    level = option.evidence_level or "none curated"
    print(f"option: {option.label} -> {option.target_label}; evidence here: {level}")

for similar in similar_cases(built.graph, CASE, top=2):
    print(f"similar: {similar.case} ({similar.score:.2f}); shares {', '.join(similar.shared[:3])}")

mechanism = ("hkg:has_driver_alteration", "hkg:three_prime_partner", "hkg:has_target")
for edge in shortest_paths(built.graph, CASE, "crizotinib", limit=1, only_predicates=mechanism)[0]:
    print("path:", edge.sentence())
