# MindPulse: `make run` installs everything and materializes the pipeline on sample data;
# `make test` runs the whole test suite. Both need only Python 3.11 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
# Never let uv download an interpreter: the machine's Python 3.11 is the one we use.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

# uv from PATH, else bootstrapped into .tools/ with the machine's Python.
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
MANIFEST := dbt_project/target/manifest.json
SCALES ?= 1 10 100
# The one data folder (orchestration/settings.py): warehouse, landing files, published copy, logs.
DATA_DIR := $(or $(MINDPULSE_DATA_DIR),$(CURDIR)/data)

# One progress line per stage: `$(call stage,name,command)`.
define stage
	@start=$$(date +%s%N); log=$$(mktemp); \
	( $(2) ) > $$log 2>&1 || { cat $$log; echo "  FAILED  $(1)"; rm -f $$log; exit 1; }; \
	rm -f $$log; ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
	printf "  ok      %-32s %4d.%01d s\n" "$(1)" $$((ms / 1000)) $$(((ms % 1000) / 100))
endef

.PHONY: help install prepare run replay test dev dashboard dbt-build bench lint clean

help:
	@echo "make run        install, prepare dbt, materialize every asset on sample data"
	@echo "make replay     rebuild RAW (and everything after it) from the landed files;"
	@echo "                BATCH=<batch id> picks one, default: the batch loaded last"
	@echo "make test       the whole test suite"
	@echo "make dev        Dagster UI on http://localhost:3000"
	@echo "make dashboard  Streamlit dashboard on http://localhost:8501"
	@echo "make dbt-build  dbt build against the configured warehouse"
	@echo "make bench      pipeline benchmark at sample scales $(SCALES) (JSON report)"
	@echo "make lint       ruff + sqlfluff"

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ with $(PYTHON)"
	@$(PYTHON) -m venv $(CURDIR)/.tools && $(CURDIR)/.tools/bin/pip install --quiet uv==0.13.9

# Bytecode compiled once at install: every later process (each run, dbt, the tests' runs)
# imports without compiling, also where PYTHONDONTWRITEBYTECODE keeps Python from caching it.
$(BIN)/.installed: pyproject.toml uv.lock | $(UV)
	$(call stage,install (uv sync --locked),$(UV) sync --locked --compile-bytecode)
	@touch $@

install: $(BIN)/.installed

# checkov checks terraform/ in make test, from an environment of its own (it pins packaging<24,
# which pytest 9 cannot share): pinned with hashes in tests/deploy/checkov-requirements.txt.
CHECKOV_VENV := $(CURDIR)/.tools/checkov
export MINDPULSE_CHECKOV := $(CHECKOV_VENV)/bin/checkov
$(CHECKOV_VENV)/.installed: tests/deploy/checkov-requirements.txt | $(UV)
	$(call stage,install checkov (own environment),$(UV) venv -q --allow-existing $(CHECKOV_VENV) && $(UV) pip sync -q --python $(CHECKOV_VENV)/bin/python $<)
	@touch $@

$(MANIFEST): $(BIN)/.installed $(shell find dbt_project \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -not -path '*/target/*' 2>/dev/null)
	$(call stage,prepare dbt manifest,cd dbt_project && $(BIN)/dbt parse --quiet)

prepare: $(MANIFEST)

# The Dagster instance `make run` and `make dev` share (pool limits from orchestration/).
$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME) && cp $< $@

run: prepare $(DAGSTER_HOME)/dagster.yaml
	@$(BIN)/python -m orchestration.run_pipeline

# RAW from the landing folder instead of the sources (no network, no export file needed).
BATCH ?= latest
replay: prepare $(DAGSTER_HOME)/dagster.yaml
	@$(BIN)/python -m orchestration.run_pipeline --replay "$(BATCH)"

test: prepare $(DAGSTER_HOME)/dagster.yaml $(CHECKOV_VENV)/.installed
	@$(BIN)/pytest

dev: prepare $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

dashboard: install
	$(BIN)/streamlit run dashboard/app.py --server.headless true --browser.gatherUsageStats false \
	  --client.toolbarMode viewer

dbt-build: prepare
	cd dbt_project && $(BIN)/dbt build

bench: prepare
	$(BIN)/python -m tests.benchmarks.bench_pipeline --scales $(SCALES)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && $(BIN)/sqlfluff lint models

# Removes what MindPulse wrote, never a folder the user chose: only our sub-folders of the data
# folder (the folder itself only if that leaves it empty) and an explicitly placed warehouse file.
clean:
	rm -rf "$(DATA_DIR)/warehouse" "$(DATA_DIR)/landing" "$(DATA_DIR)/logs"
	rmdir "$(DATA_DIR)" 2>/dev/null || true
	$(if $(MINDPULSE_DUCKDB_PATH),rm -f "$(MINDPULSE_DUCKDB_PATH)" "$(MINDPULSE_DUCKDB_PATH).wal")
	rm -rf .dagster_home dbt_project/target artifacts
