# LSTM outputs, executed. `make help` lists the targets.
# Every target creates or reuses the virtual environment in $(VENV) and installs
# requirements.txt (exact pins) and the lstm_helpers package into it first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two pytest workers, one notebook each at a time (--dist loadscope keeps a notebook's cells together).
WORKERS ?= 2
PYTEST_ARGS ?= -n $(WORKERS) --dist loadscope
# Notebook kernels under nbval (make test, nbval, test-backends) are forked from one warm process
# per pytest worker that has already imported lstm_helpers, Keras and TensorFlow (conftest.py,
# tools/kernels). WARM_KERNELS=0 starts each one fresh, the ordinary way (as make execute
# always does); WARM_KERNELS=1 fails the run if any kernel could not be forked (CI sets it).

# The notebook kernels are started as `python`: make it the venv's. (TensorFlow's logging and
# TF_ENABLE_ONEDNN_OPTS get their defaults from lstm_helpers/_runtime.py, the one place.)
export PATH := $(abspath $(BIN)):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help venv lint book pdf pdf-test test nbval test-backends test-versions site-test colab-check execute lab bench requirements clean

help:
	@echo "make book     build the static site into _build/html (the main job)"
	@echo "make lint     ruff: formatting checked, then lint, over the package, tests, tools,"
	@echo "              _ext, conftest.py and the chapters' code cells (make test runs it first)"
	@echo "make test     unit tests, pytest --nbval over every chapter, and a -W -n book build"
	@echo "              (WARM_KERNELS=0 make test: every notebook in a fresh kernel, no warm process)"
	@echo "make nbval    only the nbval pass over every chapter (CI repeats it with oneDNN on)"
	@echo "make test-backends  the nbval pass under Keras's JAX and PyTorch backends"
	@echo "make test-versions  the nbval pass on older Keras/TensorFlow pairs, one venv each"
	@echo "              (tests/versions/pairs.toml), then on the pin; version-bound cells are"
	@echo "              listed in tests/versions/expected.toml (VERSIONS_ARGS=--help: options)"
	@echo "make site-test  build the site and the PDF, then check every page in headless Chromium"
	@echo "              (offline; axe-core accessibility audit, from npm ci)"
	@echo "make pdf      build the whole book as one PDF (_build/latex/lstm-outputs-executed.pdf)"
	@echo "make pdf-test build the PDF, then check its chapter titles, outputs and figures"
	@echo "make colab-check  run chapters as a first-time Colab user: a fresh venv, no lstm_helpers"
	@echo "make execute  re-run every chapter in a fresh kernel and store its outputs"
	@echo "make lab      open the chapters in JupyterLab"
	@echo "make bench    time the floor, each chapter, make test and make book (bench/latest.md)"
	@echo "make requirements  re-pin requirements.txt from requirements.in in a fresh venv"
	@echo "make clean    remove _build (the venv stays)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP)

# Everything the site is built from: every file and folder of the repository but the outputs,
# caches and environments (a folder counts too: deleting a file changes its folder). When none
# is newer than the last successful build, `make book` has nothing to do and says so.
BOOK_INPUTS := $(shell find . \( -path ./.git -o -path './.venv*' -o -path ./_build -o -path ./bench \
  -o -path ./test-output -o -name .hypothesis -o -name __pycache__ -o -name '*.egg-info' \
  -o -name .ipynb_checkpoints -o -name .pytest_cache -o -path ./node_modules \) -prune -o -print)
BOOK_STAMP := _build/html/.make-book

book: $(BOOK_STAMP)
	@echo "Open _build/html/index.html, or serve it (the shape explorer needs this):"
	@echo "  $(BIN)/python -m http.server -d _build/html"

$(BOOK_STAMP): $(STAMP) $(BOOK_INPUTS)
	$(BIN)/jupyter-book build .
	@touch $@

# ruff (pinned in requirements.txt, configured in pyproject.toml) reads the chapters' code cells
# too. It runs first in `make test`: a second, where the tests take minutes.
LINT_PATHS := lstm_helpers tests tools _ext conftest.py chapters

lint: $(STAMP)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/ruff check $(LINT_PATHS)

test: $(STAMP) lint
	@$(BIN)/python -m pytest $(PYTEST_ARGS) tests chapters; status=$$?; \
	if [ $$status -eq 5 ]; then \
	  echo "make test: pytest collected no tests. An empty run proves nothing, so this fails." >&2; \
	fi; exit $$status

nbval: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS) chapters

test-backends: $(STAMP)
	$(BIN)/python -m tools.nbval_backends

# Every chapter on each older Keras/TensorFlow pair of tests/versions/pairs.toml, in its own venv
# under .venv-versions/ (made from PyPI the first time, reused while the file says the same),
# then on the pin in $(VENV). Re-record the version-bound cells after a chapter changes:
#   make test-versions VERSIONS_ARGS=--record
VERSIONS_ARGS ?=

test-versions: $(STAMP)
	$(BIN)/python -m tools.versions $(VERSIONS_ARGS)

# The book as one PDF (Jupyter Book's pdflatex builder, XeLaTeX; TeX Live from Debian, see
# README.md). Copied into the built site too, which links to it from the landing page.
PDF := _build/latex/lstm-outputs-executed.pdf

pdf: $(PDF)

$(PDF): $(STAMP) $(BOOK_INPUTS)
	$(BIN)/jupyter-book build . --builder pdflatex
	@if [ -d _build/html/_static ]; then cp $@ _build/html/_static/; fi

pdf-test: pdf
	$(BIN)/python -m pytest tests/site/pdf_check.py

# axe-core for the browser test's accessibility audit: the exact version in package-lock.json.
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

site-test: book pdf $(NODE_STAMP)
	$(BIN)/python -m pytest tests/site/browser_check.py

colab-check: $(STAMP)
	$(BIN)/python -m tools.colab_check

bench: $(STAMP)
	$(BIN)/python -m tools.bench

execute: $(STAMP)
	$(BIN)/python -m tools.execute --jobs $(WORKERS)

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

requirements:
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.in
	{ sed -n '1,3p' requirements.txt; .venv-pin/bin/python -m pip freeze --exclude-editable; } > requirements.txt.new
	mv requirements.txt.new requirements.txt && rm -rf .venv-pin

clean:
	rm -rf _build
