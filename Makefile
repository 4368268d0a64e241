# Short aliases only; the logic lives in the histiokg CLI and in pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: venv demo test lint typecheck unit eval-diagnosis bench bench-large clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3 -c constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## The main job: build the graph, validate it, export build/histiokg.ttl, answer the seed questions.
demo: $(STAMP)
	bash scripts/ensure-java.sh
	$(BIN)/histiokg demo

## Everything CI checks: lint, format, types, tests.
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check kg tests examples benchmarks/*.py
	$(BIN)/ruff format --check kg tests examples benchmarks/*.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	bash scripts/ensure-java.sh
	bash scripts/ensure-browser.sh
	bash scripts/ensure-graphviz.sh
	bash scripts/ensure-virtuoso.sh
	$(BIN)/pytest -q

## Benchmarks against raw pyoxigraph (docs/benchmarks.md): the shipped graph, 100 and 1,000
## synthetic cases (bench, under 10 minutes) or also 10,000 (bench-large); writes benchmarks/results/.
BENCH_STAMP := $(VENV)/.bench-stamp
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py --levels 0,100,1000 --name results $(BENCH_ARGS)

bench-large: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py --levels 0,100,1000,10000 --name results-large --timeout 3600 $(BENCH_ARGS)

## Leave-one-out evaluation of the differential diagnosis: writes docs/diagnosis-evaluation.md.
eval-diagnosis: $(STAMP)
	$(BIN)/histiokg eval-diagnosis --out docs/diagnosis-evaluation.md

clean:
	rm -rf build $(VENV)
