# The two things a newcomer runs (README "Quick start"); CI runs `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install lint benchmarks

$(BIN)/tenantmap: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/tenantmap

demo: install
	$(BIN)/tenantmap demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install
	scripts/install-test-deps.sh
	$(MAKE) lint
	$(BIN)/pytest -p no:cacheprovider

benchmarks: install
	$(BIN)/python benchmarks/run_all.py
