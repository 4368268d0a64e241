"""Layer 4, formats: the graph written out, and foreign formats read in.

Serialisations of a built graph (Turtle, N-Triples, JSON-LD, GraphML, KGX, Phenopackets), the
release bundle, and the reader of Phenopackets.

With ``kg.cli`` the only place that writes files (always atomically).
"""
