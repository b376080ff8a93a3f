# Two commands do everything: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book book-instructors test venv clean-book help release grade feedback grades sandbox chromium hub

help:
	@echo "make book              build the student edition into _build/html (creates .venv if missing)"
	@echo "make book-instructors  build the instructors' edition (the book plus the instructor guide and"
	@echo "                       the grading threat model) into _build/instructors/_build/html"
	@echo "make test              build both editions, then run the whole test suite (installs chromium"
	@echo "                       and bubblewrap as root); fast tier: .venv/bin/python -m pytest -m 'not slow'"
	@echo "instructors (nbgrader, run in autograder/):"
	@echo "  make release          regenerate exercises/ from solutions/ for every assignment"
	@echo "  make grade A=lora     intake, autograde what is new or out of date (FORCE=1: all; WORKERS=n), reports"
	@echo "  make feedback A=lora  write every graded student's report and the not-graded pages"
	@echo "  make hub              (as root, on the course server) JupyterHub for students and instructors"
	@echo "  make grades           export the assignments with submissions to autograder/grades.csv (A=id1,id2)"

venv: $(STAMP)

# Re-install only when the pins change.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0] + ": set PYTHON=/path/to/python3.11"'
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

# Every chapter is executed (cached by jupyter-cache); warnings are errors.
# Two editions from one source, each with its own table of contents (a toc cannot be
# conditional, and `only` directives would still build the instructors' pages as pages):
# the student edition from _toc.yml, the instructors' edition from _toc_instructors.yml.
# Both share one jupyter-cache (_config.yml: _build/.jupyter_cache, relative to this folder),
# so the second edition re-uses the executed chapters. Each edition's HTML folder is written
# afresh (Sphinx never deletes the page of a file that left the toc); its doctrees are kept.
JB_BUILD = LLMCOURSE_STATIC_PROGRESS=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter-book build . \
	--warningiserror --nitpick --keep-going
INSTRUCTORS_OUT := _build/instructors
book: $(STAMP)
	@rm -rf _build/html; start=$$(date +%s); \
	$(JB_BUILD) --toc _toc.yml \
	  && echo "Student edition built in $$(( $$(date +%s) - start )) s: open $(abspath _build/html/index.html)"

book-instructors: $(STAMP)
	@rm -rf $(INSTRUCTORS_OUT)/_build/html; start=$$(date +%s); \
	$(JB_BUILD) --toc _toc_instructors.yml --path-output $(INSTRUCTORS_OUT) \
	  && echo "Instructors' edition built in $$(( $$(date +%s) - start )) s: open $(abspath $(INSTRUCTORS_OUT)/_build/html/index.html)"

# The grading sandbox needs bubblewrap (Debian package); as root we install it, otherwise check.sh says how.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null; } || true
	@sh autograder/sandbox/check.sh

# The browser test (tests/test_browser.py) drives Debian's chromium headless; as root we install
# it, otherwise we say how, and the test fails with the same advice until it is there.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -n "$$CHROMIUM" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; } || \
	  echo "make test: chromium is missing and this user cannot install it: run 'sudo apt-get install chromium'" \
	    "(Ubuntu: 'sudo snap install chromium') or set CHROMIUM=/path/to/chromium; until then the browser test fails"

# REQUIRE_BOOK=1: the tests of the built book fail (elsewhere they skip) when an edition is missing.
test: book book-instructors sandbox chromium
	REQUIRE_BOOK=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

clean-book:
	rm -rf _build

# ---- Instructors: nbgrader's standard commands, run from the course root autograder/ ----
ASSIGNMENTS := $(notdir $(wildcard solutions/*))
# A broken nbgrader_config.py must stop the command, never fall back to nbgrader's unsandboxed defaults.
NBGRADER := cd autograder && TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR=1 PATH="$(abspath $(BIN)):$$PATH" nbgrader

# Every release is generated into a scratch folder first; exercises/ changes only when all of them succeeded.
RELEASE_TMP := autograder/release.tmp
release: $(STAMP)
	@rm -rf $(RELEASE_TMP)
	@( $(NBGRADER) generate_assignment '*' --force --log-level=ERROR \
	    --CourseDirectory.release_directory="$(abspath $(RELEASE_TMP))" ) || { rm -rf $(RELEASE_TMP); \
	  echo "make release: a master could not be converted (see above); exercises/ was not changed"; exit 1; }
	@for a in $(ASSIGNMENTS); do test -f $(RELEASE_TMP)/$$a/$$a.ipynb || { rm -rf $(RELEASE_TMP); \
	  echo "make release: no release was made for $$a; exercises/ was not changed"; exit 1; }; done
	@for a in $(ASSIGNMENTS); do rm -rf exercises/$$a && mv $(RELEASE_TMP)/$$a exercises/$$a && \
	  echo "released $$a -> exercises/$$a/"; done; rm -rf $(RELEASE_TMP)

define need_assignment
	@test -n "$(A)" || { echo "say which assignment: make $@ A=<id>, one of: $(ASSIGNMENTS)"; exit 2; }
	@test -d "solutions/$(A)" || { echo "no assignment '$(A)' in solutions/: one of $(ASSIGNMENTS)"; exit 2; }
endef

# The grading package (autograder/grading/): intake, autograde of what is new or out of date on every core,
# reports; feedback and export refuse grades that are out of date and say what to run.
GRADING := cd autograder && TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR=1 PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/python -m grading

grade: $(STAMP)
	$(need_assignment)
	@sh autograder/sandbox/check.sh
	@$(GRADING) grade $(A) $(if $(FORCE),--force) $(if $(WORKERS),--workers $(WORKERS))

feedback: $(STAMP)
	$(need_assignment)
	@$(GRADING) feedback $(A)

# Only the assignments that have submissions; A=id1,id2 chooses.
grades: $(STAMP)
	@$(GRADING) export $(if $(A),--assignments $(A))

# ---- The course server: JupyterHub (pinned in requirements.txt) and its proxy (pinned in hub/package-lock.json) ----
EXCHANGE ?= /srv/nbgrader/exchange
hub: $(STAMP)
	@test "$$(id -u)" = 0 || { echo "make hub: run it as root on the course server (each user's JupyterLab runs as that user)"; exit 2; }
	@command -v npm >/dev/null || { echo "make hub: install Node.js 20 or newer and npm (Debian: apt-get install nodejs npm)"; exit 2; }
	@test -x hub/node_modules/.bin/configurable-http-proxy || (cd hub && npm ci --no-audit --no-fund)
	@mkdir -p $(EXCHANGE) && chmod 0777 $(EXCHANGE)
	COURSE_EXCHANGE=$(EXCHANGE) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyterhub -f hub/jupyterhub_config.py
