"""Run the histiokg CLI as python -m kg."""

from kg.cli.main import main

raise SystemExit(main())
