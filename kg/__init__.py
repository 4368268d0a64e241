"""histiokg: an open, cited knowledge graph of histiocytic disorders."""

__version__ = "0.1.0"
