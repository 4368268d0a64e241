"""Layer 3, checks of a built graph: SHACL shapes and the QC ``*-violation`` queries."""
