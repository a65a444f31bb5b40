# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup assets translations lint bench

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

# the vendored front-end files are copied once per change of the npm packages (or of the copying),
# so two `make test` running side by side never rewrite them under each other's feet
ASSETS := webui/static/vendor/.installed
$(ASSETS): node_modules/.installed webui/assets.py $(STAMP)
	$(PY) -m webui.assets
	touch $(ASSETS)

assets: $(ASSETS)

setup: $(STAMP) assets

run: setup
	$(PY) app.py

# two pytest-xdist workers, each test handed to whichever is free; the tests of a file that share a module
# fixture (a browser module's served app) stay together (tests/conftest.py); PYTEST_WORKERS=0: one process
PYTEST_WORKERS ?= 2
test: setup
	$(PY) -m playwright --version >/dev/null
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o webui/translations/messages.pot .
	$(VENV)/bin/pybabel update -i webui/translations/messages.pot -d webui/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d webui/translations

lint: $(STAMP)
	$(VENV)/bin/ruff check engine modules rules webui tests app.py

bench: setup
	$(PY) -m tests.bench
