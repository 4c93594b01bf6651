# danhmuc — the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast check lint typecheck corpus eval bench clean system-deps

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

system-deps:
	@scripts/ensure-system-deps.sh

## make demo: install everything, run the main job on the bundled corpus, print where the outputs are
demo: system-deps $(STAMP)
	$(BIN)/danhmuc demo

## make test: install everything and run every test
test: system-deps $(STAMP)
	$(BIN)/python -m pytest -q

## make test-fast: the tests not marked slow (a quick loop while working; CI runs every test)
test-fast: system-deps $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy danhmuc extract nlp matching catalog api

## make check: ruff, mypy and the tests
check: lint typecheck test

## make eval: the evaluation table on the corpus gold
eval: system-deps $(STAMP)
	$(BIN)/danhmuc eval --json out/eval.json

## make corpus: re-render the DOCX/PDF/scan renderings of the seeds (needs LibreOffice, installed here)
corpus: $(STAMP)
	@scripts/ensure-system-deps.sh
	$(BIN)/python -m corpus.render

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
