# Everything the project needs is installed from here: a fresh clone needs only
# `make run` (start the assistant) and `make test` (run every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
MODEL   := models/miss-assistant.tar.gz
STAMPS  := $(VENV)/.stamps

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(wildcard data/triage/*.yml) \
                   $(wildcard miss_nlp/*.py) \
                   $(wildcard miss_nlp/*/*.py)

.PHONY: help setup train retrain validate run shell shell-rasa doctor test test-fast evaluate baseline \
        clean widget-deps service-deps prune-conversations red-flags-doc report

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMPS)/venv: pyproject.toml scripts/find-python.sh
	@py=$$(scripts/find-python.sh) || exit 1; \
	echo "Using $$py"; \
	[ -x $(BIN)/python ] || $$py -m venv $(VENV)
	@echo "Installing Python packages (first time: a few minutes, ~2.7 GB)..."
	@$(BIN)/python -m pip install -e '.[test]' > $(VENV)/pip.log 2>&1 \
	  || { grep -v "WARNING: Location" $(VENV)/pip.log | tail -40; echo "pip install failed (full log: $(VENV)/pip.log)"; exit 1; }
	@mkdir -p $(STAMPS) && touch $@

# The spaCy pipeline is not inside the Rasa model and its fingerprint is only its
# name, so it has its own stamp, and a rebuilt pipeline forces a retrain.
$(STAMPS)/spacy: $(STAMPS)/venv miss_nlp/pipeline.py miss_nlp/terms.py
	@$(BIN)/python -W ignore -m miss_nlp.pipeline
	@touch $@

setup: $(STAMPS)/spacy  ## Create the virtual environment and install everything

# Rasa warns about responses that only the channels send and about the two
# intents only the input guard sends; tests/test_dialogue.py fails on any other.
validate: setup  ## Check the training data and domain
	$(BIN)/python -m pytest -q tests/test_dialogue.py -k validates

# Training prints hundreds of progress lines: they go to var/logs/train.log, and
# only a failure shows the end of it.
$(MODEL): $(STAMPS)/spacy $(TRAINING_INPUTS)
	@mkdir -p var/logs; force=""; [ -f $@ ] && [ $(STAMPS)/spacy -nt $@ ] && force="--force"; \
	echo "Training the model (a few minutes; log: var/logs/train.log)..."; \
	$(BIN)/python -m assistant.quiet rasa train --fixed-model-name miss-assistant --out models \
	  $$force > var/logs/train.log 2>&1 \
	  || { tail -40 var/logs/train.log; echo "Training failed (full log: var/logs/train.log)"; exit 1; }
	@touch $@

train: $(MODEL)  ## Train the model if anything it depends on changed

retrain: $(STAMPS)/spacy  ## Train again even if Rasa's fingerprint sees no change (after editing a component's code)
	$(BIN)/rasa train --fixed-model-name miss-assistant --out models --force

run: train  ## Start the assistant (REST channel on 127.0.0.1:5005)
	@$(BIN)/python -m assistant.launcher run

shell: train  ## Chat with the assistant in the terminal (numbered choices, sources, urgent marks)
	@$(BIN)/python -m assistant.launcher shell

shell-rasa: train  ## The same chat in Rasa's own console client (raw JSON; for debugging)
	$(BIN)/python -m assistant.launcher shell --rasa-console

# Runs before anything is installed too: with .venv's Python, else any Python 3.
doctor:  ## Check what `make run` needs, in seconds, starting nothing (PRODUCTION=1: for patients)
	@py=$(BIN)/python; $$py -c '' 2>/dev/null || py=$$(scripts/find-python.sh 2>/dev/null) \
	  || py=$$(command -v python3) \
	  || { echo "No Python found: install Python 3.10 (e.g. 'apt-get install python3.10-venv') or set PYTHON=/path/to/python3.10"; exit 1; }; \
	$$py -m assistant.doctor $(if $(PRODUCTION),--production)

# Two workers (pytest-xdist) use the core one process leaves idle (README, "Tests");
# tests/conftest.py keeps each server's tests on one worker. TEST_WORKERS=0 runs
# them all in this process, as plain `python -m pytest` does.
TEST_WORKERS ?= 2

test: train baseline widget-deps service-deps  ## Run the whole test suite
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

test-fast: setup  ## Unit tests only (no training, no servers)
	$(BIN)/python -m pytest -m "not server and not model"

evaluate: train baseline  ## Held-out NLU evaluation with the baseline comparison
	$(BIN)/python -m assistant.evaluate

# The plain TF-IDF + LR baseline every evaluation compares with (assistant/baseline.py):
# fitted once per change of the NLU data (about 45 s) and kept under models/.
baseline: setup  ## Fit the evaluations' plain baseline unless an identical fit is kept
	@$(BIN)/python -m assistant.baseline

# The widget tests drive Debian's Chromium with Playwright (pip, in .[test]; it
# never downloads a browser) and check accessibility with axe-core (npm).
CHROMIUM := /usr/bin/chromium

$(STAMPS)/widget: $(STAMPS)/venv widget/package.json widget/package-lock.json
	@missing=""; [ -x $(CHROMIUM) ] || missing="chromium"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	scripts/apt-install.sh "The widget tests" $$missing
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

widget-deps: $(STAMPS)/widget  ## Install what the widget tests need (Chromium, axe-core)

# The scale-out tests (tests/test_scale_out.py) run two Rasa servers sharing
# PostgreSQL and Redis from Debian's packages; the tests start their own
# servers in temporary folders on free loopback ports and stop them at the end.
$(STAMPS)/services: $(STAMPS)/venv
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
	  || missing="postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	scripts/apt-install.sh "The scale-out tests" $$missing
	@touch $@

service-deps: $(STAMPS)/services  ## Install what the scale-out tests need (PostgreSQL, Redis)

red-flags-doc: setup  ## Rewrite docs/red-flags.md (the clinical review table) from knowledge/red_flags.yml
	$(BIN)/python -m miss_nlp.red_flags_doc

prune-conversations: setup  ## Delete conversations quiet for DAYS days: make prune-conversations DAYS=30
	@[ -n "$(DAYS)" ] || { echo "Usage: make prune-conversations DAYS=30"; exit 2; }
	$(BIN)/python -m assistant.retention --days $(DAYS)

# The clinic's report (assistant/report): from the same conversation store the
# servers use, to results/report/report.html and CSV files beside it.
report: setup  ## The clinic's report on the last DAYS days: make report DAYS=30 (or SINCE=2026-11-01 UNTIL=2026-11-30)
	$(BIN)/python -m assistant.report$(if $(DAYS), --days $(DAYS))$(if $(SINCE), --since $(SINCE))$(if $(UNTIL), --until $(UNTIL))$(if $(OUT), --out $(OUT))

clean:  ## Remove the virtual environment, models and test output
	rm -rf $(VENV) models results test-artifacts .pytest_cache
