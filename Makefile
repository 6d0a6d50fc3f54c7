# News framing toolkit: one entry point for building, testing and exploring.
#
#   make figures   execute every numbered notebook; they write figures/
#   make test      unit tests, doctests and every notebook, offline
#   make help      list all targets
#
# Needs only python3 (>= 3.11) and GNU make. The first run creates .venv/ and
# installs the pinned environment into it; later runs reuse it until
# pyproject.toml or constraints.txt changes.

PYTHON ?= python3
VENV := .venv
VENV_BIN := $(VENV)/bin
VENV_PY := $(VENV_BIN)/python
STAMP := $(VENV)/.installed

BUILD := build
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
EXECUTED_DIR := $(BUILD)/notebooks
TEST_FIGURES_DIR := $(CURDIR)/$(BUILD)/test-figures
CELL_TIMEOUT := 600

# Kernel specs installed in the venv win over any user-wide "python3" kernel.
export JUPYTER_PREFER_ENV_PATH := 1
# Quiets jupyter_core's notice about its move to platformdirs.
export JUPYTER_PLATFORM_DIRS := 1

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

.PHONY: help figures test lab lock clean clean-venv strip

help: ## Show this list of targets
	@echo "Usage: make <target>"
	@echo
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------

# Rebuilt whenever the dependency declarations change. The kernel is installed
# under the name "python3" inside the venv, so notebooks (make figures, make
# test, make lab) always run with the project's interpreter. The nbstripout
# git filter is registered only when this is a git checkout.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required; run: make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -c constraints.txt -e ".[dev]"
	$(VENV_PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (news-framing)"
	@if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		$(VENV_PY) -m nbstripout --install --attributes .gitattributes; \
		echo "nbstripout git filter registered"; \
	else \
		echo "not a git checkout: skipping the nbstripout git filter"; \
	fi
	touch $@

# ---------------------------------------------------------------------------
# Main jobs
# ---------------------------------------------------------------------------

figures: $(STAMP) ## Run every notebooks/NN-*.ipynb headless (they write figures/), then figures/README.md and exercises
	env -u ANALYSIS_FIGURES_DIR $(VENV_PY) scripts/run_notebooks.py \
		--timeout $(CELL_TIMEOUT) --save-dir $(EXECUTED_DIR) $(NOTEBOOKS)
	env -u ANALYSIS_FIGURES_DIR $(VENV_PY) -c \
		'from analysis.plots.catalog import write_figures_readme; print("wrote", write_figures_readme())'
	$(VENV_PY) scripts/make_exercises.py

# Figures from tests go to build/test-figures, never to the committed figures/.
test: $(STAMP) ## Run unit tests, doctests and every notebook (offline)
	rm -rf $(TEST_FIGURES_DIR)
	mkdir -p $(TEST_FIGURES_DIR)
	ANALYSIS_FIGURES_DIR=$(TEST_FIGURES_DIR) MPLBACKEND=Agg \
		$(VENV_PY) -m pytest -p no:cacheprovider \
		tests \
		--doctest-modules analysis \
		--nbmake --nbmake-kernel=python3 --nbmake-timeout=$(CELL_TIMEOUT) notebooks

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's environment
	$(VENV_BIN)/jupyter lab --notebook-dir=notebooks

strip: $(STAMP) ## Strip outputs and counts from notebooks/*.ipynb in place
	$(if $(wildcard notebooks/*.ipynb),$(VENV_PY) -m nbstripout $(wildcard notebooks/*.ipynb),@echo "no notebooks to strip")

# ---------------------------------------------------------------------------
# Later targets (not implemented yet): report, exercises, benchmark, fuzz.
# Add each one here with a "## description" so that `make help` lists it.
# ---------------------------------------------------------------------------

# The fuzz tests run a few fixed examples in `make test`; this runs thousands of
# random ones (failures are kept in .hypothesis/ and replayed) and the 50 MB
# one-line document. Takes a few minutes.
.PHONY: fuzz
fuzz: $(STAMP) ## Long fuzz run of the text stages and the robustness tests
	ANALYSIS_FUZZ=long MPLBACKEND=Agg $(VENV_PY) -m pytest -p no:cacheprovider \
		tests/test_fuzz.py tests/test_robustness.py tests/test_fast_scan.py \
		tests/test_entities_speed.py tests/test_quotes_speed.py tests/test_tfidf_speed.py

REPORT_DIR := $(BUILD)/report
.PHONY: report exercises

report: $(STAMP) ## Write the HTML report on seeds/ into build/report/ (report.html)
	mkdir -p $(BUILD)
	$(VENV_PY) -m analysis report seeds --out $(REPORT_DIR) --overwrite

exercises: $(STAMP) ## Regenerate notebooks/exercises/ (student versions) from the cell tags
	$(VENV_PY) scripts/make_exercises.py

# Synthetic corpora go to build/bench (ignored by git; never commit them). Each
# stage runs in its own process, interleaved, medians of BENCH_REPEAT runs; the
# table is printed and the raw numbers saved as build/bench/results-<size>.json.
# See docs/benchmarks.md.
BENCH_REPEAT ?= 3
.PHONY: benchmark benchmark-large
benchmark: $(STAMP) ## Time every stage on 1k and 10k synthetic articles, vs CountVectorizer
	$(VENV_PY) -m benchmarks.generate --sizes 1k 10k
	$(VENV_PY) -m benchmarks.run --size 1k --repeat $(BENCH_REPEAT)
	$(VENV_PY) -m benchmarks.run --size 10k --repeat $(BENCH_REPEAT)

benchmark-large: $(STAMP) ## Streamed counting on 100k and 1M articles (~4 GB; slow)
	$(VENV_PY) -m benchmarks.generate --sizes 100k 1M
	$(VENV_PY) -m benchmarks.run --size 100k --repeat 1 --stages countvectorizer counts-1 counts-stream-2
	$(VENV_PY) -m benchmarks.run --size 1M --repeat 1 --stages counts-stream-2

# ---------------------------------------------------------------------------
# Maintenance
# ---------------------------------------------------------------------------

# Resolves the pins in pyproject.toml afresh (no constraints) in a throw-away
# venv and rewrites constraints.txt, keeping its comment header. To upgrade a
# package: edit its pin in pyproject.toml, run `make lock`, review the diff,
# then `make test`.
LOCK_VENV := $(BUILD)/lock-venv
lock: ## Regenerate constraints.txt from a fresh venv
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install -e ".[dev]"
	grep '^#' constraints.txt > $(BUILD)/constraints.txt.new
	$(LOCK_VENV)/bin/python -m pip freeze --exclude-editable \
		| grep -v -i -E '^(news-framing|news_framing)([=@ ]|$$)' \
		>> $(BUILD)/constraints.txt.new
	mv $(BUILD)/constraints.txt.new constraints.txt
	rm -rf $(LOCK_VENV)
	@echo "constraints.txt rewritten; review it with: git diff constraints.txt"

clean: ## Remove build outputs and caches (keeps seeds/, figures/, .venv/)
	rm -rf $(BUILD) .pytest_cache .hypothesis
	find . \( -path ./$(VENV) -o -path ./.git \) -prune -o -type d \
		\( -name __pycache__ -o -name .ipynb_checkpoints -o -name '*.egg-info' \) \
		-prune -exec rm -rf {} +

clean-venv: ## Remove the virtual environment (.venv/)
	rm -rf $(VENV)
