# DigiReady — `make run` and `make test` do all the set-up on a fresh machine.
PY312 := $(shell scripts/find_python.sh 3.12)
PY311 := $(shell scripts/find_python.sh 3.11)
VENV := .venv
VENV311 := .venv311
BIN := $(VENV)/bin
export DIGIREADY_VAR_DIR ?= $(CURDIR)/var
# pytest's own cache and Hypothesis' database stay out of the source tree's root.
PYTEST_FLAGS ?= -q -p no:cacheprovider

.PHONY: run test test-core311 bench lint venv venv311 system-deps clean dist

# Each venv is one side of the Open edX matrix: .venv is Verawood (Python 3.12, XBlock 6,
# Django 5.2, Tutor 22), .venv311 is Ulmo (Python 3.11, XBlock 5, Django 4.2, Tutor 21).
$(BIN)/.installed: setup.py requirements/constraints.txt requirements/verawood.txt
	$(PY312) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt -c requirements/verawood.txt -e '.[all,dev]'
	touch $@

$(VENV311)/bin/.installed: setup.py requirements/constraints.txt requirements/ulmo.txt
	$(PY311) -m venv $(VENV311)
	$(VENV311)/bin/pip install -q --upgrade pip
	$(VENV311)/bin/pip install -q -c requirements/constraints.txt -c requirements/ulmo.txt -e '.[xblock,db,media,dev-core]'
	touch $@

venv: $(BIN)/.installed
venv311: $(VENV311)/bin/.installed

system-deps:
	@scripts/install_system_deps.sh

# The local demo on SQLite: the LTI tool with its built-in LMS, the symposium portal, a mail
# catcher and the mail worker; scripts/run_demo.sh prints every address and the demo login.
run: venv
	BIN=$(BIN) scripts/run_demo.sh

test: venv venv311 system-deps
	$(BIN)/python -m pytest $(PYTEST_FLAGS) tests
	$(MAKE) test-core311

# The core and the XBlocks also run on Python 3.11 (Open edX Ulmo).
test-core311: venv311
	$(VENV311)/bin/python -m pytest $(PYTEST_FLAGS) tests/digiready tests/xblocks

bench: venv
	@mkdir -p benchmarks/results
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Lint only: the code is wrapped by hand (tables of data read better that way), not by a formatter.
lint: venv
	$(BIN)/ruff check .

# What a release ships: the digiready wheel and sdist, and the Tutor plugin's wheel carrying
# that digiready wheel (docs/xblocks.md, "Install").
dist: venv
	$(BIN)/python -m deployment.release dist

clean:
	rm -rf $(VENV) $(VENV311) var build dist *.egg-info
