"""Layer 3, answers from a built graph: diagnosis, options, similarity, traversals, reasoning.

Consumers only: they read the store and return plain records; they never write files or print.
"""
