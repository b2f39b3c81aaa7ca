# coproduce: the two commands a new user needs are `make run` and `make test`.
# `make help` lists every target.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c $(CONSTRAINTS)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install-web install-dev system-deps lint typecheck \
        test-sqlite test-postgres test-fast lock update-frontend clean \
        bench bench-spc bench-mfi bench-redact bench-feedback bench-deliberation bench-votes

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coproduce needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.web-installed: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP) -e '.[web]'
	@touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP) -e '.[web,dev]'
	@touch $@ $(VENV)/.web-installed

install-web: $(VENV)/.web-installed ## create .venv and install the app
install-dev: $(VENV)/.dev-installed ## create .venv and install the app and its test tools

run: install-web ## install, migrate SQLite, load the demo project and serve on http://127.0.0.1:8000
	$(BIN)/coproduce migrate
	$(BIN)/coproduce demo --host $(HOST) --port $(PORT)
	$(BIN)/coproduce serve --host $(HOST) --port $(PORT)

system-deps: ## install Debian's chromium and postgresql if missing (needs root or sudo)
	@scripts/system-deps.sh

lint: install-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev ## mypy (strict on the core)
	$(BIN)/mypy

test-sqlite: install-dev ## every test, browser tests included, on SQLite
	$(BIN)/pytest

test-postgres: install-dev ## the database tests again, on a throwaway PostgreSQL cluster
	scripts/with-postgres.sh $(BIN)/pytest -m "database and not browser"

test: install-dev system-deps lint typecheck test-sqlite test-postgres ## everything CI runs
	@echo "make test: all checks passed"

test-fast: install-dev ## unit and database tests on SQLite, no browser
	$(BIN)/pytest -m "not browser" -q

bench: bench-spc bench-mfi bench-redact bench-feedback bench-deliberation bench-votes ## every benchmark, one after another

bench-spc: install-dev ## time SPC (200,000 series x 36) against clinical-qikit; BENCH_SPC_ARGS="--series 2000"
	$(BIN)/python benchmarks/spc_bench.py $(BENCH_SPC_ARGS)

bench-mfi: install-dev ## time the measure page, board and 100,000-row upload (issue 4); BENCH_MFI_ARGS="--no-upload"
	$(BIN)/python benchmarks/mfi_bench.py $(BENCH_MFI_ARGS)

bench-redact: install-dev ## identifier redaction: speed, recall and precision against a naive baseline and scrubadub (issue 6)
	$(BIN)/python benchmarks/redact_bench.py $(BENCH_REDACT_ARGS)

bench-feedback: install-dev ## feedback classification and sentiment: macro-F1 (5-fold CV) and speed against TF-IDF + logistic regression (issue 6)
	$(BIN)/python benchmarks/feedback_bench.py $(BENCH_FEEDBACK_ARGS)

bench-deliberation: install-dev ## opinion groups, consensus and bridging for 10,000 x 1,000 votes against red-dwarf (issue 7)
	$(BIN)/python benchmarks/deliberation_bench.py $(BENCH_DELIBERATION_ARGS)

bench-votes: install-dev system-deps ## vote submissions under load (wrk), SQLite and PostgreSQL, one process vs serve --processes 2, lost votes counted (issue 7)
	@command -v wrk >/dev/null || { echo "bench-votes needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/vote_load.py $(BENCH_VOTES_ARGS)

lock: ## re-resolve requirements/constraints.txt from pyproject.toml
	scripts/lock.sh

update-frontend: ## re-vendor nhsuk-frontend and axe-core at the versions in frontend/
	scripts/update-frontend.sh

clean: ## remove the virtualenv and caches (keeps data/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
