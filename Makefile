# The two commands of the README. Each installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: serve test install install-test browser lint redflag-model

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The interface's and the answers' translations (translations/<lang>/LC_MESSAGES/messages.po) are
# compiled to .mo at install (never committed); docs/spanish.md says how to add a language.
# The learned red-flag layer is trained from data/redflag_corpus/ at install (not committed), so a
# fresh clone gets a model of the corpus it holds; the build fails if cross-validation misses its targets.
REDFLAG_MODEL := data/redflag_model/manifest.json

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pybabel compile -d translations
	$(MAKE) -s redflag-model

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pybabel compile -d translations
	$(MAKE) -s redflag-model

redflag-model: $(REDFLAG_MODEL)

$(REDFLAG_MODEL): $(wildcard data/redflag_corpus/*.jsonl) data/redflags.toml bot/redflag_model.py bot/redflag_train.py bot/scope.py $(wildcard bot/triage/*.py)
	@if ls data/redflag_corpus/*.jsonl >/dev/null 2>&1; then $(BIN)/clinicbot train-redflags; \
	else echo "no data/redflag_corpus/*.jsonl: the red-flag screen runs on its rules only"; fi

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
