# Two commands do everything: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test venv clean-book help

help:
	@echo "make book   build the book into _build/html (creates .venv if missing)"
	@echo "make test   build the book, then run the whole test suite"

venv: $(STAMP)

# Re-install only when the pins change.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0] + ": set PYTHON=/path/to/python3.11"'
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

# Every chapter is executed (cached by jupyter-cache); warnings are errors.
book: $(STAMP)
	@start=$$(date +%s); \
	LLMCOURSE_STATIC_PROGRESS=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going \
	  && echo "Book built in $$(( $$(date +%s) - start )) s: open $(abspath _build/html/index.html)"

test: book
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

clean-book:
	rm -rf _build
