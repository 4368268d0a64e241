"""Layer 1, the readers: curated tables, case files, term look-ups, ontology files, query files.

Each reader turns files into checked records (dataclasses) and reports every problem of a file at
once; none of them builds triples. Imports only ``kg.core``.
"""
