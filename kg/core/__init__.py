"""Layer 0, the leaves: file locations, the prefix map, the error types, atomic writing.

Nothing here imports another part of ``kg``.
"""
