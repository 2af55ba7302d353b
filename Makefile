# `make run`: set up and serve the app on http://127.0.0.1:5000 with the demo data.
# `make test`: set up and run every test (browser tests use Debian's Chromium), on SQLite and
#   then on PostgreSQL at $(POSTGRES_TEST_URL) (skipped, saying so, when no server answers there).
# Debian's own python3.11 first, where it can make a venv: a static build that serves the app with
# 5-8 % less CPU per request than a shared-library build such as pyenv's (README, "Two commands").
PYTHON ?= $(shell for p in /usr/bin/python3.11 python3.11 python3; do \
	$$p -c 'import ensurepip' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HTMX := node_modules/htmx.org/dist/htmx.min.js
# A PostgreSQL server the second test run may create databases on (role with CREATEDB).
POSTGRES_TEST_URL ?= postgresql+psycopg://danvan:danvan@127.0.0.1:5432/postgres

.PHONY: setup run test serve clean

setup: $(BIN)/.installed $(HTMX)

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(HTMX): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# The demo lives in its own time: plan 382's year, the day after the annual report fell due.
DEMO_TODAY ?= 2021-12-03

run: setup
	$(BIN)/flask --app app seed-demo --if-empty
	DANVAN_TODAY=$(DEMO_TODAY) $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Production-style serving: one process per core, each an event loop (gevent), because every
# open checklist or province page holds a live-update stream (server-sent events) open.
serve: setup
	$(BIN)/flask --app app db upgrade
	$(BIN)/gunicorn --worker-class gevent --workers $$(nproc) --worker-connections 1000 --bind 127.0.0.1:5000 app:app

test: setup
	$(BIN)/python -m pytest
	TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache
