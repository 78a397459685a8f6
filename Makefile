# The two commands of the README. Each installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: serve test install install-test browser lint

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# Debian's Chromium for the browser tests; never a downloaded browser build.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

serve: install
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered

lint: install-test
	$(BIN)/ruff check .
