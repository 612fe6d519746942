# Set-up and everyday commands. Each target creates .venv and installs what it needs (idempotent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/solar-plant.txt

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)  ## Narrate the bundled example article into audio_out/
	$(BIN)/briefing generate $(EXAMPLE)

test: $(STAMP)  ## Run the test suite
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## Time the tool against a bare espeak-to-MP3 pipeline
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) audio_out/*.mp3 .pytest_cache
