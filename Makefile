# newsevents: two commands matter. `make demo` runs the main job end to end on local services;
# `make test` runs the whole test suite against real Kafka, Elasticsearch, Airflow and spaCy.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SERVICES := $(PY) infra/local/services.py
export AIRFLOW_HOME ?= $(CURDIR)/var/airflow
export PYTHONUNBUFFERED := 1

.PHONY: help setup up down status bootstrap demo test test-unit eval bench export codebook airflow kibana-import lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv, install pinned Python deps, resolve Kafka/Elasticsearch jars with Maven (idempotent)
	@$(SERVICES) resolve

up: setup  ## Start local Kafka (KRaft, :9092) and Elasticsearch (:9200), wait until healthy, create topics/templates
	@$(SERVICES) up
	@$(PY) -m common.bootstrap

down:  ## Stop the local services started by `make up`
	@if [ -x $(PY) ]; then $(SERVICES) down; fi

status:  ## Show the local services
	@$(SERVICES) status

bootstrap: setup  ## Create topics, index templates and aliases (idempotent; also run by `make up`)
	@$(PY) -m common.bootstrap

demo: up  ## The main job: scrape the demo site with the real DAG, extract events, index, search, alert
	@$(PY) -m tools.demo

test: setup  ## Unit + integration tests against real services (starts and stops what it needs)
	@$(SERVICES) with -- $(PY) -m pytest $(PYTEST_ARGS)

test-unit: setup  ## Only the tests that need no services
	@$(PY) -m pytest -m "not integration" $(PYTEST_ARGS)

eval: setup  ## Precision/recall/F1 of the event coder on our annotated sets (development and held-out) and of the magnitudes
	@echo "== development set (tests/eval/annotated.jsonl: the lexicon was written with it in view)"
	@$(PY) -m consumers.extract.evaluate --file tests/eval/annotated.jsonl
	@echo; echo "== held-out set (tests/eval/heldout.jsonl: written after the lexicon, never tuned on)"
	@$(PY) -m consumers.extract.evaluate --file tests/eval/heldout.jsonl
	@echo; echo "== magnitudes, development set (tests/eval/magnitudes.jsonl: the rules were refined on its errors)"
	@$(PY) -m consumers.extract.magnitudes_eval --file tests/eval/magnitudes.jsonl
	@echo; echo "== magnitudes, held-out set (tests/eval/magnitudes_heldout.jsonl: written after the rules, never tuned on)"
	@$(PY) -m consumers.extract.magnitudes_eval --file tests/eval/magnitudes_heldout.jsonl

export: up  ## Run the events_export DAG (dag.test()) for every day with events: Parquet + TSV partitions in var/exports/ (NEWS_EXPORT_URL)
	@$(PY) -m dags.export.run_local

codebook: setup  ## Regenerate docs/codebook.md from the schemas and export tables
	@$(PY) -m dags.export.codebook

bench: up  ## Throughput and latency benchmarks (ingest, extractor, indexer, end to end, export of a 100k-event day)
	@$(PY) -m bench.run

airflow: up  ## Airflow standalone (scheduler, API server, UI on :8080) with our DAGs
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags AIRFLOW__CORE__LOAD_EXAMPLES=False airflow standalone

kibana-import: setup  ## Import data views, searches and the dashboard into $$KIBANA_URL
	@$(PY) infra/kibana/import_saved_objects.py

lock:  ## Re-resolve dependencies and rewrite constraints.txt
	@$(PY) -m pip install --quiet -e '.[test]' --upgrade
	@{ echo '# Full resolved dependency tree (pip freeze). Regenerate with `make lock` after changing pyproject.toml.'; $(PY) -m pip freeze --exclude-editable; } > constraints.txt

clean: down  ## Stop services and delete local data (var/) and the virtualenv
	rm -rf var $(VENV)
