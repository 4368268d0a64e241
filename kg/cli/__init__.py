"""Layer 5, the command line: the only package that prints, parses arguments or sets exit codes."""
