# Explicite — every command a newcomer, an operator or CI needs. `make` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

help: ## List the commands
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements-openfisca.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev,openfisca]'
	@$(PY) -m pip install --quiet --no-deps -r requirements-openfisca.txt
	@touch $(STAMP)

venv: $(STAMP) ## Create the virtualenv and install Explicite with its dependencies

# PDFs are drawn by WeasyPrint, which needs Pango and the DejaVu fonts from Debian.
PDF_DEPS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

run: $(STAMP) ## Run the whole system on the embedded default (SQLite, one process, port 8000)
	@scripts/ensure-system-deps $(PDF_DEPS)
	$(VENV)/bin/explicite run

system-deps: ## Install RabbitMQ, PostgreSQL and Chromium from Debian when missing (tests need them)
	@scripts/ensure-system-deps rabbitmq-server postgresql chromium $(PDF_DEPS)

lint: $(STAMP) ## Check formatting, common mistakes (ruff) and the layering (import-linter)
	$(VENV)/bin/ruff format --check --no-cache shared services tests
	$(VENV)/bin/ruff check --no-cache shared services tests
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP) ## Check types (mypy)
	$(VENV)/bin/mypy

test: $(STAMP) system-deps browser-deps lint typecheck ## Run lint, types and every test (starts real RabbitMQ and PostgreSQL)
	@$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

# In `make test` the browser tests must run: a missing Chromium or axe-core is a failure there,
# while elsewhere (a bare `pytest`) they are skipped with the reason.
test: export EXPLICITE_BROWSER_TESTS := required

# Playwright's Python package drives Debian's Chromium: never `playwright install`, which would
# download a browser of its own. axe-core comes from npm, pinned by tests/browser/package-lock.json.
BROWSER_DIR := tests/browser
$(VENV)/.playwright: $(STAMP)
	@$(PY) -m pip install --quiet 'playwright==1.65.2'
	@touch $@

$(BROWSER_DIR)/node_modules/.package-lock.json: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error

browser-deps: $(VENV)/.playwright $(BROWSER_DIR)/node_modules/.package-lock.json ## Playwright (Python) and axe-core (npm) for the browser tests

test-browser: $(STAMP) system-deps browser-deps ## Browser journeys, keyboard, phone and axe-core only (screenshots in test-artifacts/browser)
	EXPLICITE_BROWSER_TESTS=required $(VENV)/bin/pytest tests/browser $(PYTEST_ARGS)

test-faults: $(STAMP) system-deps ## Kill brokers, workers and databases under load, at full scale (minutes)
	EXPLICITE_FAULTS_SCALE=full $(VENV)/bin/pytest tests/faults -m faults -p no:logging -s $(PYTEST_ARGS)

test-fast: $(STAMP) ## Run the tests that need neither RabbitMQ nor PostgreSQL
	$(VENV)/bin/pytest -m "not infra" $(PYTEST_ARGS)

bench: $(STAMP) system-deps $(VENV)/bin/py-spy ## Measure ingest, latency, HTTP, memory against the raw broker (bench-report.json)
	@scripts/ensure-system-deps wrk
	$(PY) -m tests.bench $(BENCH_ARGS)

bench-soak: $(STAMP) system-deps ## The worker's memory over 1 million decisions (bench-soak-report.json, ~20 min)
	$(PY) -m tests.bench --scale soak --no-profile --out bench-soak-report.json $(BENCH_ARGS)

$(VENV)/bin/py-spy: $(STAMP)
	@$(PY) -m pip install --quiet py-spy
	@touch $@

# Compose v2 (`docker compose`) when the machine has it, else Debian's docker-compose, installed
# when neither is there: validating the file needs no Docker engine.
compose-check: ## Validate docker-compose.yml with the example settings (installs docker-compose if needed)
	@compose="docker compose"; $$compose version >/dev/null 2>&1 || compose=docker-compose; \
	  if [ "$$compose" = docker-compose ] && ! command -v docker-compose >/dev/null; then \
	    scripts/ensure-system-deps docker-compose; fi; \
	  env=$$(mktemp -d); cp docker-compose.yml $$env/; cp -r deploy $$env/; \
	  cp deploy/env.example $$env/.env; cd $$env && $$compose config -q && \
	  echo "docker-compose.yml is valid"; status=$$?; rm -rf $$env; exit $$status

clean: ## Remove the virtualenv, local databases and caches
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis

.PHONY: help venv run system-deps lint typecheck test test-faults test-fast compose-check clean
.PHONY: bench bench-soak browser-deps test-browser
