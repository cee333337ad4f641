# Wijkbeeld — common tasks. Run `make help` for the list.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEMO_DIR ?= data/demo
WAREHOUSE ?= data/warehouse.duckdb
PORT ?= 8501
DEMO_ARGS ?= --seed 42 --years 3 --scale 1
# Demo flag: local sign-in with the published demo accounts (README). `make demo` serves the
# demo zone with it; `make serve` (a zone's own exports) without it, so the published
# password never opens real data: real users come from `python -m dashboard.auth add-user`
# (docs/SECURITY.md). `make serve DEMO=1` serves a warehouse with the demo accounts.
DEMO ?= 1
SERVE_DEMO := $(if $(filter command line environment,$(origin DEMO)),$(DEMO),0)

.PHONY: help setup demo demo-data demo-users serve build test test-fast e2e bench bench-etl lint format clean

help: ## Show this list
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ nodig"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned requirements

demo-data: $(STAMP) ## Generate the demo zone (data/demo) and build the warehouse
	@echo "== Demozone in $(DEMO_DIR) (opnieuw gemaakt als de generator of de zone veranderde)"
	time $(PY) -m etl demo --out $(DEMO_DIR) --if-stale $(DEMO_ARGS)
	@echo "== Datawarehouse bouwen: $(WAREHOUSE)"
	time $(PY) -m etl build --raw $(DEMO_DIR) --warehouse $(WAREHOUSE)

demo-users: $(STAMP) ## Create the demo accounts (password wijkbeeld-demo) if there is no user file yet
	WIJKBEELD_DEMO=$(DEMO) $(PY) -m dashboard.auth demo-users

demo: demo-data demo-users ## Set up, generate the demo zone, build, and serve on http://localhost:8501
	WIJKBEELD_DEMO=$(DEMO) WIJKBEELD_RAW=$(DEMO_DIR) WIJKBEELD_WAREHOUSE=$(WAREHOUSE) \
		$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

build: $(STAMP) ## Build the warehouse from data/raw (your own exports)
	$(PY) -m etl build --warehouse $(WAREHOUSE)

serve: $(STAMP) ## Serve the dashboard on the existing warehouse (no demo accounts; DEMO=1: with them)
	@if [ "$(SERVE_DEMO)" = 1 ]; then WIJKBEELD_DEMO=1 $(PY) -m dashboard.auth demo-users; fi
	WIJKBEELD_DEMO=$(SERVE_DEMO) WIJKBEELD_WAREHOUSE=$(WAREHOUSE) \
		$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

test: $(STAMP) ## Run all tests (unit, ETL, dashboard, end-to-end browser)
	$(PY) -m pytest

test-fast: $(STAMP) ## Run the tests without the browser test
	$(PY) -m pytest -m "not e2e and not benchmark"

e2e: $(STAMP) ## Browser tests only (headless Chromium)
	$(PY) -m pytest -m e2e

bench: $(STAMP) ## Run the benchmarks; figures go to tests/benchmarks/results/
	$(PY) -m pytest tests/benchmarks -m benchmark -p no:cacheprovider -s -q

bench-etl: $(STAMP) ## ETL benchmark only (10^6 incidents; BENCH_SIZES="1e6 1e7" for both)
	$(PY) -m pytest tests/benchmarks/test_bench_etl.py -m benchmark -p no:cacheprovider -s -q

lint: $(STAMP) ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove demo data, warehouse and caches (never data/raw)
	rm -rf $(DEMO_DIR) $(WAREHOUSE) $(WAREHOUSE).lock .pytest_cache .ruff_cache
