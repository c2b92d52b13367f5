# newsevents: two commands matter. `make demo` runs the main job end to end on local services;
# `make test` runs the whole test suite against real Kafka, Elasticsearch, Airflow and spaCy.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SERVICES := $(PY) infra/local/services.py
# CLUSTER=3: `make up`, `down`, `status` and `bootstrap` act on a local 3-broker / 3-node cluster instead.
CLUSTER_FLAG := $(if $(filter-out 0 1,$(CLUSTER)),--cluster $(CLUSTER))
CLUSTER_ENV = eval "$$($(SERVICES) $(CLUSTER_FLAG) env)"
export AIRFLOW_HOME ?= $(CURDIR)/var/airflow
export PYTHONUNBUFFERED := 1

.PHONY: help venv setup up down status bootstrap demo test test-unit eval eval-ingest bench bench-cluster export codebook airflow kibana-import lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)  ## Only the .venv with the pinned Python deps (no Java, no Maven)

setup: $(STAMP)  ## Create .venv, install pinned Python deps, resolve Kafka/Elasticsearch jars with Maven (idempotent)
	@$(SERVICES) resolve

up: setup  ## Start local Kafka (KRaft, :9092) and Elasticsearch (:9200), wait until healthy, create topics/templates (CLUSTER=3: a 3-node cluster)
	@$(SERVICES) $(CLUSTER_FLAG) up
	@$(CLUSTER_ENV) && $(PY) -m common.bootstrap
	@if [ -n "$(CLUSTER_FLAG)" ]; then echo "[local] point the clients at the cluster with:"; $(SERVICES) $(CLUSTER_FLAG) env; fi

down:  ## Stop the local services started by `make up` (single node and cluster)
	@if [ -x $(PY) ]; then $(SERVICES) down; fi

status:  ## Show the local services (CLUSTER=3: the cluster's nodes)
	@$(SERVICES) $(CLUSTER_FLAG) status

bootstrap: setup  ## Create topics, index templates and aliases (idempotent; also run by `make up`)
	@$(CLUSTER_ENV) && $(PY) -m common.bootstrap

demo: up  ## The main job: scrape the demo site with the real DAG, extract events, index, search, alert
	@$(PY) -m tools.demo

test: setup  ## Unit + integration tests against real services (starts and stops what it needs)
	@$(SERVICES) with -- $(PY) -m pytest $(PYTEST_ARGS)

test-unit: venv  ## Only the tests that need no services (no Java or Maven needed)
	@$(PY) -m pytest -m "not integration" $(PYTEST_ARGS)

eval: setup  ## Event coder on the frozen test set and the dev split; story grouping and magnitudes on their annotated sets
	@echo "== frozen test set (tests/eval/frozen: written by other hands, never tuned on)"
	@$(PY) -m consumers.extract.evaluate --by-construction
	@echo; echo "== dev split of the training corpus (where the coder is tuned)"
	@$(PY) -m consumers.extract.evaluate --dev
	@echo; echo "== story grouping, development pairs (tests/eval/story_pairs.jsonl: the one-day window was chosen on them)"
	@$(PY) -m consumers.stories.evaluate --file tests/eval/story_pairs.jsonl --window-days 0 1 2 3
	@echo; echo "== story grouping, held-out pairs (tests/eval/story_pairs_heldout.jsonl: written afterwards, never tuned on)"
	@$(PY) -m consumers.stories.evaluate --file tests/eval/story_pairs_heldout.jsonl
	@echo; echo "== magnitudes, development set (tests/eval/magnitudes.jsonl: the rules were refined on its errors)"
	@$(PY) -m consumers.extract.magnitudes_eval --file tests/eval/magnitudes.jsonl
	@echo; echo "== magnitudes, held-out set (tests/eval/magnitudes_heldout.jsonl: written after the rules, never tuned on)"
	@$(PY) -m consumers.extract.magnitudes_eval --file tests/eval/magnitudes_heldout.jsonl

eval-ingest: setup  ## Text F1, title, publication day (vs htmldate) and language of ingestion on 179 saved news pages
	@$(PY) -W ignore -m dags.ingest.evaluate

export: up  ## Run the events_export DAG (dag.test()) for every day with events: Parquet + TSV partitions in var/exports/ (NEWS_EXPORT_URL)
	@$(PY) -m dags.export.run_local

codebook: setup  ## Regenerate docs/codebook.md from the schemas and export tables
	@$(PY) -m dags.export.codebook

bench: up  ## Throughput and latency benchmarks (ingest, extractor, indexer, end to end, export of a 100k-event day)
	@$(PY) -m bench.run

bench-cluster: setup  ## Extractor and indexer throughput with 1 and 2 consumer processes on a local 3-broker / 3-node cluster
	@$(SERVICES) --cluster 3 with -- $(PY) -m bench.cluster_bench

airflow: up  ## Airflow standalone (scheduler, API server, UI on :8080) with our DAGs
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags AIRFLOW__CORE__LOAD_EXAMPLES=False airflow standalone

kibana-import: setup  ## Import data views, searches and the dashboard into $$KIBANA_URL
	@$(PY) infra/kibana/import_saved_objects.py

lock:  ## Re-resolve dependencies and rewrite constraints.txt
	@$(PY) -m pip install --quiet -e '.[test]' --upgrade
	@{ echo '# Full resolved dependency tree (pip freeze). Regenerate with `make lock` after changing pyproject.toml.'; $(PY) -m pip freeze --exclude-editable; } > constraints.txt

clean: down  ## Stop services and delete local data (var/) and the virtualenv
	rm -rf var $(VENV)
