"""Layer 2, the graph: records to triples, the one build that merges the sources, and the store.

``store`` is the only module that knows the store backend; everything above sees its
``KnowledgeGraph`` and plain strings. Imports ``kg.core`` and ``kg.sources``.
"""
