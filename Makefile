# revaudit: the two commands that matter are `make demo` and `make test`.
SHELL := /bin/bash
UV_BIN := $(shell command -v uv 2>/dev/null)
UV := $(if $(UV_BIN),$(UV_BIN),python3 -m uv)
RUN := $(UV) run --frozen
PORT ?= 8501

.PHONY: uv install demo warehouse app test bench sample clean

uv:  ## uv itself, from PyPI, when the machine has none
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv

install: uv  ## Create .venv from uv.lock (reproducible; nothing resolved at install time)
	$(UV) sync --frozen

warehouse: install  ## Build data/warehouse.duckdb from data/sample (safe to repeat)
	$(RUN) revaudit run --inbox data/sample

app: install  ## Serve the dashboard on http://localhost:$(PORT)
	$(RUN) revaudit app --port $(PORT)

demo: warehouse app  ## Install, build the warehouse from the sample, serve the app

test: install  ## Install and run every check and test
	$(RUN) dg check defs
	$(RUN) ruff check
	$(RUN) pytest

bench: uv  ## Benchmarks (results in benchmarks/results/)
	$(UV) sync --frozen --group bench
	$(UV) run --frozen --group bench python benchmarks/x12_bench.py
	$(UV) run --frozen --group bench python benchmarks/x12_floor.py
	$(UV) run --frozen --group bench python benchmarks/synth_bench.py --million
	$(UV) run --frozen --group bench python benchmarks/dbt_bench.py

sample: install  ## Regenerate data/sample byte for byte
	rm -rf data/sample
	$(RUN) revaudit synth --out data/sample --seed 20261031 --clients 3 --months 12

clean:
	rm -rf data/warehouse.duckdb data/warehouse.duckdb.wal data/quarantine dbt_project/target dbt_project/logs
