# Set-up and everyday commands. Each target creates .venv and installs what it needs (idempotent):
# `make demo` only what running needs, `make test` and `make bench` the test tools and optional parts too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
SERVE_STAMP := $(VENV)/.installed-serve
PORT ?= 8080
WORKERS ?= 2
EXAMPLE ?= examples/solar-plant.txt

.PHONY: demo test bench serve clean

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

$(SERVE_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	touch $(SERVE_STAMP)

demo: $(RUN_STAMP)  ## Narrate the bundled example article into audio_out/
	$(BIN)/briefing generate $(EXAMPLE)

test: $(TEST_STAMP)  ## Lint and type-check the package, then run the test suite
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 4  # four workers: much of a test is waiting on sockets and child processes

serve: $(SERVE_STAMP)  ## Run the briefing service on http://127.0.0.1:$(PORT)/ ($$BRIEFING_TOKEN guards writes)
	$(BIN)/briefing serve --port $(PORT) --workers $(WORKERS)

bench: $(TEST_STAMP)  ## Time the tool against a bare espeak-to-MP3 pipeline
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) audio_out/*.mp3 .pytest_cache
