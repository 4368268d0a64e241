# Short aliases only; the logic lives in the histiokg CLI and in pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: venv demo test lint typecheck unit eval-diagnosis clean

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
	$(BIN)/ruff check kg tests examples
	$(BIN)/ruff format --check kg tests examples

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	bash scripts/ensure-java.sh
	bash scripts/ensure-browser.sh
	bash scripts/ensure-graphviz.sh
	bash scripts/ensure-virtuoso.sh
	$(BIN)/pytest -q

## Leave-one-out evaluation of the differential diagnosis: writes docs/diagnosis-evaluation.md.
eval-diagnosis: $(STAMP)
	$(BIN)/histiokg eval-diagnosis --out docs/diagnosis-evaluation.md

clean:
	rm -rf build $(VENV)
