# The things a newcomer runs (README "Quick start"); CI runs `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test lint benchmarks neo4j

# What the demo and a user need: tenantmap and its runtime dependencies only.
$(BIN)/tenantmap: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

# The test and lint tools on top, only for `make test` / `make lint`.
$(VENV)/.test-deps: $(BIN)/tenantmap
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/tenantmap

install-test: $(VENV)/.test-deps

demo: install
	$(BIN)/tenantmap demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install-test
	scripts/install-test-deps.sh
	$(MAKE) lint
	$(BIN)/pytest -p no:cacheprovider

benchmarks: install
	$(BIN)/python benchmarks/run_all.py

# A Neo4j to try the Neo4j store without Docker (docs/neo4j.md): NEO4J_PASSWORD=... make neo4j
neo4j:
	scripts/neo4j-trial.sh
