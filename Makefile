# The two commands of the README: `make book` and `make test`.  Everything runs in .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# CI and this Makefile pin the CPU build of torch; GPU readers: see README, "Using a GPU".
TORCH  ?= torch==2.13.0
JOBS   ?= 2

# Corpora: $LMKIT_DATA if set, else ../shared/data when it exists (read-only), else the
# cache (~/.cache/lmkit) and, failing that, the canonical download.
ifeq ($(origin LMKIT_DATA),undefined)
ifneq ($(wildcard ../shared/data),)
export LMKIT_DATA := $(abspath ../shared/data)
endif
endif

.PHONY: help book book-check test lab clean clean-outputs
# one target at a time: the pip installs of two extras must not run into one venv at once
.NOTPARALLEL:

help:
	@echo "make book   install, execute every notebook, write _build/html/index.html"
	@echo "make test   install, run the unit tests and nbval over every notebook"
	@echo "make lab    JupyterLab with lmkit importable"
	@echo "make book-check   build the book's structure with -W, notebooks not executed (CI)"
	@echo "make clean-outputs  strip outputs from chapters/*.ipynb before committing"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# One stamp per extra: re-installs when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[$*]"
	touch $@

# Notebooks execute single-threaded unless OMP_NUM_THREADS says otherwise: torch's spinning
# OpenMP threads slow training several times over when another program keeps the cores busy.
book: $(VENV)/.installed-book
	$(BIN)/python tools/cjk_font.py
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=$${MKL_NUM_THREADS:-1} \
	    $(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is in _build/html/index.html"

# The book's structure (toc, cross-references, citations, math) with warnings as errors,
# without executing the notebooks: nbval in `make test` is the execution check.  Unexecuted
# notebooks have no glue data, so missing glue keys are not warnings here (tests/test_prose.py
# checks that every pasted key is glued).
book-check: $(VENV)/.installed-book
	$(BIN)/python tools/cjk_font.py
	mkdir -p _build
	sed -e 's/^\(  *execute_notebooks:\).*/\1 "off"/' \
	    -e 's/^\(  *suppress_warnings: \[\)/\1"mystnb.glue", /' _config.yml > _build/_config.check.yml
	$(BIN)/jupyter-book build . --config _build/_config.check.yml --path-output _build/check -W --keep-going --all

# Each of the $(JOBS) workers runs single-threaded: two processes of two threads each on two
# cores make torch's spinning OpenMP threads fight, and training runs several times slower.
# The chapters record the numbers they set beside published ones in a fresh ledger
# ($(RESULTS)); the reproduction page runs last, and a test checks that no row is missing.
# Chapter 8's small pre-trained models are trained first, two processes at once, into lmkit's
# cache (lmkit.pretrain.recipes); its notebooks then load them instead of each training its own.
# The browser tests (tests/test_browser.py) read the structure-only build of book-check.
RESULTS := _build/test-results
test: $(VENV)/.installed-test book-check
	rm -rf $(RESULTS)
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m lmkit.pretrain.recipes elmo-small & pid=$$!; \
	  OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m lmkit.pretrain.recipes gpt-small bert-small \
	  && wait $$pid
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 LMKIT_RESULTS=$(abspath $(RESULTS)) \
	    $(BIN)/python -m pytest -n $(JOBS) --dist loadfile \
	    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider tests chapters
	LMKIT_RESULTS=$(abspath $(RESULTS)) LMKIT_RESULTS_COMPLETE=1 $(BIN)/python -m pytest \
	    --nbval-lax --nbval-current-env -p no:cacheprovider reproduction.ipynb \
	    tests/test_reference.py

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab chapters

clean-outputs: | $(BIN)/python
	$(BIN)/python tools/clear_outputs.py chapters/*.ipynb

clean:
	rm -rf _build
